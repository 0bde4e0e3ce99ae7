// The Studio through its HTTP API on the real platform (PGlite, pg-boss workers, blob store):
// upload → job → status → edits → plan → exports; bad inputs; roles; limits.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import sharp from 'sharp';
import yazl from 'yazl';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import crypto from 'node:crypto';
import { fixtureFiles, multipart, badInputs, BAD_NAMES } from './helpers.ts';
import { ingestHandler, type IngestPayload } from '../../src/vinted/catalog/ingest-job.ts';
import { loadCatalog } from '../../src/vinted/catalog/store.ts';
import type { JobContext } from '../../src/core/jobs/types.ts';

let t: TestPlatform;
let op: string;
let viewer: string;

beforeAll(async () => {
  t = await createTestPlatform({ modules: [vinted] });
  op = t.tokens.operator;
  viewer = t.tokens.viewer;
}, 240_000); // starting the platform is slow on a loaded 2-core machine
afterAll(async () => t?.close());

async function upload(files: { name: string; data: Buffer }[], token = op, url = '/api/vinted/bulk/ingest/photos') {
  const m = multipart(files);
  const res = await t.app.inject({ method: 'POST', url, payload: m.body, headers: { ...m.headers, authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() };
}

async function finished(jobId: string) {
  const job = await t.ctx.jobs.wait(jobId);
  expect(job.status, job.error ?? '').toBe('completed');
  return (await t.request('GET', `/api/vinted/bulk/status?job=${jobId}`, { token: viewer })).body;
}

// yazl refuses to write "../" names: write a same-length placeholder, then patch it in the bytes
// (local header and central directory; names are not covered by the CRC).
async function sharpTiny(): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: 64, height: 64, channels: 3, background: '#2040c0' } }).png().toBuffer();
}

async function zip(entries: { name: string; data: Buffer; compress?: boolean }[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  const patches: [string, string][] = [];
  for (const e of entries) {
    const safe = e.name.replace(/\.\.\//g, 'x_/');
    if (safe !== e.name) patches.push([safe, e.name]);
    z.addBuffer(e.data, safe, { compress: e.compress ?? true });
  }
  z.end();
  let buf: Buffer = await new Promise((resolve, reject) => {
    const bufs: Buffer[] = [];
    z.outputStream.on('data', (b: Buffer) => bufs.push(b)).on('end', () => resolve(Buffer.concat(bufs))).on('error', reject);
  });
  for (const [from, to] of patches) buf = Buffer.from(buf.toString('latin1').split(from).join(to), 'latin1');
  return buf;
}

describe('ingest → catalog → plan', () => {
  let job: string;
  let status: any;

  it('answers at once with the job, then the status has articles, the duplicate, no errors', async () => {
    const r = await upload(fixtureFiles());
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ ok: true, files: 13 });
    job = r.body.job_id;
    status = await finished(job);
    expect(status.progress).toEqual({ scanned: 13, total: 13, clusters: 4, duplicates: 1, errors: 0 });
    expect(status.duplicates).toEqual([{ file: 'IMG_0013.jpg', of: 'IMG_0004.jpg' }]);
    expect(status.clusters.map((c: any) => c.photos)).toEqual([
      ['IMG_0001.jpg', 'IMG_0002.jpg', 'IMG_0003.jpg'],
      ['IMG_0004.jpg', 'IMG_0005.jpg', 'IMG_0006.jpg'],
      ['IMG_0007.jpg', 'IMG_0008.heic', 'IMG_0009.jpg'],
      ['IMG_0010.jpg', 'IMG_0011.jpg', 'IMG_0012.jpg'],
    ]);
    for (const c of status.clusters) {
      expect(c.score).toBeGreaterThan(0);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(typeof c.color).toBe('string');
    }
    // the uploaded originals (with their EXIF) are gone once the catalog is saved
    expect(await t.ctx.files.list('vinted/uploads/')).toEqual([]);
    // the catalog as analysed is attached to the job
    const arts = await t.ctx.jobs.artifacts(job);
    expect(arts.map((a) => a.name)).toEqual(['catalog.json']);
  }, 180_000);

  it('serves thumbnails and listing copies from the blob store', async () => {
    const photo = status.clusters[0].photo_ids[0];
    const res = await t.app.inject({ method: 'GET', url: `/api/vinted/bulk/photos/${job}/${photo}/thumb`, headers: { authorization: `Bearer ${viewer}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\//);
    expect(res.rawPayload.length).toBeGreaterThan(500);
    expect((await t.request('GET', `/api/vinted/bulk/photos/${job}/nope/thumb`, { token: viewer })).status).toBe(404);
    expect((await t.request('GET', `/api/vinted/bulk/photos/${job}/${photo}/original`, { token: viewer })).status).toBe(400);
    // the listing copy is made from the kept original on first request, then served from the store
    const key = `vinted/${job}/${photo}.listing.jpg`;
    expect(await t.ctx.files.stat(key)).toBeFalsy();
    const listing = await t.app.inject({ method: 'GET', url: `/api/vinted/bulk/photos/${job}/${photo}/listing`, headers: { authorization: `Bearer ${viewer}` } });
    expect(listing.statusCode).toBe(200);
    expect(listing.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(listing.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1600);
    expect(await t.ctx.files.stat(key)).toBeTruthy();
  });

  it('edits: move, merge, split, reorder, cover, fields — with clear refusals', async () => {
    const base = `/api/vinted/bulk/catalog/${job}`;
    let c = (await t.request('GET', base, { token: viewer })).body;
    expect(c.clusters).toHaveLength(4);
    const [c1, c2, c3, c4] = c.clusters;

    // move the last photo of c1 to c2, then back
    c = (await t.request('POST', `${base}/move`, { token: op, body: { photo: c1.photo_ids[2], to: c2.id } })).body;
    expect(c.clusters[1].photo_ids).toEqual([...c2.photo_ids, c1.photo_ids[2]]);
    c = (await t.request('POST', `${base}/move`, { token: op, body: { photo: c1.photo_ids[2], to: c1.id } })).body;
    expect(c.clusters[0].photo_ids).toEqual(c1.photo_ids);

    // merge c3 + c4, then split the c4 photos back out
    c = (await t.request('POST', `${base}/merge`, { token: op, body: { clusters: [c3.id, c4.id] } })).body;
    expect(c.clusters).toHaveLength(3);
    expect(c.clusters[2].photo_ids).toEqual([...c3.photo_ids, ...c4.photo_ids]);
    c = (await t.request('POST', `${base}/split`, { token: op, body: { cluster: c3.id, photos: c4.photo_ids } })).body;
    expect(c.clusters.map((x: any) => x.photo_ids)).toEqual([c1.photo_ids, c2.photo_ids, c3.photo_ids, c4.photo_ids]);
    const newId = c.clusters[3].id;

    // reorder + cover
    const rev = [...c1.photo_ids].reverse();
    c = (await t.request('POST', `${base}/reorder`, { token: op, body: { cluster: c1.id, photos: rev } })).body;
    expect(c.clusters[0].photo_ids).toEqual(rev);
    c = (await t.request('POST', `${base}/cover`, { token: op, body: { cluster: c1.id, photo: rev[1] } })).body;
    expect(c.clusters[0].cover).toBe(rev[1]);

    // fields
    c = (await t.request('POST', `${base}/fields`, { token: op, body: { cluster: c1.id, category: 't-shirt', color: 'jaune', brand: 'Calvin Klein', size: 'M', condition: 'tres bon etat' } })).body;
    expect(c.clusters[0]).toMatchObject({ category: 't-shirt', color: 'jaune', brand: 'Calvin Klein', size: 'M', condition: 'Très bon état' });
    for (const [id, category] of [[c2.id, 'jeans'], [c3.id, 'robe'], [newId, 'veste']]) {
      c = (await t.request('POST', `${base}/fields`, { token: op, body: { cluster: id, category } })).body;
    }

    // refusals
    const bad = async (route: string, body: unknown) => (await t.request('POST', `${base}/${route}`, { token: op, body }));
    expect((await bad('fields', { cluster: c1.id, condition: 'cassé' })).body.error.message).toMatch(/unknown condition "cassé"/);
    expect((await bad('merge', { clusters: [c1.id, 'c99'] })).status).toBe(404);
    expect((await bad('split', { cluster: c1.id, photos: c1.photo_ids })).status).toBe(400);
    expect((await bad('reorder', { cluster: c1.id, photos: [c1.photo_ids[0]] })).status).toBe(400);
    expect((await bad('cover', { cluster: c1.id, photo: c2.photo_ids[0] })).status).toBe(400);
    expect((await bad('merge', { clusters: [c1.id, c2.id], version: c.version - 1 })).status).toBe(409);
    expect((await t.request('POST', `${base}/merge`, { token: viewer, body: { clusters: [c1.id, c2.id] } })).status).toBe(403);
  });

  it('plans listings that pass the gates, persists and exports them', async () => {
    const r = await t.request('POST', '/api/vinted/bulk/listings/plan', { token: op, body: { job, defaults: { city: 'Lyon', size: 'M' }, overrides: { c2: { brand: 'LV', publish: true } } } });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(4);
    const [a, b] = r.body.items;
    expect(a).toMatchObject({ title: 'T-shirt jaune (très bon état) – Taille M', brand: 'Calvin Klein', brand_tier: null, condition: 'Très bon état', status_id: 2, publish_ready: true });
    expect(a.price).toBe(22); // DEFAULT_PRICE 20 × 1.1: "lv" does not match "Calvin"
    expect(b).toMatchObject({ brand: 'LV', brand_tier: 'luxury', publish: true });
    expect(r.body.summary).toEqual({ items: 4, publish_ready: 4 });
    for (const i of r.body.items) expect(i.description).toContain('depuis Lyon.');

    const plan = await t.request('GET', `/api/vinted/bulk/listings/plan?job=${job}`, { token: viewer });
    expect(plan.body.items).toEqual(r.body.items);
    const exp = await t.request('GET', `/api/vinted/bulk/export/plan.json?job=${job}`, { token: viewer });
    expect(exp.headers['content-disposition']).toContain('plan.json');
    expect(JSON.parse(exp.text).items).toHaveLength(4);
    const cat = await t.request('GET', `/api/vinted/bulk/export/catalog.json?job=${job}`, { token: viewer });
    expect(cat.headers['content-disposition']).toContain('catalog.json');
    const catalog = JSON.parse(cat.text);
    expect(catalog.photos).toHaveLength(12);
    expect(catalog.duplicates).toEqual([{ file: 'IMG_0013.jpg', of: 'IMG_0004.jpg' }]);
    expect(JSON.stringify(catalog)).not.toContain('vinted/'); // no blob internals
  });

  it('templates: edited, validated, used by the next plan', async () => {
    const bad = await t.request('PUT', '/api/vinted/settings/templates', { token: op, body: { title: '{{ x.constructor("return process")() }}' } });
    expect(bad.status).toBe(400);
    const ok = await t.request('PUT', '/api/vinted/settings/templates', { token: op, body: { title: '{Catégorie} {Marque} {Couleur}' } });
    expect(ok.body.templates.title).toBe('{Catégorie} {Marque} {Couleur}');
    const r = await t.request('POST', '/api/vinted/bulk/listings/plan', { token: op, body: { job } });
    expect(r.body.items[0].title).toBe('T-shirt Calvin Klein jaune');
    await t.request('PUT', '/api/vinted/settings/templates', { token: op, body: { title: '' } });
    const back = await t.request('GET', '/api/vinted/settings/templates', { token: viewer });
    expect(back.body.templates.title).toBe(back.body.defaults.title);
  });
});

describe('bad inputs', () => {
  it('each bad file gets a per-file error and the batch completes', async () => {
    const good = fixtureFiles().slice(0, 3);
    const r = await upload([...badInputs(), ...good]);
    expect(r.body.files).toBe(8);
    const s = await finished(r.body.job_id);
    expect(s.errors.map((e: any) => e.file).sort()).toEqual([...BAD_NAMES].sort());
    for (const e of s.errors) expect(e.reason.length).toBeGreaterThan(5);
    expect(s.errors.find((e: any) => e.file === 'empty.jpg').reason).toMatch(/empty/);
    expect(s.clusters.flatMap((c: any) => c.photos)).toEqual(good.map((g) => g.name));
  }, 180_000);

  it('a ZIP with "../" entries: those are refused, the rest is ingested', async () => {
    const [a, b] = fixtureFiles();
    const data = await zip([{ name: 'shoot/IMG_0001.jpg', data: a.data }, { name: '../../evil.jpg', data: b.data }, { name: 'shoot/IMG_0002.jpg', data: b.data }]);
    const r = await upload([{ name: 'photos.zip', data }], op, '/api/vinted/bulk/ingest/zip');
    expect(r.status).toBe(202);
    const s = await finished(r.body.job_id);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].file).toContain('evil.jpg');
    expect(s.clusters.flatMap((c: any) => c.photos)).toEqual(['shoot/IMG_0001.jpg', 'shoot/IMG_0002.jpg']);
  }, 180_000);

  it('a ZIP bomb is refused with a clear error and the job completes', async () => {
    const data = await zip([{ name: 'bomb.jpg', data: Buffer.alloc(50 * 1024 * 1024) }]);
    const r = await upload([{ name: 'bomb.zip', data }], op, '/api/vinted/bulk/ingest/zip');
    expect(r.status).toBe(202);
    const s = await finished(r.body.job_id);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0].reason).toMatch(/ratio|bomb|compress/i);
    expect(s.clusters).toEqual([]);
  }, 180_000);

  it('not a ZIP at all → 400; too many photos → 413 naming the limit; nothing → 400', async () => {
    const notZip = await upload([{ name: 'x.zip', data: Buffer.from('hello') }], op, '/api/vinted/bulk/ingest/zip');
    expect(notZip.status).toBe(400);
    t.ctx.config.env.BULK_MAX_FILES = '3';
    try {
      const many = await upload(fixtureFiles().slice(0, 4));
      expect(many.status).toBe(413);
      expect(many.body.error.message).toContain('3');
      expect(many.body.error.message).toContain('BULK_MAX_FILES');
      const z = await zip(fixtureFiles().slice(0, 4));
      const manyZip = await upload([{ name: 'p.zip', data: z }], op, '/api/vinted/bulk/ingest/zip');
      expect(manyZip.status).toBe(413);
      expect(manyZip.body.error.message).toMatch(/at most 3/);
    } finally {
      delete t.ctx.config.env.BULK_MAX_FILES;
    }
    // one photo over BULK_MAX_FILE_MB: a per-file error, the others go through
    t.ctx.config.env.BULK_MAX_FILE_MB = '0.01';
    try {
      const big = fixtureFiles().find((f) => f.data.length > 12_000)!;
      const small = { name: 'tiny.png', data: await sharpTiny() };
      const r = await upload([big, small]);
      expect(r.status).toBe(202);
      const s = await finished(r.body.job_id);
      expect(s.errors).toEqual([{ file: big.name, reason: expect.stringMatching(/too large.*BULK_MAX_FILE_MB/), code: 'too_big', params: { mb: expect.any(Number) } }]);
      expect(s.clusters.flatMap((c: any) => c.photos)).toEqual(['tiny.png']);
    } finally {
      delete t.ctx.config.env.BULK_MAX_FILE_MB;
    }
    const none = await upload([]);
    expect(none.status).toBe(400);
    const json = await t.request('POST', '/api/vinted/bulk/ingest/photos', { token: op, body: { files: [] } });
    expect(json.status).toBe(400);
  });

  it('two files of the same name are both kept, told apart', async () => {
    const [a, b] = fixtureFiles();
    const r = await upload([{ name: 'IMG_0001.jpg', data: a.data }, { name: 'IMG_0001.jpg', data: b.data }]);
    // the catalog is not there before the analysis ends: a clear 409, not an empty plan
    const early = await t.request('POST', '/api/vinted/bulk/listings/plan', { token: op, body: { job: r.body.job_id } });
    if (early.status !== 200) expect(early.body.error.code).toBe('not_ready');
    const s = await finished(r.body.job_id);
    expect(s.clusters.flatMap((c: any) => c.photos)).toEqual(['IMG_0001 (2).jpg', 'IMG_0001.jpg']);
  }, 180_000);

  it('files of a dropped folder keep their path inside it; "..", leading "/" and "\\" are cleaned', async () => {
    const [a, b, c] = fixtureFiles();
    const r = await upload([{ name: 'robes/IMG_1.jpg', data: a.data }, { name: '../../etc/pulls/IMG_1.jpg', data: b.data }, { name: '\\jupes\\IMG_1.jpg', data: c.data }]);
    const s = await finished(r.body.job_id);
    expect(s.clusters.flatMap((x: any) => x.photos).sort()).toEqual(['etc/pulls/IMG_1.jpg', 'jupes/IMG_1.jpg', 'robes/IMG_1.jpg']);
  }, 180_000);

  it('roles and unknown jobs', async () => {
    expect((await upload(fixtureFiles().slice(0, 1), viewer)).status).toBe(403);
    expect((await t.request('GET', '/api/vinted/bulk/status?job=00000000-0000-4000-8000-000000000000', { token: viewer })).status).toBe(404);
    expect((await t.request('GET', '/api/vinted/bulk/status?job=nope', { token: viewer })).status).toBe(400);
    expect((await t.request('GET', '/api/vinted/bulk/status?job=00000000-0000-4000-8000-000000000000')).status).toBe(401);
  });
});

describe('Vinted session', () => {
  it('stores the cookie in the vault and never echoes or logs it', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ exp, sub: 42 })).toString('base64url')}.c2lnbmF0dXJlLXBsYW50ZWQ`;
    const secretCookie = `_vinted_fr_session=PLANTED-SECRET-${Date.now()}; access_token_web=${jwt}`;
    const ua = 'Mozilla/5.0 PLANTED-UA-7731';
    const responses: string[] = [];
    const call = async (method: string, url: string, body?: unknown, token = op) => {
      const r = await t.request(method, url, { token, body });
      responses.push(r.text, JSON.stringify(r.headers));
      return r;
    };
    expect((await call('GET', '/api/vinted/auth/check')).body).toMatchObject({ present: false, status: 'missing' });
    const saved = await call('POST', '/api/vinted/auth/session', { cookie_value: secretCookie, user_agent: ua });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ present: true, status: 'valid', expiry_source: 'jwt', has_user_agent: true, cookie_names: ['_vinted_fr_session', 'access_token_web'] });
    expect(Math.abs(Date.parse(saved.body.expires_at) - exp * 1000)).toBeLessThan(1000);
    const check = await call('GET', '/api/vinted/auth/check', undefined, viewer);
    expect(check.body.status).toBe('valid');
    await call('GET', '/api/vinted/auth/accounts', undefined, viewer);
    // bad requests carrying the secret must not echo it either
    await call('POST', '/api/vinted/auth/session', { cookie_value: secretCookie, user_agent: ua, account: '../../x' });
    await call('POST', '/api/vinted/auth/session', { cookie_value: secretCookie }, op);
    await call('POST', '/api/vinted/auth/session', { cookie_value: secretCookie, user_agent: ua }, viewer);
    // an expired session is reported as such
    const old = await call('POST', '/api/vinted/auth/session', { cookie_value: 'sid=PLANTED-OLD-COOKIE; Expires=Wed, 21 Oct 2015 07:28:00 GMT', user_agent: ua, account: 'second' });
    expect(old.body).toMatchObject({ account: 'second', status: 'expired', expiry_source: 'expires' });
    // the secret is in the vault
    expect(JSON.parse((await t.ctx.vault.get('vinted.session.default'))!).cookie_value).toBe(secretCookie);

    const everything = responses.join('\n') + '\n' + t.logs.join('\n');
    for (const secret of ['PLANTED-SECRET', 'PLANTED-UA-7731', 'c2lnbmF0dXJlLXBsYW50ZWQ', 'PLANTED-OLD-COOKIE']) expect(everything).not.toContain(secret);
    // and the database holds no copy of it outside the (encrypted) vault
    const rows = await t.ctx.db.withSchema('vinted').selectFrom('accounts').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('PLANTED');

    // one active account at a time
    expect(check.body.active).toBe(true);
    expect(old.body.active).toBe(false);
    expect((await call('POST', '/api/vinted/auth/accounts/second/activate')).body.active).toBe(true);
    const accounts = (await call('GET', '/api/vinted/auth/accounts', undefined, viewer)).body.accounts;
    expect(accounts.map((a: any) => [a.account, a.active])).toEqual([['default', false], ['second', true]]);
    expect((await call('POST', '/api/vinted/auth/accounts/nobody/activate')).status).toBe(404);

    expect((await call('DELETE', '/api/vinted/auth/session?account=second')).body.ok).toBe(true);
    expect((await call('GET', '/api/vinted/auth/check?account=second', undefined, viewer)).body.status).toBe('missing');
  });
});

// The analysis is checkpointed; a run that dies right after writing the checkpoint is resumed by the
// next attempt without re-analysing, and the uploads stay until the catalog is saved.
class Crash extends Error {}

function jobContext(id: string, payload: IngestPayload, attempt: number, store: { checkpoint?: unknown; logs: string[] }, crashAfterCheckpoint = false): JobContext<IngestPayload> {
  const controller = new AbortController();
  return {
    id, payload, attempt, signal: controller.signal,
    async progress() {},
    async log(_level, message) { store.logs.push(message); },
    async artifact(name) { store.logs.push(`artifact ${name}`); return {} as any; },
    checkpoint: {
      async get<T>() { return store.checkpoint as T; },
      async set(v) {
        store.checkpoint = v;
        if (crashAfterCheckpoint && (v as { stage: string }).stage === 'analysed') throw new Crash('killed');
      },
    },
    throwIfCancelled() {},
  };
}

describe('ingest checkpoint (resumable job)', () => {
  it('a second attempt resumes from the stored analysis', async () => {
    const id = crypto.randomUUID();
    const prefix = `vinted/uploads/${id}/`;
    const inputs = [];
    for (const [i, f] of fixtureFiles().slice(0, 6).entries()) {
      const key = `${prefix}${i}`;
      await t.ctx.files.put(key, f.data);
      inputs.push({ name: f.name, blob: key });
    }
    const payload: IngestPayload = { source: 'upload', inputs, uploadPrefix: prefix };
    const store: { checkpoint?: unknown; logs: string[] } = { logs: [] };

    await expect(ingestHandler(jobContext(id, payload, 1, store, true), t.ctx)).rejects.toBeInstanceOf(Crash);
    expect(store.checkpoint).toMatchObject({ stage: 'analysed' });
    // nothing lost: the uploads are still there for the retry
    expect((await t.ctx.files.list(prefix)).length).toBe(6);

    // the retry must not need the uploads any more: remove them to prove the analysis is not re-run
    await t.ctx.files.deletePrefix(prefix);
    const result = await ingestHandler(jobContext(id, payload, 2, store), t.ctx) as Record<string, number>;
    expect(store.logs.some((l) => l.startsWith('resuming from the checkpoint'))).toBe(true);
    expect(result).toMatchObject({ total: 6, clusters: 2, duplicates: 0, errors: 0 });
    expect(store.checkpoint).toMatchObject({ stage: 'saved' });
    const c = await loadCatalog(t.ctx.db, id);
    expect(c!.clusters.map((x) => x.photos.length)).toEqual([3, 3]);
    expect(c!.photos.map((p) => p.file)).toEqual(fixtureFiles().slice(0, 6).map((f) => f.name));

    // a third run (e.g. a duplicate delivery) rewrites the same catalog, no duplicates rows
    await ingestHandler(jobContext(id, payload, 3, store), t.ctx);
    expect((await loadCatalog(t.ctx.db, id))!.photos).toHaveLength(6);
  }, 120_000);
});
