// Export / import of the Studio between two installs: a seller's batch published on the fake Vinted
// and read back, exported from install A and imported into a fresh install B, gives the same state
// (ids remapped); the session cookie never leaves A's vault. A tampered archive (zip-slip, absolute
// path, symlink, bomb, bad JSON, wrong version, a failure halfway through) is refused with a clear
// error and leaves B exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';
import { multipart } from './helpers.ts';
import { recordEvent } from '../../src/vinted/events/outbox.ts';
import { deliverOnce } from '../../src/vinted/notify/deliver.ts';

let a: TestPlatform;
let b: TestPlatform;
let fake: FakeVinted;
let cookie: string;
/** the webhook endpoint's signing secret on A: must never reach the ZIP, B or the logs */
let hookSecret: string;
beforeAll(async () => {
  fake = await startFakeVinted();
  a = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
  b = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
}, 240_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await fake?.close();
});

async function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  const zf = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.fromBuffer(buf, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((res, rej) => {
    zf.on('entry', (e: yauzl.Entry) => zf.openReadStream(e, (err, s) => {
      if (err) return rej(err);
      const bufs: Buffer[] = [];
      s!.on('data', (d: Buffer) => bufs.push(d)).on('end', () => { out.set(e.fileName, Buffer.concat(bufs)); zf.readEntry(); });
    }));
    zf.on('end', () => res()).on('error', rej);
    zf.readEntry();
  });
  return out;
}

/** Re-zips entries; names with "../" are patched in after (yazl refuses them), symlinks get the S_IFLNK mode. */
async function rezip(entries: { name: string; data: Buffer; compress?: boolean; mode?: number }[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  const patches: [string, string][] = [];
  for (const e of entries) {
    let safe = e.name.replace(/\.\.\//g, 'x_/');
    if (safe.startsWith('/')) safe = `Z${safe.slice(1)}`;
    if (safe !== e.name) patches.push([safe, e.name]);
    z.addBuffer(e.data, safe, { compress: e.compress ?? true, ...(e.mode ? { mode: e.mode } : {}) });
  }
  z.end();
  let buf: Buffer = await new Promise((resolve, reject) => {
    const bufs: Buffer[] = [];
    z.outputStream.on('data', (d: Buffer) => bufs.push(d)).on('end', () => resolve(Buffer.concat(bufs))).on('error', reject);
  });
  for (const [from, to] of patches) buf = Buffer.from(buf.toString('latin1').split(from).join(to), 'latin1');
  return buf;
}

const importInto = async (t: TestPlatform, zip: Buffer, token = t.tokens.operator) => {
  const m = multipart([{ name: 'export.zip', data: zip, type: 'application/zip' }]);
  const res = await t.app.inject({ method: 'POST', url: '/api/vinted/transfer/import', payload: m.body, headers: { ...m.headers, authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json(), text: res.body };
};

/** Everything a user sees of the Studio, without the ids an import changes. */
async function state(t: TestPlatform, jobs: string[]) {
  const get = async (url: string) => {
    const r = await t.request('GET', url, { token: t.tokens.viewer });
    expect(r.status, `${url}: ${r.text}`).toBe(200);
    return r.body;
  };
  const batches = [];
  for (const job of jobs) {
    const { job_id: _j, ...catalog } = await get(`/api/vinted/bulk/catalog/${job}`);
    const { job_id: _p, ...plan } = await get(`/api/vinted/bulk/listings/plan?job=${job}`);
    const thumbs: string[] = [];
    for (const p of catalog.photos) {
      const r = await t.app.inject({ method: 'GET', url: `/api/vinted/bulk/photos/${job}/${p.id}/thumb`, headers: { authorization: `Bearer ${t.tokens.viewer}` } });
      expect(r.statusCode).toBe(200);
      thumbs.push(r.rawPayload.toString('base64'));
    }
    const queue = (await get(`/api/vinted/publish/queue?account=shop&job=${job}`)).items
      .map((i: any) => ({ cluster_id: i.cluster_id, state: i.state, vinted_id: i.vinted_id, url: i.url, title: i.title, price: i.price }));
    batches.push({ catalog: { ...catalog, version: undefined }, plan, thumbs, queue });
  }
  const listings = (await get('/api/vinted/listings?account=shop')).listings
    .map((l: any) => ({ vinted_id: l.vinted_id, state: l.state, title: l.title, price: l.price, cluster_id: l.cluster_id }))
    .sort((x: any, y: any) => x.vinted_id.localeCompare(y.vinted_id));
  const templates = (await get('/api/vinted/settings/templates')).templates;
  return { batches, listings, templates };
}

describe('export from one install, import into a fresh one', () => {
  let job: string;
  let zip: Buffer;
  let imported: any;

  it('install A: a batch published on Vinted (fake), the wardrobe read back, own templates', async () => {
    cookie = fake.session('transfer-seller');
    const acc = await a.request('POST', '/api/vinted/accounts', { token: a.tokens.operator, body: { name: 'shop', kind: 'web', cookies: cookie, user_agent: 'Mozilla/5.0 test' } });
    expect(acc.status, acc.text).toBeLessThan(300);
    job = await seedCatalog(a.ctx, [{ brand: 'Levi\'s' }, { category: 'jeans', size: '40' }, { photos: 3 }]);
    const r = await a.request('POST', '/api/vinted/bulk/listings/execute', { token: a.tokens.operator, body: { job, account: 'shop', dry_run: false }, headers: { 'idempotency-key': 'transfer-1' } });
    expect(r.status, r.text).toBe(200);
    await waitFor(async () => (await a.request('GET', `/api/vinted/publish/queue?account=shop&job=${job}`, { token: a.tokens.viewer })).body,
      (x) => x.items.length === 3 && x.items.every((i: any) => i.state === 'published'), 60_000, 'three publications');
    const sync = await a.request('POST', '/api/vinted/listings/sync', { token: a.tokens.operator, body: { account: 'shop' } });
    expect(sync.body, sync.text).toMatchObject({ ok: true, status: 'completed' });
    const t = await a.request('PUT', '/api/vinted/settings/templates', { token: a.tokens.operator, body: { title: '{Catégorie} {Marque} T.{Taille}' } });
    expect(t.status, t.text).toBe(200);
  });

  it('install A, after publishing: a relist rule and its history, orders, reply templates, e-mail prefs, a webhook endpoint', async () => {
    const rule = await a.request('POST', '/api/vinted/relist/rules', { token: a.tokens.operator, body: { account: 'shop', name: 'vieux jeans', min_age_days: 45, max_views: 20, catalog_ids: [257], daily_cap: 3, cron: '0 9 * * 1' } });
    expect(rule.status, rule.text).toBe(200);
    // the rule acts for real on A (the warning was accepted): B gets it back in dry run
    const live = await a.request('PATCH', `/api/vinted/relist/rules/${rule.body.rule.id}`, { token: a.tokens.operator, body: { dry_run: false, acknowledge: true } });
    expect(live.status, live.text).toBe(200);
    expect(live.body.rule.dry_run).toBe(false);
    for (const body of [
      { name: 'Merci', trigger: 'sale', body: 'Merci {acheteur}, j\'envoie {article} demain.', auto: true, daily_cap: 5 },
      { name: 'Dispo', trigger: 'question', body: 'Oui, {article} est toujours disponible.' },
    ]) {
      const t = await a.request('POST', '/api/vinted/reply-templates', { token: a.tokens.operator, body });
      expect(t.status, t.text).toBe(200);
    }
    const prefs = await a.request('PUT', '/api/vinted/notifications/prefs', { token: a.tokens.operator, body: { email_events: ['listing.sold', 'message.received'] } });
    expect(prefs.status, prefs.text).toBe(200);
    const hook = await a.request('POST', '/api/vinted/webhooks', { token: a.tokens.operator, body: { url: 'https://hooks.example.com/atelier', events: ['listing.sold', 'order.created'], description: 'ERP' } });
    expect(hook.status, hook.text).toBe(200);
    hookSecret = hook.body.secret;
    expect(hookSecret).toMatch(/^whsec_/);
    // relist history and orders come from Vinted (relist runs, order sync); written here as those jobs write them
    const V = a.ctx.db.withSchema('vinted');
    const acc = await V.selectFrom('accounts').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
    const pubs = await V.selectFrom('publications').select(['id', 'vinted_id']).where('account_id', '=', acc.id).orderBy('position').execute();
    await V.insertInto('relists').values([
      { run_id: 'run-1', rule_id: rule.body.rule.id, account_id: acc.id, old_vinted_id: pubs[0].vinted_id, publication_id: pubs[0].id, state: 'done', new_vinted_id: '99000001', done_at: new Date('2026-11-02T09:01:00Z'), created_at: new Date('2026-11-02T09:00:00Z') },
      { run_id: 'run-1', rule_id: rule.body.rule.id, account_id: acc.id, old_vinted_id: pubs[1].vinted_id, publication_id: pubs[1].id, state: 'deleting', created_at: new Date('2026-11-02T09:00:01Z') },
    ]).execute();
    await V.insertInto('orders').values([
      { account_id: acc.id, order_id: 'o-1', side: 'sold', source: 'web', status: 'shipping_label_sent', state: 'to_ship', item_id: pubs[2].vinted_id, title: 'Jean Levi\'s', price: 25, currency: 'EUR', counterpart: 'marie75', ordered_at: new Date('2026-11-20T10:00:00Z'), ship_by: new Date('2026-11-25T10:00:00Z'), data: JSON.stringify({ transaction_id: 't-1' }) },
      { account_id: acc.id, order_id: 'o-2', side: 'purchased', source: 'web', status: 'completed', state: 'completed', title: 'Pull', price: 8.5, currency: 'EUR', counterpart: 'paul', ordered_at: new Date('2026-10-01T10:00:00Z') },
    ]).execute();
    // an event in A's outbox (a sale): it was A's to notify, never B's
    expect(await recordEvent(a.ctx.db, { type: 'listing.sold', accountId: acc.id, dedupeKey: `listing.sold:${pubs[2].vinted_id}`, data: { vinted_id: pubs[2].vinted_id } })).not.toBeNull();
  });

  it('exports a ZIP of JSON, photos and a CSV, with no cookie in it (only operators may export)', async () => {
    const denied = await a.app.inject({ method: 'GET', url: '/api/vinted/transfer/export.zip', headers: { authorization: `Bearer ${a.tokens.viewer}` } });
    expect(denied.statusCode).toBe(403);
    const res = await a.app.inject({ method: 'GET', url: '/api/vinted/transfer/export.zip?scope=account', headers: { authorization: `Bearer ${a.tokens.operator}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/zip');
    zip = res.rawPayload;
    const entries = await unzip(zip);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({ format: 'atelier-vinted-export', version: 2, secrets: 'not_included', counts: {
      catalogs: 1, photos: 7, accounts: 1, publications: 3, listings: 3, relist_rules: 1, relists: 2, orders: 2, reply_templates: 2, notify_prefs: 1, webhooks: 1,
    } });
    // 7 photos × original + thumb (the listing/work copies were never made for these seeded photos… except those publishing made)
    expect([...entries.keys()].filter((k) => k.startsWith('blobs/')).length).toBe(manifest.counts.blobs);
    expect(manifest.counts.blobs).toBeGreaterThanOrEqual(14);
    const csv = entries.get('listings.csv')!.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFlot,article,titre,prix,prix_min,catégorie,marque,taille,état,couleur,photos,publication,vinted_id,url,description');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(csv).toContain('published');
    // the session lives in A's vault only: neither the cookie nor any of its values is in any entry
    const secretBits = cookie.split(/[;=\s]+/).filter((s) => s.length >= 12);
    expect(secretBits.length).toBeGreaterThan(0);
    for (const [name, data] of entries) {
      const text = data.toString('latin1');
      for (const s of secretBits) expect(text.includes(s), `${s} in ${name}`).toBe(false);
    }
    for (const s of secretBits) expect(a.logs.some((l) => l.includes(s)), 'cookie in the logs').toBe(false);
    // nor the webhook's signing secret (in the vault only), nor the outbox or any delivery log
    const hookBits = [hookSecret, hookSecret.slice(6)];
    for (const [name, data] of entries) for (const s of hookBits) expect(data.toString('latin1').includes(s), `webhook secret in ${name}`).toBe(false);
    for (const s of hookBits) expect(a.logs.some((l) => l.includes(s)), 'webhook secret in the logs').toBe(false);
    const data = JSON.parse(entries.get('data.json')!.toString());
    expect(Object.keys(data).sort()).toEqual(['accounts', 'catalogs', 'listings', 'notify_prefs', 'orders', 'publications', 'relist_rules', 'relists', 'reply_templates', 'settings', 'webhooks']);
    expect(data.webhooks[0]).toEqual({ url: 'https://hooks.example.com/atelier', events: ['listing.sold', 'order.created'], active: true, description: 'ERP', created_at: expect.any(String) });
    const csvRes = await a.request('GET', `/api/vinted/transfer/listings.csv?scope=batch&job=${job}`, { token: a.tokens.viewer });
    expect(csvRes.status).toBe(200);
    expect(csvRes.text).toBe(csv);
  });

  it('imports into fresh install B: same catalog, photos, plan, publications, wardrobe and templates', async () => {
    expect((await importInto(b, zip, b.tokens.viewer)).status).toBe(403);
    const jobsBefore = (await b.request('GET', '/api/jobs?limit=50', { token: b.tokens.viewer })).body.jobs.map((x: any) => x.id);
    const r = await importInto(b, zip);
    expect(r.status, r.text).toBe(200);
    imported = r.body;
    expect(r.body.counts).toMatchObject({
      catalogs: 1, photos: 7, accounts: 1, accounts_existing: 0, publications: 3, listings: 3, settings: 1,
      relist_rules: 1, relists: 2, orders: 2, reply_templates: 2, notify_prefs: 1, webhooks: 1,
    });
    // what acted on its own on A comes in switched off, each said so
    expect(r.body.warnings).toEqual([
      { code: 'relist_rule_dry_run', name: 'vieux jeans' },
      { code: 'reply_auto_off', name: 'Merci' },
      { code: 'webhook_secret_required', name: 'https://hooks.example.com/atelier' },
    ]);
    const newJob = r.body.jobs[job];
    expect(newJob).toMatch(/^[0-9a-f-]{36}$/);
    expect(newJob).not.toBe(job);
    // the imported batch is listed at once (the job list is cached between job changes)
    const jobsAfter = (await b.request('GET', '/api/jobs?limit=50', { token: b.tokens.viewer })).body.jobs.map((x: any) => x.id);
    expect(jobsBefore).not.toContain(newJob);
    expect(jobsAfter).toContain(newJob);
    const sa = await state(a, [job]);
    expect(sa.batches[0].catalog.clusters).toHaveLength(3);
    expect(sa.batches[0].thumbs).toHaveLength(7);
    expect(sa.batches[0].queue.filter((q: any) => q.state === 'published' && q.vinted_id)).toHaveLength(3);
    expect(sa.listings).toHaveLength(3);
    expect(await state(b, [newJob])).toEqual(sa);
    // the account came without its session: B says so and will not publish until it is reconnected
    const acc = (await b.request('GET', '/api/vinted/accounts/shop', { token: b.tokens.viewer })).body.account;
    expect(acc).toMatchObject({ name: 'shop', status: 'reconnect', queue_state: 'paused' });
    expect(await b.ctx.vault.has('vinted.session.shop')).toBe(false);
    const body = JSON.stringify(r.body) + b.logs.join('\n');
    for (const s of cookie.split(/[;=\s]+/).filter((x) => x.length >= 12)) expect(body.includes(s)).toBe(false);
  });

  it('B shows the same relist rules and history, orders, reply templates, e-mail prefs and endpoint; self-acting parts off; nothing fired', async () => {
    const get = async (t: TestPlatform, url: string, token = t.tokens.operator) => {
      const r = await t.request('GET', url, { token });
      expect(r.status, `${url}: ${r.text}`).toBe(200);
      return r.body;
    };
    const rules = async (t: TestPlatform) => (await get(t, '/api/vinted/relist/rules?account=shop')).rules
      .map(({ id: _i, account_id: _a, updated_at: _u, acknowledged_at: _k, dry_run: _d, ...r }: any) => r);
    expect(await rules(b)).toEqual(await rules(a));
    const bRule = (await get(b, '/api/vinted/relist/rules?account=shop')).rules[0];
    expect(bRule).toMatchObject({ name: 'vieux jeans', dry_run: true, acknowledged_at: null, cron: '0 9 * * 1', catalog_ids: [257] });
    const history = async (t: TestPlatform) => (await get(t, '/api/vinted/relist/history?account=shop')).relists
      .map((x: any) => ({ old: x.old_vinted_id, new: x.new_vinted_id, state: x.state, run: x.run_id }));
    const ha = await history(a);
    const hb = await history(b);
    expect(hb).toHaveLength(2);
    expect(hb.find((x: any) => x.state === 'done')).toEqual(ha.find((x: any) => x.state === 'done'));
    // the relist caught halfway on A is a failure to check on Vinted, never resumed from B
    expect(hb.find((x: any) => x.state !== 'done')).toMatchObject({ state: 'failed', new: null });
    const orders = async (t: TestPlatform) => (await get(t, '/api/vinted/orders?account=shop')).orders;
    expect(await orders(b)).toEqual(await orders(a));
    expect((await orders(b)).length).toBe(2);
    const templates = async (t: TestPlatform) => (await get(t, '/api/vinted/reply-templates')).templates.map(({ id: _i, updated_at: _u, auto: _a, ...x }: any) => x);
    expect(await templates(b)).toEqual(await templates(a));
    expect((await get(b, '/api/vinted/reply-templates')).templates.every((x: any) => x.auto === false)).toBe(true);
    expect((await get(b, '/api/vinted/notifications/prefs')).email_events).toEqual(['listing.sold', 'message.received']);
    const hooks = (await get(b, '/api/vinted/webhooks')).endpoints;
    expect(hooks).toEqual([expect.objectContaining({ url: 'https://hooks.example.com/atelier', events: ['listing.sold', 'order.created'], description: 'ERP', active: false, delivered: 0, failing: 0 })]);
    expect(await b.ctx.vault.has(`vinted.hook.${hooks[0].id}`)).toBe(false);
    // the wardrobe's analytics columns came along
    const sold = async (t: TestPlatform) => (await t.ctx.db.withSchema('vinted').selectFrom('listings').select(['vinted_id', 'brand', 'catalog_id', 'status_id', 'sold_at', 'relisted_to']).orderBy('vinted_id').execute());
    expect(await sold(b)).toEqual(await sold(a));
    // the import wrote nothing to the outbox: a delivery pass on B notifies, mails and calls no one
    const n = async (t: string) => Number((await b.ctx.db.withSchema('vinted').selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await n('events')).toBe(0);
    await deliverOnce(b.ctx);
    expect([await n('notifications'), await n('deliveries')]).toEqual([0, 0]);
    expect((await get(b, '/api/vinted/notifications')).notifications ?? []).toEqual([]);
    // A's signing secret is nowhere on B
    const everything = JSON.stringify(imported) + b.logs.join('\n');
    expect(everything.includes(hookSecret.slice(6))).toBe(false);
  });

  it('importing the same archive again adds the batch once more under new ids and keeps the existing account', async () => {
    const r = await importInto(b, zip);
    expect(r.status, r.text).toBe(200);
    expect(r.body.counts).toMatchObject({ catalogs: 1, accounts: 0, accounts_existing: 1, publications: 3, listings: 0, relist_rules: 0, relists: 0, orders: 0, reply_templates: 0, notify_prefs: 0, webhooks: 0 });
    expect(r.body.jobs[job]).not.toBe(imported.jobs[job]);
    expect(r.body.accounts).toEqual(imported.accounts);
  });

  it('a version 1 archive (before relist rules, orders, templates, webhooks) is still imported', async () => {
    const v1 = await rezip([...(await unzip(zip))].map(([name, data]) => {
      if (name === 'manifest.json') return { name, data: Buffer.from(JSON.stringify({ ...JSON.parse(data.toString()), version: 1 })) };
      if (name !== 'data.json') return { name, data };
      const { relist_rules: _r, relists: _h, orders: _o, reply_templates: _t, notify_prefs: _n, webhooks: _w, ...d } = JSON.parse(data.toString());
      d.listings = d.listings.map(({ catalog_id: _c, brand: _b, status_id: _s, sold_at: _a, sold_price: _p, relisted_to: _x, ...l }: any) => l);
      d.accounts = d.accounts.map(({ relist_daily_cap: _c, ...x }: any) => x);
      return { name, data: Buffer.from(JSON.stringify(d)) };
    }));
    const r = await importInto(b, v1);
    expect(r.status, r.text).toBe(200);
    expect(r.body.counts).toMatchObject({ catalogs: 1, publications: 3, relist_rules: 0, orders: 0, webhooks: 0 });
    expect(r.body.warnings).toEqual([]);
  });

  describe('a tampered archive is refused whole and B is left as it was', () => {
    let before: { rows: string; blobs: number };
    const snapshot = async () => {
      const V = b.ctx.db.withSchema('vinted');
      const count = async (t: string) => Number((await V.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const rows = JSON.stringify(await Promise.all(['catalogs', 'photos', 'clusters', 'plans', 'accounts', 'publications', 'listings', 'settings', 'relist_rules', 'relists', 'orders', 'reply_templates', 'notify_prefs', 'webhook_endpoints'].map(count)));
      return { rows, blobs: (await b.ctx.files.list('vinted/')).length };
    };
    const entries = async () => [...(await unzip(zip))].map(([name, data]) => ({ name, data }));
    const refused = async (z: Buffer, status: number, code: string, message: RegExp) => {
      before ??= await snapshot();
      const r = await importInto(b, z);
      expect(r.status, r.text).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toMatch(message);
      expect(await snapshot()).toEqual(before);
    };

    it('zip-slip', async () => refused(await rezip([...(await entries()), { name: '../../evil.txt', data: Buffer.from('x') }]), 400, 'import_unsafe', /path traversal/));
    it('an absolute path', async () => refused(await rezip([...(await entries()), { name: '/tmp/evil.txt', data: Buffer.from('x') }]), 400, 'import_unsafe', /absolute path/));
    it('a symbolic link', async () => refused(await rezip([...(await entries()), { name: 'blobs/link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]), 400, 'import_unsafe', /symbolic link/));
    it('a zip bomb (compression ratio)', async () => refused(await rezip([...(await entries()), { name: 'blobs/bomb.bin', data: Buffer.alloc(20 * 1024 * 1024) }]), 400, 'import_unsafe', /zip bomb/));
    it('bad JSON', async () => {
      const e = (await entries()).map((x) => (x.name === 'data.json' ? { ...x, data: x.data.subarray(0, x.data.length - 20) } : x));
      await refused(await rezip(e), 400, 'import_bad_json', /data\.json is not valid JSON/);
    });
    it('a data.json of the wrong shape', async () => {
      const e = (await entries()).map((x) => (x.name === 'data.json' ? { ...x, data: Buffer.from(JSON.stringify({ ...JSON.parse(x.data.toString()), catalogs: [{ job_id: '../..' }] })) } : x));
      await refused(await rezip(e), 400, 'import_invalid', /catalogs\.0\./);
    });
    it('a newer format version', async () => {
      const e = (await entries()).map((x) => (x.name === 'manifest.json' ? { ...x, data: Buffer.from(JSON.stringify({ ...JSON.parse(x.data.toString()), version: 3 })) } : x));
      await refused(await rezip(e), 400, 'import_version', /version 3 is not supported/);
    });
    const editData = async (f: (d: any) => void) => rezip((await entries()).map((x) => {
      if (x.name !== 'data.json') return x;
      const d = JSON.parse(x.data.toString());
      f(d);
      return { ...x, data: Buffer.from(JSON.stringify(d)) };
    }));
    it('a reply template with code in it', async () => refused(await editData((d) => { d.reply_templates[0].body = '{{ constructor.constructor("return process")() }}'; }), 400, 'import_invalid', /reply template "Merci"/));
    it('a webhook URL with a password in it', async () => refused(await editData((d) => { d.webhooks[0].url = 'https://u:p@hooks.example.com/x'; }), 400, 'import_invalid', /no user or password/));
    it('a webhook URL that is not http(s)', async () => refused(await editData((d) => { d.webhooks[0].url = 'file:///etc/passwd'; }), 400, 'import_invalid', /webhooks\.0\.url/));
    it('a relist naming a publication that is not in the archive', async () => refused(await editData((d) => { d.relists[0].publication_id = '00000000-0000-4000-8000-000000000000'; }), 400, 'import_invalid', /names publication/));
    it('not an export at all', async () => refused(await rezip([{ name: 'photo.jpg', data: Buffer.from('jpeg') }]), 400, 'import_invalid', /unexpected file/));
    it('a failure halfway through the database writes (two photos with one id): photos written so far are removed', async () => {
      const e = (await entries()).map((x) => {
        if (x.name !== 'data.json') return x;
        const d = JSON.parse(x.data.toString());
        d.catalogs[0].photos.push({ ...d.catalogs[0].photos[0] });
        return { ...x, data: Buffer.from(JSON.stringify(d)) };
      });
      await refused(await rezip(e), 400, 'import_invalid', /repeats a row/);
    });
  });
});
