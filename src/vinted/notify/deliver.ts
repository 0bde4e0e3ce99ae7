// Delivery of the events outbox (vinted.events) on three channels: in-app notifications, e-mails and
// outgoing webhooks. Each channel has a durable cursor (vinted.delivery_cursors) advanced under a row
// lock in the same transaction as the rows it fans out, so several worker processes and a restarted
// server fan every event out exactly once. The sends themselves (webhooks, e-mails) are rows of
// vinted.deliveries, taken with a lease, retried with backoff, logged per attempt, replayable.
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import { mailerOf } from '../../core/mail.ts';
import { scrub } from '../../core/log.ts';
import { SsrfError } from '../../core/http.ts';
import type { VintedEvent } from '../events/outbox.ts';
import { emailBody, emailSubject, notificationText } from './texts.ts';

export const NOTIFY_TYPES = ['listing.sold', 'message.received', 'offer.received', 'order.created', 'account.reconnect', 'account.blocked', 'queue.blocked'] as const;
export const WEBHOOK_TYPES = ['listing.created', 'listing.sold', 'message.received', 'order.created', 'account.blocked', 'offer.received', 'account.reconnect', 'queue.blocked'] as const;
export const DEFAULT_EMAIL_EVENTS = ['listing.sold', 'offer.received', 'order.created', 'account.reconnect', 'account.blocked', 'queue.blocked'];
export const SIGNATURE_HEADER = 'atelier-signature';

export interface DeliverySettings { timeoutMs: number; maxAttempts: number; backoffS: number; pollMs: number }

export function deliverySettings(env: Record<string, string | undefined>): DeliverySettings {
  const num = (k: string, d: number, min: number) => {
    const v = env[k] === undefined || env[k] === '' ? d : Number(env[k]);
    if (!Number.isFinite(v) || v < min) throw new Error(`${k} must be a number ≥ ${min}`);
    return v;
  };
  return {
    timeoutMs: num('VINTED_WEBHOOK_TIMEOUT_MS', 10_000, 100),
    maxAttempts: num('VINTED_WEBHOOK_MAX_ATTEMPTS', 10, 1),
    backoffS: num('VINTED_WEBHOOK_BACKOFF_S', 30, 0),
    pollMs: num('VINTED_DELIVERY_POLL_MS', 2000, 50),
  };
}

export const hookVaultName = (endpointId: string) => `vinted.hook.${endpointId}`;

/** `t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the scheme Stripe and Vinted Pro use. */
export function signPayload(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const toEvent = (r: any): VintedEvent => ({ id: String(r.id), type: r.type, accountId: r.account_id, data: parse(r.data) ?? {}, createdAt: new Date(r.created_at) });

/** The JSON an endpoint receives (its exact bytes are what the signature covers). */
export function webhookBody(e: VintedEvent): string {
  return JSON.stringify({ id: `evt_${e.id}`, type: e.type, created_at: e.createdAt.toISOString(), account_id: e.accountId, data: e.data });
}

type Tx = Kysely<any>;

/** Fans the events after the channel's cursor out (one transaction per batch); returns how many were read. */
export async function advance(db: Kysely<any>, channel: string, fanOut: (tx: Tx, e: VintedEvent) => Promise<void>, batch = 200): Promise<number> {
  await db.insertInto('vinted.delivery_cursors').values({ channel, last_id: 0 }).onConflict((oc) => oc.column('channel').doNothing()).execute();
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute(async (tx) => {
      const cur = await tx.selectFrom('vinted.delivery_cursors').select('last_id').where('channel', '=', channel).forUpdate().executeTakeFirstOrThrow();
      const rows = await tx.selectFrom('vinted.events').selectAll().where('id', '>', String(cur.last_id)).orderBy('id').limit(batch).execute();
      for (const r of rows) await fanOut(tx, toEvent(r));
      if (rows.length) {
        await tx.updateTable('vinted.delivery_cursors').set({ last_id: String(rows[rows.length - 1].id), updated_at: new Date() }).where('channel', '=', channel).execute();
      }
      return rows.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

const activeUsers = (tx: Tx) => tx.selectFrom('core.users').select(['id', 'email']).where('disabled', '=', false).execute();

/** In-app: one notification per active user. */
async function fanOutNotify(tx: Tx, e: VintedEvent): Promise<void> {
  if (!(NOTIFY_TYPES as readonly string[]).includes(e.type)) return;
  for (const u of await activeUsers(tx)) {
    await tx.insertInto('vinted.notifications').values({ user_id: u.id, event_id: e.id, type: e.type, account_id: e.accountId, data: JSON.stringify(e.data), created_at: e.createdAt })
      .onConflict((oc) => oc.columns(['user_id', 'event_id']).doNothing()).execute();
  }
}

/** E-mail: one delivery per user who wants this event by e-mail (none while no SMTP server is set). */
function fanOutEmail(configured: boolean) {
  return async (tx: Tx, e: VintedEvent): Promise<void> => {
    if (!configured || !(NOTIFY_TYPES as readonly string[]).includes(e.type)) return;
    const prefs = new Map((await tx.selectFrom('vinted.notify_prefs').select(['user_id', 'email_events']).execute()).map((p: any) => [p.user_id, parse(p.email_events) as string[]]));
    for (const u of await activeUsers(tx)) {
      const wants = prefs.get(u.id) ?? DEFAULT_EMAIL_EVENTS;
      if (!wants.includes(e.type)) continue;
      await tx.insertInto('vinted.deliveries').values({ channel: 'email', target: u.id, event_id: e.id, event_type: e.type })
        .onConflict((oc) => oc.columns(['channel', 'target', 'event_id']).doNothing()).execute();
    }
  };
}

/** Webhooks: one delivery per active endpoint subscribed to the event. */
async function fanOutWebhook(tx: Tx, e: VintedEvent): Promise<void> {
  for (const ep of await tx.selectFrom('vinted.webhook_endpoints').select(['id', 'events']).where('active', '=', true).execute()) {
    if (!(parse(ep.events) as string[]).includes(e.type)) continue;
    await tx.insertInto('vinted.deliveries').values({ channel: 'webhook', target: ep.id, event_id: e.id, event_type: e.type })
      .onConflict((oc) => oc.columns(['channel', 'target', 'event_id']).doNothing()).execute();
  }
}

/** Takes one due delivery with a lease (two processes never send the same row at once). */
async function claim(db: Kysely<any>, leaseMs: number, dueBy: Date): Promise<any | null> {
  const r = await sql<any>`
    UPDATE vinted.deliveries SET lease_until = ${new Date(Date.now() + leaseMs)}
    WHERE id = (SELECT id FROM vinted.deliveries WHERE state = 'pending' AND next_at <= ${dueBy} AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return r.rows[0] ?? null;
}

export const backoffMs = (s: DeliverySettings, attempts: number) => Math.min(6 * 3600_000, s.backoffS * 1000 * 2 ** Math.max(0, attempts - 1));

interface Outcome { ok: boolean; status: number | null; ms: number; error: string | null; permanent?: boolean }

async function sendWebhook(ctx: CoreContext, s: DeliverySettings, d: any, e: VintedEvent): Promise<Outcome> {
  const started = Date.now();
  const ep = await ctx.db.selectFrom('vinted.webhook_endpoints').selectAll().where('id', '=', d.target).executeTakeFirst();
  if (!ep) return { ok: false, status: null, ms: 0, error: 'endpoint deleted', permanent: true };
  const secret = await ctx.vault.get(hookVaultName(ep.id));
  if (!secret) return { ok: false, status: null, ms: 0, error: 'endpoint secret missing from the vault', permanent: true };
  const body = webhookBody(e);
  try {
    // the SSRF guard of core's client checks the address at connect time and refuses redirects elsewhere
    const r = await ctx.http.request(ep.url, {
      method: 'POST', body, retries: 0, retryOn: () => false, redirect: 'manual', timeoutMs: s.timeoutMs,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(secret, body), 'atelier-event': e.type, 'atelier-delivery': String(d.id) },
    });
    const ok = r.status >= 200 && r.status < 300;
    return { ok, status: r.status, ms: Date.now() - started, error: ok ? null : `HTTP ${r.status}` };
  } catch (err) {
    // an address the SSRF guard refuses will be refused at every retry: given up at once (replayable)
    return { ok: false, status: null, ms: Date.now() - started, error: scrub((err as Error).message).slice(0, 500), permanent: err instanceof SsrfError };
  }
}

async function sendEmail(ctx: CoreContext, d: any, e: VintedEvent): Promise<Outcome> {
  const started = Date.now();
  const mailer = mailerOf(ctx.config);
  if (!mailer.configured) return { ok: false, status: null, ms: 0, error: 'no SMTP server configured', permanent: true };
  const u = await ctx.db.selectFrom('core.users').select(['email', 'disabled']).where('id', '=', d.target).executeTakeFirst();
  if (!u || u.disabled) return { ok: false, status: null, ms: 0, error: 'user gone or disabled', permanent: true };
  const acc = e.accountId ? await ctx.db.selectFrom('vinted.accounts').select('name').where('id', '=', e.accountId).executeTakeFirst() : null;
  const lang = ctx.config.lang;
  const text = notificationText(lang, e.type, e.data, acc?.name ?? null);
  const base = (ctx.config.env.VINTED_PUBLIC_URL || ctx.config.env.ATELIER_URL || '').replace(/\/+$/, '');
  try {
    await mailer.send({ to: u.email, subject: emailSubject(text), text: emailBody(lang, text, base ? `${base}/vinted/notifications` : null) });
    return { ok: true, status: 250, ms: Date.now() - started, error: null };
  } catch (err) {
    return { ok: false, status: null, ms: Date.now() - started, error: scrub((err as Error).message).slice(0, 500) };
  }
}

/** Sends what is due, one row at a time, until nothing is; returns how many attempts were made. */
export async function sendDue(ctx: CoreContext, o: { max?: number } = {}): Promise<number> {
  const s = deliverySettings(ctx.config.env);
  let n = 0;
  // what a failure in this pass reschedules waits for the next pass, even with no backoff
  const dueBy = new Date();
  for (; n < (o.max ?? 500); n++) {
    const d = await claim(ctx.db, s.timeoutMs + 30_000, dueBy);
    if (!d) break;
    const ev = await ctx.db.selectFrom('vinted.events').selectAll().where('id', '=', String(d.event_id)).executeTakeFirst();
    const out: Outcome = !ev ? { ok: false, status: null, ms: 0, error: 'event purged', permanent: true }
      : d.channel === 'webhook' ? await sendWebhook(ctx, s, d, toEvent(ev)) : await sendEmail(ctx, d, toEvent(ev));
    const attempts = d.attempts + 1;
    const dead = !out.ok && (out.permanent || attempts >= s.maxAttempts);
    await ctx.db.insertInto('vinted.delivery_attempts').values({ delivery_id: d.id, status: out.status, ms: out.ms, error: out.error, replay: d.attempts > 0 && d.last_error === 'replay asked' }).execute();
    await ctx.db.updateTable('vinted.deliveries').set({
      attempts, lease_until: null, last_status: out.status, last_error: out.error, last_ms: out.ms,
      state: out.ok ? 'delivered' : dead ? 'dead' : 'pending',
      ...(out.ok ? { delivered_at: new Date() } : {}),
      ...(!out.ok && !dead ? { next_at: new Date(Date.now() + backoffMs(s, attempts)) } : {}),
    }).where('id', '=', d.id).execute();
    if (!out.ok) ctx.log.warn({ delivery: String(d.id), channel: d.channel, event: d.event_type, attempt: attempts, status: out.status, error: out.error, dead }, 'vinted: delivery failed');
  }
  return n;
}

/** One pass over the three channels: fan out new events, then send what is due. */
export async function deliverOnce(ctx: CoreContext): Promise<{ notified: number; sent: number }> {
  const mail = mailerOf(ctx.config).configured;
  const notified = await advance(ctx.db, 'notify', fanOutNotify);
  await advance(ctx.db, 'email', fanOutEmail(mail));
  await advance(ctx.db, 'webhook', fanOutWebhook);
  const sent = await sendDue(ctx);
  return { notified, sent };
}

/** Puts a delivery back in the queue now (the replay button); delivered ones are sent again. */
export async function replay(db: Kysely<any>, id: string): Promise<boolean> {
  const r = await db.updateTable('vinted.deliveries').set({ state: 'pending', next_at: new Date(), lease_until: null, last_error: 'replay asked' })
    .where('id', '=', id).returning('id').executeTakeFirst();
  return !!r;
}

/** A runner for a process with workers: a pass every VINTED_DELIVERY_POLL_MS, never two at once. */
export function startDeliveryLoop(ctx: CoreContext): { stop(): void; kick(): Promise<void> } {
  const s = deliverySettings(ctx.config.env);
  let busy: Promise<void> | null = null;
  let stopped = false;
  const run = (): Promise<void> => {
    if (busy || stopped) return busy ?? Promise.resolve();
    busy = deliverOnce(ctx).then(() => undefined, (e) => ctx.log.warn({ err: scrub((e as Error).message) }, 'vinted: delivery pass failed')).finally(() => { busy = null; });
    return busy;
  };
  const timer = setInterval(() => void run(), s.pollMs);
  timer.unref();
  return { stop() { stopped = true; clearInterval(timer); }, kick: run };
}

