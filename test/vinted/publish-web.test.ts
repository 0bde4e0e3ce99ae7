// Publishing through the web-session adapter, against the fake Vinted over real HTTP, on the real
// platform (PGlite or PostgreSQL, pg-boss workers): accounts, prepare (exact payload, confirm token),
// the paced queue, and every fault of the issue's list except the kill -9 and the race (their own
// files): expired session, session revoked mid-batch, captcha mid-batch, 429 storm, 5xx and
// timeouts, double click, edit after prepare, no photo, a photo Vinted refuses. Secrets planted in
// the cookies never show in answers or logs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { eventsAfter } from '../../src/vinted/events/outbox.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

let t: TestPlatform;
let fake: FakeVinted;
let op: string;
const responses: string[] = [];

beforeAll(async () => {
  fake = await startFakeVinted();
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
  op = t.tokens.operator;
}, 240_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});
beforeEach(() => fake.setMode(null));

async function call(method: string, url: string, body?: unknown, o: { token?: string; headers?: Record<string, string> } = {}) {
  const r = await t.request(method, url, { token: o.token ?? op, body, headers: o.headers });
  responses.push(r.text);
  return r;
}

let accountSeq = 0;
async function addAccount(name = `seller${++accountSeq}`, login = `login-${name}`) {
  const r = await call('POST', '/api/vinted/accounts', { name, kind: 'web', cookies: fake.session(login), user_agent: 'Mozilla/5.0 (X11; Linux x86_64) PlantedUA/1.0' });
  expect(r.status, r.text).toBe(200);
  return r.body.account as { id: string; name: string; login: string; status: string };
}

async function queue(account: string, job?: string) {
  return (await call('GET', `/api/vinted/publish/queue?account=${account}${job ? `&job=${job}` : ''}`, undefined, { token: t.tokens.viewer })).body;
}

async function publishAll(job: string, account: string, key = `k-${Math.random()}`, only?: string[]) {
  const prep = await call('POST', '/api/vinted/listings/prepare', { job, account, clusters: only });
  expect(prep.status, prep.text).toBe(200);
  const tokens = prep.body.items.filter((i: any) => i.ready).map((i: any) => i.confirm_token);
  const r = await call('POST', '/api/vinted/bulk/listings/execute', { job, account, confirm_tokens: tokens, dry_run: false }, { headers: { 'idempotency-key': key } });
  expect(r.status, r.text).toBe(200);
  return { prep: prep.body, exec: r.body };
}

const finalStates = ['published', 'needs_review', 'needs_manual', 'dead', 'cancelled'];
const settled = (q: any) => q.items.length > 0 && q.items.every((i: any) => finalStates.includes(i.state));

describe('accounts', () => {
  it('connects a web account: vault only, checked against Vinted, login and expiry shown, no secret echoed', async () => {
    const cookies = fake.session('planted-login');
    const token = /access_token_web\t(\S+)/.exec(cookies)![1];
    const r = await call('POST', '/api/vinted/accounts', { name: 'main', kind: 'web', cookies, user_agent: 'Mozilla/5.0 PlantedUA/1.0' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.account).toMatchObject({ name: 'main', kind: 'web', login: 'planted-login', status: 'ok', queue_state: 'running' });
    expect(Date.parse(r.body.account.session_expires_at)).toBeGreaterThan(Date.now() + 6 * 86400_000);
    const list = await call('GET', '/api/vinted/accounts', undefined, { token: t.tokens.viewer });
    expect(list.body.accounts.map((a: any) => a.name)).toContain('main');
    // bad input: no refresh token, no user agent, not cookies at all
    expect((await call('POST', '/api/vinted/accounts', { name: 'bad', kind: 'web', cookies: `access_token_web=${token}`, user_agent: 'x' })).body.error.message).toMatch(/refresh_token_web/);
    expect((await call('POST', '/api/vinted/accounts', { name: 'bad', kind: 'web', cookies })).status).toBe(400);
    expect((await call('POST', '/api/vinted/accounts', { name: 'bad', kind: 'pro', token: 'nocomma' })).status).toBe(400);
    expect((await call('POST', '/api/vinted/accounts', { name: '../x', kind: 'web', cookies, user_agent: 'ua' })).status).toBe(400);
    // viewers cannot connect accounts
    expect((await call('POST', '/api/vinted/accounts', { name: 'v', kind: 'web', cookies, user_agent: 'ua' }, { token: t.tokens.viewer })).status).toBe(403);
    // a cookie file for a session Vinted does not know: à reconnecter
    const forged = cookies.replace(token, token.slice(0, -6) + 'AAAAAA');
    const bad = await call('POST', '/api/vinted/accounts', { name: 'forged', kind: 'web', cookies: forged.replace(/refresh_token_web\t\S+/, 'refresh_token_web\tforged.forged.forged'), user_agent: 'ua' });
    expect(bad.body.account).toMatchObject({ status: 'reconnect', queue_state: 'stopped', queue_code: 'reconnect' });
    expect(bad.body.ok).toBe(false);
    const all = responses.join('\n') + t.logs.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(/refresh_token_web\t(\S+)/.exec(cookies)![1]);
    const rows = JSON.stringify(await t.ctx.db.withSchema('vinted').selectFrom('accounts').selectAll().execute());
    expect(rows).not.toContain(token);
  });
});

describe('prepare and publish', () => {
  it('dry run shows the exact payload; confirm publishes each article once, photos without metadata, paced', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{ category: 'jeans', size: 'L', colors: ['bleu', 'marine'], brand: 'Zara' }, { category: 'hoodie', photos: 3 }, { category: 'robe', size: '38' }], { defaults: { city: 'Lyon' } });
    const before = fake.stats();
    const prep = await call('POST', '/api/vinted/listings/prepare', { job, account: a.name });
    expect(prep.status, prep.text).toBe(200);
    const [jeans, hoodie, robe] = prep.body.items;
    expect(prep.body.items.every((i: any) => i.ready)).toBe(true);
    expect(jeans.catalog_path).toEqual(['Femmes', 'Vêtements', 'Jeans', 'Jeans droits']);
    const item = jeans.payload.item;
    expect(item).toMatchObject({ catalog_id: 1845, size_id: 5, status_id: 2, color_ids: [9, 27], brand_id: 12, brand: 'Zara', package_size_id: 2, currency: 'EUR' });
    expect(item.item_attributes).toEqual([{ code: 'size', ids: [5] }, { code: 'condition', ids: [2] }]);
    expect(jeans.payload.upload_session_id).toBe(item.temp_uuid);
    expect(jeans.payload.push_up).toBe(false);
    expect(item.assigned_photos).toEqual([{ id: '<photo 1: IMG_0001.jpg>', orientation: 0 }, { id: '<photo 2: IMG_0002.jpg>', orientation: 0 }]);
    expect(hoodie.photos).toHaveLength(3);
    expect(robe.payload.item.size_id).toBe(4);
    // the dry run published nothing and sent nothing but lookups
    const dry = await call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name });
    expect(dry.body).toMatchObject({ ok: true, dry_run: true });
    expect(dry.body.items.map((i: any) => i.state)).toEqual(['dry_run', 'dry_run', 'dry_run']);
    expect(fake.stats().photos).toBe(before.photos);
    expect(fake.stats().creates).toBe(before.creates);
    // publishing for real needs an Idempotency-Key
    expect((await call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name, confirm_tokens: [jeans.confirm_token], dry_run: false })).status).toBe(400);

    const { exec } = await publishAll(job, a.name, 'batch-1');
    expect(exec.items.map((i: any) => i.outcome)).toEqual(['created', 'created', 'created']);
    expect(exec.items.every((i: any) => i.expected_at)).toBe(true);
    const q = await waitFor(() => queue(a.name, job), settled, 30_000, 'published');
    expect(q.items.map((i: any) => i.state)).toEqual(['published', 'published', 'published']);
    expect(fake.stats().photos - before.photos).toBe(7);
    expect(fake.stats().creates - before.creates).toBe(3);
    // what Vinted received: the listing copies, no EXIF/GPS, our fields
    const sent = fake.photos().slice(-7);
    expect(sent.every((p) => !p.exif)).toBe(true);
    for (const p of sent) expect(p.bytes.includes(Buffer.from('PlantedPhone'))).toBe(false);
    expect((await sharp(sent[0].bytes).metadata()).exif).toBeUndefined();
    const created = fake.items().slice(-3);
    expect(created[0]).toMatchObject({ title: jeans.title, catalog_id: 1845, size_id: 5, status_id: 2, brand_id: 12, photo_ids: sent.slice(0, 2).map((p) => p.id) });
    for (const it of q.items) expect(it.url).toMatch(new RegExp(`^${fake.url}/items/\\d+-`));
    // the same key again: the first result, nothing sent; another key: already there
    const again = await call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name, confirm_tokens: prep.body.items.map((i: any) => i.confirm_token), dry_run: false }, { headers: { 'idempotency-key': 'batch-1' } });
    expect(again.body.items.map((i: any) => [i.outcome, i.state])).toEqual([['same_key', 'published'], ['same_key', 'published'], ['same_key', 'published']]);
    const other = await call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name, dry_run: false }, { headers: { 'idempotency-key': 'batch-2' } });
    expect(other.body.items.map((i: any) => i.outcome)).toEqual(['exists', 'exists', 'exists']);
    expect(fake.stats().creates - before.creates).toBe(3);
    // every step is recorded
    const detail = await call('GET', `/api/vinted/publish/${q.items[1].id}`, undefined, { token: t.tokens.viewer });
    expect(detail.body.steps.map((s: any) => s.step)).toEqual(['reserved', 'photo', 'photo', 'photo', 'created']);
    // the wardrobe knows them
    const listings = await call('GET', `/api/vinted/listings?account=${a.name}`, undefined, { token: t.tokens.viewer });
    expect(listings.body.listings.filter((l: any) => l.job_id === job).map((l: any) => l.state)).toEqual(['live', 'live', 'live']);
    // the writes were paced: at least the minimum gap between them (3600/360000 s × 0.8)
    const writes = await t.ctx.db.withSchema('vinted').selectFrom('writes').select('at').where('account_id', '=', a.id).orderBy('at').execute();
    expect(writes).toHaveLength(10);
    for (let i = 1; i < writes.length; i++) expect(new Date(writes[i].at).getTime() - new Date(writes[i - 1].at).getTime()).toBeGreaterThanOrEqual(7);
  });

  it('a double click on Publier (two identical requests at once) publishes once', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}, {}]);
    const prep = await call('POST', '/api/vinted/listings/prepare', { job, account: a.name });
    const tokens = prep.body.items.map((i: any) => i.confirm_token);
    const before = fake.stats();
    const send = () => call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name, confirm_tokens: tokens, dry_run: false }, { headers: { 'idempotency-key': 'dbl-click' } });
    const [r1, r2] = await Promise.all([send(), send()]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const outcomes = [...r1.body.items, ...r2.body.items].map((i: any) => i.outcome).sort();
    expect(outcomes).toEqual(['created', 'created', 'same_key', 'same_key']);
    // the single-article route: a concurrent duplicate gets 409, a repeat the first result
    const job2 = await seedCatalog(t.ctx, [{}]);
    const tok = (await call('POST', '/api/vinted/listings/prepare', { job: job2, account: a.name })).body.items[0].confirm_token;
    const one = () => call('POST', '/api/vinted/listings/publish', { confirm_token: tok, dry_run: false }, { headers: { 'idempotency-key': 'single-key-1' } });
    const [s1, s2] = await Promise.all([one(), one()]);
    expect([s1.status, s2.status].sort()).toEqual([202, 409]);
    await waitFor(() => queue(a.name), settled, 30_000, 'published');
    const s3 = await one();
    expect(s3.status).toBe(200);
    expect(s3.body).toMatchObject({ ok: true, listing_id: expect.any(String), listing_url: expect.stringContaining('/items/') });
    expect(fake.stats().creates - before.creates).toBe(3);
  });

  it('an article edited after prepare is refused until prepared again', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}]);
    const tok = (await call('POST', '/api/vinted/listings/prepare', { job, account: a.name })).body.items[0].confirm_token;
    await call('POST', '/api/vinted/bulk/listings/plan', { job, overrides: { c1: { price: 42 } } });
    const r = await call('POST', '/api/vinted/listings/publish', { confirm_token: tok, dry_run: false }, { headers: { 'idempotency-key': 'edited-1' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('stale');
    const batch = await call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name, confirm_tokens: [tok], dry_run: false }, { headers: { 'idempotency-key': 'edited-2' } });
    expect(batch.body.items[0]).toMatchObject({ state: 'stale', outcome: 'stale' });
    expect(batch.body.ok).toBe(false);
    // a tampered token is refused
    const [body, mac] = tok.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), c: 'c9' })).toString('base64url');
    expect((await call('POST', '/api/vinted/listings/publish', { confirm_token: `${forged}.${mac}`, dry_run: false }, { headers: { 'idempotency-key': 'edited-3' } })).body.error.code).toBe('confirm_invalid');
    const fresh = (await call('POST', '/api/vinted/listings/prepare', { job, account: a.name })).body.items[0];
    expect(fresh.payload.item.price).toBe(42);
    expect((await call('POST', '/api/vinted/listings/publish', { confirm_token: fresh.confirm_token, dry_run: false }, { headers: { 'idempotency-key': 'edited-4' } })).status).toBe(202);
    await waitFor(() => queue(a.name, job), settled);
  });

  it('an article with no photo, and one that is not ready, are refused with the reason; the others go', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{ photos: 0 }, { size: null }, {}]);
    const prep = await call('POST', '/api/vinted/listings/prepare', { job, account: a.name });
    const [none, nosize, ok] = prep.body.items;
    expect(none).toMatchObject({ ready: false, confirm_token: null });
    expect(none.missing).toContain('no_photo');
    expect(none.error).toMatch(/aucune photo/);
    expect(nosize.missing).toContain('vinted_size_missing');
    expect(ok.ready).toBe(true);
    const r = await call('POST', '/api/vinted/bulk/listings/execute', { job, account: a.name, dry_run: false }, { headers: { 'idempotency-key': 'partial-batch' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.map((i: any) => i.state)).toEqual(['not_ready', 'not_ready', 'queued']);
    expect(r.body.ok).toBe(false);
    await waitFor(() => queue(a.name, job), settled);
  });

  it('a photo Vinted refuses (too big) sends that article back to review; the batch goes on', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}, {}]);
    fake.configure({ photo_max_bytes: 1000 });
    try {
      await publishAll(job, a.name, undefined, ['c1']);
      const q = await waitFor(() => queue(a.name, job), settled);
      expect(q.items[0]).toMatchObject({ state: 'needs_review', error_code: 'photo_rejected' });
      expect(q.items[0].error).toMatch(/IMG_\d+\.jpg/);
    } finally {
      fake.configure({ photo_max_bytes: 8 * 1024 * 1024 });
    }
    await publishAll(job, a.name, undefined, ['c2']);
    const q = await waitFor(() => queue(a.name, job), (x) => settled(x) && x.items.length === 2);
    expect(q.items.map((i: any) => i.state)).toEqual(['needs_review', 'published']);
    // fixed (here: Vinted accepts it now) and published again: the same row, queued again
    const again = await publishAll(job, a.name, undefined, ['c1']);
    expect(again.exec.items[0].outcome).toBe('requeued');
    await waitFor(() => queue(a.name, job), (x) => x.items.every((i: any) => i.state === 'published'));
  });

  it('a validation error (code 99) sends the article back to review with Vinted\'s field messages', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}, {}]);
    fake.setMode({ mode: 'validation', count: 1, errors: [{ field: 'brand', value: 'Cette marque est indisponible' }] });
    await publishAll(job, a.name);
    const q = await waitFor(() => queue(a.name, job), settled);
    expect(q.items.map((i: any) => i.state)).toEqual(['needs_review', 'published']);
    expect(q.items[0]).toMatchObject({ error_code: 'validation', field_errors: [{ field: 'brand', message: 'Cette marque est indisponible' }] });
    expect(q.items[0].error).toContain('Cette marque est indisponible');
  });

  it('a 429 storm is waited out (Retry-After, then backoff) without publishing twice', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}, {}]);
    const before = fake.stats();
    fake.setMode({ mode: 'rate_limit', count: 3, retry_after: 1, scope: 'write' });
    fake.setMode({ mode: 'rate_limit', count: 2, scope: 'write' });
    await publishAll(job, a.name);
    const q = await waitFor(() => queue(a.name, job), settled, 60_000);
    expect(q.items.map((i: any) => i.state)).toEqual(['published', 'published']);
    expect(q.items.reduce((n: number, i: any) => n + i.attempts, 0)).toBe(5);
    expect(fake.stats().creates - before.creates).toBe(2);
    expect(fake.stats().photos - before.photos).toBe(4);
  });

  it('Vinted down (5xx, timeouts, an answer lost after the create): backoff, circuit breaker, nothing twice', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}, {}, {}]);
    const before = fake.stats();
    fake.setMode({ mode: 'server_error', count: 6, scope: 'write', status: 503 });
    fake.setMode({ mode: 'timeout', count: 1, scope: 'write', path: 'photos' });
    // the creation of the first article happens, its answer never arrives: reconciled from the wardrobe
    fake.setMode({ mode: 'hang_after', count: 1, path: 'item_upload/items$', delay_ms: 4000 });
    await publishAll(job, a.name);
    await waitFor(() => call('GET', `/api/vinted/accounts/${a.name}`, undefined, { token: t.tokens.viewer }).then((r) => r.body.account), (acc) => acc.circuit_until !== null, 30_000, 'breaker open');
    const q = await waitFor(() => queue(a.name, job), settled, 90_000);
    expect(q.items.map((i: any) => i.state)).toEqual(['published', 'published', 'published']);
    expect(fake.stats().creates - before.creates).toBe(3);
    expect(fake.stats().photos - before.photos).toBe(6);
    // the lost answers were counted as wasted requests, and the reconciliation is in the steps
    expect(q.items.reduce((n: number, i: any) => n + i.wasted, 0)).toBeGreaterThanOrEqual(1);
    const steps = (await call('GET', `/api/vinted/publish/${q.items[0].id}`, undefined, { token: t.tokens.viewer })).body.steps.map((s: any) => s.step);
    expect(steps).toContain('reconciled create (found in the wardrobe)');
  }, 120_000);

  it('out of attempts: the dead-letter state, visible with the last error, retried on demand', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{ photos: 1 }]);
    const env = t.ctx.config.env;
    const before = env.VINTED_MAX_ATTEMPTS;
    env.VINTED_MAX_ATTEMPTS = '2';
    fake.setMode({ mode: 'server_error', scope: 'write', status: 502 });
    try {
      await publishAll(job, a.name);
      const q = await waitFor(() => queue(a.name, job), settled, 30_000);
      expect(q.items[0]).toMatchObject({ state: 'dead', error_code: 'dead', attempts: 2 });
      expect(q.items[0].error).toMatch(/Abandonné après 2 essais.*502/);
      expect(q.counts.dead).toBe(1);
    } finally {
      env.VINTED_MAX_ATTEMPTS = before;
      fake.setMode(null);
    }
    const dead = (await queue(a.name, job)).items[0];
    expect((await call('POST', `/api/vinted/publish/${dead.id}/retry`)).status).toBe(200);
    await waitFor(() => queue(a.name, job), (x) => x.items[0].state === 'published', 30_000);
  });

  it('an expired session is refreshed once (refresh token rotated, saved) and the call replayed', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}]);
    const before = fake.stats();
    fake.expireTokens();
    await publishAll(job, a.name);
    const q = await waitFor(() => queue(a.name, job), settled);
    expect(q.items[0].state).toBe('published');
    expect(fake.stats().refreshes - before.refreshes).toBe(1);
    // the rotated tokens are in the vault: the next check works without another refresh
    const c = await call('POST', `/api/vinted/accounts/${a.name}/check`);
    expect(c.body.account.status).toBe('ok');
    expect(fake.stats().refreshes - before.refreshes).toBe(1);
    // three calls meeting an expired token at once: one refresh (single-flight), all three replayed
    fake.expireTokens();
    const checks = await Promise.all([1, 2, 3].map(() => call('POST', `/api/vinted/accounts/${a.name}/check`)));
    expect(checks.map((r) => r.body.account.status)).toEqual(['ok', 'ok', 'ok']);
    expect(fake.stats().refreshes - before.refreshes).toBe(2);
  });
});

describe('the queue stops', () => {
  it('a session revoked in the middle of a batch: à reconnecter, nothing lost, resumes after reconnecting, nothing twice', async () => {
    const a = await addAccount('revoked', 'login-revoked');
    // a slower budget so that the batch is still running when the session goes
    await call('PATCH', `/api/vinted/accounts/${a.name}`, { writes_per_hour: 7200 });
    const job = await seedCatalog(t.ctx, [{}, {}, {}, {}]);
    const before = fake.stats();
    await publishAll(job, a.name);
    await waitFor(() => queue(a.name, job), (q) => q.items.some((i: any) => i.state === 'published'), 30_000);
    fake.revokeSessions();
    const stopped = await waitFor(() => queue(a.name, job), (q) => q.queue_state === 'stopped', 30_000, 'queue stopped');
    expect(stopped.queue_code).toBe('reconnect');
    expect(stopped.queue_message).toMatch(/Reconnectez le compte/);
    const acc = (await call('GET', `/api/vinted/accounts/${a.name}`, undefined, { token: t.tokens.viewer })).body.account;
    expect(acc.status).toBe('reconnect');
    expect(stopped.items.some((i: any) => ['queued', 'uploading', 'creating'].includes(i.state))).toBe(true);
    expect(stopped.items.every((i: any) => ['published', 'queued', 'uploading', 'creating'].includes(i.state))).toBe(true);
    // a fresh session for the same Vinted user: the queue resumes by itself
    await call('POST', '/api/vinted/accounts', { name: a.name, kind: 'web', cookies: fake.session('login-revoked'), user_agent: 'Mozilla/5.0 PlantedUA/1.0' });
    const q = await waitFor(() => queue(a.name, job), settled, 60_000);
    expect(q.items.map((i: any) => i.state)).toEqual(['published', 'published', 'published', 'published']);
    expect(fake.stats().creates - before.creates).toBe(4);
    expect(fake.stats().photos - before.photos).toBe(8);
  });

  it('a captcha in the middle of a batch stops the account\'s queue at once, in plain French, and nothing is retried', async () => {
    const a = await addAccount();
    await call('PATCH', `/api/vinted/accounts/${a.name}`, { writes_per_hour: 7200 });
    const job = await seedCatalog(t.ctx, [{}, {}, {}]);
    await publishAll(job, a.name);
    await waitFor(() => queue(a.name, job), (q) => q.items[0].state === 'published', 30_000);
    fake.setMode({ mode: 'captcha' });
    const q = await waitFor(() => queue(a.name, job), (x) => x.queue_state === 'stopped', 30_000, 'queue stopped');
    expect(q.queue_code).toBe('captcha');
    expect(q.queue_message).toMatch(/vérification anti-robot \(DataDome\).*rien ne sera réessayé automatiquement/);
    const manual = q.items.find((i: any) => i.state === 'needs_manual');
    expect(manual).toMatchObject({ error_code: 'captcha', manual_url: `${fake.url}/items/new` });
    expect(manual.error_params.challenge).toMatch(/^https:\/\/geo\.captcha-delivery\.com\/captcha\//);
    // nothing is sent to Vinted any more
    const requests = fake.stats().requests;
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.stats().requests).toBe(requests);
    const blocked = fake.stats().blocked;
    expect(blocked).toBe(1);
    // the stop is news once (notifications, webhooks read the outbox)
    const stops = (await eventsAfter(t.ctx.db, 0, 1000)).filter((e) => e.type === 'account.blocked' && e.accountId === q.account_id);
    expect(stops.map((e) => e.data)).toEqual([{ code: 'captcha' }]);
    // the seller passes the check in their browser and resumes: the others go, the manual one stays manual
    fake.setMode(null);
    await call('POST', `/api/vinted/accounts/${a.name}/queue`, { action: 'resume' });
    const after = await waitFor(() => queue(a.name, job), settled, 30_000);
    expect(after.items.filter((i: any) => i.state === 'published')).toHaveLength(2);
    expect(after.items.find((i: any) => i.id === manual.id).state).toBe('needs_manual');
    // and only when asked, it is retried from where it stopped
    await call('POST', `/api/vinted/publish/${manual.id}/retry`);
    await waitFor(() => queue(a.name, job), (x) => x.items.every((i: any) => i.state === 'published'), 30_000);
  });

  it('an HTML 403 page stops the queue like a captcha', async () => {
    const a = await addAccount();
    const job = await seedCatalog(t.ctx, [{}]);
    fake.setMode({ mode: 'html403', count: 1, scope: 'write' });
    await publishAll(job, a.name);
    const q = await waitFor(() => queue(a.name, job), (x) => x.queue_state === 'stopped', 30_000);
    expect(q.queue_code).toBe('html_block');
    expect(q.items[0].state).toBe('needs_manual');
  });
});

describe('secrets', () => {
  it('no cookie or token ever appears in an answer or a log line', () => {
    const all = responses.join('\n') + '\n' + t.logs.join('\n');
    expect(all).not.toMatch(/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.[\w-]{20,}/);
    expect(all).not.toContain('PlantedUA');
  });
});
