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

/** Translates `key`, replacing `{name}` with vars.name. Usable outside React (current language). */
export function t(key: string, vars?: Vars, lang: Lang = current): string {
  const s = dicts[lang][key] ?? dicts.fr[key] ?? key;
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
  };
}

const locales: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

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
