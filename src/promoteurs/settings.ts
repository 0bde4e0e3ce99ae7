// The promoteurs module's own settings, read from config.env. This table is the single source of the
// settings table in docs/promoteurs.md (and the README's, through the module).
import type { Config } from '../core/config.ts';

export const settings = [
  { env: 'PROMOTEURS_CRON', default: '0 1 * * 0', meaning: 'cron of the scheduled scrape (UTC); ticks closer than PROMOTEURS_MIN_INTERVAL_DAYS to the last scheduled run are skipped, so the default runs every other Sunday at 01:00' },
  { env: 'PROMOTEURS_MIN_INTERVAL_DAYS', default: '13', meaning: 'a scheduled tick is skipped when the last scheduled run started less than this many days ago (turns a weekly cron into a fortnightly run); 0 disables' },
  { env: 'PROMOTEURS_SCHEDULE', default: 'true', meaning: 'set false to disable the scheduled scrape' },
  { env: 'PROMOTEURS_TIME_SCALE', default: '1', meaning: 'multiplies every politeness delay, retry backoff (10/30/60 s), Retry-After wait and the image interval; tests and benchmarks use a tiny value' },
  { env: 'PROMOTEURS_RETRY_DELAYS', default: '10,30,60', meaning: 'seconds to wait before retry 1, 2, 3 of a page (network error, timeout, 429, 5xx); a larger Retry-After wins' },
  { env: 'PROMOTEURS_SOURCE_TIMEOUT_MIN', default: '240', meaning: 'a source whose crawl exceeds this many minutes is stopped and counted incomplete (nothing marked sold)' },
  { env: 'PROMOTEURS_DETAIL_MAX_AGE_DAYS', default: '28', meaning: 'an unchanged programme\'s detail page is fetched again when its last fetch is older than this' },
  { env: 'PROMOTEURS_DROP_THRESHOLD', default: '0.3', meaning: 'a source run finding more than this fraction fewer programmes than its last healthy run is abnormal: nothing is marked sold and an alert is raised' },
  { env: 'PROMOTEURS_ERROR_ALERT_RATE', default: '0.3', meaning: 'an alert is sent when the errors of a run exceed this fraction of the pages it tried' },
  { env: 'PROMOTEURS_SOURCE_URLS', default: '(unset)', meaning: 'override of sources\' base URLs, "nexity=http://127.0.0.1:4010,bouygues=…" (local fakes, staging mirrors)' },
  { env: 'PROMOTEURS_ROBOTS', default: 'true', meaning: 'obey robots.txt (set false only for a site that gave written permission)' },
  { env: 'PROMOTEURS_BROWSER_PATH', default: '/usr/bin/chromium', meaning: 'chromium used by sources with fetch.engine "browser" (playwright-core)' },
  { env: 'PROMOTEURS_IMAGES_PER_MIN', default: '30', meaning: 'image downloads per minute, all sources together (before PROMOTEURS_TIME_SCALE)' },
  { env: 'PROMOTEURS_ESPOCRM_URL', default: '(unset)', meaning: 'EspoCRM base URL (e.g. https://crm.example.fr); unset = no CRM sink. The API key is read from the vault entry promoteurs.espocrm.apiKey (`atelier promoteurs espocrm set-key`) or PROMOTEURS_ESPOCRM_API_KEY' },
  { env: 'PROMOTEURS_ESPOCRM_API_KEY', default: '(unset)', meaning: 'EspoCRM API key when not stored in the vault (it is moved into the vault at start and never logged)' },
  { env: 'PROMOTEURS_ESPOCRM_MIN_INTERVAL_MS', default: '100', meaning: 'minimum time between two EspoCRM requests (EspoCRM has no server-side rate limit)' },
  { env: 'PROMOTEURS_ALERT_SMTP_URL', default: '(unset)', meaning: 'SMTP server for alert emails, e.g. smtp://user:pass@mail.example.fr:587' },
  { env: 'PROMOTEURS_ALERT_EMAIL_TO', default: '(unset)', meaning: 'recipients of alert emails (comma-separated)' },
  { env: 'PROMOTEURS_ALERT_EMAIL_FROM', default: 'atelier@localhost', meaning: 'sender of alert emails' },
  { env: 'PROMOTEURS_ALERT_WEBHOOK_URL', default: '(unset)', meaning: 'URL receiving a JSON POST for each alert' },
] as const;

export interface PromoteursSettings {
  cron: string;
  minIntervalDays: number;
  schedule: boolean;
  timeScale: number;
  retryDelaysSec: number[];
  sourceTimeoutMs: number;
  detailMaxAgeDays: number;
  dropThreshold: number;
  errorAlertRate: number;
  sourceUrls: Record<string, string>;
  robots: boolean;
  browserPath: string;
  imagesPerMin: number;
  espo: { url: string | undefined; apiKeyEnv: string | undefined; minIntervalMs: number };
  alerts: { smtpUrl: string | undefined; to: string[]; from: string; webhookUrl: string | undefined };
}

function num(name: string, v: string | undefined, d: number): number {
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

export function readSettings(config: Pick<Config, 'env'>): PromoteursSettings {
  const e = config.env;
  const sourceUrls: Record<string, string> = {};
  for (const part of (e.PROMOTEURS_SOURCE_URLS || '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`PROMOTEURS_SOURCE_URLS: expected key=url, got "${part}"`);
    sourceUrls[part.slice(0, i).trim()] = part.slice(i + 1).trim().replace(/\/+$/, '');
  }
  const delays = (e.PROMOTEURS_RETRY_DELAYS || '10,30,60').split(',').map((s) => num('PROMOTEURS_RETRY_DELAYS', s.trim(), 0));
  return {
    cron: e.PROMOTEURS_CRON || '0 1 * * 0',
    minIntervalDays: num('PROMOTEURS_MIN_INTERVAL_DAYS', e.PROMOTEURS_MIN_INTERVAL_DAYS, 13),
    schedule: !['0', 'false', 'no', 'off'].includes((e.PROMOTEURS_SCHEDULE || 'true').toLowerCase()),
    timeScale: num('PROMOTEURS_TIME_SCALE', e.PROMOTEURS_TIME_SCALE, 1),
    retryDelaysSec: delays,
    sourceTimeoutMs: num('PROMOTEURS_SOURCE_TIMEOUT_MIN', e.PROMOTEURS_SOURCE_TIMEOUT_MIN, 240) * 60_000,
    detailMaxAgeDays: num('PROMOTEURS_DETAIL_MAX_AGE_DAYS', e.PROMOTEURS_DETAIL_MAX_AGE_DAYS, 28),
    dropThreshold: num('PROMOTEURS_DROP_THRESHOLD', e.PROMOTEURS_DROP_THRESHOLD, 0.3),
    errorAlertRate: num('PROMOTEURS_ERROR_ALERT_RATE', e.PROMOTEURS_ERROR_ALERT_RATE, 0.3),
    sourceUrls,
    robots: !['0', 'false', 'no', 'off'].includes((e.PROMOTEURS_ROBOTS || 'true').toLowerCase()),
    browserPath: e.PROMOTEURS_BROWSER_PATH || '/usr/bin/chromium',
    imagesPerMin: num('PROMOTEURS_IMAGES_PER_MIN', e.PROMOTEURS_IMAGES_PER_MIN, 30) || 30,
    espo: {
      url: e.PROMOTEURS_ESPOCRM_URL ? e.PROMOTEURS_ESPOCRM_URL.replace(/\/+$/, '') : undefined,
      apiKeyEnv: e.PROMOTEURS_ESPOCRM_API_KEY || undefined,
      minIntervalMs: num('PROMOTEURS_ESPOCRM_MIN_INTERVAL_MS', e.PROMOTEURS_ESPOCRM_MIN_INTERVAL_MS, 100),
    },
    alerts: {
      smtpUrl: e.PROMOTEURS_ALERT_SMTP_URL || undefined,
      to: (e.PROMOTEURS_ALERT_EMAIL_TO || '').split(',').map((s) => s.trim()).filter(Boolean),
      from: e.PROMOTEURS_ALERT_EMAIL_FROM || 'atelier@localhost',
      webhookUrl: e.PROMOTEURS_ALERT_WEBHOOK_URL || undefined,
    },
  };
}
