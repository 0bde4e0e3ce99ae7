// Parser of the national "zonage ABC" CSV published on data.gouv.fr by the housing ministry
// (DHUP), dataset "Liste des communes selon le zonage ABC". Known shapes:
//   CODGEO;LIBGEO;DEP;Zonage ABC en vigueur depuis le 26 juin 2026      (2026, UTF-8 with BOM)
//   CODGEO;LIBGEO;Zonage en vigueur depuis le 5 septembre 2025           (2025)
//   code_commune,nom_commune,zone / "Code INSEE";"Commune";"Zone ABC"   (reformatted copies)
// Separators ; , or TAB; optional quotes; values "Abis", "A bis", "A", "B1", "B2", "C".
// The zone column's name carries the vintage, so columns are found by pattern, not by name.
// Paris, Lyon and Marseille appear as whole communes (75056, 69123, 13055): their arrondissements
// inherit the commune's zone in the city lookup.
import type { ZoneAbc } from '../types.ts';
import { fold } from '../parse/text.ts';

export interface ZonageRow {
  codeInsee: string;
  nom: string;
  zone: ZoneAbc;
}
export interface ZonageParseResult {
  rows: ZonageRow[];
  /** one message per rejected line ("line 12: unknown zone \"Z\""); the other lines are kept */
  errors: string[];
  columns: { code: string; nom: string | null; zone: string };
}

/** "Abis" | "A bis" | "A_bis" | "zone A bis" | "a-bis" | "B1" … → ZoneAbc; null when unknown. */
export function normalizeZone(value: string | null | undefined): ZoneAbc | null {
  const v = fold(value ?? '').replace(/^zone\s*/, '').replace(/[\s_\-.]+/g, '');
  switch (v) {
    case 'abis': case 'a+': case 'aplus': return 'A_bis';
    case 'a': return 'A';
    case 'b1': return 'B1';
    case 'b2': return 'B2';
    case 'c': return 'C';
    default: return null;
  }
}

/** Decodes a CSV file: UTF-8 (BOM stripped) unless it is not valid UTF-8, then Windows-1252/Latin-1. */
export function decodeCsv(data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}

function detectSeparator(header: string): string {
  const counts = [';', ',', '\t', '|'].map((c) => [c, header.split(c).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ';';
}

/** Splits one CSV line honouring double quotes ("a;b" stays one cell, "" is a quote). */
function splitLine(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep).map((x) => x.trim());
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === sep) { out.push(cur.trim()); cur = ''; }
    else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function findColumn(headers: string[], patterns: RegExp[], exclude: number[] = []): number {
  for (const re of patterns) {
    const i = headers.findIndex((h, idx) => !exclude.includes(idx) && re.test(h));
    if (i >= 0) return i;
  }
  return -1;
}

/** Detailed parse: rows, per-line errors, and which columns were used. Throws only when no
 *  code or zone column can be found (the file is not a zonage CSV at all). */
export function parseZonageCsvDetailed(input: string | Uint8Array): ZonageParseResult {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeCsv(input);
  const lines = text.split(/\r\n|\n|\r/);
  let h = 0;
  while (h < lines.length && !lines[h].trim()) h++;
  if (h >= lines.length) throw new Error('zonage CSV: empty file');
  const sep = detectSeparator(lines[h]);
  const rawHeaders = splitLine(lines[h], sep);
  const headers = rawHeaders.map((x) => fold(x));
  const iCode = findColumn(headers, [/^codgeo/, /^(code[ _]?)?insee/, /^code[ _]?(commune|com)\b/, /^(insee|com|depcom|code)$/]);
  const iZone = findColumn(headers, [/zonage.*vigueur/, /^zon(e|age)[ _]?abc/, /^zon(e|age)\b/, /zone/], [iCode]);
  const iNom = findColumn(headers, [/^libgeo/, /^(nom|libelle)[ _]?(de[ _]la[ _])?(commune|com)/, /^(nom|libelle|commune|ville)$/, /nom|libel/], [iCode, iZone]);
  if (iCode < 0 || iZone < 0) {
    throw new Error(`zonage CSV: cannot find the ${iCode < 0 ? 'INSEE code' : 'zone'} column among [${rawHeaders.join(', ')}]`);
  }
  const rows: ZonageRow[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const cells = splitLine(line, sep);
    let code = (cells[iCode] ?? '').toUpperCase();
    // spreadsheets drop leading zeros: "1001" → "01001"
    if (/^\d{4}$/.test(code)) code = '0' + code;
    if (!/^(\d{5}|2[AB]\d{3})$/.test(code)) {
      errors.push(`line ${i + 1}: invalid INSEE code "${cells[iCode] ?? ''}"`);
      continue;
    }
    const zone = normalizeZone(cells[iZone]);
    if (!zone) {
      errors.push(`line ${i + 1}: unknown zone "${cells[iZone] ?? ''}" for ${code}`);
      continue;
    }
    if (seen.has(code)) {
      errors.push(`line ${i + 1}: duplicate INSEE code ${code} (first kept)`);
      continue;
    }
    seen.add(code);
    rows.push({ codeInsee: code, nom: iNom >= 0 ? (cells[iNom] ?? '') : '', zone });
  }
  return { rows, errors, columns: { code: rawHeaders[iCode], nom: iNom >= 0 ? rawHeaders[iNom] : null, zone: rawHeaders[iZone] } };
}

/** {codeInsee, nom, zone}[] of the file; malformed lines are skipped (see parseZonageCsvDetailed). */
export function parseZonageCsv(text: string | Uint8Array): ZonageRow[] {
  return parseZonageCsvDetailed(text).rows;
}
