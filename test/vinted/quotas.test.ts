// Quotas and the admin view on the real platform with the fake Vinted: an admin sets a seller's
// limits; the seller's next account, publish and upload past them get 403 with a code and a French
// message; the admin page shows every user's usage, totals and recent errors; a suspended user's API
// token stops working at once and works again when the suspension is lifted.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { PUBLISH_ENV, seedCatalog } from './publish-helpers.ts';
import { multipart, fixtureFiles } from './helpers.ts';

let t: TestPlatform;
let fake: FakeVinted;
let seller: { id: string; token: string };
beforeAll(async () => {
  fake = await startFakeVinted();
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
  const u = await t.ctx.auth.createUser('seller@test.local', 'seller-password-123', 'operator');
  seller = { id: u.id, token: (await t.ctx.auth.createApiToken(u.id, 'test')).token };
}, 240_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const as = (token: string, method: string, url: string, body?: unknown, headers?: Record<string, string>) => t.request(method, url, { token, body, headers });

describe('quotas', () => {
  let job: string;

  it('an admin sets a seller\'s limits; only admins may', async () => {
    expect((await as(t.tokens.operator, 'PUT', `/api/vinted/admin/quotas/${seller.id}`, { articles_per_month: 2 })).status).toBe(403);
    const r = await as(t.tokens.admin, 'PUT', `/api/vinted/admin/quotas/${seller.id}`, { articles_per_month: 2, accounts: 1, storage_mb: 1 });
    expect(r.status, r.text).toBe(200);
    expect(r.body.limits).toEqual({ articles_per_month: 2, accounts: 1, storage_mb: 1 });
    // others keep the env default (0: unlimited)
    expect((await as(t.tokens.operator, 'GET', '/api/vinted/quota')).body.limits).toEqual({ articles_per_month: 0, accounts: 0, storage_mb: 0 });
  });

  it('a second Vinted account is refused with a clear French message; reconnecting the first is not', async () => {
    const first = await as(seller.token, 'POST', '/api/vinted/accounts', { name: 'shop', kind: 'web', cookies: fake.session('quota-seller'), user_agent: 'Mozilla/5.0 test' });
    expect(first.status, first.text).toBe(200);
    const second = await as(seller.token, 'POST', '/api/vinted/accounts', { name: 'shop2', kind: 'web', cookies: fake.session('quota-seller-2'), user_agent: 'Mozilla/5.0 test' });
    expect(second.status).toBe(403);
    expect(second.body.error).toMatchObject({ code: 'quota_accounts', details: { limit: 1, used: 1 } });
    expect(second.body.error.message).toMatch(/^Limite atteinte : 1 compte Vinted au plus/);
    const again = await as(seller.token, 'POST', '/api/vinted/accounts', { name: 'shop', kind: 'web', cookies: fake.session('quota-seller'), user_agent: 'Mozilla/5.0 test' });
    expect(again.status, again.text).toBe(200);
  });

  it('publishing past the monthly limit is refused before anything is queued', async () => {
    job = await seedCatalog(t.ctx, [{}, {}, {}]);
    const all = await as(seller.token, 'POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', dry_run: false }, { 'idempotency-key': 'quota-1' });
    expect(all.status).toBe(403);
    expect(all.body.error).toMatchObject({ code: 'quota_articles', details: { limit: 2, used: 0, requested: 3 } });
    expect(all.body.error.message).toContain('2 articles par mois');
    const queued = await t.ctx.db.withSchema('vinted').selectFrom('publications').select('id').where('job_id', '=', job).execute();
    expect(queued).toHaveLength(0);
    // a dry run is never counted nor refused
    expect((await as(seller.token, 'POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', dry_run: true })).status).toBe(200);
    const two = await as(seller.token, 'POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', dry_run: false, only: ['c1', 'c2'] }, { 'idempotency-key': 'quota-2' });
    expect(two.status, two.text).toBe(200);
    const third = await as(seller.token, 'POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', dry_run: false, only: ['c3'] }, { 'idempotency-key': 'quota-3' });
    expect(third.status).toBe(403);
    expect(third.body.error.details).toMatchObject({ used: 2 });
    const mine = await as(seller.token, 'GET', '/api/vinted/quota');
    expect(mine.body.usage).toMatchObject({ articles_this_month: 2, accounts: 1 });
  });

  it('a new batch is refused once the photo storage is used up', async () => {
    const own = crypto.randomUUID();
    await t.ctx.db.withSchema('vinted').insertInto('catalogs').values({ job_id: own, source: 'upload', files: 1, created_by: seller.id, status: 'ready', version: 1 }).execute();
    await t.ctx.files.put(`vinted/${own}/p0001-original.jpg`, Buffer.alloc(1.5 * 1024 * 1024, 1));
    const m = multipart(fixtureFiles().slice(0, 1));
    const res = await t.app.inject({ method: 'POST', url: '/api/vinted/bulk/ingest/photos', payload: m.body, headers: { ...m.headers, authorization: `Bearer ${seller.token}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'quota_storage', details: { limit_mb: 1, used_mb: 2 } });
    expect(res.json().error.message).toContain('1 Mo de photos');
  });
});

describe('the admin view', () => {
  it('shows every user\'s usage and limits, platform totals and recent errors (admins only)', async () => {
    await t.ctx.db.withSchema('core').insertInto('jobs').values({ module: 'vinted', kind: 'sync', status: 'failed', error: 'Vinted answered 503 five times', created_by: seller.id, finished_at: new Date() }).execute();
    await t.ctx.db.withSchema('vinted').insertInto('listings').values({ account_id: crypto.randomUUID(), vinted_id: '42', title: 'Robe', state: 'sold' }).execute();
    expect((await as(t.tokens.operator, 'GET', '/api/vinted/admin/overview')).status).toBe(403);
    const r = await as(t.tokens.admin, 'GET', '/api/vinted/admin/overview');
    expect(r.status, r.text).toBe(200);
    const s = r.body.users.find((u: any) => u.email === 'seller@test.local');
    expect(s).toMatchObject({ suspended: false, limits: { articles_per_month: 2, accounts: 1, storage_mb: 1 }, usage: { articles_this_month: 2, accounts: 1 } });
    expect(s.usage.storage_bytes).toBeGreaterThan(1024 * 1024);
    expect(s.last_seen_at).not.toBeNull();
    expect(r.body.totals).toMatchObject({ sales: 1, users: 4 });
    expect(r.body.totals.active_users_7d).toBeGreaterThanOrEqual(2);
    expect(r.body.errors.some((e: any) => e.error === 'Vinted answered 503 five times' && e.user === 'seller@test.local')).toBe(true);
  });

  it('suspending a user stops their API token at once; lifting it lets it work again', async () => {
    expect((await as(seller.token, 'GET', '/api/vinted/quota')).status).toBe(200);
    const admin = (await t.ctx.auth.listUsers()).find((u) => u.email === 'admin@test.local')!;
    expect((await as(t.tokens.admin, 'PATCH', `/api/users/${admin.id}`, { suspended: true })).status).toBe(400);
    const s = await as(t.tokens.admin, 'PATCH', `/api/users/${seller.id}`, { suspended: true });
    expect(s.status, s.text).toBe(200);
    expect((await as(seller.token, 'GET', '/api/vinted/quota')).status).toBe(401);
    const login = await t.request('POST', '/api/auth/login', { body: { email: 'seller@test.local', password: 'seller-password-123' } });
    expect(login.status).toBe(401);
    const overview = await as(t.tokens.admin, 'GET', '/api/vinted/admin/overview');
    expect(overview.body.users.find((u: any) => u.email === 'seller@test.local').suspended).toBe(true);
    expect((await as(t.tokens.admin, 'PATCH', `/api/users/${seller.id}`, { suspended: false })).status).toBe(200);
    expect((await as(seller.token, 'GET', '/api/vinted/quota')).status).toBe(200);
  });
});
