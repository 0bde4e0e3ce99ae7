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

let a: TestPlatform;
let b: TestPlatform;
let fake: FakeVinted;
let cookie: string;
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

  it('exports a ZIP of JSON, photos and a CSV, with no cookie in it (only operators may export)', async () => {
    const denied = await a.app.inject({ method: 'GET', url: '/api/vinted/transfer/export.zip', headers: { authorization: `Bearer ${a.tokens.viewer}` } });
    expect(denied.statusCode).toBe(403);
    const res = await a.app.inject({ method: 'GET', url: '/api/vinted/transfer/export.zip?scope=account', headers: { authorization: `Bearer ${a.tokens.operator}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/zip');
    zip = res.rawPayload;
    const entries = await unzip(zip);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({ format: 'atelier-vinted-export', version: 1, secrets: 'not_included', counts: { catalogs: 1, photos: 7, accounts: 1, publications: 3, listings: 3 } });
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
    const csvRes = await a.request('GET', `/api/vinted/transfer/listings.csv?scope=batch&job=${job}`, { token: a.tokens.viewer });
    expect(csvRes.status).toBe(200);
    expect(csvRes.text).toBe(csv);
  });

  it('imports into fresh install B: same catalog, photos, plan, publications, wardrobe and templates', async () => {
    expect((await importInto(b, zip, b.tokens.viewer)).status).toBe(403);
    const r = await importInto(b, zip);
    expect(r.status, r.text).toBe(200);
    imported = r.body;
    expect(r.body.counts).toMatchObject({ catalogs: 1, photos: 7, accounts: 1, accounts_existing: 0, publications: 3, listings: 3, settings: 1 });
    const newJob = r.body.jobs[job];
    expect(newJob).toMatch(/^[0-9a-f-]{36}$/);
    expect(newJob).not.toBe(job);
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

  it('importing the same archive again adds the batch once more under new ids and keeps the existing account', async () => {
    const r = await importInto(b, zip);
    expect(r.status, r.text).toBe(200);
    expect(r.body.counts).toMatchObject({ catalogs: 1, accounts: 0, accounts_existing: 1, publications: 3, listings: 0 });
    expect(r.body.jobs[job]).not.toBe(imported.jobs[job]);
    expect(r.body.accounts).toEqual(imported.accounts);
  });

  describe('a tampered archive is refused whole and B is left as it was', () => {
    let before: { rows: string; blobs: number };
    const snapshot = async () => {
      const V = b.ctx.db.withSchema('vinted');
      const count = async (t: string) => Number((await V.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const rows = JSON.stringify(await Promise.all(['catalogs', 'photos', 'clusters', 'plans', 'accounts', 'publications', 'listings', 'settings'].map(count)));
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
      const e = (await entries()).map((x) => (x.name === 'manifest.json' ? { ...x, data: Buffer.from(JSON.stringify({ ...JSON.parse(x.data.toString()), version: 2 })) } : x));
      await refused(await rezip(e), 400, 'import_version', /version 2 is not supported/);
    });
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
