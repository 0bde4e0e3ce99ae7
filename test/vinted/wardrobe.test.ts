// The wardrobe kept in sync with Vinted (the fake, over HTTP): listings read back and matched to our
// publications, states followed (live, hidden, reserved, sold, deleted), and the actions from the
// app (hide, unhide, edit, delete) done on Vinted first, inside the account's write budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { eventsAfter } from '../../src/vinted/events/outbox.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

let t: TestPlatform;
let fake: FakeVinted;
beforeAll(async () => {
  fake = await startFakeVinted();
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
}, 240_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const call = async (method: string, url: string, body?: unknown, token = t.tokens.operator) => t.request(method, url, { token, body });
const listings = async () => (await call('GET', '/api/vinted/listings?account=shop', undefined, t.tokens.viewer)).body.listings as any[];
const byId = async (id: string) => (await listings()).find((l) => l.vinted_id === id);

describe('wardrobe', () => {
  let ids: string[];
  let job: string;

  it('publishes three articles, then reads the wardrobe back: matched to their articles, states followed', async () => {
    await call('POST', '/api/vinted/accounts', { name: 'shop', kind: 'web', cookies: fake.session('wardrobe-seller'), user_agent: 'Mozilla/5.0 test' });
    job = await seedCatalog(t.ctx, [{}, {}, {}]);
    const r = await t.request('POST', '/api/vinted/bulk/listings/execute', { token: t.tokens.operator, body: { job, account: 'shop', dry_run: false }, headers: { 'idempotency-key': 'wardrobe-1' } });
    expect(r.status, r.text).toBe(200);
    const q = await waitFor(async () => (await call('GET', `/api/vinted/publish/queue?account=shop&job=${job}`)).body, (x) => x.items.every((i: any) => i.state === 'published'));
    ids = q.items.map((i: any) => i.vinted_id);
    // Vinted-side changes: one sold, one reserved
    fake.setItemState(Number(ids[0]), 'sold');
    fake.setItemState(Number(ids[1]), 'reserved');
    const sync = await call('POST', '/api/vinted/listings/sync', { account: 'shop' });
    expect(sync.body, sync.text).toMatchObject({ ok: true, status: 'completed' });
    expect(sync.body.result.shop).toMatchObject({ seen: 3, gone: 0 });
    const l = await listings();
    expect(l.map((x) => [x.vinted_id, x.state, x.cluster_id]).sort()).toEqual([[ids[0], 'sold', 'c1'], [ids[1], 'reserved', 'c2'], [ids[2], 'live', 'c3']].sort());
    const acc = (await call('GET', '/api/vinted/accounts/shop', undefined, t.tokens.viewer)).body.account;
    expect(acc.synced_at).not.toBeNull();
  });

  it('records each publication and the sale in the events outbox once, however many syncs see them', async () => {
    const again = await call('POST', '/api/vinted/listings/sync', { account: 'shop' });
    expect(again.body, again.text).toMatchObject({ ok: true, status: 'completed' });
    const events = await eventsAfter(t.ctx.db, 0, 1000);
    expect(events.filter((e) => e.type === 'listing.created').map((e) => e.data.vinted_id).sort()).toEqual([...ids].sort());
    const sold = events.filter((e) => e.type === 'listing.sold');
    expect(sold.map((e) => e.data.vinted_id)).toEqual([ids[0]]);
    expect(sold[0].data).toMatchObject({ cluster_id: 'c1' });
  });

  it('hide, unhide, edit and delete go to Vinted first, then to the wardrobe', async () => {
    const id = ids[2];
    expect((await call('POST', `/api/vinted/listings/shop/${id}/hide`)).status).toBe(200);
    expect(fake.items().find((i) => String(i.id) === id)!.is_hidden).toBe(true);
    expect((await byId(id)).state).toBe('hidden');
    expect((await call('POST', `/api/vinted/listings/shop/${id}/unhide`)).body.listing.state).toBe('live');
    expect(fake.items().find((i) => String(i.id) === id)!.is_hidden).toBe(false);
    const edit = await call('PATCH', `/api/vinted/listings/shop/${id}`, { title: 'T-shirt noir coton bio – Taille M', price: 18 });
    expect(edit.status, edit.text).toBe(200);
    expect(fake.items().find((i) => String(i.id) === id)).toMatchObject({ title: 'T-shirt noir coton bio – Taille M', price: 18 });
    expect(edit.body.listing).toMatchObject({ title: 'T-shirt noir coton bio – Taille M', price: 18 });
    // Vinted refuses a bad edit: its message comes back
    const bad = await call('PATCH', `/api/vinted/listings/shop/${id}`, { price: 0.5 });
    expect(bad.status).toBe(400);
    const del = await call('POST', `/api/vinted/listings/shop/${id}/delete`);
    expect(del.body.listing.state).toBe('deleted');
    expect(fake.items().find((i) => String(i.id) === id)!.closing).toBe('deleted');
    // nothing to do on a sold or deleted listing; viewers cannot act
    expect((await call('POST', `/api/vinted/listings/shop/${ids[0]}/hide`)).status).toBe(409);
    expect((await call('POST', `/api/vinted/listings/shop/${id}/delete`)).status).toBe(409);
    expect((await call('POST', `/api/vinted/listings/shop/${ids[1]}/hide`, undefined, t.tokens.viewer)).status).toBe(403);
  });

  it('a listing deleted on Vinted is marked deleted at the next sync; the schedule syncs every connected account', async () => {
    fake.setItemState(Number(ids[1]), 'deleted');
    const job2 = await t.ctx.jobs.enqueue('vinted.sync', {});
    const done = await t.ctx.jobs.wait(job2.id);
    expect(done.status).toBe('completed');
    expect((await byId(ids[1])).state).toBe('deleted');
  });

  it('manual actions count in the write budget: refused with the time it frees up', async () => {
    const job3 = await seedCatalog(t.ctx, [{ photos: 1 }]);
    await t.request('POST', '/api/vinted/bulk/listings/execute', { token: t.tokens.operator, body: { job: job3, account: 'shop', dry_run: false }, headers: { 'idempotency-key': 'wardrobe-2' } });
    const q = await waitFor(async () => (await call('GET', `/api/vinted/publish/queue?account=shop&job=${job3}`)).body, (x) => x.items[0]?.state === 'published');
    const id = q.items[0].vinted_id;
    const writes = Number((await t.ctx.db.withSchema('vinted').selectFrom('writes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    await call('PATCH', '/api/vinted/accounts/shop', { writes_per_hour: writes });
    const r = await call('POST', `/api/vinted/listings/shop/${id}/hide`);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('budget');
    expect(fake.items().find((i) => String(i.id) === id)!.is_hidden).toBe(false);
    await call('PATCH', '/api/vinted/accounts/shop', { writes_per_hour: null });
    expect((await call('POST', `/api/vinted/listings/shop/${id}/hide`)).status).toBe(200);
  });
});
