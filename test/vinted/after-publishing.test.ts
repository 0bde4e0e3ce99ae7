// After publishing, part A, against the fake Vinted over HTTP: relist rules (preview, dry-run until
// acknowledged, reserved listings and open offers left alone, old id → new id), an account blocked in
// the middle of a relist (nothing lost), a rule matching 1,000 listings, orders (an unknown state kept,
// overdue sales, labels, Pro label PDF and cancel, order.created once), analytics and CSV, and roles.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { eventsAfter } from '../../src/vinted/events/outbox.ts';
import { orderState } from '../../src/vinted/orders/sync.ts';
import { parseCookies } from '../../src/vinted/accounts/cookies.ts';
import { relistTick } from '../../src/vinted/relist/schedule.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

let t: TestPlatform;
let fake: FakeVinted;
const SELLER = 'relist-seller';
beforeAll(async () => {
  fake = await startFakeVinted();
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url, VINTED_PRO_BASE_URL: fake.url } });
}, 240_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const call = async (method: string, url: string, body?: unknown, token: string | null = t.tokens.operator) => t.request(method, url, { token, body });
const ageAll = async () => t.ctx.db.withSchema('vinted').updateTable('listings').set({ first_seen_at: new Date(Date.now() - 60 * 86_400_000) }).where('state', 'in', ['live', 'reserved']).execute();
const history = async () => (await call('GET', '/api/vinted/relist/history?account=shop', undefined, t.tokens.viewer)).body.relists as any[];
const fakeLive = (id: string) => fake.items().find((i) => String(i.id) === id)?.closing === null;

describe('relist rules', () => {
  let ids: string[];
  let rule: any;

  it('previews what a rule would relist, leaving reserved listings and open offers alone; dry-run until the warning is acknowledged', async () => {
    expect((await call('POST', '/api/vinted/accounts', { name: 'shop', kind: 'web', cookies: fake.session(SELLER), user_agent: 'Mozilla/5.0 test' })).status).toBe(200);
    const job = await seedCatalog(t.ctx, [{}, {}, {}, {}, {}, {}]);
    const r = await t.request('POST', '/api/vinted/bulk/listings/execute', { token: t.tokens.operator, body: { job, account: 'shop', dry_run: false }, headers: { 'idempotency-key': 'relist-1' } });
    expect(r.status, r.text).toBe(200);
    const q = await waitFor(async () => (await call('GET', `/api/vinted/publish/queue?account=shop&job=${job}`)).body, (x) => x.items.length === 6 && x.items.every((i: any) => i.state === 'published'));
    ids = q.items.map((i: any) => i.vinted_id);
    fake.setItemState(Number(ids[0]), 'reserved');
    fake.inbox.buyerOffers({ item: Number(ids[1]), price: 4 });
    fake.inbox.buyerOffers({ item: Number(ids[2]), price: 4, status: 'rejected' });
    expect((await call('POST', '/api/vinted/listings/sync', { account: 'shop' })).body).toMatchObject({ ok: true, status: 'completed' });
    await ageAll();

    const created = await call('POST', '/api/vinted/relist/rules', { account: 'shop', name: 'vieux', min_age_days: 30, max_views: 100, daily_cap: 2 });
    expect(created.status, created.text).toBe(200);
    rule = created.body.rule;
    expect(rule).toMatchObject({ dry_run: true, acknowledged_at: null, daily_cap: 2 });
    const pv = await call('POST', `/api/vinted/relist/rules/${rule.id}/preview`, {}, t.tokens.viewer);
    expect(pv.status, pv.text).toBe(200);
    expect(pv.body).toMatchObject({ matched: 6, will_relist: 2, offers_checked: true });
    const reason = Object.fromEntries(pv.body.items.map((i: any) => [i.vinted_id, i.reason]));
    expect(reason[ids[0]]).toBe('reserved');
    expect(reason[ids[1]]).toBe('open_offer');
    // a refused offer is not an open one; the cap of 2 leaves one over it
    expect([reason[ids[2]], reason[ids[3]], reason[ids[4]], reason[ids[5]]].sort()).toEqual([null, null, 'over_cap', 'over_cap'].sort());

    // acting needs the warning acknowledged
    expect((await call('POST', `/api/vinted/relist/rules/${rule.id}/run`)).status).toBe(409);
    const noAck = await call('PATCH', `/api/vinted/relist/rules/${rule.id}`, { dry_run: false });
    expect(noAck.status).toBe(409);
    expect(noAck.body.error.code).toBe('acknowledge_required');
    expect(fake.stats().deleted).toBe(0);
  });

  it('runs: each chosen listing deleted and created again, old id → new id, inside the write budget', async () => {
    const ack = await call('PATCH', `/api/vinted/relist/rules/${rule.id}`, { dry_run: false, acknowledge: true });
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body.rule.acknowledged_at).not.toBeNull();
    const run = await call('POST', `/api/vinted/relist/rules/${rule.id}/run`);
    expect(run.status, run.text).toBe(202);
    const done = await t.ctx.jobs.wait(run.body.job_id);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.result).toMatchObject({ done: 2 });
    const h = (await history()).filter((x) => x.run_id === run.body.run_id);
    expect(h).toHaveLength(2);
    for (const x of h) {
      expect(x.state).toBe('done');
      expect(x.new_vinted_id).not.toBe(x.old_vinted_id);
      expect(fakeLive(x.old_vinted_id)).toBe(false);
      expect(fakeLive(x.new_vinted_id)).toBe(true);
      expect([ids[0], ids[1]]).not.toContain(x.old_vinted_id);
    }
    // the reserved listing and the one with an open offer are still there, untouched
    expect(fakeLive(ids[0]) || fake.items().find((i) => String(i.id) === ids[0])?.is_reserved).toBeTruthy();
    expect(fakeLive(ids[1])).toBe(true);
    // each delete and each re-create took a write slot
    const writes = await t.ctx.db.withSchema('vinted').selectFrom('writes').select('kind').where('kind', '=', 'relist-delete').execute();
    expect(writes).toHaveLength(2);
    // the new listings are announced like any publication
    const created = (await eventsAfter(t.ctx.db, 0, 1000)).filter((e) => e.type === 'listing.created').map((e) => e.data.vinted_id);
    for (const x of h) expect(created).toContain(x.new_vinted_id);
    // the cap of the day is used up: a second run relists nothing
    const pv = await call('POST', `/api/vinted/relist/rules/${rule.id}/preview`, {}, t.tokens.viewer);
    expect(pv.body.will_relist).toBe(0);
    expect(pv.body.caps.left).toBe(0);
  });

  it('an account blocked in the middle of a relist: the listing already deleted has its failure recorded, the others are left on Vinted', async () => {
    await ageAll();
    const r2 = await call('POST', '/api/vinted/relist/rules', { account: 'shop', name: 'bloque', min_age_days: 30, daily_cap: 5, dry_run: false, acknowledge: true });
    expect(r2.status, r2.text).toBe(200);
    await t.ctx.db.withSchema('vinted').updateTable('accounts').set({ relist_daily_cap: 20 }).execute();
    const before = fake.stats().deleted;
    // the first re-create's photo upload meets a captcha: the account is blocked after one delete
    fake.setMode({ mode: 'captcha', scope: 'write', path: '^/api/v2/photos$', count: 1 });
    const run = await call('POST', `/api/vinted/relist/rules/${r2.body.rule.id}/run`);
    const done = await t.ctx.jobs.wait(run.body.job_id);
    fake.setMode(null);
    expect(done.status, done.error ?? '').toBe('completed');
    const h = (await history()).filter((x) => x.run_id === run.body.run_id);
    expect(h.length).toBeGreaterThanOrEqual(2);
    expect(fake.stats().deleted - before).toBe(1);
    const failed = h.filter((x) => x.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].error_code).toBe('captcha');
    expect(failed[0].error).toBeTruthy();
    for (const x of h.filter((y) => y.state === 'skipped')) {
      expect(x.error_code).toBe('account_stopped');
      expect(fakeLive(x.old_vinted_id)).toBe(true);
    }
    // 0 lost: every relist is done, or failed with its reason, or skipped with its listing still live
    expect(h.every((x) => x.state === 'done' || (x.state === 'failed' && x.error) || (x.state === 'skipped' && fakeLive(x.old_vinted_id)))).toBe(true);
    const acc = (await call('GET', '/api/vinted/accounts/shop', undefined, t.tokens.viewer)).body.account;
    expect(acc.queue_state).toBe('stopped');
    // the article waits in the queue for the seller (needs_manual), re-created once the account is back
    const pub = (await call('GET', `/api/vinted/publish/${failed[0].publication_id}`, undefined, t.tokens.viewer)).body;
    expect(pub.publication?.state ?? pub.state).toBe('needs_manual');
    expect((await call('POST', '/api/vinted/accounts/shop/queue', { action: 'resume' })).status).toBe(200);
  });

  it('a run killed mid-delete resumes: it asks Vinted whether the delete happened, and never deletes or creates twice', async () => {
    expect((await call('POST', '/api/vinted/accounts/shop/queue', { action: 'resume' })).status).toBe(200);
    const acc = await t.ctx.db.withSchema('vinted').selectFrom('accounts').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    const live = await t.ctx.db.withSchema('vinted').selectFrom('listings').select(['vinted_id', 'publication_id']).where('account_id', '=', acc.id)
      .where('state', '=', 'live').where('publication_id', 'is not', null).orderBy('vinted_id').limit(2).execute();
    expect(live).toHaveLength(2);
    // the first delete reached Vinted before the crash, the second did not
    fake.setItemState(Number(live[0].vinted_id), 'deleted');
    const runId = 'crash-run';
    for (const l of live) {
      await t.ctx.db.withSchema('vinted').insertInto('relists').values({ run_id: runId, account_id: acc.id, old_vinted_id: l.vinted_id, publication_id: l.publication_id!, state: 'deleting' }).execute();
    }
    const before = fake.stats();
    // the schedule's tick finds the unfinished run (its job is gone) and resumes it
    expect(await relistTick(t.ctx as never, new Date(Date.now() + 120_000))).toBe(1);
    const job = await t.ctx.db.withSchema('core').selectFrom('jobs').select('id').where('kind', '=', 'relist').where((eb) => eb(eb.ref('payload', '->>').key('run_id' as never), '=', runId)).executeTakeFirstOrThrow();
    const done = await t.ctx.jobs.wait(job.id);
    expect(done.status, done.error ?? '').toBe('completed');
    const h = (await history()).filter((x) => x.run_id === runId);
    expect(h.map((x) => x.state)).toEqual(['done', 'done']);
    const after = fake.stats();
    // one delete sent (the one that had not happened), two re-creates
    expect(after.deleted - before.deleted).toBe(1);
    expect(after.creates - before.creates).toBe(2);
    for (const x of h) expect(fakeLive(x.new_vinted_id)).toBe(true);
  });

  it('a rule matching 1,000 listings previews at once: capped, the rest marked over the cap, nothing changed', async () => {
    const acc = await t.ctx.db.withSchema('vinted').selectFrom('accounts').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    const pubId = crypto.randomUUID();
    const old = new Date(Date.now() - 90 * 86_400_000);
    const rows = Array.from({ length: 1000 }, (_, i) => ({ account_id: acc.id, vinted_id: String(9_000_000 + i), title: `Vieux ${i}`, price: 10, state: 'live', publication_id: pubId, views: i % 50, favourites: 0, first_seen_at: old }));
    for (let i = 0; i < rows.length; i += 250) await t.ctx.db.withSchema('vinted').insertInto('listings').values(rows.slice(i, i + 250)).execute();
    const r = await call('POST', '/api/vinted/relist/rules', { account: 'shop', name: 'mille', min_age_days: 30, daily_cap: 50 });
    const deletedBefore = fake.stats().deleted;
    const pv = await call('POST', `/api/vinted/relist/rules/${r.body.rule.id}/preview`, { check_offers: false }, t.tokens.viewer);
    expect(pv.status, pv.text).toBe(200);
    expect(pv.body.matched).toBeGreaterThanOrEqual(1000);
    expect(pv.body.will_relist).toBe(Math.min(50, pv.body.caps.left));
    expect(pv.body.items).toHaveLength(500);
    expect(pv.body.truncated).toBe(true);
    expect(pv.body.items.filter((i: any) => i.reason === 'over_cap').length).toBeGreaterThan(400);
    expect(fake.stats().deleted).toBe(deletedBefore);
    await t.ctx.db.withSchema('vinted').deleteFrom('listings').where('publication_id', '=', pubId).execute();
  });

  it('refuses a bad cron expression and checks roles', async () => {
    const bad = await call('POST', '/api/vinted/relist/rules', { account: 'shop', name: 'x', cron: 'every day' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_cron');
    expect((await call('POST', '/api/vinted/relist/rules', { account: 'shop', name: 'v' }, t.tokens.viewer)).status).toBe(403);
    expect((await call('GET', '/api/vinted/relist/rules', undefined, null)).status).toBe(401);
    expect((await call('GET', '/api/vinted/relist/rules', undefined, t.tokens.viewer)).status).toBe(200);
  });
});

describe('orders', () => {
  it('keeps an unknown state from Vinted and shows it as such; highlights a sale overdue to ship; records order.created once', async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const a = fake.orders.addOrder({ login: SELLER, side: 'sold', title: 'Jean', price: 20, status: 'shipping_pending', ship_by: past });
    const b = fake.orders.addOrder({ login: SELLER, side: 'sold', title: 'Pull', price: 15, status: 'teleported_by_owl' });
    const c = fake.orders.addOrder({ login: SELLER, side: 'purchased', title: 'Veste', price: 30, status: 'completed' });
    for (let i = 0; i < 2; i++) {
      const s = await call('POST', '/api/vinted/orders/sync', { account: 'shop' });
      expect(s.body, s.text).toMatchObject({ ok: true, status: 'completed' });
    }
    const list = (await call('GET', '/api/vinted/orders?account=shop', undefined, t.tokens.viewer)).body.orders as any[];
    const by = Object.fromEntries(list.map((o) => [o.order_id, o]));
    expect(by[a.id]).toMatchObject({ side: 'sold', state: 'to_ship', overdue: true, price: 20 });
    expect(by[b.id]).toMatchObject({ state: 'unknown', status: 'teleported_by_owl', overdue: false });
    expect(by[c.id]).toMatchObject({ side: 'purchased', state: 'completed' });
    const ev = (await eventsAfter(t.ctx.db, 0, 5000)).filter((e) => e.type === 'order.created');
    expect(ev.map((e) => e.data.order_id).sort()).toEqual([a.id, b.id].sort());
    const label = await call('GET', `/api/vinted/orders/shop/${a.id}/label`);
    expect(label.status, label.text).toBe(200);
    expect(label.body.label_url).toMatch(/\/__fake\/labels\/\d+\.pdf$/);
    expect(orderState('SHIPPED')).toBe('shipped');
    expect(orderState(230)).toBe('unknown');
  });

  it('a 429 on the orders fails the sync job clearly, and the next sync works', async () => {
    fake.setMode({ mode: 'rate_limit', path: '^/api/v2/my_orders', count: 5, retry_after: 1 });
    const s = await call('POST', '/api/vinted/orders/sync', { account: 'shop' });
    fake.setMode(null);
    expect(s.body.ok).toBe(false);
    expect(s.body.status).toBe('failed');
    const again = await call('POST', '/api/vinted/orders/sync', { account: 'shop' });
    expect(again.body).toMatchObject({ ok: true, status: 'completed' });
  });

  it('Pro orders: the label as a PDF, cancel with a reason', async () => {
    const token = fake.proToken('pro-orders');
    expect((await call('POST', '/api/vinted/accounts', { name: 'pro', kind: 'pro', token })).status).toBe(200);
    const o = fake.orders.addOrder({ login: 'pro-orders', side: 'sold', title: 'Robe', price: 42, status: 'SHIPPING_PENDING', pro: true, id: '9007199254740993' });
    const s = await call('POST', '/api/vinted/orders/sync', { account: 'pro' });
    expect(s.body, s.text).toMatchObject({ ok: true, status: 'completed' });
    const list = (await call('GET', '/api/vinted/orders?account=pro', undefined, t.tokens.viewer)).body.orders as any[];
    // an int64 id beyond 2^53 survives as a string
    expect(list.map((x) => x.order_id)).toEqual([o.id]);
    const pdf = await t.request('GET', `/api/vinted/orders/pro/${o.id}/label`, { token: t.tokens.operator });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    expect((await call('POST', `/api/vinted/orders/pro/${o.id}/cancel`, { reason: 'Article abîmé' })).status).toBe(200);
    expect(fake.orders.orders().find((x) => x.id === o.id)?.status).toBe('cancelled');
    expect((await call('POST', `/api/vinted/orders/shop/${list[0].order_id}/cancel`, { reason: 'x' })).status).toBe(404);
  });
});

describe('analytics', () => {
  it('totals, groups, time to sell and CSV agree with the wardrobe and the orders', async () => {
    const acc = await t.ctx.db.withSchema('vinted').selectFrom('accounts').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    const live = await t.ctx.db.withSchema('vinted').selectFrom('listings').selectAll().where('account_id', '=', acc.id).where('state', '=', 'live').orderBy('vinted_id').execute();
    // two sales: one with an order (its price counts), one seen sold by the sync only
    fake.setItemState(Number(live[0].vinted_id), 'sold');
    fake.setItemState(Number(live[1].vinted_id), 'sold');
    fake.orders.addOrder({ login: SELLER, side: 'sold', item_id: Number(live[0].vinted_id), title: live[0].title, price: 99, status: 'completed' });
    await call('POST', '/api/vinted/listings/sync', { account: 'shop' });
    await call('POST', '/api/vinted/orders/sync', { account: 'shop' });
    const r = await call('GET', '/api/vinted/analytics?account=shop&bucket=month', undefined, t.tokens.viewer);
    expect(r.status, r.text).toBe(200);
    const s = r.body;
    expect(s.totals.sales).toBe(2);
    expect(s.totals.revenue).toBe(99 + Number(live[1].price));
    expect(s.totals.conversion).toBeCloseTo(2 / s.totals.listings, 2);
    expect(s.totals.median_days_to_sell).not.toBeNull();
    expect(s.by_category.reduce((n: number, g: any) => n + g.sales, 0)).toBe(2);
    expect(s.by_price_band.reduce((n: number, g: any) => n + g.listings, 0)).toBe(s.totals.listings);
    expect(s.over_time.reduce((n: number, p: any) => n + p.sales, 0)).toBe(2);
    const csv = await t.request('GET', '/api/vinted/analytics.csv?account=shop', { token: t.tokens.viewer });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\n')[1]).toBe(`total,,,${s.totals.listings},2,${s.totals.revenue},${s.totals.views},${s.totals.favourites},${s.totals.conversion}`);
    const prices = await call('GET', '/api/vinted/analytics/prices?account=shop&min_sales=1', undefined, t.tokens.viewer);
    expect(prices.status).toBe(200);
    expect(prices.body.suggestions.reduce((n: number, x: any) => n + x.sales, 0)).toBe(2);
    expect(prices.body.suggestions[0].price_target).toBeGreaterThan(0);
    expect(prices.body.suggestions[0].price_min).toBeLessThanOrEqual(prices.body.suggestions[0].price_target);
    expect((await call('GET', '/api/vinted/analytics', undefined, null)).status).toBe(401);
  });

  it('never shows the session or the Pro token in a log line or an answer', async () => {
    const web = JSON.parse((await t.ctx.vault.get('vinted.session.shop'))!);
    const secrets = Object.values(parseCookies(web.cookie_value).values).filter((v) => v.length >= 20);
    const pro = JSON.parse((await t.ctx.vault.get('vinted.pro.pro'))!).token.split(',');
    expect(secrets.length).toBeGreaterThan(1);
    const answers = await Promise.all(['/api/vinted/orders', '/api/vinted/relist/history', '/api/vinted/relist/rules', '/api/vinted/analytics', '/api/vinted/analytics.csv'].map((u) => call('GET', u, undefined, t.tokens.viewer)));
    const haystack = t.logs.join('\n') + answers.map((a) => a.text).join('\n');
    for (const x of [...secrets, ...pro]) expect(haystack).not.toContain(x);
  });
});
