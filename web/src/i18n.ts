// Tiny i18n: French by default, English available. The chosen language is kept in localStorage.
//
// Module pages register their own strings under their own prefix, e.g. in
// web/src/modules/vinted/i18n.ts:
//
//   import { registerStrings } from '../../i18n.ts';
//   registerStrings('vinted', {
//     fr: { title: 'Studio', photos: '{count} photos' },
//     en: { title: 'Studio', photos: '{count} photos' },
//   });
//
// and in a component: `const { t } = useI18n(); t('vinted.photos', { count: 3 })`.
// A missing key falls back to French, then to the key itself (so a gap shows, never crashes).
import { useSyncExternalStore } from 'react';

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];
export type Strings = Record<string, string>;
export type Vars = Record<string, string | number>;

const STORAGE_KEY = 'atelier.lang';
const dicts: Record<Lang, Strings> = { fr: {}, en: {} };
const listeners = new Set<() => void>();
let version = 0;

function initialLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // storage disabled (private mode): French default
  }
  return 'fr';
}

let current: Lang = initialLang();
if (typeof document !== 'undefined') document.documentElement.lang = current;

function emit(): void {
  version++;
  for (const l of listeners) l();
}

/** Adds strings under `prefix.` (pass '' for the shell's own keys). Later registrations win. */
export function registerStrings(prefix: string, strings: Partial<Record<Lang, Strings>>): void {
  const p = prefix ? `${prefix}.` : '';
  for (const lang of LANGS) {
    for (const [k, v] of Object.entries(strings[lang] ?? {})) dicts[lang][p + k] = v;
  }
  emit();
}

/** Whether `key` has a text (in French, the reference language). */
export function hasString(key: string): boolean {
  return key in dicts.fr;
}

/**
 * A job log line in the user's language: the server gives lines a code (data.code, e.g.
 * 'job.requeued_on_shutdown') and their values in data; `log.<code>` (core) or
 * `<module>.log.<code>` words it. A value that is itself a coded message ({code, params}, e.g. a
 * refused photo's reason 'refused.corrupt') is worded from `<module>.<code>`. Lines without a
 * known code show as the server wrote them.
 */
export function logText(e: { message: string | null; data: Record<string, unknown> | null }, module?: string, lang: Lang = current): string {
  const code = e.data?.code;
  if (typeof code !== 'string') return e.message ?? '';
  const key = [`log.${code}`, module ? `${module}.log.${code}` : ''].find((k) => k && hasString(k));
  if (!key) return e.message ?? '';
  const vars: Vars = {};
  for (const [k, v] of Object.entries(e.data ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
    else if (v && typeof v === 'object' && typeof (v as { code?: unknown }).code === 'string' && module) {
      const inner = v as { code: string; params?: Vars };
      if (hasString(`${module}.${inner.code}`)) vars[k] = t(`${module}.${inner.code}`, inner.params, lang);
    }
  }
  if (typeof vars.size === 'number') vars.size = formatBytes(vars.size, lang);
  return t(key, vars, lang);
}

/** Every key registered for `lang` (tests check both languages have the same ones). */
export function registeredKeys(lang: Lang): string[] {
  return Object.keys(dicts[lang]).sort();
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted; still switches for this tab
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  emit();
}

/**
 * Translates `key`, replacing `{name}` with vars.name. Usable outside React (current language).
 * Plurals: when vars.count (or vars.n) is a number, the variant `key#one` / `key#few`… chosen by
 * Intl.PluralRules wins over `key` (the "other" form), e.g. 'photos#one': '{count} photo'.
 */
export function t(key: string, vars?: Vars, lang: Lang = current): string {
  const count = vars?.count ?? vars?.n;
  const form = typeof count === 'number' ? `${key}#${pluralRules(lang).select(count)}` : undefined;
  const s = (form ? dicts[lang][form] : undefined) ?? dicts[lang][key] ?? (form ? dicts.fr[form] : undefined) ?? dicts.fr[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Picks the right variant of a {fr, en} object, e.g. a module title from GET /api/modules. */
export function pick(text: Partial<Record<Lang, string>> | undefined, lang: Lang = current): string {
  return text?.[lang] ?? text?.fr ?? text?.en ?? '';
}

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/** Re-renders the component when the language changes or new strings are registered. */
export function useI18n(): {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: string, vars?: Vars) => string;
  pick: (text: Partial<Record<Lang, string>> | undefined) => string;
  formatDate: (d: string | number | Date | null | undefined) => string;
  formatNumber: (n: number) => string;
  formatBytes: (n: number) => string;
  formatTime: (d: string | number | Date) => string;
} {
  useSyncExternalStore(subscribe, () => version);
  const lang = current;
  return {
    lang,
    setLang,
    t: (key, vars) => t(key, vars, lang),
    pick: (text) => pick(text, lang),
    formatDate: (d) => formatDate(d, lang),
    formatNumber: (n) => formatNumber(n, lang),
    formatBytes: (n) => formatBytes(n, lang),
    formatTime: (d) => formatTime(d, lang),
  };
}

const locales: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };
const plurals = new Map<Lang, Intl.PluralRules>();
function pluralRules(lang: Lang): Intl.PluralRules {
  let r = plurals.get(lang);
  if (!r) plurals.set(lang, (r = new Intl.PluralRules(locales[lang])));
  return r;
}

/** The BCP 47 locale of a UI language (for the rare Intl call a helper here does not cover). */
export function localeOf(lang: Lang = current): string {
  return locales[lang];
}

/** Time of day with seconds ("12:24:52"), for log lines. */
export function formatTime(d: string | number | Date, lang: Lang = current): string {
  const date = d instanceof Date ? d : new Date(d);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locales[lang], { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
}

// One unit system for sizes everywhere: decimal (1 ko = 1000 octets), as the units' names say.
const BYTE_UNITS: Record<Lang, string[]> = { fr: ['o', 'ko', 'Mo', 'Go', 'To'], en: ['B', 'KB', 'MB', 'GB', 'TB'] };

/** "1,5 Mo" / "1.5 MB". */
export function formatBytes(n: number, lang: Lang = current): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let v = n;
  let i = 0;
  while (v >= 1000 && i < BYTE_UNITS[lang].length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 ? 0 : v < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(locales[lang], { maximumFractionDigits: digits }).format(v)} ${BYTE_UNITS[lang][i]}`;
}

export function formatDate(d: string | number | Date | null | undefined, lang: Lang = current): string {
  if (d === null || d === undefined || d === '') return '—';
  const date = d instanceof Date ? d : new Date(d);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locales[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatNumber(n: number, lang: Lang = current): string {
  return new Intl.NumberFormat(locales[lang]).format(n);
}

/** "3 min 20 s" style duration between two instants (or until now when `to` is missing). */
export function formatDuration(ms: number, lang: Lang = current): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return lang === 'fr' ? `${h} h ${String(m % 60).padStart(2, '0')}` : `${h} h ${m % 60} min`;
}
