// Delivery texts ("4ème trim. 2027", "1er semestre 2027", "Livraison prévue fin 2026", "2025-09-30" …)
// → a comparable date: the LAST day of the period named, so that "delivered" means "the whole
// announced period is over". Unknown texts give {date: null}: the caller keeps those programmes.
import { fold, stripTags } from './text.ts';

export interface ParsedDelivery {
  /** ISO date "YYYY-MM-DD", end of the period; null when unknown or already delivered without date */
  date: string | null;
  /** "day" | "month" | "quarter" | "semester" | "season" | "year" | "delivered" | "unknown" */
  precision: 'day' | 'month' | 'quarter' | 'semester' | 'season' | 'year' | 'delivered' | 'unknown';
  /** the text says the programme is already finished ("Disponible immédiatement", "Livré") */
  delivered: boolean;
}

const UNKNOWN: ParsedDelivery = { date: null, precision: 'unknown', delivered: false };

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function endOfMonth(y: number, m: number): string {
  return iso(y, m, new Date(Date.UTC(y, m, 0)).getUTCDate());
}
function year(s: string): number {
  const n = Number(s);
  return s.length === 2 ? 2000 + n : n;
}
function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const MONTHS: Record<string, number> = {
  janvier: 1, janv: 1, jan: 1, fevrier: 2, fevr: 2, fev: 2, mars: 3, avril: 4, avr: 4, mai: 5, juin: 6,
  juillet: 7, juil: 7, aout: 8, septembre: 9, sept: 9, sep: 9, octobre: 10, oct: 10, novembre: 11, nov: 11,
  decembre: 12, dec: 12,
};
const MONTH_RE = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
// Quarter ordinals: "1er", "1re", "1ère", "2e", "2eme", "2ème", "2nd", "2d", "4E" (folded to lowercase, no accents)
const ORD = '([1-4])\\s*(?:er|re|ere|nd|d|e|eme|ieme|°)?';
const YEAR = '((?:19|20)\\d{2}|\\d{2}(?![\\d/]))';

export function parseDelivery(input: string | null | undefined): ParsedDelivery {
  if (!input) return UNKNOWN;
  // "4<sup>e</sup> trimestre 2025" as found in Nexity's state; then lowercase without accents
  const s = fold(stripTags(String(input))).replace(/\s*\.\s*/g, '. ');
  if (!s) return UNKNOWN;

  if (/\b(disponible|livr\w*|emmenag\w*|habitable)\s+(immediatement|immediate|immediat|de suite|tout de suite)\b|\bimmediatement disponible\b|\bcles en main\b|\bdeja livre|\b(programme|residence)\s+livree?\b|^livree?s?$|\blivraison (effectuee|achevee|realisee)\b/.test(s)) {
    return { date: null, precision: 'delivered', delivered: true };
  }

  let m: RegExpExecArray | null;
  // ISO date, possibly with time: 2025-09-30, 2025-09-30T00:00:00
  if ((m = /\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b/.exec(s))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (validDay(y, mo, d)) return { date: iso(y, mo, d), precision: 'day', delivered: false };
  }
  // French date 30/09/2025 or 30.09.2025
  if ((m = /\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d{2})\b/.exec(s))) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (validDay(y, mo, d)) return { date: iso(y, mo, d), precision: 'day', delivered: false };
  }
  // month/year: 09/2026
  if ((m = /\b(\d{1,2})\/((?:19|20)\d{2})\b/.exec(s))) {
    const mo = Number(m[1]);
    if (mo >= 1 && mo <= 12) return { date: endOfMonth(Number(m[2]), mo), precision: 'month', delivered: false };
  }
  // quarter: "4eme trim. 2027", "4e trimestre 2027", "1er trimestre 2026", "T2 2026", "Q3 2026", "3T 2026", "trimestre 3 2026"
  if (
    (m = new RegExp(`\\b${ORD}\\s*trim(?:estre|\\.)?\\s*(?:de\\s+|en\\s+)?${YEAR}`).exec(s)) ??
    (m = new RegExp(`\\b[tq]\\s?([1-4])\\s*[-/ ]?\\s*${YEAR}`).exec(s)) ??
    (m = new RegExp(`\\b([1-4])\\s?t\\s*[-/ ]?\\s*${YEAR}`).exec(s)) ??
    (m = new RegExp(`\\btrim(?:estre|\\.)?\\s*([1-4])\\s*[-/ ]?\\s*${YEAR}`).exec(s))
  ) {
    const q = Number(m[1]);
    return { date: endOfMonth(year(m[2]), q * 3), precision: 'quarter', delivered: false };
  }
  // semester: "1er semestre 2027", "2nd semestre 2026", "S1 2027"
  if (
    (m = new RegExp(`\\b([12])\\s*(?:er|re|ere|nd|d|e|eme|ieme)?\\s*sem(?:estre|\\.)?\\s*(?:de\\s+|en\\s+)?${YEAR}`).exec(s)) ??
    (m = new RegExp(`\\bs\\s?([12])\\s*[-/ ]?\\s*${YEAR}`).exec(s))
  ) {
    const h = Number(m[1]);
    return { date: endOfMonth(year(m[2]), h * 6), precision: 'semester', delivered: false };
  }
  // "premier/second semestre 2027"
  if ((m = new RegExp(`\\b(premier|second|deuxieme)\\s+semestre\\s*(?:de\\s+|en\\s+)?${YEAR}`).exec(s))) {
    const h = m[1] === 'premier' ? 1 : 2;
    return { date: endOfMonth(year(m[2]), h * 6), precision: 'semester', delivered: false };
  }
  // "premier/deuxième/troisième/quatrième trimestre 2027"
  if ((m = new RegExp(`\\b(premier|deuxieme|second|troisieme|quatrieme|dernier)\\s+trim(?:estre|\\.)?\\s*(?:de\\s+|en\\s+)?${YEAR}`).exec(s))) {
    const q = { premier: 1, deuxieme: 2, second: 2, troisieme: 3, quatrieme: 4, dernier: 4 }[m[1]] ?? 4;
    return { date: endOfMonth(year(m[2]), q * 3), precision: 'quarter', delivered: false };
  }
  // month + year: "septembre 2026", "sept. 2026", "fin mars 2027"
  if ((m = new RegExp(`\\b(${MONTH_RE})\\.?\\s*(?:de\\s+)?((?:19|20)\\d{2})\\b`).exec(s))) {
    return { date: endOfMonth(Number(m[2]), MONTHS[m[1]]), precision: 'month', delivered: false };
  }
  // seasons (end of the astronomical season; winter Y runs into Y+1)
  if ((m = /\b(printemps|ete|automne|hiver)\s*(?:de\s+|en\s+)?((?:19|20)\d{2})\b/.exec(s))) {
    const y = Number(m[2]);
    const date = { printemps: iso(y, 6, 20), ete: iso(y, 9, 22), automne: iso(y, 12, 21), hiver: iso(y + 1, 3, 20) }[m[1]] ?? null;
    return { date, precision: 'season', delivered: false };
  }
  // "début 2027" → end of Q1, "mi-2027" → end of June, "fin 2026" / "courant 2026" / "2026" → 31/12
  if ((m = /\bdebut\s*(?:d'annee\s*|de l'annee\s*)?((?:19|20)\d{2})\b/.exec(s))) {
    return { date: iso(Number(m[1]), 3, 31), precision: 'quarter', delivered: false };
  }
  if ((m = /\bmi[- ]?((?:19|20)\d{2})\b/.exec(s))) {
    return { date: iso(Number(m[1]), 6, 30), precision: 'semester', delivered: false };
  }
  if ((m = /\b((?:19|20)\d{2})\b/.exec(s))) {
    return { date: iso(Number(m[1]), 12, 31), precision: 'year', delivered: false };
  }
  return UNKNOWN;
}

/** Today as "YYYY-MM-DD" in Paris time (what a French operator calls today). */
// one formatter for the process: building an Intl.DateTimeFormat costs ~1 ms, and this runs per programme
const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
export function todayIso(now: Date = new Date()): string {
  return parisDay.format(now);
}
