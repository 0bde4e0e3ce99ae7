// What a label's OCR text says: the brand (matched against a brand list, tolerant of OCR slips) and
// the size (letter sizes, FR/EU/UK/US numbers, W/L for jeans, shoe sizes), each as ranked
// suggestions with a 0–1 confidence.
import { fold } from '../listings/text.ts';

export interface LabelWord { text: string; confidence: number } // tesseract confidence 0–100
export interface Found { value: string; score: number }

/** Brands the label reader knows besides the price tiers' (common on Vinted FR); the seller's tiers are added. */
export const COMMON_BRANDS = [
  'Zara', 'H&M', 'Nike', 'Adidas', "Levi's", 'Uniqlo', 'Mango', 'Kiabi', 'Jules', 'Celio', 'Promod', 'Pimkie', 'Bershka', 'Pull&Bear',
  'Stradivarius', 'Primark', 'Decathlon', 'Puma', 'Lacoste', 'Ralph Lauren', 'Tommy Hilfiger', 'Calvin Klein', 'The North Face',
  'Carhartt', 'Vans', 'Converse', 'New Balance', 'Reebok', 'Asics', 'Sézane', 'Petit Bateau', 'Okaïdi', "Tape à l'œil", 'Vertbaudet',
  'Cyrillus', 'Naf Naf', 'Etam', 'Camaïeu', 'Jennyfer', 'Kookaï', 'Maje', 'Sandro', 'The Kooples', 'Comptoir des Cotonniers', 'Gap',
  'Esprit', 'C&A', 'Benetton', 'Superdry', 'Jack & Jones', 'Only', 'Vero Moda', 'Desigual', 'Guess', 'Armani', 'Hugo Boss', 'Diesel',
  'G-Star', 'Lee', 'Wrangler', 'Dr. Martens', 'Timberland', 'Quiksilver', 'Billabong', 'Patagonia', 'Columbia', 'Kaporal',
  'Le Coq Sportif', 'Kappa', 'Fila', 'Champion', 'Napapijri', 'Schott', 'Teddy Smith', 'IKKS', 'Bonobo', 'Devred', 'Brice', 'Gémo',
  'Monoprix', 'Damart', 'Burberry', 'Dior', 'Gucci', 'Louis Vuitton', 'Prada', 'Karl Lagerfeld', 'Massimo Dutti', 'COS', '& Other Stories',
  'Arket', 'Weekday', 'Monki', 'Asos', 'Boohoo', 'Shein', 'Morgan', 'Caroll', 'Galeries Lafayette', 'Springfield', 'Salomon', 'Quechua',
  'Kalenji', 'Domyos', 'Oxbow', 'Rip Curl', 'Element', 'Volcom', 'Dickies', 'Stüssy', 'Supreme', 'Off-White', 'Fear of God Essentials',
  'Moncler', 'Canada Goose', 'Stone Island', 'Fred Perry', 'Ellesse', 'Umbro', 'Le Temps des Cerises', 'Sergent Major', 'Jacadi',
  'Du Pareil au Même', 'Catimini', 'Bonpoint', 'Zadig & Voltaire', 'American Vintage', 'Claudie Pierlot', 'Ba&sh', 'Mim', 'Tex',
];

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

const squash = (s: string) => fold(s).replace(/ /g, '');

/**
 * Brands found in the words: every run of 1–4 consecutive words (with and without spaces) against
 * every brand; short brands must match exactly, longer ones tolerate one slip per 5 letters.
 * Score = similarity × the words' mean OCR confidence.
 */
export function findBrands(words: LabelWord[], brands: string[]): Found[] {
  const toks = words.map((w) => ({ f: squash(w.text), c: Math.max(0, Math.min(100, w.confidence)) / 100 })).filter((t) => t.f);
  const best = new Map<string, number>();
  const known = [...new Map(brands.map((b) => [squash(b), b])).entries()].filter(([k]) => k.length >= 2);
  for (let i = 0; i < toks.length; i++) {
    let joined = '', conf = 0;
    for (let n = 1; n <= 4 && i + n <= toks.length; n++) {
      joined += toks[i + n - 1]!.f;
      conf += toks[i + n - 1]!.c;
      for (const [key, brand] of known) {
        if (Math.abs(key.length - joined.length) > 2) continue;
        const d = editDistance(key, joined);
        const allowed = key.length <= 3 ? 0 : Math.floor(key.length / 5);
        if (d > allowed) continue;
        const score = (1 - d / Math.max(key.length, joined.length)) * (conf / n);
        if (score > (best.get(brand) ?? 0)) best.set(brand, score);
      }
    }
  }
  return [...best.entries()].map(([value, score]) => ({ value, score: Math.round(score * 1000) / 1000 })).sort((a, b) => b.score - a.score);
}

const LETTER = '(?:XXXS|XXS|XS|S|M|L|XL|XXL|XXXL|2XL|3XL|4XL|5XL|TU)';

/**
 * Sizes found in the text, best first. Letter sizes and prefixed numbers ("TAILLE 38", "EU 40",
 * "W32 L34") rank above a bare number; OCR confusions of O/0 and I/1 next to digits are undone.
 */
export function findSizes(text: string, confidence = 90): Found[] {
  const up = ` ${text.toUpperCase().replace(/(?<=\d)[O](?=\d|\b)/g, '0')} `;
  const c = Math.max(0, Math.min(100, confidence)) / 100;
  const out = new Map<string, number>();
  const add = (v: string, w: number) => { const s = Math.round(w * c * 1000) / 1000; if (s > (out.get(v) ?? 0)) out.set(v, s); };
  let m: RegExpExecArray | null;
  // jeans: W32 L34, W32/L34, 32/34 with W/L words around
  // (OCR often reads the L of "L34" as [, |, I or 1: "W30 130")
  const wl = /\bW\s?(2[2-9]|3\d|4[0-4])\s*[/,-]?\s*[L[|I1]\s?(2[6-9]|3[0-8])\b/g;
  while ((m = wl.exec(up))) add(`W${m[1]} L${m[2]}`, 1);
  const wOnly = /\bW\s?(2[2-9]|3\d|4[0-4])\b/g;
  while ((m = wOnly.exec(up))) add(`W${m[1]}`, 0.7);
  // letter sizes: after a size word, or standing alone between separators
  const lw = new RegExp(`(?:TAILLE|SIZE|TALLA|TAGLIA|GR(?:Ö|O)SSE|T\\.|TG)\\s*[:.]?\\s*(${LETTER})(?![A-Z0-9])`, 'g');
  while ((m = lw.exec(up))) add(m[1]!, 1);
  const alone = new RegExp(`(?<=[\\s/,;:()|\\-])(${LETTER})(?=[\\s/,;:()|\\-])`, 'g');
  // a letter size on its own ranks above the numbers printed next to it ("M / EU 40 / UK 12")
  while ((m = alone.exec(up))) add(m[1]!, 0.92);
  // numbers with a system: FR/EU/EUR 38, UK 10, US 8, IT 44, D 38
  const sys = /\b(FR|EU|EUR|F|UK|GB|US|USA|IT|I|D|DE)\s*[:.]?\s*(\d{1,2}(?:[.,]5|\s?1\/2)?)\b/g;
  while ((m = sys.exec(up))) {
    const n = m[2]!.replace(',', '.').replace(/\s?1\/2/, '.5');
    const system = ['FR', 'EU', 'EUR', 'F'].includes(m[1]!) ? '' : ['UK', 'GB'].includes(m[1]!) ? 'UK ' : ['US', 'USA'].includes(m[1]!) ? 'US ' : ['IT', 'I'].includes(m[1]!) ? 'IT ' : 'DE ';
    add(`${system}${n}`, system === '' ? 0.88 : 0.7);
  }
  const tn = /(?:TAILLE|SIZE|T\.|TG)\s*[:.]?\s*(\d{2}(?:[.,]5)?)\b/g;
  while ((m = tn.exec(up))) add(m[1]!.replace(',', '.'), 0.88);
  // a bare even number in the clothing range, standing alone (weak)
  const bare = /(?<=[\s/|])(3[2-9]|4\d|5[0-6])(?=[\s/|])/g;
  while ((m = bare.exec(up))) add(m[1]!, 0.4);
  // kids: 8 ans, 10A, 12 mois
  const kids = /\b(\d{1,2})\s?(ANS|A|MOIS|M)\b/g;
  while ((m = kids.exec(up))) if (!(m[2] === 'M' && Number(m[1]) > 36)) add(`${m[1]} ${m[2].startsWith('M') ? 'mois' : 'ans'}`, 0.7);
  return [...out.entries()].map(([value, score]) => ({ value, score })).sort((a, b) => b.score - a.score);
}
