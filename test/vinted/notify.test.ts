// Delivery of the events outbox: in-app notifications (list, unread, mark read, live SSE), e-mails
// through a real SMTP receiver on loopback, outgoing webhooks to a real local HTTP receiver that is
// down, slow, answering 500, then OK (signed, retried, logged, replayable), the per-channel cursor
// that delivers each event once across concurrent passes, and Vinted Pro webhooks received.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { recordEvent } from '../../src/vinted/events/outbox.ts';
import { deliverOnce, signPayload } from '../../src/vinted/notify/deliver.ts';
import { signWebhook } from '../../src/vinted/vinted-api/hmac.ts';
import { webhookVaultName } from '../../src/vinted/accounts/store.ts';

const SMTP_PASSWORD = 'Planted-Smtp-Pa55word';
let t: TestPlatform;
let smtp: SMTPServer;
const mails: string[] = [];
let smtpRefuse = true;
const responses: string[] = [];

// the receiver: its behaviour is switched per test
type Mode = 'ok' | 'slow' | 'error' | 'down';
let mode: Mode = 'ok';
let receiver: http.Server | null = null;
let port = 0;
const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
async function startReceiver(): Promise<void> {
  receiver = http.createServer((req, res) => {
    let d = '';
    req.on('data', (c) => (d += c));
    req.on('end', () => {
      received.push({ body: d, headers: req.headers });
      if (mode === 'slow') setTimeout(() => res.end('late'), 1500).unref();
      else if (mode === 'error') res.writeHead(500).end('boom');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => receiver!.listen(port, '127.0.0.1', ok));
  port = (receiver.address() as AddressInfo).port;
}
async function stopReceiver(): Promise<void> {
  receiver?.closeAllConnections();
  await new Promise<void>((ok) => (receiver ? receiver.close(() => ok()) : ok()));
  receiver = null;
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: false, allowInsecureAuth: true, disabledCommands: ['STARTTLS'],
    onAuth(auth, _s, cb) {
      if (smtpRefuse || auth.password !== SMTP_PASSWORD) return cb(new Error('Invalid username or password'));
      cb(null, { user: auth.username });
    },
    onData(stream, _s, cb) { let d = ''; stream.on('data', (c) => (d += c)); stream.on('end', () => { mails.push(d); cb(); }); },
  });
  await new Promise<void>((ok) => smtp.listen(0, '127.0.0.1', ok));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  await startReceiver();
  t = await createTestPlatform({
    modules: [vinted],
    env: {
      ATELIER_SMTP_URL: `smtp://seller:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`, ATELIER_MAIL_FROM: 'atelier <shop@test.local>',
      VINTED_WEBHOOK_TIMEOUT_MS: '400', VINTED_WEBHOOK_BACKOFF_S: '0', VINTED_WEBHOOK_MAX_ATTEMPTS: '6',
      // the tests drive the passes themselves
      VINTED_DELIVERY_POLL_MS: '3600000',
    },
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await stopReceiver();
  await new Promise<void>((ok) => smtp.close(() => ok()));
});

async function call(method: string, url: string, body?: unknown, token = t.tokens.operator) {
  const r = await t.request(method, url, { token, body });
  responses.push(r.text);
  return r;
}
let n = 0;
const sale = (title = 'Veste en jean') => recordEvent(t.ctx.db, { type: 'listing.sold', accountId: null, dedupeKey: `test-sale-${++n}`, data: { vinted_id: String(4_821_000_000 + n), title, price: 25, currency: 'EUR' } });

describe('outgoing webhooks', () => {
  let endpoint: string;
  let secret: string;

  it('an endpoint is added with a secret shown once, kept in the vault, never listed', async () => {
    const bad = await call('POST', '/api/vinted/webhooks', { url: 'ftp://example.org/x' });
    expect(bad.status).toBe(400);
    const r = await call('POST', '/api/vinted/webhooks', { url: `http://127.0.0.1:${port}/hook`, events: ['listing.sold', 'listing.created'] });
    expect(r.status, r.text).toBe(200);
    endpoint = r.body.endpoint.id;
    secret = r.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(await t.ctx.vault.get(`vinted.hook.${endpoint}`)).toBe(secret);
    const list = await call('GET', '/api/vinted/webhooks');
    expect(list.body.endpoints).toHaveLength(1);
    expect(list.text).not.toContain(secret);
    // viewers do not see or change webhooks
    expect((await call('GET', '/api/vinted/webhooks', undefined, t.tokens.viewer)).status).toBe(403);
    expect((await call('POST', '/api/vinted/webhooks', { url: 'https://example.org/h' }, t.tokens.viewer)).status).toBe(403);
  });

  it('down, slow, 500, then OK: retried with backoff, every attempt logged, delivered once, signed', async () => {
    await stopReceiver();
    mode = 'down';
    const ev = await sale();
    await deliverOnce(t.ctx); // refused connection
    let log = (await call('GET', `/api/vinted/webhooks/${endpoint}/deliveries`)).body.deliveries;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ event_id: ev, state: 'pending', attempts: 1, last_status: null });
    expect(log[0].last_error).toBeTruthy();
    await startReceiver();
    mode = 'slow';
    await deliverOnce(t.ctx); // times out after 400 ms
    mode = 'error';
    await deliverOnce(t.ctx); // 500
    log = (await call('GET', `/api/vinted/webhooks/${endpoint}/deliveries`)).body.deliveries;
    expect(log[0]).toMatchObject({ state: 'pending', attempts: 3, last_status: 500 });
    mode = 'ok';
    await deliverOnce(t.ctx);
    log = (await call('GET', `/api/vinted/webhooks/${endpoint}/deliveries`)).body.deliveries;
    expect(log[0]).toMatchObject({ state: 'delivered', attempts: 4, last_status: 204 });
    expect(log[0].log.map((a: any) => a.status)).toEqual([null, null, 500, 204]);
    expect(log[0].log[1].ms).toBeGreaterThanOrEqual(350);
    // nothing more to send
    const before = received.length;
    await deliverOnce(t.ctx);
    expect(received.length).toBe(before);
    // the last request the receiver got verifies with the secret, over timestamp + exact body
    const last = received[received.length - 1];
    const sig = String(last.headers['atelier-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig)!;
    expect(m).toBeTruthy();
    expect(Math.abs(Number(m[1]) - Date.now() / 1000)).toBeLessThan(60);
    expect(crypto.createHmac('sha256', secret).update(`${m[1]}.${last.body}`).digest('hex')).toBe(m[2]);
    expect(signPayload('other-secret', last.body, Number(m[1]))).not.toBe(sig);
    expect(JSON.parse(last.body)).toMatchObject({ id: `evt_${ev}`, type: 'listing.sold', data: { title: 'Veste en jean', price: 25 } });
    expect(last.headers['atelier-event']).toBe('listing.sold');
  });

  it('a delivery taken by a process that died (lease expired) is sent by the next pass, once', async () => {
    const ev = await sale('Bottes');
    await t.ctx.db.insertInto('vinted.deliveries').values({ channel: 'webhook', target: endpoint, event_id: ev!, event_type: 'listing.sold', lease_until: new Date(Date.now() - 1000) }).execute();
    const before = received.length;
    await deliverOnce(t.ctx);
    await deliverOnce(t.ctx);
    expect(received.slice(before).filter((r) => JSON.parse(r.body).id === `evt_${ev}`)).toHaveLength(1);
    // the secret never shows in logs or answers
    expect(t.logs.join('\n')).not.toContain(secret);
    expect(responses.filter((r) => r.includes(secret))).toHaveLength(1); // the answer that created it
  });

  it('the replay button sends a delivered event again, freshly signed', async () => {
    const log = (await call('GET', `/api/vinted/webhooks/${endpoint}/deliveries`)).body.deliveries.filter((d: any) => d.log.length === 4);
    const before = received.length;
    expect((await call('POST', `/api/vinted/webhooks/deliveries/${log[0].id}/replay`)).status).toBe(200);
    expect((await call('POST', '/api/vinted/webhooks/deliveries/999999/replay')).status).toBe(404);
    await deliverOnce(t.ctx);
    expect(received.length).toBe(before + 1);
    expect(JSON.parse(received[received.length - 1].body).id).toBe(`evt_${log[0].event_id}`);
    const after = (await call('GET', `/api/vinted/webhooks/${endpoint}/deliveries`)).body.deliveries.find((d: any) => d.id === log[0].id);
    expect(after.state).toBe('delivered');
    expect(after.log.at(-1).replay).toBe(true);
  });

  it('a receiver that keeps failing is given up after VINTED_WEBHOOK_MAX_ATTEMPTS; other events are not held back', async () => {
    mode = 'error';
    await sale('Pull rayé');
    for (let i = 0; i < 8; i++) await deliverOnce(t.ctx);
    const d = (await call('GET', `/api/vinted/webhooks/${endpoint}/deliveries`)).body.deliveries[0];
    expect(d).toMatchObject({ state: 'dead', attempts: 6, last_status: 500 });
    mode = 'ok';
  });

  it('concurrent delivery passes (two workers) fan each event out once', async () => {
    const ids = [await sale('A'), await sale('B'), await sale('C')];
    const before = received.length;
    await Promise.all([deliverOnce(t.ctx), deliverOnce(t.ctx), deliverOnce(t.ctx)]);
    await deliverOnce(t.ctx);
    const got = received.slice(before).map((r) => JSON.parse(r.body).id);
    expect(got.sort()).toEqual(ids.map((i) => `evt_${i}`).sort());
    const notes = await t.ctx.db.selectFrom('vinted.notifications').select(['user_id', 'event_id']).where('event_id', 'in', ids as string[]).execute();
    expect(notes).toHaveLength(3 * 3); // three users, three events, once each
  });

  it('an event type the endpoint did not subscribe to is not sent; a paused endpoint gets nothing', async () => {
    const before = received.length;
    await recordEvent(t.ctx.db, { type: 'message.received', accountId: null, dedupeKey: 'test-msg-unsubscribed', data: { buyer_login: 'x' } });
    await call('PATCH', `/api/vinted/webhooks/${endpoint}`, { active: false });
    await sale('paused');
    await deliverOnce(t.ctx);
    expect(received.length).toBe(before);
    await call('PATCH', `/api/vinted/webhooks/${endpoint}`, { active: true });
  });
});

describe('notifications', () => {
  it('each user sees the sale, the unread count, and marks them read', async () => {
    await deliverOnce(t.ctx);
    const r = await call('GET', '/api/vinted/notifications', undefined, t.tokens.viewer);
    expect(r.status).toBe(200);
    expect(r.body.unread).toBeGreaterThan(0);
    expect(r.body.notifications[0].text).toMatch(/^Vendu : /);
    const one = r.body.notifications[0].id;
    const m = await call('POST', '/api/vinted/notifications/read', { ids: [one] }, t.tokens.viewer);
    expect(m.body.unread).toBe(r.body.unread - 1);
    expect((await call('POST', '/api/vinted/notifications/read', { all: true }, t.tokens.viewer)).body.unread).toBe(0);
    // another user's state is theirs
    expect((await call('GET', '/api/vinted/notifications', undefined, t.tokens.admin)).body.unread).toBeGreaterThan(0);
    expect((await call('GET', '/api/vinted/notifications')).status).toBe(200);
    expect((await t.request('GET', '/api/vinted/notifications', { token: null })).status).toBe(401);
  });

  it('arrive live over SSE: the unread count at once, then each new notification', async () => {
    const base = await t.listen();
    expect((await t.request('GET', '/api/vinted/notifications/stream', { token: t.tokens.viewer })).status).toBe(406);
    const ac = new AbortController();
    const res = await fetch(`${base}/api/vinted/notifications/stream`, { headers: { authorization: `Bearer ${t.tokens.viewer}`, accept: 'text/event-stream' }, signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      const end = Date.now() + 10_000;
      while (!re.test(text) && Date.now() < end) text += new TextDecoder().decode((await reader.read()).value ?? new Uint8Array());
      return re.test(text);
    };
    expect(await until(/event: unread\ndata: \{"count":0\}/)).toBe(true);
    await sale('Robe longue');
    await deliverOnce(t.ctx);
    expect(await until(/event: notification\ndata: .*Robe longue/)).toBe(true);
    expect(await until(/event: unread\ndata: \{"count":1\}/)).toBe(true);
    ac.abort();
  });

  it('e-mails go through the platform SMTP server to users who want them; the SMTP password never leaks', async () => {
    // the first try is refused by the server: retried, logged without the password
    const before = mails.length;
    await sale('Jupe plissée');
    await deliverOnce(t.ctx);
    expect(mails.length).toBe(before);
    smtpRefuse = false;
    await deliverOnce(t.ctx);
    const got = mails.slice(before);
    expect(got.length).toBeGreaterThanOrEqual(3);
    // quoted-printable bodies: the accented letters are encoded
    const jupe = got.filter((m) => m.includes('Jupe pliss'));
    expect(jupe.length).toBe(3); // admin, operator, viewer (default prefs include sales)
    expect(jupe[0]).toMatch(/^Subject: .*atelier/m);
    expect(jupe[0]).toContain('From: atelier <shop@test.local>');
    // prefs: the viewer turns sales off
    const p = await call('PUT', '/api/vinted/notifications/prefs', { email_events: ['offer.received'] }, t.tokens.viewer);
    expect(p.body.email_events).toEqual(['offer.received']);
    expect((await call('PUT', '/api/vinted/notifications/prefs', { email_events: ['nope'] }, t.tokens.viewer)).status).toBe(400);
    const b2 = mails.length;
    await sale('Chemise lin');
    await deliverOnce(t.ctx);
    const to = mails.slice(b2).map((m) => /^To: (.*)$/m.exec(m)?.[1]);
    expect(to).not.toContain('viewer@test.local');
    expect(to).toContain('admin@test.local');
    expect(t.logs.join('\n')).not.toContain(SMTP_PASSWORD);
    expect(responses.join('\n')).not.toContain(SMTP_PASSWORD);
  });
});

describe('Vinted Pro webhooks received', () => {
  const accountId = crypto.randomUUID();
  const key = crypto.randomBytes(24).toString('hex');
  const post = (body: string, header?: string) => t.request('POST', `/api/vinted/pro/webhook/${accountId}`, { token: null, body, headers: { 'content-type': 'application/json', ...(header ? { 'x-vpi-webhook-hmac-sha256': header } : {}) } });

  beforeAll(async () => {
    await t.ctx.vault.set(webhookVaultName(accountId), JSON.stringify({ signing_key: key }));
  });

  it('a wrong signature, an old (replayed) timestamp, a missing header are refused with 401', async () => {
    const body = JSON.stringify({ event: 'ORDER_CREATED', payload: { order_id: '9000000001' } });
    expect((await post(body, signWebhook('wrong-key-000', body))).status).toBe(401);
    expect((await post(body, signWebhook(key, body, Math.floor(Date.now() / 1000) - 900))).status).toBe(401);
    expect((await post(body)).status).toBe(401);
    expect((await post(body + ' ', signWebhook(key, body))).status).toBe(401);
    const n = await t.ctx.db.selectFrom('vinted.events').select('id').where('type', '=', 'order.created').execute();
    expect(n).toHaveLength(0);
  });

  it('an unknown event is refused cleanly (422), a known one we do not act on is accepted', async () => {
    const body = JSON.stringify({ event: 'FREE_MONEY', payload: {} });
    const r = await post(body, signWebhook(key, body));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unknown_event');
    const ok = JSON.stringify({ event: 'SHIPMENT_LABEL_CREATED', payload: { order_id: '1' } });
    expect((await post(ok, signWebhook(key, ok))).status).toBe(200);
  });

  it('a valid sale and order are recorded once in the outbox, and become a notification and a signed webhook', async () => {
    const order = JSON.stringify({ event: 'ORDER_CREATED', payload: { order_id: '9223372036854775001', vinted_item_id: 4821000999, item_title: 'Manteau laine', price: '60.00', currency: 'EUR' } });
    expect((await post(order, signWebhook(key, order))).status).toBe(200);
    expect((await post(order, signWebhook(key, order))).status).toBe(200); // Vinted retries: one event
    const sold = JSON.stringify({ event: 'ITEM_SOLD', payload: { item_id: crypto.randomUUID(), vinted_item_id: 4821000999 } });
    expect((await post(sold, signWebhook(key, sold))).status).toBe(200);
    const evs = await t.ctx.db.selectFrom('vinted.events').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    expect(evs.map((e) => e.type)).toEqual(['order.created', 'listing.sold']);
    const data = typeof evs[0].data === 'string' ? JSON.parse(evs[0].data) : evs[0].data;
    expect(data.order_id).toBe('9223372036854775001');
    await call('PATCH', `/api/vinted/webhooks/${(await call('GET', '/api/vinted/webhooks')).body.endpoints[0].id}`, { events: ['listing.sold', 'order.created'] });
    const before = received.length;
    await deliverOnce(t.ctx);
    const types = received.slice(before).map((r) => JSON.parse(r.body).type).sort();
    expect(types).toEqual(['listing.sold', 'order.created']);
    const notes = (await call('GET', '/api/vinted/notifications', undefined, t.tokens.admin)).body.notifications.map((x: any) => x.text);
    expect(notes).toContain('Nouvelle commande : Manteau laine');
  });
});

describe('SSRF', () => {
  it('without ATELIER_HTTP_ALLOW_PRIVATE a webhook to a loopback address is refused by the guard, never sent', async () => {
    const p = await createTestPlatform({ modules: [vinted], env: { ATELIER_HTTP_ALLOW_PRIVATE: 'false', VINTED_WEBHOOK_BACKOFF_S: '0', VINTED_DELIVERY_POLL_MS: '3600000' } });
    try {
      const r = await p.request('POST', '/api/vinted/webhooks', { token: p.tokens.operator, body: { url: `http://127.0.0.1:${port}/internal`, events: ['listing.sold'] } });
      expect(r.status).toBe(200);
      const before = received.length;
      await recordEvent(p.ctx.db, { type: 'listing.sold', accountId: null, dedupeKey: 'ssrf-1', data: {} });
      await deliverOnce(p.ctx);
      expect(received.length).toBe(before);
      const d = (await p.request('GET', `/api/vinted/webhooks/${r.body.endpoint.id}/deliveries`, { token: p.tokens.operator })).body.deliveries[0];
      expect(d.state).toBe('dead'); // retrying cannot help
      expect(d.last_error).toMatch(/private or loopback/);
    } finally {
      await p.close();
    }
  });
});
