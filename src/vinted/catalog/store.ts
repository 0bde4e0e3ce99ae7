// Catalog persistence (schema vinted): rows per photo / article / duplicate / per-file error, so a
// catalog can be queried and edited; the plan as one JSONB document per job.
import { sql, type Kysely } from 'kysely';
import type { PipelineResult } from '../vision/types.ts';
import type { Catalog, CatalogCluster, CatalogPhoto } from './types.ts';
import type { Plan } from '../listings/plan.ts';
import { refusalOf } from '../ingest/refusal.ts';

type Db = Kysely<any>;
const V = (db: Db) => db.withSchema('vinted');
const j = (v: unknown) => JSON.stringify(v);

function chunks<T>(rows: T[], n = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
  return out;
}

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export async function createCatalog(db: Db, jobId: string, meta: { source: string; files: number; createdBy?: string | null }): Promise<void> {
  await V(db).insertInto('catalogs')
    .values({ job_id: jobId, source: meta.source, files: meta.files, created_by: meta.createdBy ?? null })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .execute();
}

export async function setCatalogStatus(db: Db, jobId: string, status: 'processing' | 'ready' | 'failed', files?: number): Promise<void> {
  await V(db).updateTable('catalogs')
    .set({ status, updated_at: new Date(), ...(files !== undefined ? { files } : {}) })
    .where('job_id', '=', jobId).execute();
}

/** Writes the pipeline's result as the job's catalog; idempotent (a resumed job rewrites it whole). */
export async function saveResult(db: Db, jobId: string, r: PipelineResult, extraErrors: { file: string; reason: string }[] = [], files?: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const t of ['photos', 'clusters', 'duplicates', 'file_errors']) await V(tx).deleteFrom(t).where('job_id', '=', jobId).execute();
    const photos = r.photos.map((p, i) => ({
      job_id: jobId, id: p.id, position: i, file: p.file, sha256: p.sha256, phash: p.phash, width: p.width, height: p.height,
      taken_at: p.taken_at, format: p.format, blobs: j(p.blobs), sharpness: Number.isFinite(p.sharpness) ? p.sharpness : 0,
    }));
    for (const part of chunks(photos)) await V(tx).insertInto('photos').values(part).execute();
    const clusters = r.clusters.map((c, i) => ({
      job_id: jobId, id: c.id, position: i, photos: j(c.photos), cover: c.cover, category: c.category, category_score: c.category_score,
      colors: j(c.colors ?? []), score: c.score, joins: j(c.joins ?? []), suggestions: j(c.suggestions ?? {}),
    }));
    for (const part of chunks(clusters)) await V(tx).insertInto('clusters').values(part).execute();
    const dups = [...new Map(r.duplicates.map((d) => [d.file, d])).values()].map((d) => ({ job_id: jobId, file: d.file, of: d.of }));
    for (const part of chunks(dups)) await V(tx).insertInto('duplicates').values(part).execute();
    const errors = [...extraErrors, ...r.errors].map((e, i) => ({ job_id: jobId, seq: i, file: e.file, reason: e.reason }));
    for (const part of chunks(errors)) await V(tx).insertInto('file_errors').values(part).execute();
    await V(tx).updateTable('catalogs')
      .set({ status: 'ready', backend: r.backend, version: sql`version + 1`, updated_at: new Date(), ...(files !== undefined ? { files } : {}) })
      .where('job_id', '=', jobId).execute();
  });
}

export async function catalogMeta(db: Db, jobId: string): Promise<{ job_id: string; status: string; files: number; version: number; backend: string | null } | undefined> {
  return V(db).selectFrom('catalogs').selectAll().where('job_id', '=', jobId).executeTakeFirst() as any;
}

export async function listCatalogs(db: Db, limit = 50): Promise<{ job_id: string; status: string; files: number; source: string; created_at: Date; updated_at: Date; clusters: number }[]> {
  return V(db).selectFrom('catalogs as c')
    .select(['c.job_id', 'c.status', 'c.files', 'c.source', 'c.created_at', 'c.updated_at'])
    .select((eb) => eb.selectFrom('vinted.clusters as k').whereRef('k.job_id', '=', 'c.job_id').select(eb.fn.countAll<number>().as('n')).as('clusters'))
    .orderBy('c.created_at', 'desc').limit(limit).execute() as any;
}

export async function loadCatalog(db: Db, jobId: string): Promise<Catalog | null> {
  const meta = await catalogMeta(db, jobId);
  if (!meta) return null;
  const [photos, clusters, dups, errors] = await Promise.all([
    V(db).selectFrom('photos').selectAll().where('job_id', '=', jobId).orderBy('position').execute(),
    V(db).selectFrom('clusters').selectAll().where('job_id', '=', jobId).orderBy('position').execute(),
    V(db).selectFrom('duplicates').selectAll().where('job_id', '=', jobId).orderBy('file').execute(),
    V(db).selectFrom('file_errors').selectAll().where('job_id', '=', jobId).orderBy('seq').execute(),
  ]);
  return {
    job_id: jobId,
    backend: meta.backend,
    files: meta.files,
    version: meta.version,
    updated_at: new Date((meta as any).updated_at).toISOString(),
    photos: photos.map((p): CatalogPhoto => ({
      id: p.id, position: p.position, file: p.file, sha256: p.sha256, phash: p.phash, width: p.width, height: p.height,
      taken_at: p.taken_at, format: p.format, blobs: parse(p.blobs), sharpness: Number(p.sharpness),
    })),
    clusters: clusters.map((c): CatalogCluster => ({
      id: c.id, photos: parse(c.photos), cover: c.cover, category: c.category,
      category_score: c.category_score === null ? null : Number(c.category_score), colors: parse(c.colors), score: Number(c.score),
      joins: parse(c.joins), brand: c.brand, size: c.size, condition: c.condition, edited: c.edited,
      suggestions: parse(c.suggestions ?? {}),
    })),
    duplicates: dups.map((d) => ({ file: d.file, of: d.of })),
    errors: errors.map((e) => ({ file: e.file, reason: e.reason, ...refusalOf(e.reason) })),
  };
}

export class VersionConflict extends Error {}

/** Rewrites the articles of a catalog after an edit; refuses when someone else saved in between. */
export async function saveClusters(db: Db, c: Catalog, expectedVersion?: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const upd = await V(tx).updateTable('catalogs')
      .set({ version: sql`version + 1`, updated_at: new Date() })
      .where('job_id', '=', c.job_id)
      .$if(expectedVersion !== undefined, (q) => q.where('version', '=', expectedVersion!))
      .returning('version').executeTakeFirst();
    if (!upd) throw new VersionConflict(`catalog ${c.job_id} changed since version ${expectedVersion}: reload it`);
    await V(tx).deleteFrom('clusters').where('job_id', '=', c.job_id).execute();
    const rows = c.clusters.map((x, i) => ({
      job_id: c.job_id, id: x.id, position: i, photos: j(x.photos), cover: x.cover, category: x.category, category_score: x.category_score,
      colors: j(x.colors), score: x.score, joins: j(x.joins), brand: x.brand, size: x.size, condition: x.condition, edited: x.edited,
      suggestions: j(x.suggestions ?? {}),
    }));
    for (const part of chunks(rows)) await V(tx).insertInto('clusters').values(part).execute();
    return upd.version as number;
  });
}

export async function savePlan(db: Db, plan: Plan, options: unknown, createdBy?: string | null): Promise<void> {
  const row = { job_id: plan.job_id, options: j(options ?? {}), templates: j(plan.templates), items: j(plan.items), created_by: createdBy ?? null, created_at: new Date(plan.created_at) };
  await V(db).insertInto('plans').values(row)
    .onConflict((oc) => oc.column('job_id').doUpdateSet({ options: row.options, templates: row.templates, items: row.items, created_by: row.created_by, created_at: row.created_at }))
    .execute();
}

export async function loadPlan(db: Db, jobId: string): Promise<(Plan & { options: unknown }) | null> {
  const row = await V(db).selectFrom('plans').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  if (!row) return null;
  return { job_id: row.job_id, created_at: new Date(row.created_at).toISOString(), templates: parse(row.templates), items: parse(row.items), options: parse(row.options) };
}

export async function getSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await V(db).selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? parse<T>(row.value) : undefined;
}

export async function putSetting(db: Db, key: string, value: unknown, by?: string | null): Promise<void> {
  const row = { key, value: j(value), updated_by: by ?? null, updated_at: new Date() };
  await V(db).insertInto('settings').values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}
