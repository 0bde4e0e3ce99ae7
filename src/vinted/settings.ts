// The vinted module's own settings (read from config.env). This table is the single source for the
// settings table in docs/vinted.md and the README.
import { classLabels, GARMENT_CLASSES } from './vision/classes.ts';
export interface VintedSetting { env: string; default: string; meaning: string }

export const DEFAULT_TITLE_TEMPLATE = '{Catégorie} {Couleur} ({État}) – Taille {Taille}';
// The spec's default description carries one hashtag while its own quality gate asks for 3–5: the
// default here ends with {Hashtags} (category, colours, brand, filled to three). "depuis {Ville}" is a
// section so that it disappears when no city is set.
export const DEFAULT_DESCRIPTION_TEMPLATE =
  '{Catégorie|majuscule} {Couleur}. {État|majuscule}. Envoi rapide{#Ville} depuis {Ville}{/Ville}.\n'
  + 'Photos réelles. Remise possible sur lot. {Hashtags}';

export const DEFAULT_CATEGORIES = [
  't-shirt', 'hoodie', 'sweatshirt', 'joggers', 'jeans', 'pantalon', 'short', 'puffer jacket', 'veste', 'manteau',
  'parka', 'windbreaker', 'chemise', 'polo', 'robe', 'jupe', 'casquette', 'bonnet', 'sneakers', 'chaussures', 'sac',
];

export const DEFAULT_MARKETING_PHRASES = [
  'parfait pour', 'magnifique', 'haute qualité', 'tendance', 'incroyable', 'exceptionnel', 'sublime', 'unique',
  'must have', 'must-have', 'meilleur', 'meilleure', 'le plus', 'la plus', 'top qualité', 'superbe', 'à ne pas rater',
  'affaire en or', 'idéal pour', 'parfaite pour',
];

export const settings = [
  { env: 'BULK_MAX_FILES', default: '500', meaning: 'maximum number of photos per ingest (upload, ZIP or CLI); more is refused with 413' },
  { env: 'BULK_MAX_FILE_MB', default: '40', meaning: 'maximum size of one uploaded photo in MB (a larger file gets a per-file error)' },
  { env: 'BULK_MAX_ZIP_MB', default: '2048', meaning: 'maximum size of an uploaded ZIP in MB (413 above)' },
  { env: 'VISION_BACKEND', default: 'auto', meaning: 'embedding backend: `auto` (CLIP when its files are present, else classic), `clip`, `classic`' },
  { env: 'ATELIER_MODELS_DIR', default: '<data>/models', meaning: 'where CLIP model files are looked for / cached' },
  { env: 'BULK_DUP_HAMMING', default: '5', meaning: 'pHash Hamming distance at or under which two photos are duplicates' },
  { env: 'BULK_CLUSTER_EPS', default: '(pipeline default)', meaning: 'clustering: cosine-distance threshold joining two photos into one article' },
  { env: 'BULK_MIN_SAMPLES', default: '(pipeline default)', meaning: 'clustering: minimum photos per article (1 allows singletons)' },
  { env: 'BULK_MAX_PER_ARTICLE', default: '8', meaning: 'maximum photos per article' },
  { env: 'VINTED_CATEGORIES', default: DEFAULT_CATEGORIES.join(','), meaning: 'comma-separated French category labels for zero-shot recognition (CLIP)' },
  { env: 'VINTED_CLASS_LABELS_JSON', default: '(built in)', meaning: 'French label per class of the shipped garment classifier, e.g. `{"outwear":"manteau","longsleeve":"pull"}` (classes: dress, hat, longsleeve, outwear, pants, shirt, shoes, shorts, skirt, t-shirt)' },
  { env: 'VINTED_CATEGORY_MIN_SCORE', default: '0.5', meaning: 'an article whose best category scores under this (0–1) shows *à choisir* with the top 3 suggestions' },
  { env: 'VINTED_LLM_BASE_URL', default: '(empty: off)', meaning: 'optional vision LLM: base URL of an OpenAI-compatible chat-completions API that accepts images, e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama; loopback needs ATELIER_HTTP_ALLOW_PRIVATE=true); its key goes in the vault (`atelier vinted llm-key`)' },
  { env: 'VINTED_LLM_MODEL', default: '(empty: off)', meaning: 'the vision model name at that endpoint, e.g. `gpt-4o-mini`, `llava`, `pixtral-12b-latest`' },
  { env: 'VINTED_LLM_PRICE_INPUT', default: '0', meaning: 'price in € per million prompt tokens (job cost; 0 for a local model)' },
  { env: 'VINTED_LLM_PRICE_OUTPUT', default: '0', meaning: 'price in € per million completion tokens' },
  { env: 'VINTED_LLM_AUTO', default: 'true', meaning: 'when a vision model is configured, describe every ingested batch in a follow-up job (`false`: only on demand)' },
  { env: 'DEFAULT_PRICE', default: '20', meaning: 'base price in € of an article whose category has no rule' },
  { env: 'PRICE_RULES_JSON', default: '{}', meaning: 'base price per category, e.g. `{"hoodie":25,"t-shirt":10,"jeans":25,"veste":35}`' },
  { env: 'BRAND_TIERS_JSON', default: '(built in)', meaning: 'brand tiers `{"tier":{"min":2,"max":2.5,"brands":["Lacoste","lv=Louis Vuitton"]}}` replacing the built-in premium/luxury/streetwear tiers; brands match on whole words' },
  { env: 'CONDITION_FACTORS_JSON', default: '(built in)', meaning: 'price factor per condition, e.g. `{"Neuf avec étiquette":1.4,"Bon état":1}`' },
  { env: 'MARKETING_PHRASES', default: DEFAULT_MARKETING_PHRASES.slice(0, 4).join('|') + '|…', meaning: '`|`-separated phrases refused by the quality gate (replaces the built-in list)' },
  { env: 'VINTED_CITY', default: '(empty)', meaning: 'city named in descriptions ({Ville}); the sentence is shortened when empty' },
  { env: 'VINTED_TITLE_TEMPLATE', default: DEFAULT_TITLE_TEMPLATE, meaning: 'default title template (`{Variable}`, filters and sections: see docs/vinted.md); editable in the Studio' },
  { env: 'VINTED_DESCRIPTION_TEMPLATE', default: '(see docs)', meaning: 'default description template (`{Variable}`, filters and sections: see docs/vinted.md); editable in the Studio' },
  { env: 'VINTED_DEFAULT_CONDITION', default: 'Bon état', meaning: 'condition used when an article has none' },
  { env: 'VINTED_DEFAULT_SIZE', default: 'Taille non visible', meaning: 'size used when an article has none' },
  { env: 'VINTED_DEFAULT_GENDER', default: 'femmes', meaning: 'Vinted catalog used for articles without one: `femmes` or `hommes`' },
  { env: 'VINTED_BASE_URL', default: 'https://www.vinted.fr', meaning: 'Vinted site the web-session adapter talks to (point it at `atelier vinted fake-server` to try offline)' },
  { env: 'VINTED_PRO_BASE_URL', default: 'https://pro.svc.vinted.com', meaning: 'Vinted Pro Integrations API (sandbox: https://pro-public-sandbox.svc.vinted.com)' },
  { env: 'VINTED_WRITES_PER_HOUR', default: '40', meaning: 'write budget per account and rolling hour (each photo upload is one write); can be lowered per account' },
  { env: 'VINTED_ACTIVE_HOURS', default: '08-22', meaning: 'hours the queue writes in (`HH-HH` or `HH:MM-HH:MM`, VINTED_TIMEZONE); `00-24` = any hour' },
  { env: 'VINTED_TIMEZONE', default: 'Europe/Paris', meaning: 'time zone of VINTED_ACTIVE_HOURS' },
  { env: 'VINTED_WRITE_JITTER', default: '0.2', meaning: 'gap between two writes = 3600/budget s × (1 ± jitter), random' },
  { env: 'VINTED_BACKOFF_BASE_S', default: '30', meaning: 'first retry delay after a 429 without Retry-After, a 5xx or a timeout; doubles at each attempt (≤ 30 min); the circuit breaker pauses 4× as long' },
  { env: 'VINTED_MAX_ATTEMPTS', default: '8', meaning: 'attempts of one article (429, 5xx, timeouts) before it lands in the dead-letter state' },
  { env: 'VINTED_PUBLIC_URL', default: '(ATELIER_URL)', meaning: 'public address of this server, for Vinted Pro: signed photo URLs it fetches and the webhook it calls' },
  { env: 'VINTED_PHOTO_URL_TTL', default: '86400', meaning: 'lifetime in seconds of the signed photo URLs given to Vinted Pro' },
  { env: 'VINTED_QUEUE_CRON', default: '*/5 * * * *', meaning: 'when the publish queues are checked for work left (a publish also starts its queue at once)' },
  { env: 'VINTED_SYNC_CRON', default: '23 * * * *', meaning: 'when every connected account\'s wardrobe is read back from Vinted' },
  { env: 'VINTED_CATALOGUE_MAX_AGE_DAYS', default: '7', meaning: 'Vinted\'s catalogue is refreshed from the account before a publish when older than this' },
  { env: 'VINTED_INBOX_CRON', default: '*/10 * * * *', meaning: 'when buyer messages and offers are read from Vinted (web accounts), and automatic replies sent' },
  { env: 'VINTED_WEBHOOK_TIMEOUT_MS', default: '10000', meaning: 'outgoing webhooks: how long a receiver has to answer before the attempt counts as failed' },
  { env: 'VINTED_WEBHOOK_MAX_ATTEMPTS', default: '10', meaning: 'outgoing webhooks and e-mails: attempts before a delivery is given up (it can still be replayed from the UI)' },
  { env: 'VINTED_WEBHOOK_BACKOFF_S', default: '30', meaning: 'outgoing webhooks and e-mails: first retry delay, doubling at each attempt (at most 6 h)' },
  { env: 'VINTED_DELIVERY_POLL_MS', default: '2000', meaning: 'how often a process with workers looks for new events to notify, e-mail and send to webhooks' },
  { env: 'VINTED_PURGE_ENABLED', default: 'false', meaning: 'purge for real on schedule (until then, and until switched on in the UI after a dry-run count, the scheduled purge only counts)' },
  { env: 'VINTED_PURGE_CRON', default: '41 3 * * *', meaning: 'when the Studio\'s purge runs (drafts, abandoned batches, temporary files, job logs)' },
  { env: 'VINTED_PURGE_DRAFTS_DAYS', default: '30', meaning: 'a batch with drafted listings of which nothing was ever queued or published, untouched this many days, is deleted with its photos' },
  { env: 'VINTED_PURGE_ABANDONED_DAYS', default: '30', meaning: 'a batch that never got a plan (or whose analysis failed), untouched this many days, is deleted with its photos; so is a vinted/<job>/ photo folder without a batch' },
  { env: 'VINTED_PURGE_TEMP_DAYS', default: '7', meaning: 'temporary files (upload staging, analysis checkpoints) older than this are deleted' },
  { env: 'VINTED_QUOTA_ARTICLES_PER_MONTH', default: '0', meaning: 'default limit of articles a user may queue for publishing per calendar month (0: unlimited); an admin sets each user\'s own' },
  { env: 'VINTED_QUOTA_ACCOUNTS', default: '0', meaning: 'default limit of Vinted accounts a user may connect (0: unlimited)' },
  { env: 'VINTED_QUOTA_STORAGE_MB', default: '0', meaning: 'default limit of photo storage per user in MB (0: unlimited); a new batch is refused above it' },
  { env: 'VINTED_PURGE_LOGS_DAYS', default: '90', meaning: 'log lines of the Studio\'s jobs finished longer ago than this are deleted (the jobs stay listed)' },
  { env: 'VINTED_PURGE_NOTIFICATIONS_DAYS', default: '30', meaning: 'in-app notifications read longer ago than this are deleted (unread ones stay)' },
  { env: 'VINTED_PURGE_DELIVERIES_DAYS', default: '90', meaning: 'webhook and e-mail deliveries finished (delivered or given up) longer ago than this are deleted with their attempt log; pending ones stay' },
  { env: 'VINTED_PURGE_EVENTS_DAYS', default: '90', meaning: 'events older than this leave the outbox once every channel (notifications, e-mail, webhooks) is past them and no delivery names them' },
] as const satisfies readonly VintedSetting[];

export interface BrandTier { name: string; min: number; max: number; brands: { alias: string; brand: string }[] }

export interface VintedSettings {
  maxFiles: number;
  maxFileBytes: number;
  maxZipBytes: number;
  backend: 'auto' | 'clip' | 'classic';
  modelsDir: string;
  dupHamming: number;
  clusterEps?: number;
  minSamples?: number;
  maxPerArticle: number;
  categories: string[];
  classLabels: Record<string, string>;
  categoryMinScore: number;
  llm: { baseUrl: string; model: string; priceInput: number; priceOutput: number; auto: boolean };
  defaultPrice: number;
  priceRules: Record<string, number>;
  brandTiers: BrandTier[];
  conditionFactors: Record<string, number>;
  marketingPhrases: string[];
  city: string;
  titleTemplate: string;
  descriptionTemplate: string;
  defaultCondition: string;
  defaultSize: string;
  defaultGender: 'femmes' | 'hommes';
  publish: PublishSettings;
  purge: { enabled: boolean; cron: string; draftsDays: number; abandonedDays: number; tempDays: number; logsDays: number; notificationsDays: number; deliveriesDays: number; eventsDays: number };
  quota: { articlesPerMonth: number; accounts: number; storageMb: number };
}

export interface PublishSettings {
  baseUrl: string;
  proBaseUrl: string;
  writesPerHour: number;
  activeHours: { from: number; to: number };
  activeHoursText: string;
  timezone: string;
  jitter: number;
  maxAttempts: number;
  backoffBaseMs: number;
  publicUrl: string | null;
  photoUrlTtl: number;
  queueCron: string;
  syncCron: string;
  catalogueMaxAgeDays: number;
}

/** "08-22", "8:30-22", "00-24" → minutes since midnight [from, to). */
export function parseActiveHours(v: string): { from: number; to: number } {
  const m = /^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$/.exec(v);
  if (!m) throw new Error(`VINTED_ACTIVE_HOURS must look like 08-22 or 08:30-21:45, got "${v}"`);
  const from = Number(m[1]) * 60 + Number(m[2] ?? 0);
  const to = Number(m[3]) * 60 + Number(m[4] ?? 0);
  if (from > 24 * 60 || to > 24 * 60 || from === to) throw new Error(`VINTED_ACTIVE_HOURS: "${v}" is not a range of hours within a day`);
  return { from, to };
}

function readPublish(env: Record<string, string | undefined>): PublishSettings {
  const url = (name: string, v: string | undefined, d: string) => {
    const u = (v || d).replace(/\/+$/, '');
    try {
      new URL(u);
    } catch {
      throw new Error(`${name} must be a URL, got "${v}"`);
    }
    return u;
  };
  const activeHoursText = env.VINTED_ACTIVE_HOURS || '08-22';
  const timezone = env.VINTED_TIMEZONE || 'Europe/Paris';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new Error(`VINTED_TIMEZONE: unknown time zone "${timezone}"`);
  }
  const jitter = num('VINTED_WRITE_JITTER', env.VINTED_WRITE_JITTER, 0.2, 0);
  if (jitter >= 1) throw new Error('VINTED_WRITE_JITTER must be below 1');
  return {
    baseUrl: url('VINTED_BASE_URL', env.VINTED_BASE_URL, 'https://www.vinted.fr'),
    proBaseUrl: url('VINTED_PRO_BASE_URL', env.VINTED_PRO_BASE_URL, 'https://pro.svc.vinted.com'),
    writesPerHour: num('VINTED_WRITES_PER_HOUR', env.VINTED_WRITES_PER_HOUR, 40, 1),
    activeHours: parseActiveHours(activeHoursText),
    activeHoursText,
    timezone,
    jitter,
    maxAttempts: num('VINTED_MAX_ATTEMPTS', env.VINTED_MAX_ATTEMPTS, 8, 1),
    backoffBaseMs: num('VINTED_BACKOFF_BASE_S', env.VINTED_BACKOFF_BASE_S, 30, 0) * 1000,
    publicUrl: env.VINTED_PUBLIC_URL ? url('VINTED_PUBLIC_URL', env.VINTED_PUBLIC_URL, '') : env.ATELIER_URL ? url('ATELIER_URL', env.ATELIER_URL, '') : null,
    photoUrlTtl: num('VINTED_PHOTO_URL_TTL', env.VINTED_PHOTO_URL_TTL, 86400, 60),
    queueCron: env.VINTED_QUEUE_CRON || '*/5 * * * *',
    syncCron: env.VINTED_SYNC_CRON || '23 * * * *',
    catalogueMaxAgeDays: num('VINTED_CATALOGUE_MAX_AGE_DAYS', env.VINTED_CATALOGUE_MAX_AGE_DAYS, 7, 0),
  };
}

/** "lv=Louis Vuitton" → alias lv for Louis Vuitton; "Lacoste" → itself. */
function brandEntry(s: string): { alias: string; brand: string } {
  const i = s.indexOf('=');
  return i > 0 ? { alias: s.slice(0, i).trim(), brand: s.slice(i + 1).trim() } : { alias: s.trim(), brand: s.trim() };
}

export const DEFAULT_BRAND_TIERS: BrandTier[] = [
  {
    name: 'premium', min: 2.0, max: 2.5,
    brands: ['Ralph Lauren', 'Polo Ralph Lauren=Ralph Lauren', 'Karl Lagerfeld', 'Diesel', 'Tommy Hilfiger', 'Hilfiger=Tommy Hilfiger',
      'Lacoste', 'Hugo Boss', 'Boss=Hugo Boss'].map(brandEntry),
  },
  {
    name: 'luxury', min: 3.0, max: 5.0,
    brands: ['Burberry', 'Dior', 'Christian Dior=Dior', 'Gucci', 'Louis Vuitton', 'LV=Louis Vuitton', 'Prada'].map(brandEntry),
  },
  {
    name: 'streetwear', min: 2.5, max: 3.5,
    brands: ['Fear of God Essentials', 'Fear of God=Fear of God Essentials', 'FOG Essentials=Fear of God Essentials', 'Supreme',
      'Off-White', 'Off White=Off-White', 'Offwhite=Off-White'].map(brandEntry),
  },
];

export const DEFAULT_CONDITION_FACTORS: Record<string, number> = {
  'Neuf avec étiquette': 1.4,
  'Neuf sans étiquette': 1.25,
  'Très bon état': 1.1,
  'Bon état': 1.0,
  'Satisfaisant': 0.7,
};

function num(name: string, v: string | undefined, d: number, min = -Infinity): number {
  if (v === undefined || v.trim() === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got "${v}"`);
  return n;
}

function json<T>(name: string, v: string | undefined, d: T): T {
  if (v === undefined || v.trim() === '') return d;
  try {
    return JSON.parse(v) as T;
  } catch (e) {
    throw new Error(`${name} is not valid JSON: ${(e as Error).message}`);
  }
}

function readBaseUrl(v: string | undefined): string {
  const t = (v ?? '').trim();
  if (!t) return '';
  let u: URL;
  try { u = new URL(t); } catch { throw new Error(`VINTED_LLM_BASE_URL is not a URL: "${t}"`); }
  if (!['http:', 'https:'].includes(u.protocol)) throw new Error('VINTED_LLM_BASE_URL must be http(s)');
  if (u.username || u.password) throw new Error('VINTED_LLM_BASE_URL must not hold credentials: put the key in the vault (atelier vinted llm-key)');
  return t.replace(/\/+$/, '');
}

function readClassLabels(v: string | undefined): Record<string, string> {
  const given = json<Record<string, unknown>>('VINTED_CLASS_LABELS_JSON', v, {});
  for (const [k, label] of Object.entries(given)) {
    if (!(GARMENT_CLASSES as readonly string[]).includes(k)) throw new Error(`VINTED_CLASS_LABELS_JSON: unknown class "${k}" (classes: ${GARMENT_CLASSES.join(', ')})`);
    if (typeof label !== 'string' || !label.trim()) throw new Error(`VINTED_CLASS_LABELS_JSON: the label of "${k}" must be a non-empty string`);
  }
  return classLabels(given as Record<string, string>);
}

export function readSettings(env: Record<string, string | undefined>, dataDir = './data'): VintedSettings {
  const backend = (env.VISION_BACKEND || 'auto').toLowerCase();
  if (!['auto', 'clip', 'classic'].includes(backend)) throw new Error(`VISION_BACKEND must be auto, clip or classic, got "${backend}"`);
  const priceRules = json<Record<string, number>>('PRICE_RULES_JSON', env.PRICE_RULES_JSON, {});
  for (const [k, v] of Object.entries(priceRules)) {
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`PRICE_RULES_JSON: price of "${k}" must be a positive number`);
  }
  const tiersRaw = json<Record<string, { min: number; max: number; brands: string[] }> | null>('BRAND_TIERS_JSON', env.BRAND_TIERS_JSON, null);
  const brandTiers = tiersRaw
    ? Object.entries(tiersRaw).map(([name, t]) => {
      if (!(t.min > 0) || !(t.max >= t.min) || !Array.isArray(t.brands)) throw new Error(`BRAND_TIERS_JSON: tier "${name}" needs min > 0, max ≥ min and brands[]`);
      return { name, min: t.min, max: t.max, brands: t.brands.map(brandEntry) };
    })
    : DEFAULT_BRAND_TIERS;
  const conditionFactors = json<Record<string, number>>('CONDITION_FACTORS_JSON', env.CONDITION_FACTORS_JSON, DEFAULT_CONDITION_FACTORS);
  const opt = (name: string) => (env[name] && env[name]!.trim() !== '' ? num(name, env[name], 0, 0) : undefined);
  return {
    maxFiles: num('BULK_MAX_FILES', env.BULK_MAX_FILES, 500, 1),
    maxFileBytes: num('BULK_MAX_FILE_MB', env.BULK_MAX_FILE_MB, 40, 0) * 1024 * 1024,
    maxZipBytes: num('BULK_MAX_ZIP_MB', env.BULK_MAX_ZIP_MB, 2048, 0) * 1024 * 1024,
    backend: backend as VintedSettings['backend'],
    modelsDir: env.ATELIER_MODELS_DIR || `${dataDir}/models`,
    dupHamming: num('BULK_DUP_HAMMING', env.BULK_DUP_HAMMING, 5, 0),
    clusterEps: opt('BULK_CLUSTER_EPS'),
    minSamples: opt('BULK_MIN_SAMPLES'),
    maxPerArticle: num('BULK_MAX_PER_ARTICLE', env.BULK_MAX_PER_ARTICLE, 8, 1),
    categories: env.VINTED_CATEGORIES ? env.VINTED_CATEGORIES.split(',').map((s) => s.trim()).filter(Boolean) : DEFAULT_CATEGORIES,
    classLabels: readClassLabels(env.VINTED_CLASS_LABELS_JSON),
    categoryMinScore: num('VINTED_CATEGORY_MIN_SCORE', env.VINTED_CATEGORY_MIN_SCORE, 0.5, 0),
    llm: {
      baseUrl: readBaseUrl(env.VINTED_LLM_BASE_URL),
      model: (env.VINTED_LLM_MODEL ?? '').trim(),
      priceInput: num('VINTED_LLM_PRICE_INPUT', env.VINTED_LLM_PRICE_INPUT, 0, 0),
      priceOutput: num('VINTED_LLM_PRICE_OUTPUT', env.VINTED_LLM_PRICE_OUTPUT, 0, 0),
      auto: !/^(false|0|no|off)$/i.test((env.VINTED_LLM_AUTO ?? '').trim()),
    },
    defaultPrice: num('DEFAULT_PRICE', env.DEFAULT_PRICE, 20, 0),
    priceRules,
    brandTiers,
    conditionFactors,
    marketingPhrases: env.MARKETING_PHRASES ? env.MARKETING_PHRASES.split('|').map((s) => s.trim()).filter(Boolean) : DEFAULT_MARKETING_PHRASES,
    city: env.VINTED_CITY || '',
    titleTemplate: env.VINTED_TITLE_TEMPLATE || DEFAULT_TITLE_TEMPLATE,
    descriptionTemplate: env.VINTED_DESCRIPTION_TEMPLATE || DEFAULT_DESCRIPTION_TEMPLATE,
    defaultCondition: env.VINTED_DEFAULT_CONDITION || 'Bon état',
    defaultSize: env.VINTED_DEFAULT_SIZE || 'Taille non visible',
    defaultGender: (() => {
      const g = (env.VINTED_DEFAULT_GENDER || 'femmes').toLowerCase();
      if (g !== 'femmes' && g !== 'hommes') throw new Error(`VINTED_DEFAULT_GENDER must be femmes or hommes, got "${g}"`);
      return g;
    })(),
    publish: readPublish(env),
    purge: {
      enabled: /^(true|1|yes|on)$/i.test((env.VINTED_PURGE_ENABLED ?? '').trim()),
      cron: env.VINTED_PURGE_CRON || '41 3 * * *',
      draftsDays: num('VINTED_PURGE_DRAFTS_DAYS', env.VINTED_PURGE_DRAFTS_DAYS, 30, 1),
      abandonedDays: num('VINTED_PURGE_ABANDONED_DAYS', env.VINTED_PURGE_ABANDONED_DAYS, 30, 1),
      tempDays: num('VINTED_PURGE_TEMP_DAYS', env.VINTED_PURGE_TEMP_DAYS, 7, 1),
      logsDays: num('VINTED_PURGE_LOGS_DAYS', env.VINTED_PURGE_LOGS_DAYS, 90, 1),
      notificationsDays: num('VINTED_PURGE_NOTIFICATIONS_DAYS', env.VINTED_PURGE_NOTIFICATIONS_DAYS, 30, 1),
      deliveriesDays: num('VINTED_PURGE_DELIVERIES_DAYS', env.VINTED_PURGE_DELIVERIES_DAYS, 90, 1),
      eventsDays: num('VINTED_PURGE_EVENTS_DAYS', env.VINTED_PURGE_EVENTS_DAYS, 90, 1),
    },
    quota: {
      articlesPerMonth: num('VINTED_QUOTA_ARTICLES_PER_MONTH', env.VINTED_QUOTA_ARTICLES_PER_MONTH, 0, 0),
      accounts: num('VINTED_QUOTA_ACCOUNTS', env.VINTED_QUOTA_ACCOUNTS, 0, 0),
      storageMb: num('VINTED_QUOTA_STORAGE_MB', env.VINTED_QUOTA_STORAGE_MB, 0, 0),
    },
  };
}
