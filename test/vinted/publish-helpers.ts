// Shared by the publishing tests: a ready catalog + plan written straight to the database (photos are
// real JPEGs in the blob store, the originals carrying EXIF with GPS so that the tests can check the
// copies sent to Vinted have none), the fake Vinted, and polling helpers.
import crypto from 'node:crypto';
import sharp from 'sharp';
import type { CoreContext } from '../../src/core/module.ts';
import { createCatalog, saveResult, savePlan, loadCatalog } from '../../src/vinted/catalog/store.ts';
import { buildPlan, type PlanOptions } from '../../src/vinted/listings/plan.ts';
import { settingsOf } from '../../src/vinted/catalog/runtime.ts';
import type { PipelineResult } from '../../src/vinted/vision/types.ts';

export interface Article { category?: string; size?: string | null; condition?: string | null; brand?: string | null; colors?: string[]; photos?: number }

/** A JPEG with EXIF (camera, GPS): what a phone writes. */
export async function phoneJpeg(seed: number, w = 240, h = 320): Promise<Buffer> {
  const r = (seed * 53) % 256;
  const g = (seed * 97) % 256;
  const b = (seed * 193) % 256;
  return sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } })
    .composite([{ input: Buffer.from(`<svg width="${w}" height="${h}"><text x="10" y="40" font-size="30">${seed}</text></svg>`), top: 0, left: 0 }])
    .withExif({ IFD0: { Make: 'PlantedPhone', Model: 'GPS-Camera-9' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * A catalog of `articles` with their photos, saved as an ingest would, and its plan. Returns the job id.
 * Every article is publish-ready by default (t-shirt, size M, très bon état).
 */
export async function seedCatalog(ctx: CoreContext, articles: Article[], plan: PlanOptions = {}): Promise<string> {
  const job = crypto.randomUUID();
  // the ingest job that would have made this catalog, finished (the Studio page follows it)
  await ctx.db.withSchema('core').insertInto('jobs').values({
    id: job, module: 'vinted', kind: 'ingest', status: 'completed', title: 'seeded catalog', progress: 100, attempts: 1,
    started_at: new Date(), finished_at: new Date(), result: JSON.stringify({ seeded: true }),
  }).execute();
  await createCatalog(ctx.db, job, { source: 'cli', files: 0 });
  const photos: PipelineResult['photos'] = [];
  const clusters: PipelineResult['clusters'] = [];
  let n = 0;
  for (let i = 0; i < articles.length; i++) {
    const ids: string[] = [];
    for (let k = 0; k < (articles[i].photos ?? 2); k++) {
      n++;
      const id = `p${String(n).padStart(4, '0')}`;
      const data = await phoneJpeg(n + i * 7);
      const base = `vinted/test/${job}/${id}`;
      await ctx.files.put(`${base}-original.jpg`, data);
      await ctx.files.put(`${base}-thumb.jpg`, await sharp(data).resize(96).jpeg().toBuffer());
      photos.push({
        id, file: `IMG_${String(n).padStart(4, '0')}.jpg`, sha256: crypto.createHash('sha256').update(data).digest('hex'), phash: '0'.repeat(16),
        width: 240, height: 320, taken_at: null, format: 'jpeg', sharpness: 1,
        blobs: { listing: `${base}-listing.jpg`, work: `${base}-work.jpg`, thumb: `${base}-thumb.jpg`, original: `${base}-original.jpg` },
      });
      ids.push(id);
    }
    clusters.push({ id: `c${i + 1}`, photos: ids, cover: ids[0] ?? '', category: articles[i].category ?? 't-shirt', category_score: 0.9, colors: articles[i].colors ?? ['noir'], score: 0.9, joins: [] });
  }
  await saveResult(ctx.db, job, { backend: 'classic', photos, duplicates: [], errors: [], clusters }, [], photos.length);
  for (let i = 0; i < articles.length; i++) {
    const a = articles[i];
    await ctx.db.withSchema('vinted').updateTable('clusters')
      .set({ size: a.size === undefined ? 'M' : a.size, condition: a.condition === undefined ? 'Très bon état' : a.condition, brand: a.brand ?? null })
      .where('job_id', '=', job).where('id', '=', `c${i + 1}`).execute();
  }
  const catalog = (await loadCatalog(ctx.db, job))!;
  const p = buildPlan(catalog, settingsOf(ctx), plan);
  await savePlan(ctx.db, p, { defaults: plan.defaults ?? {}, overrides: plan.overrides ?? {} });
  return job;
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const PUBLISH_ENV = {
  VINTED_WRITES_PER_HOUR: '360000', VINTED_ACTIVE_HOURS: '00-24', VINTED_BACKOFF_BASE_S: '0.1', VINTED_MAX_ATTEMPTS: '12', ATELIER_HTTP_TIMEOUT: '1500',
};
