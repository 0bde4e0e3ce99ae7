// Alerts when a run fails, a source run is abnormal (parse errors, sudden drop) or errors exceed
// PROMOTEURS_ERROR_ALERT_RATE: stored in promoteurs.alerts, sent by email (nodemailer over SMTP)
// and/or to a webhook (JSON POST). Dry-runs record nothing and send nothing: they only report.
import nodemailer from 'nodemailer';
import type { CoreContext } from '../../core/module.ts';
import { scrub } from '../../core/log.ts';
import type { PromoteursSettings } from '../settings.ts';
import { splitWebhookUrl, webhookHeaders, WEBHOOK_SECRET_NAME, type WebhookSecret } from '../run/settings-store.ts';

export interface Alert {
  runId: string | null;
  source: string | null;
  level: 'warning' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

export interface AlertDelivery { stored: boolean; email?: string; webhook?: string }

export async function sendAlert(core: Pick<CoreContext, 'db' | 'http' | 'log' | 'config'> & { vault?: CoreContext['vault'] }, settings: PromoteursSettings, alert: Alert): Promise<AlertDelivery> {
  const delivered: AlertDelivery = { stored: false };
  const subject = `[atelier promoteurs] ${alert.level === 'error' ? 'ÉCHEC' : 'Alerte'}${alert.source ? ` ${alert.source}` : ''}: ${alert.message}`;
  const text = [
    alert.message,
    '',
    alert.runId ? `Run: ${alert.runId}` : '',
    alert.source ? `Source: ${alert.source}` : '',
    alert.details ? `Détails:\n${JSON.stringify(alert.details, null, 2)}` : '',
  ].filter(Boolean).join('\n');
  if (settings.alerts.smtpUrl && settings.alerts.to.length) {
    try {
      const transport = nodemailer.createTransport(settings.alerts.smtpUrl);
      await transport.sendMail({ from: settings.alerts.from, to: settings.alerts.to.join(', '), subject, text });
      transport.close();
      delivered.email = 'sent';
    } catch (e) {
      delivered.email = `failed: ${(e as Error).message}`;
      core.log.warn({ err: (e as Error).message }, 'promoteurs: alert email failed');
    }
  }
  if (settings.alerts.webhookUrl) {
    try {
      // credentials in the URL (user:password@, ?token=) travel as headers, never in the URL; those
      // saved from the settings page come from the vault
      const split = splitWebhookUrl(settings.alerts.webhookUrl);
      const stored = core.vault ? await core.vault.get(WEBHOOK_SECRET_NAME) : undefined;
      const secret: WebhookSecret | null = split.secret ?? (stored ? JSON.parse(stored) as WebhookSecret : null);
      const res = await core.http.request(split.url, {
        method: 'POST', headers: { 'content-type': 'application/json', ...webhookHeaders(secret) }, timeoutMs: 15_000, retries: 2,
        body: JSON.stringify({ module: 'promoteurs', subject, ...alert, at: new Date().toISOString() }),
      });
      delivered.webhook = res.status < 400 ? 'sent' : `failed: HTTP ${res.status}`;
    } catch (e) {
      delivered.webhook = `failed: ${scrub((e as Error).message)}`;
    }
  }
  await core.db.withSchema('promoteurs').insertInto('alerts').values({
    run_id: alert.runId, source: alert.source, level: alert.level, message: alert.message,
    details: JSON.stringify(alert.details ?? {}), delivered: JSON.stringify(delivered),
  }).execute();
  delivered.stored = true;
  return delivered;
}
