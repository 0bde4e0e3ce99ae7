// Photo touch-ups through the API on the real platform: each edit is applied with sharp to the
// original (whose bytes never change), the listing copy that publishing uploads and the Studio's
// thumbnail follow the edit, auto-enhance neutralises a yellowish backdrop, reset goes back.
import crypto from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { listingCopy, type PhotoBlobs } from '../../src/vinted/ingest/listing.ts';
import { seedCatalog } from './publish-helpers.ts';

let t: TestPlatform;
let job: string;
let blobs: PhotoBlobs;
let originalSha: string;
beforeAll(async () => {
  t = await createTestPlatform({ modules: [vinted] });
  job = await seedCatalog(t.ctx, [{}]);
  const row = await t.ctx.db.withSchema('vinted').selectFrom('photos').select('blobs').where('job_id', '=', job).where('id', '=', 'p0001').executeTakeFirstOrThrow();
  blobs = (typeof row.blobs === 'string' ? JSON.parse(row.blobs) : row.blobs) as PhotoBlobs;
  // a navy garment on a yellowish sheet (an evening photo under a warm bulb), 400 × 600
  const garment = await sharp({ create: { width: 200, height: 320, channels: 3, background: { r: 30, g: 40, b: 90 } } }).png().toBuffer();
  const photo = await sharp({ create: { width: 400, height: 600, channels: 3, background: { r: 205, g: 185, b: 130 } } })
    .composite([{ input: garment, left: 100, top: 140 }]).jpeg({ quality: 92 }).toBuffer();
  await t.ctx.files.put(blobs.original!, photo);
  originalSha = crypto.createHash('sha256').update(photo).digest('hex');
}, 240_000);
afterAll(async () => t?.close());

const url = (p = 'p0001') => `/api/vinted/bulk/photos/${job}/${p}/edit`;
const put = (body: unknown, token = t.tokens.operator) => t.request('PUT', url(), { token, body });
const photoBytes = async (variant: 'listing' | 'thumb') => {
  const r = await t.app.inject({ method: 'GET', url: `/api/vinted/bulk/photos/${job}/p0001/${variant}`, headers: { authorization: `Bearer ${t.tokens.viewer}` } });
  expect(r.statusCode).toBe(200);
  return r.rawPayload;
};
const size = async (b: Buffer) => { const m = await sharp(b).metadata(); return [m.width, m.height]; };
/** mean RGB of a 20 × 20 px patch at the top-left corner (the backdrop) */
const corner = async (b: Buffer) => {
  const { data } = await sharp(b).extract({ left: 4, top: 4, width: 20, height: 20 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const m = [0, 0, 0];
  for (let i = 0; i < data.length; i += 3) for (let c = 0; c < 3; c++) m[c] += data[i + c]!;
  return m.map((x) => x / (data.length / 3));
};
const originalUnchanged = async () => expect(crypto.createHash('sha256').update(await t.ctx.files.get(blobs.original!)).digest('hex')).toBe(originalSha);
const currentBlobs = async () => {
  const row = await t.ctx.db.withSchema('vinted').selectFrom('photos').select(['blobs', 'edits']).where('job_id', '=', job).where('id', '=', 'p0001').executeTakeFirstOrThrow();
  return { blobs: (typeof row.blobs === 'string' ? JSON.parse(row.blobs) : row.blobs) as PhotoBlobs, edits: row.edits };
};

describe('photo touch-ups', () => {
  it('an untouched photo has the identity recipe', async () => {
    const r = await t.request('GET', url(), { token: t.tokens.viewer });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ edited: false, version: null, recipe: { rotate: 0, straighten: 0, crop: null, brightness: 1, contrast: 1 } });
    expect(await size(await photoBytes('listing'))).toEqual([400, 600]);
  });

  it('rotate a quarter turn: the listing copy (what publishing uploads) and the thumbnail turn, the original does not', async () => {
    const r = await put({ rotate: 90 });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ edited: true, recipe: { rotate: 90 } });
    expect(await size(await photoBytes('listing'))).toEqual([600, 400]);
    const thumb = await photoBytes('thumb');
    expect((await size(thumb))[0]).toBeGreaterThan((await size(thumb))[1]!);
    const { blobs: now } = await currentBlobs();
    expect(now.edited).toMatch(/-edited-[0-9a-f]{12}\.jpg$/);
    // the publish worker reads the photo through listingCopy
    expect(await size((await listingCopy(t.ctx.files, now))!)).toEqual([600, 400]);
    await originalUnchanged();
  });

  it('crop, straighten, brightness and contrast, from the original each time (edits do not stack up losses)', async () => {
    const r = await put({ rotate: 0, crop: { left: 0.25, top: 0.25, width: 0.5, height: 0.5 } });
    expect(r.status, r.text).toBe(200);
    expect(await size(await photoBytes('listing'))).toEqual([200, 300]);
    const s = await put({ straighten: 6 });
    expect(s.status, s.text).toBe(200);
    const st = await photoBytes('listing');
    const [w, h] = (await size(st)) as number[];
    expect(w).toBeLessThan(400);
    expect(h).toBeLessThan(600);
    // no white wedge left in the corners: still the backdrop's colour
    const c = await corner(st);
    expect(c[2]).toBeLessThan(170);
    const before = await corner(await (async () => { await put({}); return photoBytes('listing'); })());
    await put({ brightness: 1.2, contrast: 1.2 });
    const after = await corner(await photoBytes('listing'));
    expect(after[0]).toBeGreaterThan(before[0]! + 15);
    await originalUnchanged();
  });

  it('auto-enhance brings the yellowish backdrop to a light neutral grey', async () => {
    await put({});
    const before = await corner(await photoBytes('listing'));
    expect(before[0]! - before[2]!).toBeGreaterThan(50);
    const r = await t.request('POST', url().replace(/edit$/, 'auto'), { token: t.tokens.operator, body: {} });
    expect(r.status, r.text).toBe(200);
    expect(r.body.backdrop.r - r.body.backdrop.b).toBeGreaterThan(50);
    expect(r.body.recipe.white_balance.b).toBeGreaterThan(1.1);
    const after = await corner(await photoBytes('listing'));
    expect(Math.abs(after[0]! - after[2]!)).toBeLessThan(12);
    expect(Math.min(...after)).toBeGreaterThan(Math.min(...before));
    await originalUnchanged();
  });

  it('reset goes back to the original and removes the edited renditions', async () => {
    const { blobs: edited } = await currentBlobs();
    const r = await t.request('DELETE', url(), { token: t.tokens.operator });
    expect(r.status, r.text).toBe(200);
    expect(r.body.edited).toBe(false);
    const { blobs: now, edits } = await currentBlobs();
    expect(now.edited).toBeUndefined();
    expect(edits).toBeNull();
    expect(await t.ctx.files.stat(edited.edited!)).toBeNull();
    expect(await size(await photoBytes('listing'))).toEqual([400, 600]);
  });

  it('bad recipes get a clear 400, viewers cannot edit, unknown photos are 404', async () => {
    expect((await put({ straighten: 40 })).status).toBe(400);
    const crop = await put({ crop: { left: 0.6, top: 0, width: 0.6, height: 1 } });
    expect(crop.status).toBe(400);
    expect(crop.text).toContain('inside the photo');
    expect((await put({ rotate: 45 })).status).toBe(400);
    expect((await put({ rotate: 90 }, t.tokens.viewer)).status).toBe(403);
    expect((await t.request('PUT', url('nope'), { token: t.tokens.operator, body: { rotate: 90 } })).status).toBe(404);
  });
});
