// HTTP API of notifications and outgoing webhooks (under /api/vinted): each user's notifications
// (list, unread count, mark as read, a live SSE stream, which events come by e-mail) and the webhook
// endpoints (their secret shown once and kept in the vault, the delivery log, replay).
import crypto from 'node:crypto';
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, badRequest, notFound } from '../core/errors.ts';
import { registerSecret } from '../core/log.ts';
import { mailerOf } from '../core/mail.ts';
import { EVENT_TYPES } from './events/outbox.ts';
import { DEFAULT_EMAIL_EVENTS, NOTIFY_TYPES, SIGNATURE_HEADER, WEBHOOK_TYPES, hookVaultName, replay, startDeliveryLoop } from './notify/deliver.ts';
import { notificationText } from './notify/texts.ts';

const Ok = z.object({ ok: z.boolean() });
const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const userId = (req: { user?: unknown }) => {
  const id = (req.user as { id?: string } | null)?.id;
  if (!id) throw badRequest('a signed-in user is needed');
  return id;
};

const NotificationView = z.object({ id: z.string(), type: z.string(), account_id: z.string().nullable(), text: z.string(), data: z.record(z.string(), z.unknown()), read: z.boolean(), created_at: z.string() });
const EndpointView = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), active: z.boolean(), description: z.string().nullable(), created_at: z.string(), delivered: z.number(), failing: z.number() });
const DeliveryView = z.object({
  id: z.string(), event_id: z.string(), event_type: z.string(), state: z.string(), attempts: z.number(), next_at: z.string(), last_status: z.number().nullable(),
  last_error: z.string().nullable(), last_ms: z.number().nullable(), delivered_at: z.string().nullable(), created_at: z.string(),
  log: z.array(z.object({ at: z.string(), status: z.number().nullable(), ms: z.number(), error: z.string().nullable(), replay: z.boolean() })),
});

function checkUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw badRequest('url: not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw badRequest('url: http:// or https:// only');
  if (u.username || u.password) throw badRequest('url: no user or password in the URL (the signature authenticates us)');
  return u.toString();
}

export async function notifyRoutes(app: App, ctx: CoreContext): Promise<void> {
  // a process with workers delivers (a separate `atelier worker` runs the vinted.deliver schedule)
  if (ctx.jobs.isWorking) {
    const loop = startDeliveryLoop(ctx);
    app.addHook('onClose', async () => loop.stop());
  }
  const names = async () => new Map((await ctx.db.selectFrom('vinted.accounts').select(['id', 'name']).execute()).map((a: any) => [a.id, a.name as string]));
  const view = (r: any, accounts: Map<string, string>) => {
    const data = parse(r.data) ?? {};
    return { id: String(r.id), type: r.type, account_id: r.account_id, text: notificationText(ctx.config.lang, r.type, data, r.account_id ? accounts.get(r.account_id) ?? null : null), data, read: !!r.read_at, created_at: new Date(r.created_at).toISOString() };
  };
  const unread = async (uid: string) => Number((await ctx.db.selectFrom('vinted.notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', uid).where('read_at', 'is', null).executeTakeFirst())?.n ?? 0);

  // ---- notifications (each user's own)
  app.get('/notifications', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted notifications'], summary: 'my notifications, newest first, and the unread count',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.coerce.number().int().optional(), unread: z.coerce.boolean().optional() }),
      response: { 200: z.object({ ok: z.boolean(), unread: z.number(), notifications: z.array(NotificationView) }) },
    },
  }, async (req) => {
    const uid = userId(req);
    let q = ctx.db.selectFrom('vinted.notifications').selectAll().where('user_id', '=', uid).orderBy('id', 'desc').limit(req.query.limit);
    if (req.query.before) q = q.where('id', '<', String(req.query.before));
    if (req.query.unread) q = q.where('read_at', 'is', null);
    const accounts = await names();
    return { ok: true, unread: await unread(uid), notifications: (await q.execute()).map((r) => view(r, accounts)) };
  });

  app.post('/notifications/read', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted notifications'], summary: 'mark my notifications as read: some ids, or all',
      body: z.object({ ids: z.array(z.string().regex(/^\d{1,18}$/)).max(500).optional(), all: z.boolean().optional() }),
      response: { 200: z.object({ ok: z.boolean(), unread: z.number() }) },
    },
  }, async (req) => {
    const uid = userId(req);
    if (!req.body.all && !req.body.ids?.length) throw badRequest('give ids or all: true');
    let q = ctx.db.updateTable('vinted.notifications').set({ read_at: new Date() }).where('user_id', '=', uid).where('read_at', 'is', null);
    if (!req.body.all) q = q.where('id', 'in', req.body.ids!);
    await q.execute();
    return { ok: true, unread: await unread(uid) };
  });

  app.get('/notifications/stream', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted notifications'], summary: 'my notifications live (text/event-stream): `unread` {count} at once and on change, `notification` for each new one' },
  }, async (req, reply) => {
    const uid = userId(req);
    // EventSource sends this; anything else gets a plain answer instead of a stream that never ends
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) throw new HttpError(406, 'not_acceptable', 'this is a text/event-stream: send Accept: text/event-stream');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const lastHeader = Number(req.headers['last-event-id'] ?? NaN);
    let last = Number.isFinite(lastHeader) ? lastHeader : Number((await ctx.db.selectFrom('vinted.notifications').select((eb) => eb.fn.max('id').as('m')).where('user_id', '=', uid).executeTakeFirst())?.m ?? 0);
    let lastCount = -1;
    let closed = false;
    let busy = false;
    const send = (event: string, data: unknown, id?: string) => { if (!closed) res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); };
    const tick = async () => {
      if (busy || closed) return;
      busy = true;
      try {
        const rows = await ctx.db.selectFrom('vinted.notifications').selectAll().where('user_id', '=', uid).where('id', '>', String(last)).orderBy('id').limit(50).execute();
        if (rows.length) {
          const accounts = await names();
          for (const r of rows) { last = Number(r.id); send('notification', view(r, accounts), String(r.id)); }
        }
        const n = await unread(uid);
        if (n !== lastCount) { lastCount = n; send('unread', { count: n }); }
      } catch {
        cleanup();
      } finally {
        busy = false;
      }
    };
    // notifications are written by whichever process delivers: poll the table
    const poll = setInterval(() => void tick(), 1000);
    const keepAlive = setInterval(() => !closed && res.write(': keep-alive\n\n'), 15000);
    function cleanup() {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      clearInterval(keepAlive);
      res.end();
    }
    req.raw.on('close', cleanup);
    void tick();
  });

  app.get('/notifications/prefs', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted notifications'], summary: 'which events I get by e-mail (and whether the platform can send e-mail)',
      response: { 200: z.object({ ok: z.boolean(), email_events: z.array(z.string()), available: z.array(z.string()), smtp_configured: z.boolean() }) },
    },
  }, async (req) => {
    const row = await ctx.db.selectFrom('vinted.notify_prefs').select('email_events').where('user_id', '=', userId(req)).executeTakeFirst();
    return { ok: true, email_events: row ? parse(row.email_events) : DEFAULT_EMAIL_EVENTS, available: [...NOTIFY_TYPES], smtp_configured: mailerOf(ctx.config).configured };
  });

  app.put('/notifications/prefs', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted notifications'], summary: 'choose which events I get by e-mail',
      body: z.object({ email_events: z.array(z.enum(NOTIFY_TYPES)).max(20) }),
      response: { 200: z.object({ ok: z.boolean(), email_events: z.array(z.string()) }) },
    },
  }, async (req) => {
    const events = [...new Set(req.body.email_events)];
    await ctx.db.insertInto('vinted.notify_prefs').values({ user_id: userId(req), email_events: JSON.stringify(events), updated_at: new Date() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ email_events: JSON.stringify(events), updated_at: new Date() })).execute();
    return { ok: true, email_events: events };
  });

  // ---- outgoing webhooks
  const endpointView = async (r: any) => {
    const counts = await ctx.db.selectFrom('vinted.deliveries').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('channel', '=', 'webhook').where('target', '=', r.id).groupBy('state').execute();
    const c = Object.fromEntries(counts.map((x: any) => [x.state, Number(x.n)]));
    return { id: r.id, url: r.url, events: parse(r.events), active: r.active, description: r.description, created_at: new Date(r.created_at).toISOString(), delivered: c.delivered ?? 0, failing: (c.dead ?? 0) + (c.pending ?? 0) };
  };
  const loadEndpoint = async (id: string) => {
    const r = await ctx.db.selectFrom('vinted.webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound(`webhook ${id}`);
    return r;
  };
  const newSecret = async (id: string) => {
    const secret = `whsec_${crypto.randomBytes(24).toString('base64url')}`;
    registerSecret(secret);
    await ctx.vault.set(hookVaultName(id), secret);
    return secret;
  };
  const Events = z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length);

  app.get('/webhooks', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted webhooks'], summary: 'outgoing webhook endpoints (never their secret)',
      response: { 200: z.object({ ok: z.boolean(), signature_header: z.string(), event_types: z.array(z.string()), endpoints: z.array(EndpointView) }) },
    },
  }, async () => ({
    ok: true, signature_header: SIGNATURE_HEADER, event_types: [...WEBHOOK_TYPES],
    endpoints: await Promise.all((await ctx.db.selectFrom('vinted.webhook_endpoints').selectAll().orderBy('created_at').execute()).map(endpointView)),
  }));

  app.post('/webhooks', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted webhooks'], summary: 'add an endpoint; its signing secret is in the answer this once, then only in the vault',
      body: z.object({ url: z.string().min(8).max(2000), events: Events.default(['listing.created', 'listing.sold', 'message.received', 'order.created', 'account.blocked']), description: z.string().max(200).optional() }),
      response: { 200: z.object({ ok: z.boolean(), endpoint: EndpointView, secret: z.string() }) },
    },
  }, async (req) => {
    const url = checkUrl(req.body.url);
    const r = await ctx.db.insertInto('vinted.webhook_endpoints').values({ url, events: JSON.stringify([...new Set(req.body.events)]), description: req.body.description ?? null, created_by: (req.user as any)?.id ?? null })
      .returningAll().executeTakeFirstOrThrow();
    const secret = await newSecret(r.id);
    req.log.info({ endpoint: r.id }, 'vinted: webhook endpoint added');
    return { ok: true, endpoint: await endpointView(r), secret };
  });

  app.patch('/webhooks/:id', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted webhooks'], summary: 'change an endpoint: url, events, on/off', params: z.object({ id: z.uuid() }),
      body: z.object({ url: z.string().min(8).max(2000).optional(), events: Events.optional(), active: z.boolean().optional(), description: z.string().max(200).nullable().optional() }),
      response: { 200: z.object({ ok: z.boolean(), endpoint: EndpointView }) },
    },
  }, async (req) => {
    await loadEndpoint(req.params.id);
    const b = req.body;
    const patch = { ...(b.url ? { url: checkUrl(b.url) } : {}), ...(b.events ? { events: JSON.stringify([...new Set(b.events)]) } : {}), ...(b.active !== undefined ? { active: b.active } : {}), ...(b.description !== undefined ? { description: b.description } : {}) };
    if (Object.keys(patch).length) await ctx.db.updateTable('vinted.webhook_endpoints').set(patch).where('id', '=', req.params.id).execute();
    return { ok: true, endpoint: await endpointView(await loadEndpoint(req.params.id)) };
  });

  app.post('/webhooks/:id/secret', {
    config: { role: 'operator' },
    schema: { tags: ['vinted webhooks'], summary: 'a new signing secret (the old one stops at once); shown this once', params: z.object({ id: z.uuid() }), response: { 200: z.object({ ok: z.boolean(), secret: z.string() }) } },
  }, async (req) => {
    await loadEndpoint(req.params.id);
    return { ok: true, secret: await newSecret(req.params.id) };
  });

  app.delete('/webhooks/:id', {
    config: { role: 'operator' },
    schema: { tags: ['vinted webhooks'], summary: 'remove an endpoint, its secret and its delivery log', params: z.object({ id: z.uuid() }), response: { 200: Ok } },
  }, async (req) => {
    await loadEndpoint(req.params.id);
    await ctx.db.deleteFrom('vinted.deliveries').where('channel', '=', 'webhook').where('target', '=', req.params.id).execute();
    await ctx.db.deleteFrom('vinted.webhook_endpoints').where('id', '=', req.params.id).execute();
    await ctx.vault.delete(hookVaultName(req.params.id));
    return { ok: true };
  });

  app.get('/webhooks/:id/deliveries', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted webhooks'], summary: 'the delivery log of an endpoint: each event, its state, every attempt (status code, duration, error)',
      params: z.object({ id: z.uuid() }), querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ ok: z.boolean(), deliveries: z.array(DeliveryView) }) },
    },
  }, async (req) => {
    await loadEndpoint(req.params.id);
    const rows = await ctx.db.selectFrom('vinted.deliveries').selectAll().where('channel', '=', 'webhook').where('target', '=', req.params.id).orderBy('id', 'desc').limit(req.query.limit).execute();
    const ids = rows.map((r) => String(r.id));
    const attempts = ids.length ? await ctx.db.selectFrom('vinted.delivery_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute() : [];
    const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
    return {
      ok: true,
      deliveries: rows.map((r) => ({
        id: String(r.id), event_id: String(r.event_id), event_type: r.event_type, state: r.state, attempts: r.attempts, next_at: iso(r.next_at)!, last_status: r.last_status, last_error: r.last_error,
        last_ms: r.last_ms, delivered_at: iso(r.delivered_at), created_at: iso(r.created_at)!,
        log: attempts.filter((a) => String(a.delivery_id) === String(r.id)).map((a) => ({ at: iso(a.at)!, status: a.status, ms: a.ms, error: a.error, replay: a.replay })),
      })),
    };
  });

  app.post('/webhooks/deliveries/:id/replay', {
    config: { role: 'operator' },
    schema: { tags: ['vinted webhooks'], summary: 'send a delivery again now (a failed one, or a delivered one the receiver lost)', params: z.object({ id: z.string().regex(/^\d{1,18}$/) }), response: { 200: Ok } },
  }, async (req) => {
    if (!(await replay(ctx.db, req.params.id))) throw notFound(`delivery ${req.params.id}`);
    return { ok: true };
  });
}
