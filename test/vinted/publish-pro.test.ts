// Publishing through the Vinted Pro adapter against the fake over real HTTP: HMAC-signed requests,
// 202 then status poll and/or a signed webhook we verify, photo_urls served by us as signed,
// expiring public URLs (which the fake fetches), the 500-slot limit surfaced to the seller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { photoQuery } from '../../src/vinted/publish/tokens.ts';
import { photoUrlKey, signedPhotoUrl } from '../../src/vinted/publish/photo-urls.ts';
import { signWebhook } from '../../src/vinted/vinted-api/hmac.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

let t: TestPlatform;
let fake: FakeVinted;
let base: string;
const responses: string[] = [];
let token: string;

beforeAll(async () => {
  fake = await startFakeVinted({ config: { pro_delay_ms: 100 } });
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_PRO_BASE_URL: fake.url, VINTED_BASE_URL: fake.url } });
  base = await t.listen();
  // the public address Vinted Pro fetches photos from and posts webhooks to
  t.ctx.config.env.VINTED_PUBLIC_URL = base;
  token = fake.proToken('planted-shop');
}, 240_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function call(method: string, url: string, body?: unknown, o: { token?: string; headers?: Record<string, string> } = {}) {
  const r = await t.request(method, url, { token: o.token ?? t.tokens.operator, body, headers: o.headers });
  responses.push(r.text);
  return r;
}
const queue = async (account: string, job: string) => (await call('GET', `/api/vinted/publish/queue?account=${account}&job=${job}`)).body;
const settled = (q: any) => q.items.length > 0 && q.items.every((i: any) => ['published', 'needs_review', 'needs_manual', 'dead'].includes(i.state));

describe('Vinted Pro', () => {
  let accountId: string;

  it('connects with the portal token; the webhook is registered with its key in the vault', async () => {
    const r = await call('POST', '/api/vinted/accounts', { name: 'shop', kind: 'pro', token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.account).toMatchObject({ name: 'shop', kind: 'pro', status: 'ok', login: 'shop' });
    accountId = r.body.account.id;
    const hook = JSON.parse((await t.ctx.vault.get(`vinted.webhook.${accountId}`))!);
    expect(hook.signing_key).toMatch(/^[0-9a-f]{48}$/);
    // a wrong key pair is refused by Vinted: the account is not usable
    const bad = await call('POST', '/api/vinted/accounts', { name: 'shop2', kind: 'pro', token: `${token.split(',')[0]},0123456789abcdef` });
    expect(bad.body.account.status).toBe('reconnect');
  });

  it('publishes: 202, Vinted fetches our signed photo URLs, the signed webhook (or the poll) marks it live', async () => {
    const job = await seedCatalog(t.ctx, [{ photos: 2 }, { photos: 1, category: 'veste', size: 'S' }]);
    const before = fake.stats();
    const prep = await call('POST', '/api/vinted/listings/prepare', { job, account: 'shop' });
    expect(prep.body.items[0].payload).toMatchObject({ item_reference: '<publication id>', is_draft: false, photo_urls: ['<signed URL of IMG_0001.jpg>', '<signed URL of IMG_0002.jpg>'] });
    const tokens = prep.body.items.map((i: any) => i.confirm_token);
    const r = await call('POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', confirm_tokens: tokens, dry_run: false }, { headers: { 'idempotency-key': 'pro-batch-1' } });
    expect(r.body.items.map((i: any) => i.outcome)).toEqual(['created', 'created']);
    const q = await waitFor(() => queue('shop', job), settled, 30_000);
    expect(q.items.map((i: any) => i.state)).toEqual(['published', 'published']);
    expect(fake.stats().creates - before.creates).toBe(2);
    expect(fake.stats().photos - before.photos).toBe(3);
    // the webhooks may arrive after the status poll already saw the result
    await waitFor(async () => fake.stats().webhooks_sent - before.webhooks_sent, (n) => n >= 2, 10_000, 'two webhooks');
    expect(fake.photos().slice(-3).every((p) => !p.exif)).toBe(true);
    const steps = (await call('GET', `/api/vinted/publish/${q.items[0].id}`)).body.steps.map((s: any) => s.step);
    expect(steps[0]).toBe('reserved');
    expect(steps).toContain('submitted');
    expect(steps.some((s: string) => s.startsWith('published'))).toBe(true);
    const listings = (await call('GET', '/api/vinted/listings?account=shop')).body.listings;
    expect(listings.filter((l: any) => l.job_id === job)).toHaveLength(2);
  });

  it('the photo URLs open one listing copy until they expire, nothing else', async () => {
    const job = await seedCatalog(t.ctx, [{ photos: 2 }]);
    const url = signedPhotoUrl(t.ctx, job, 'p0001')!;
    expect(url.startsWith(`${base}/api/vinted/public/photos/`)).toBe(true);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await ok.arrayBuffer());
    expect(bytes.includes(Buffer.from('PlantedPhone'))).toBe(false);
    const u = new URL(url);
    const e = Number(u.searchParams.get('e'));
    const sig = u.searchParams.get('s')!;
    const at = (job2: string, photo: string, e2: number, s2: string) => fetch(`${base}/api/vinted/public/photos/${job2}/${photo}?e=${e2}&s=${s2}`);
    // the same signature for another photo, another job, a later expiry, a path: refused
    expect((await at(job, 'p0002', e, sig)).status).toBe(403);
    expect((await at('00000000-0000-4000-8000-000000000000', 'p0001', e, sig)).status).toBe(403);
    expect((await at(job, 'p0001', e + 86400, sig)).status).toBe(403);
    expect((await at(job, 'p0001', e, `${sig.slice(0, -2)}xx`)).status).toBe(403);
    expect((await fetch(`${base}/api/vinted/public/photos/${job}/..%2F..%2Fetc%2Fpasswd?e=${e}&s=${sig}`)).status).toBe(400);
    const expired = photoQuery(photoUrlKey(t.ctx), job, 'p0001', -5);
    expect((await at(job, 'p0001', expired.e, expired.s)).status).toBe(410);
    // a valid signature for a photo that does not exist
    const ghost = photoQuery(photoUrlKey(t.ctx), job, 'p9999', 60);
    expect((await at(job, 'p9999', ghost.e, ghost.s)).status).toBe(404);
  });

  it('the webhook refuses a wrong or stale signature', async () => {
    const hook = JSON.parse((await t.ctx.vault.get(`vinted.webhook.${accountId}`))!);
    const body = JSON.stringify({ event: 'ITEM_SOLD', payload: { item_id: 'x', vinted_item_id: 1 } });
    const post = (sig: string) => fetch(`${base}/api/vinted/pro/webhook/${accountId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vpi-webhook-hmac-sha256': sig }, body });
    expect((await post(signWebhook(hook.signing_key, body))).status).toBe(200);
    expect((await post(signWebhook('another-key', body))).status).toBe(401);
    expect((await post(signWebhook(hook.signing_key, body, Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
    expect((await post('t=1,v1=zz')).status).toBe(401);
  });

  it('the slot limit is surfaced: the article back to review with the reason, the queue stopped', async () => {
    const job = await seedCatalog(t.ctx, [{ photos: 1 }]);
    const live = fake.items().filter((i) => i.closing === null && i.pro_ref).length;
    fake.configure({ slot_limit: live });
    try {
      await call('POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', dry_run: false }, { headers: { 'idempotency-key': 'pro-slots' } });
      const q = await waitFor(() => queue('shop', job), settled, 30_000);
      expect(q.items[0]).toMatchObject({ state: 'needs_review', error_code: 'slots' });
      expect(q.items[0].error).toMatch(/Plus d'emplacement libre sur Vinted Pro \(0 libre\(s\) sur \d+\)/);
      expect(q.queue_state).toBe('stopped');
      expect(q.queue_code).toBe('slots');
    } finally {
      fake.configure({ slot_limit: 500 });
    }
  });

  it('never shows the keys', () => {
    const all = responses.join('\n') + t.logs.join('\n');
    for (const part of token.split(',')) expect(all).not.toContain(part);
  });
});
