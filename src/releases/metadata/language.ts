// Language codes as found in files (ISO 639-1/2, English or native names, locale tags like "fr-FR")
// normalised to ISO 639-1, and the scene tag the naming grammar uses (none for English).

interface Lang { code: string; tag: string; names: string[]; iso3: string[] }

const LANGS: Lang[] = [
  { code: 'en', tag: 'ENGLISH', names: ['english', 'anglais'], iso3: ['eng'] },
  { code: 'fr', tag: 'FRENCH', names: ['french', 'francais', 'français'], iso3: ['fre', 'fra'] },
  { code: 'de', tag: 'GERMAN', names: ['german', 'deutsch', 'allemand'], iso3: ['ger', 'deu'] },
  { code: 'es', tag: 'SPANISH', names: ['spanish', 'espanol', 'español', 'espagnol'], iso3: ['spa'] },
  { code: 'it', tag: 'ITALIAN', names: ['italian', 'italiano', 'italien'], iso3: ['ita'] },
  { code: 'nl', tag: 'DUTCH', names: ['dutch', 'nederlands', 'néerlandais'], iso3: ['dut', 'nld'] },
  { code: 'pt', tag: 'PORTUGUESE', names: ['portuguese', 'portugues', 'português', 'portugais'], iso3: ['por'] },
  { code: 'sv', tag: 'SWEDISH', names: ['swedish', 'svenska', 'suédois'], iso3: ['swe'] },
  { code: 'da', tag: 'DANISH', names: ['danish', 'dansk', 'danois'], iso3: ['dan'] },
  { code: 'no', tag: 'NORWEGIAN', names: ['norwegian', 'norsk', 'norvégien'], iso3: ['nor', 'nob', 'nno'] },
  { code: 'fi', tag: 'FINNISH', names: ['finnish', 'suomi', 'finnois'], iso3: ['fin'] },
  { code: 'pl', tag: 'POLISH', names: ['polish', 'polski', 'polonais'], iso3: ['pol'] },
  { code: 'cs', tag: 'CZECH', names: ['czech', 'čeština', 'tchèque'], iso3: ['cze', 'ces'] },
  { code: 'hu', tag: 'HUNGARIAN', names: ['hungarian', 'magyar', 'hongrois'], iso3: ['hun'] },
  { code: 'ru', tag: 'RUSSIAN', names: ['russian', 'русский', 'russe'], iso3: ['rus'] },
  { code: 'ja', tag: 'JAPANESE', names: ['japanese', '日本語', 'japonais'], iso3: ['jpn'] },
  { code: 'zh', tag: 'CHINESE', names: ['chinese', '中文', 'chinois'], iso3: ['chi', 'zho'] },
  { code: 'ko', tag: 'KOREAN', names: ['korean', '한국어', 'coréen'], iso3: ['kor'] },
  { code: 'tr', tag: 'TURKISH', names: ['turkish', 'türkçe', 'turc'], iso3: ['tur'] },
  { code: 'el', tag: 'GREEK', names: ['greek', 'ελληνικά', 'grec'], iso3: ['gre', 'ell'] },
  { code: 'ar', tag: 'ARABIC', names: ['arabic', 'arabe'], iso3: ['ara'] },
  { code: 'he', tag: 'HEBREW', names: ['hebrew', 'hébreu'], iso3: ['heb'] },
  { code: 'ro', tag: 'ROMANIAN', names: ['romanian', 'română', 'roumain'], iso3: ['rum', 'ron'] },
  { code: 'la', tag: 'LATIN', names: ['latin'], iso3: ['lat'] },
  { code: 'sa', tag: 'SANSKRIT', names: ['sanskrit', 'संस्कृतम्'], iso3: ['san'] },
  { code: 'hi', tag: 'HINDI', names: ['hindi', 'हिन्दी'], iso3: ['hin'] },
  { code: 'uk', tag: 'UKRAINIAN', names: ['ukrainian', 'українська', 'ukrainien'], iso3: ['ukr'] },
  { code: 'fa', tag: 'PERSIAN', names: ['persian', 'farsi', 'persan'], iso3: ['per', 'fas'] },
  { code: 'ca', tag: 'CATALAN', names: ['catalan', 'català'], iso3: ['cat'] },
  { code: 'bg', tag: 'BULGARIAN', names: ['bulgarian', 'български', 'bulgare'], iso3: ['bul'] },
  { code: 'hr', tag: 'CROATIAN', names: ['croatian', 'hrvatski', 'croate'], iso3: ['hrv'] },
  { code: 'sr', tag: 'SERBIAN', names: ['serbian', 'српски', 'serbe'], iso3: ['srp'] },
  { code: 'sk', tag: 'SLOVAK', names: ['slovak', 'slovenčina', 'slovaque'], iso3: ['slo', 'slk'] },
  { code: 'sl', tag: 'SLOVENIAN', names: ['slovenian', 'slovenščina', 'slovène'], iso3: ['slv'] },
  { code: 'th', tag: 'THAI', names: ['thai', 'ไทย', 'thaï'], iso3: ['tha'] },
  { code: 'vi', tag: 'VIETNAMESE', names: ['vietnamese', 'tiếng việt', 'vietnamien'], iso3: ['vie'] },
  { code: 'id', tag: 'INDONESIAN', names: ['indonesian', 'bahasa indonesia', 'indonésien'], iso3: ['ind'] },
  { code: 'bn', tag: 'BENGALI', names: ['bengali', 'বাংলা'], iso3: ['ben'] },
  { code: 'ta', tag: 'TAMIL', names: ['tamil', 'தமிழ்'], iso3: ['tam'] },
];

/** ISO 639-1 code for whatever a file says, or undefined when unknown. */
export function normalizeLanguage(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const v = String(value).trim().toLowerCase();
  if (!v || v === 'und' || v === 'n/a') return undefined;
  const primary = v.split(/[-_]/)[0];
  for (const l of LANGS) {
    if (primary === l.code || l.iso3.includes(primary) || l.names.includes(v)) return l.code;
  }
  return /^[a-z]{2}$/.test(primary) ? primary : undefined;
}

/** Scene language tag ("FRENCH"); undefined for English, which carries no tag. */
export function languageTag(code: string | undefined): string | undefined {
  if (!code || code === 'en') return undefined;
  const l = LANGS.find((x) => x.code === code);
  return l ? l.tag : code.toUpperCase();
}

/** Human name in English for NFOs ("French"). */
export function languageName(code: string | undefined): string | undefined {
  if (!code) return undefined;
  const l = LANGS.find((x) => x.code === code);
  if (!l) return code;
  return l.tag.charAt(0) + l.tag.slice(1).toLowerCase();
}

/** Windows LCID (MOBI header locale, low byte = primary language id) to ISO 639-1. */
export function lcidToLanguage(lcid: number): string | undefined {
  const map: Record<number, string> = {
    0x09: 'en', 0x0c: 'fr', 0x07: 'de', 0x0a: 'es', 0x10: 'it', 0x13: 'nl', 0x16: 'pt', 0x1d: 'sv',
    0x06: 'da', 0x14: 'no', 0x0b: 'fi', 0x15: 'pl', 0x05: 'cs', 0x0e: 'hu', 0x19: 'ru', 0x11: 'ja',
    0x04: 'zh', 0x12: 'ko', 0x1f: 'tr', 0x08: 'el', 0x01: 'ar', 0x0d: 'he', 0x18: 'ro',
  };
  return map[lcid & 0xff];
}

/** every scene tag this module can write (the rule sets list the ones their grammar accepts) */
export const LANGUAGE_TAGS: string[] = LANGS.filter((l) => l.code !== 'en').map((l) => l.tag);
