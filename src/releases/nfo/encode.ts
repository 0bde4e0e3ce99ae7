// NFO/DIZ bytes: CP437 (the DOS code page NFO viewers expect) through iconv-lite; a character
// CP437 lacks is transliterated (é stays é, ’ → ', € → EUR, ŝ → s), and text in another script
// (Japanese, Chinese, Korean, Hebrew, Arabic, Cyrillic, Greek, Devanagari …) is romanised with
// any-ascii exactly as in the release name — never a row of '?' (decision docs/decisions/006).
// The ASCII fallback also maps box drawing and block characters to + - | = #.
import iconv from 'iconv-lite';
import anyAscii from 'any-ascii';

const CP437_CHARS = new Set([...iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), 'cp437')]);

const TRANSLIT: Record<string, string> = {
  '‘': "'", '’': "'", '‚': "'", '‛': "'", '“': '"', '”': '"', '„': '"', '–': '-', '—': '-', '‐': '-', '−': '-',
  '…': '...', '€': 'EUR', '™': '(TM)', '©': '(c)', '®': '(R)', '•': '*', '·': '.', '\u00a0': ' ', '\u202f': ' ',
  'œ': 'oe', 'Œ': 'OE', 'ß': 'ss', 'Ø': 'O', 'ø': 'o', 'ł': 'l', 'Ł': 'L', '×': 'x', '→': '->', '←': '<-',
};

function asciiOf(ch: string): string {
  if (TRANSLIT[ch] !== undefined) return TRANSLIT[ch];
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x2500 && cp <= 0x257f) {
    if ('─━┄┅┈┉╌╍'.includes(ch)) return '-';
    if ('═'.includes(ch)) return '=';
    if ('│┃┆┇┊┋╎╏║'.includes(ch)) return '|';
    return '+';
  }
  if (cp >= 0x2580 && cp <= 0x259f) return '#';
  if (ch === '■' || ch === '▪') return '#';
  const stripped = ch.normalize('NFKD').replace(/\p{M}+/gu, '');
  if (/^[\x20-\x7e]+$/.test(stripped)) return stripped;
  const roman = anyAscii(ch);
  return /^[\x20-\x7e]+$/.test(roman) && roman ? roman : '?';
}

const SCRIPT_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

/**
 * Text in scripts CP437 cannot show, romanised with any-ascii (as the release name is); what CP437
 * has (accents, box drawing, £ …) is left alone. CJK runs get a space on each side so that words
 * do not glue to the Latin text around them.
 */
export function romanizeNonCp437(text: string): string {
  if ([...text].every((ch) => CP437_CHARS.has(ch) || ch === '\n' || ch === '\t' || TRANSLIT[ch] !== undefined)) return text;
  const spaced = text.normalize('NFC').replace(SCRIPT_RUN, (run) => ` ${anyAscii(run)} `).replace(/ {2,}/g, ' ').trim();
  // a word with any letter CP437 lacks is romanised whole (Greek: CP437 has α and δ, not ύ)
  const fits = (ch: string) => CP437_CHARS.has(ch) || TRANSLIT[ch] !== undefined || /\p{Script=Latin}/u.test(ch);
  return spaced.replace(/\S+/g, (word) => ([...word].every(fits) ? word : anyAscii(word)));
}

export interface EncodeResult {
  data: Buffer;
  encoding: 'cp437' | 'ascii';
  /** characters that had to be transliterated or replaced */
  replaced: string[];
}

export function encodeNfo(text: string, encoding: 'cp437' | 'ascii' = 'cp437'): EncodeResult {
  const replaced = new Set<string>();
  let out = '';
  for (const ch of text.normalize('NFC').replace(/\r?\n/g, '\n')) {
    if (ch === '\n') { out += '\r\n'; continue; }
    const ok = encoding === 'cp437' ? CP437_CHARS.has(ch) && ch.charCodeAt(0) >= 0x20 : /^[\x20-\x7e]$/.test(ch);
    if (ok) { out += ch; continue; }
    replaced.add(ch);
    out += asciiOf(ch);
  }
  const data = encoding === 'cp437' ? iconv.encode(out, 'cp437') : Buffer.from(out, 'ascii');
  return { data, encoding, replaced: [...replaced] };
}

/** reads NFO bytes back as text (CP437) */
export function decodeNfo(data: Buffer): string {
  return iconv.decode(data, 'cp437').replace(/\r\n/g, '\n');
}
