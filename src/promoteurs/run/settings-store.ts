// Settings edited in the web app (promoteurs.settings), over the environment's defaults: sources on/off
// and their delays, the EspoCRM URL, alert recipients and webhook. Secrets never land here: the
// EspoCRM key and the webhook's credentials (user:password@ or ?token= in its URL) live in the vault,
// the stored webhook URL is stripped of them, and they are sent as headers.
import type { Kysely } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import type { Source } from '../types.ts';
import { readSettings, type PromoteursSettings } from '../settings.ts';

export const WEBHOOK_SECRET_NAME = 'promoteurs.alerts.webhookSecret';

export interface SourceOverride { enabled?: boolean; delayBetweenCitiesSec?: number; delayBetweenDetailsSec?: number }
export interface StoredSettings {
  sources: Record<string, SourceOverride>;
  espocrm: { url?: string | null };
  alerts: { emailTo?: string[]; emailFrom?: string; webhookUrl?: string | null };
}

export async function loadStored(db: Kysely<any>): Promise<StoredSettings> {
  const rows = await db.withSchema('promoteurs').selectFrom('settings').select(['key', 'value']).execute();
  const v = (k: string) => {
    const r = rows.find((x: any) => x.key === k) as any;
    return r ? (typeof r.value === 'string' ? JSON.parse(r.value) : r.value) : {};
  };
  return { sources: v('sources'), espocrm: v('espocrm'), alerts: v('alerts') };
}

export async function saveStored(db: Kysely<any>, key: keyof StoredSettings, value: unknown, by: string | null): Promise<void> {
  const row = { key, value: JSON.stringify(value), updated_at: new Date(), updated_by: by };
  await db.withSchema('promoteurs').insertInto('settings').values(row).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
}

/** Unverified sources are off by default (scheduled runs and "all"); the settings page can turn any on. */
export function sourceState(s: Source, stored: StoredSettings): { enabled: boolean; reason: string | null; code?: 'off_settings' | 'unverified'; detail?: string } {
  const o = stored.sources[s.key];
  if (o?.enabled === true) return { enabled: true, reason: null };
  if (o?.enabled === false) return { enabled: false, reason: 'turned off in the settings', code: 'off_settings' };
  if (s.verification.status === 'verified') return { enabled: true, reason: null };
  return { enabled: false, reason: `unverified (off by default): ${s.verification.reason}`, code: 'unverified', detail: s.verification.reason };
}

/** The source with the delays set in the settings page. */
export function withOverrides(s: Source, stored: StoredSettings): Source {
  const o = stored.sources[s.key];
  if (!o || (o.delayBetweenCitiesSec === undefined && o.delayBetweenDetailsSec === undefined)) return s;
  return { ...s, politeness: { ...s.politeness, ...(o.delayBetweenCitiesSec !== undefined ? { delayBetweenCitiesSec: o.delayBetweenCitiesSec } : {}), ...(o.delayBetweenDetailsSec !== undefined ? { delayBetweenDetailsSec: o.delayBetweenDetailsSec } : {}) } };
}

/** Query parameters that carry a secret in webhook URLs (Slack-, Teams-, n8n-style hooks). */
const SECRET_PARAMS = /^(token|access_token|api_key|apikey|key|secret|sig|signature|password|auth)$/i;

export interface WebhookSecret { username?: string; password?: string; token?: string }

/** Splits "https://u:p@host/path?token=x&a=1" into the URL without secrets and the secrets. */
export function splitWebhookUrl(raw: string): { url: string; secret: WebhookSecret | null } {
  const u = new URL(raw);
  if (!['http:', 'https:'].includes(u.protocol)) throw new Error('the webhook URL must be http(s)');
  const secret: WebhookSecret = {};
  if (u.username) secret.username = decodeURIComponent(u.username);
  if (u.password) secret.password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  for (const k of [...u.searchParams.keys()]) {
    if (SECRET_PARAMS.test(k)) { secret.token ??= u.searchParams.get(k) ?? undefined; u.searchParams.delete(k); }
  }
  return { url: u.toString(), secret: Object.keys(secret).length ? secret : null };
}

/** The headers that carry the webhook's secrets (never the URL). */
export function webhookHeaders(secret: WebhookSecret | null): Record<string, string> {
  if (!secret) return {};
  const h: Record<string, string> = {};
  if (secret.username !== undefined || secret.password !== undefined) {
    h.authorization = `Basic ${Buffer.from(`${secret.username ?? ''}:${secret.password ?? ''}`).toString('base64')}`;
    if (secret.token) h['x-webhook-token'] = secret.token;
  } else if (secret.token) {
    h.authorization = `Bearer ${secret.token}`;
    h['x-webhook-token'] = secret.token;
  }
  return h;
}

/** Environment settings with the web app's overrides (EspoCRM URL, alert recipients and webhook). */
export async function effectiveSettings(core: Pick<CoreContext, 'config' | 'db'>, base?: PromoteursSettings): Promise<PromoteursSettings & { stored: StoredSettings }> {
  const s = base ?? readSettings(core.config);
  const stored = await loadStored(core.db);
  const espoUrl = stored.espocrm.url === undefined ? s.espo.url : (stored.espocrm.url || undefined);
  return {
    ...s,
    espo: { ...s.espo, url: espoUrl?.replace(/\/+$/, '') },
    alerts: {
      ...s.alerts,
      to: stored.alerts.emailTo ?? s.alerts.to,
      from: stored.alerts.emailFrom || s.alerts.from,
      webhookUrl: stored.alerts.webhookUrl === undefined ? s.alerts.webhookUrl : (stored.alerts.webhookUrl || undefined),
    },
    stored,
  };
}
