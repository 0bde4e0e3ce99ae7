// Release names from metadata, per the spec's grammars:
//   EBOOK  Author.Title.Year[.LANGUAGE].RETAiL|SCAN|HYBRiD[.ePUB|.MOBI|…].eBOOK-GROUP
//          (no language tag for English, no format tag for PDF)
//   DOCS   by analogy (rule set docs-2024): Publisher.Title.Year[.LANGUAGE].RETAiL|SCAN|HYBRiD[.DOCX|.ODT|.RTF|.TXT].DOCS-GROUP
//          (publisher, else author; no format tag for PDF)
//   TV     Show.[YEAR].SxxEyy[.Episode.Title].[TAGS].[LANGUAGE].<RES>.<SOURCE>.<CODEC>-GROUP
// Characters A-Z a-z 0-9 . _ - only, no repeated punctuation, accents transliterated.
import anyAscii from 'any-ascii';
import type { ReleaseMetadata, SourceFormat } from '../metadata/types.ts';
import { languageTag } from '../metadata/language.ts';

export type ReleaseKind = 'EBOOK' | 'DOCS' | 'TV';

export interface NameOptions {
  type: ReleaseKind;
  group: string;
  /** EBOOK/DOCS: RETAiL (default), SCAN or HYBRiD */
  edition?: 'RETAiL' | 'SCAN' | 'HYBRiD';
  /** TV: source tag (WEB, HDTV, BluRay, WEBRip …; default WEB) */
  source?: string;
  /** TV: extra tags (PROPER, REPACK, iNTERNAL, SUBBED …) */
  tags?: string[];
  /** override the language (ISO 639-1); "multi" for MULTi */
  language?: string;
  /** override the year */
  year?: number;
  /** language tags the rule set's grammar accepts; another language is refused with a clear error */
  languages?: readonly string[];
}

export interface NameResult {
  name: string;
  /** the pieces, for the UI's editor */
  parts: Record<string, string | undefined>;
  /** what had to be guessed or dropped */
  warnings: string[];
}

const SPECIAL: Record<string, string> = {
  ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D',
  þ: 'th', Þ: 'Th', ı: 'i', ĸ: 'k', ŋ: 'ng', Ŋ: 'NG', '&': ' and ', '+': ' plus ', '@': ' at ', '½': ' 1 2 ',
};

/**
 * ASCII transliteration: "Misérables" → "Miserables", "Œuvres" → "OEuvres", "Straße" → "Strasse",
 * and every other script through any-ascii (Cyrillic, Greek, Hebrew, Arabic, Devanagari, Hangul,
 * Chinese as pinyin, Japanese kana as rōmaji — kanji get their Chinese reading: readable, not
 * the Japanese reading a dictionary-based reader would give). The original script stays in the NFO.
 */
export function transliterate(s: string): string {
  // NFC, not NFKD + mark stripping: that would drop Devanagari vowel signs and kana voicing (で → て)
  const latin = [...s.normalize('NFC')].map((ch) => SPECIAL[ch] ?? ch).join('');
  // CJK syllables come out glued ("WuBeihaMaodearu"): a space between scripts keeps words apart
  return anyAscii(latin.replace(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)/gu, ' $1 '));
}

/** one name segment: words joined by dots, only [A-Za-z0-9], apostrophes dropped ("Don't" → "Dont") */
export function segment(s: string | undefined, opts: { capitalize?: boolean } = {}): string {
  if (!s) return '';
  const words = transliterate(s)
    .replace(/['’‘`´]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w) => (opts.capitalize !== false ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join('.');
}

/** cleans a user-typed name: transliterates, maps spaces and forbidden characters to dots, collapses runs of punctuation */
export function cleanName(name: string): string {
  let n = transliterate(name).replace(/['’‘`´]/g, '').replace(/[^A-Za-z0-9._-]+/g, '.');
  n = n.replace(/([._-])[._-]+/g, (m, first: string) => (m.includes('-') ? '-' : first));
  return n.replace(/^[._-]+|[._-]+$/g, '');
}

const FORMAT_TAG: Partial<Record<SourceFormat, string>> = {
  EPUB: 'ePUB', MOBI: 'MOBI', AZW3: 'AZW3', CBZ: 'CBZ', DOCX: 'DOCX', ODT: 'ODT', RTF: 'RTF', TXT: 'TXT',
};

function groupTag(group: string): string {
  const g = transliterate(group).replace(/[^A-Za-z0-9_]/g, '').replace(/_+/g, '_').replace(/^_|_$/g, '');
  if (!g) throw new Error(`group "${group}" has no usable character (A-Z a-z 0-9 _)`);
  return g;
}

function languagePart(md: ReleaseMetadata, override?: string, allowed?: readonly string[]): string | undefined {
  const lang = override ?? md.language;
  const tag = lang === 'multi' ? 'MULTi' : languageTag(lang);
  if (tag && allowed && !allowed.includes(tag)) {
    throw new Error(`language "${lang}" (${tag}) is not one the rule set's names allow (${allowed.join(', ')}): choose one with --language or edit the metadata`);
  }
  return tag;
}

/** "Victor Hugo" → "Victor.Hugo"; several authors: the first one (the NFO lists them all) */
function authorPart(md: ReleaseMetadata, warnings: string[], docs: boolean): string {
  const a = docs ? md.publisher ?? md.author ?? md.authors?.[0] : md.author ?? md.authors?.[0] ?? md.publisher;
  const what = docs ? 'publisher' : 'author';
  if (!a) { warnings.push(`no ${what} in the metadata: "Anonymous" used`); return 'Anonymous'; }
  return segment(a) || 'Anonymous';
}

function yearPart(md: ReleaseMetadata, opts: NameOptions, warnings: string[]): string {
  const y = opts.year ?? md.year;
  if (y && y >= 1500 && y <= 2199) {
    const from = opts.year ? undefined : md.extra?.dateFrom;
    if (from && /modif/.test(from)) warnings.push(`the year ${y} comes from the file's modification date (${from}), not a publication date: check it`);
    return String(y);
  }
  if (y) throw new Error(`year ${y} is outside 1500–2199: fix the date in the metadata`);
  // never silently: the warning is logged on the job, shown by the wizard and the CLI
  const now = new Date().getUTCFullYear();
  warnings.push(`no date in the metadata (no dc:date, dcterms:date or publication date): ${now} used — set the year in the metadata`);
  return String(now);
}

function tvCodec(md: ReleaseMetadata, source: string): string {
  const v = md.video;
  const codec = (v?.videoCodec ?? '').toUpperCase();
  const web = /^WEB(-?DL)?$/i.test(source);
  if (codec === 'HEVC') return web ? 'H265' : 'x265';
  if (codec === 'AVC') return web ? 'H264' : 'x264';
  if (codec === 'AV1') return 'AV1';
  if (codec.includes('MPEG-4')) return 'XviD';
  if (codec === 'VP9') return 'VP9';
  return web ? 'H264' : 'x264';
}

export function buildReleaseName(md: ReleaseMetadata, opts: NameOptions): NameResult {
  const warnings: string[] = [];
  const group = groupTag(opts.group);
  let parts: Record<string, string | undefined>;
  if (opts.type === 'TV') {
    const show = segment(md.show ?? md.title);
    if (!show) throw new Error('no show name: the file name has no "Show.SxxEyy" pattern and the metadata no title; set it in the metadata');
    if (md.season === undefined || md.episode === undefined) throw new Error('no season/episode: name the file "Show.S01E02…" or set season and episode in the metadata');
    const source = opts.source ?? 'WEB';
    const multiLang = new Set((md.video?.audio ?? []).map((a) => a.language).filter(Boolean));
    const lang = opts.language ? languagePart(md, opts.language, opts.languages) : multiLang.size > 1 ? 'MULTi' : languagePart(md, undefined, opts.languages);
    if (!md.video) warnings.push('no video metadata: resolution and codec guessed');
    parts = {
      show,
      year: md.year && opts.year !== 0 ? String(opts.year ?? md.year) : undefined,
      episode: `S${String(md.season).padStart(2, '0')}E${String(md.episode).padStart(2, '0')}`,
      episodeTitle: segment(md.episodeTitle) || undefined,
      tags: (opts.tags ?? []).map((t) => segment(t, { capitalize: false })).filter(Boolean).join('.') || undefined,
      language: lang,
      resolution: md.video?.resolution ?? '720p',
      source: segment(source, { capitalize: false }),
      codec: tvCodec(md, source),
      group,
    };
    const body = [parts.show, parts.year, parts.episode, parts.episodeTitle, parts.tags, parts.language, parts.resolution, parts.source, parts.codec].filter(Boolean).join('.');
    return { name: `${body}-${group}`, parts, warnings };
  }
  const title = segment(md.title);
  if (!title) throw new Error('no title in the metadata: set one before naming the release');
  const format = md.format === 'PDF' ? undefined : FORMAT_TAG[md.format];
  const docs = opts.type === 'DOCS';
  // the key is the grammar's group name (author / publisher): the validator pins it (validateName parts)
  parts = {
    [docs ? 'publisher' : 'author']: authorPart(md, warnings, docs),
    title,
    year: yearPart(md, opts, warnings),
    language: languagePart(md, opts.language, opts.languages),
    edition: opts.edition ?? 'RETAiL',
    format,
    kind: opts.type === 'EBOOK' ? 'eBOOK' : 'DOCS',
    group,
  };
  const body = [parts.author ?? parts.publisher, parts.title, parts.year, parts.language, parts.edition, parts.format, parts.kind].filter(Boolean).join('.');
  return { name: `${body}-${group}`, parts, warnings };
}

/** checks a name with the spec's character rules (the rule set's validator does the full grammar) */
export function nameProblems(name: string): string[] {
  const out: string[] = [];
  const bad = [...new Set(name.replace(/[A-Za-z0-9._-]/g, ''))];
  if (bad.length) out.push(`forbidden characters: ${bad.map((c) => JSON.stringify(c)).join(' ')} (allowed: A-Z a-z 0-9 . _ -)`);
  if (/[._-]{2,}/.test(name)) out.push('repeated punctuation');
  if (/^[._-]|[._-]$/.test(name)) out.push('starts or ends with punctuation');
  return out;
}

/** 8.3 stem for ZIP volume names (≤ 6 chars, room for 2 digits): group initials + title initials, lowercase ("grplm") */
export function zipBaseName(name: string, group: string): string {
  const g = group.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 3);
  const words = name.replace(/-[^-]+$/, '').split('.').filter((w) => /^[A-Za-z]/.test(w));
  const initials = words.map((w) => w[0]!.toLowerCase()).join('');
  return `${g}${initials}`.slice(0, 6) || 'rel';
}
