// HTTP API of the Studio, under /api/vinted: ingest (photos, ZIP), status, catalog edits, photos,
// plan + exports, templates, Vinted session. Every route declares its role and zod schemas.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, notFound, badRequest } from '../core/errors.ts';
import { settingsOf } from './catalog/runtime.ts';
import { createCatalog, loadCatalog, saveClusters, savePlan, loadPlan, listCatalogs, getSetting, putSetting, VersionConflict } from './catalog/store.ts';
import { merge, split, movePhoto, reorder, setCover, setFields, EditError } from './catalog/edit.ts';
import type { Catalog } from './catalog/types.ts';
import { clusterSummaries, catalogExport } from './catalog/view.ts';
import { cleanUploadName } from './catalog/names.ts';
import { countZipFiles } from './catalog/zipcount.ts';
import { localCopy, type IngestPayload } from './catalog/ingest-job.ts';
import { buildPlan, type PlanOptions } from './listings/plan.ts';
import { cachedPriceEvidence, learnedFor } from './analytics/stats.ts';
import { checkTemplate, TemplateError } from './listings/templates.ts';
import { CONDITIONS } from './listings/conditions.ts';
import { llmConfig, LLM_KEY_VAULT_NAME } from './llm/job.ts';
import { saveSession, checkSession, deleteSession, listAccounts, activateAccount } from './session/session.ts';
import type { PhotoBlobs } from './ingest/listing.ts';
import { publishRoutes } from './routes-publish.ts';
import { notifyRoutes } from './routes-notify.ts';
import { inboxRoutes } from './routes-inbox.ts';
import { afterPublishingRoutes } from './routes-after.ts';
import { dataRoutes } from './routes-data.ts';
import { touchupRoutes } from './routes-touchup.ts';
import { adminRoutes } from './routes-admin.ts';
import os from 'node:os';
import path from 'node:path';
import fsp from 'node:fs/promises';

const JobQuery = z.object({ job: z.uuid() });
const JobParam = z.object({ job: z.uuid() });
const Ok = z.object({ ok: z.boolean() });
// code + params word the reason in the UI's language (ingest/refusal.ts); reason stays for the CLI
const FileError = z.object({ file: z.string(), reason: z.string(), code: z.string().optional(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });
const Dup = z.object({ file: z.string(), of: z.string() });
const SuggestionItem = z.object({ value: z.string(), score: z.number(), source: z.enum(['classifier', 'clip', 'ocr', 'llm']), class: z.string().optional() });
const Suggestions = z.object({
  category: z.array(SuggestionItem).optional(), brand: z.array(SuggestionItem).optional(), size: z.array(SuggestionItem).optional(),
  material: z.array(SuggestionItem).optional(), colors: z.array(SuggestionItem).optional(), defects: z.array(SuggestionItem).optional(),
  description: z.array(SuggestionItem).optional(), label_photos: z.array(z.string()).optional(),
});
const ClusterSummary = z.object({
  id: z.string(), photos: z.array(z.string()), photo_ids: z.array(z.string()), cover: z.string(), category: z.string().nullable(),
  color: z.string().nullable(), colors: z.array(z.string()), score: z.number(), brand: z.string().nullable(), size: z.string().nullable(),
  condition: z.string().nullable(), edited: z.boolean(), suggestions: Suggestions,
});
const Progress = z.object({ scanned: z.number(), total: z.number(), clusters: z.number(), duplicates: z.number(), errors: z.number() });
const Status = z.object({
  ok: z.boolean(), job_id: z.string(), status: z.string(), percent: z.number(), message: z.string().nullable(), progress: Progress,
  clusters: z.array(ClusterSummary), duplicates: z.array(Dup), errors: z.array(FileError),
});
const Photo = z.object({
  id: z.string(), file: z.string(), position: z.number(), width: z.number(), height: z.number(), taken_at: z.string().nullable(),
  format: z.string(), sharpness: z.number(), edit: z.string().nullable(),
});
const CatalogView = z.object({
  ok: z.boolean(), job_id: z.string(), version: z.number(), backend: z.string().nullable(), files: z.number(),
  photos: z.array(Photo), clusters: z.array(ClusterSummary), duplicates: z.array(Dup), errors: z.array(FileError),
  conditions: z.array(z.object({ label: z.string(), status_id: z.number() })), categories: z.array(z.string()),
});
const Ingested = z.object({ ok: z.boolean(), files: z.number(), job_id: z.string() });
const Nullable = z.string().max(200).nullable().optional();
const Override = z.object({
  title: z.string().max(500).optional(), description: z.string().max(5000).optional(), price: z.number().positive().max(100000).optional(),
  brand: Nullable, size: Nullable, condition: Nullable, category: Nullable, color: Nullable, publish: z.boolean().optional(),
  gender: z.enum(['femmes', 'hommes']).optional(), catalog_id: z.number().int().positive().nullable().optional(), package_size_id: z.number().int().positive().nullable().optional(),
});
const PlanBody = z.object({
  job: z.uuid(),
  defaults: z.object({
    condition: z.string().max(100).optional(), size: z.string().max(100).optional(), brand: z.string().max(100).optional(),
    category: z.string().max(100).optional(), city: z.string().max(100).optional(), gender: z.enum(['femmes', 'hommes']).optional(),
  }).optional(),
  templates: z.object({ title: z.string().max(1000).optional(), description: z.string().max(5000).optional() }).optional(),
  overrides: z.record(z.string(), Override).optional(),
});
const PlanItem = z.object({
  cluster_id: z.string(), title: z.string(), price: z.number().nullable(), price_min: z.number().nullable(), price_target: z.number().nullable(),
  price_max: z.number().nullable(), price_learned: z.object({ sales: z.number(), median: z.number(), p25: z.number(), p75: z.number() }).nullable().optional(), description: z.string(), condition: z.string().nullable(), status_id: z.number().nullable(), brand: z.string(),
  brand_tier: z.string().nullable(), size: z.string().nullable(), category: z.string().nullable(), color: z.string().nullable(),
  photos: z.array(z.string()), cover: z.string(), publish: z.boolean(), publish_ready: z.boolean(), missing_fields: z.array(z.string()),
  gender: z.enum(['femmes', 'hommes']),
  vinted: z.object({
    gender: z.string(), catalog_id: z.number().nullable(), catalog_path: z.array(z.string()), size_id: z.number().nullable(), size_title: z.string().nullable(),
    status_id: z.number().nullable(), color_ids: z.array(z.number()), package_size_id: z.number().nullable(), brand_id: z.number(), brand_title: z.string().nullable(),
    missing: z.array(z.string()), warnings: z.array(z.string()),
  }),
});
const PlanResponse = z.object({
  ok: z.boolean(), job_id: z.string(), created_at: z.string(), templates: z.object({ title: z.string(), description: z.string() }),
  items: z.array(PlanItem), summary: z.object({ items: z.number(), publish_ready: z.number() }),
  options: z.object({ defaults: z.record(z.string(), z.unknown()), overrides: z.record(z.string(), z.unknown()) }),
});
const Templates = z.object({ title: z.string(), description: z.string() });
const AccountName = z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, dot, dash, underscore (1–64)');
const SessionCheck = z.object({
  ok: z.boolean(), account: z.string(), present: z.boolean(), status: z.enum(['missing', 'valid', 'expired', 'unknown_expiry']),
  expires_at: z.string().nullable(), expiry_source: z.string().nullable(), has_user_agent: z.boolean(), cookie_names: z.array(z.string()),
  updated_at: z.string().nullable(), active: z.boolean(),
});

/** the touch-up's version (its recipe hash, in the rendition's name): the Studio adds it to photo URLs, which are cached */
const editVersion = (b: PhotoBlobs): string | null => b.edited?.match(/-edited-([0-9a-f]+)\.jpg$/)?.[1] ?? null;

function editError(e: unknown): never {
  if (e instanceof EditError) throw new HttpError(e.status, e.code, e.message);
  if (e instanceof VersionConflict) throw new HttpError(409, 'conflict', e.message);
  throw e;
}

export async function vintedRoutes(app: App, ctx: CoreContext): Promise<void> {
  const s = () => settingsOf(ctx);

  const catalogOr404 = async (job: string): Promise<Catalog> => {
    const c = await loadCatalog(ctx.db, job);
    if (!c) throw notFound(`catalog of job ${job}`);
    // version 0: the ingest job has not saved its result yet
    if (c.version === 0) {
      const j = await ctx.jobs.get(job);
      if (j && ['failed', 'cancelled'].includes(j.status)) throw new HttpError(409, 'not_ready', `the analysis of job ${job} ${j.status === 'failed' ? `failed: ${j.error ?? 'see its log'}` : 'was cancelled'}; start a new ingest`);
      throw new HttpError(409, 'not_ready', `the photos of job ${job} are still being analysed: follow GET /api/vinted/bulk/status?job=${job}`);
    }
    return c;
  };

  const view = (c: Catalog) => ({
    ok: true, job_id: c.job_id, version: c.version, backend: c.backend, files: c.files,
    photos: c.photos.map((p) => ({ id: p.id, file: p.file, position: p.position, width: p.width, height: p.height, taken_at: p.taken_at, format: p.format, sharpness: p.sharpness, edit: editVersion(p.blobs as PhotoBlobs) })),
    clusters: clusterSummaries(c), duplicates: c.duplicates, errors: c.errors,
    conditions: CONDITIONS.map((k) => ({ label: k.label, status_id: k.status_id })), categories: [...new Set([...Object.values(s().classLabels), ...s().categories])],
  });

  const enqueue = async (payload: IngestPayload, files: number, user: { id: string; email: string } | undefined, title: string) => {
    const job = await ctx.jobs.enqueue('vinted.ingest', payload as unknown as Record<string, unknown>, { title, createdBy: user?.id ?? null });
    await createCatalog(ctx.db, job.id, { source: payload.source, files, createdBy: user?.id ?? null });
    return job;
  };

  // ---- ingest
  app.post('/bulk/ingest/photos', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: `upload 1..BULK_MAX_FILES photos (multipart, field "files"); starts an ingest job`,
      querystring: z.object({ backend: z.enum(['auto', 'clip', 'classic']).optional() }),
      response: { 202: Ingested },
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw badRequest('send the photos as multipart/form-data (one or more "files" parts)');
    const set = s();
    const batch = crypto.randomUUID();
    const prefix = `vinted/uploads/${batch}/`;
    const inputs: NonNullable<IngestPayload['inputs']> = [];
    const preErrors: { file: string; reason: string }[] = [];
    let count = 0;
    const seen = new Set<string>();
    const unique = (name: string) => {
      // two files of the same name (two folders flattened by the browser): keep both, told apart
      let n = name;
      for (let i = 2; seen.has(n); i++) n = name.replace(/(\.[^./]*)?$/, (ext) => ` (${i})${ext}`);
      seen.add(n);
      return n;
    };
    try {
      for await (const part of req.parts({ limits: { files: set.maxFiles + 1, fileSize: set.maxFileBytes }, throwFileSizeLimit: false } as any)) {
        if (part.type !== 'file') continue;
        count++;
        if (count > set.maxFiles) {
          part.file.resume();
          throw new HttpError(413, 'too_many_files', `too many photos: at most ${set.maxFiles} per ingest (BULK_MAX_FILES); split the batch`);
        }
        const name = unique(cleanUploadName(part.filename, `photo-${count}`));
        const key = `${prefix}${String(count).padStart(4, '0')}`;
        const info = await ctx.files.put(key, part.file);
        if (part.file.truncated) {
          await ctx.files.delete(key);
          preErrors.push({ file: name, reason: `file too large: at most ${Math.round(set.maxFileBytes / 1024 / 1024)} MB per photo (BULK_MAX_FILE_MB)` });
        } else if (info.size === 0) {
          await ctx.files.delete(key);
          preErrors.push({ file: name, reason: 'empty file (0 bytes)' });
        } else inputs.push({ name, blob: key });
      }
    } catch (e) {
      await ctx.files.deletePrefix(prefix).catch(() => 0);
      throw e;
    }
    if (count === 0) throw badRequest('no photo received: send at least one file part');
    const job = await enqueue({ source: 'upload', inputs, preErrors, uploadPrefix: prefix, backend: req.query.backend }, count, req.user as any, `Studio: ${count} photos`);
    return reply.code(202).send({ ok: true, files: count, job_id: job.id });
  });

  app.post('/bulk/ingest/zip', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'upload one ZIP of photos (multipart, one file part); starts an ingest job',
      querystring: z.object({ backend: z.enum(['auto', 'clip', 'classic']).optional() }),
      response: { 202: Ingested },
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw badRequest('send the ZIP as multipart/form-data (one file part)');
    const set = s();
    const batch = crypto.randomUUID();
    const prefix = `vinted/uploads/${batch}/`;
    const key = `${prefix}archive.zip`;
    let name: string | null = null;
    const tmp = path.join(os.tmpdir(), `atelier-vinted-zip-${batch}`);
    try {
      for await (const part of req.parts({ limits: { files: 1, fileSize: set.maxZipBytes }, throwFileSizeLimit: false } as any)) {
        if (part.type !== 'file') continue;
        name = cleanUploadName(part.filename, 'photos.zip');
        await ctx.files.put(key, part.file);
        if (part.file.truncated) {
          throw new HttpError(413, 'too_large', `ZIP too large: at most ${Math.round(set.maxZipBytes / 1024 / 1024)} MB (BULK_MAX_ZIP_MB)`);
        }
      }
      if (!name) throw badRequest('no ZIP received: send one file part');
      let files: number;
      try {
        files = await countZipFiles(await localCopy(ctx.files, key, tmp));
      } catch (e) {
        throw badRequest(`${name} is not a readable ZIP archive (${(e as Error).message})`);
      }
      if (files > set.maxFiles) throw new HttpError(413, 'too_many_files', `too many photos in the ZIP: ${files}, at most ${set.maxFiles} per ingest (BULK_MAX_FILES)`);
      const job = await enqueue({ source: 'zip', zip: { name, blob: key }, uploadPrefix: prefix, backend: req.query.backend }, files, req.user as any, `Studio: ${name}`);
      return reply.code(202).send({ ok: true, files, job_id: job.id });
    } catch (e) {
      await ctx.files.deletePrefix(prefix).catch(() => 0);
      throw e;
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
    }
  });

  // ---- status and catalog
  app.get('/bulk/status', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'progress, articles, duplicates and per-file errors of an ingest job', querystring: JobQuery, response: { 200: Status } },
  }, async (req) => {
    const job = await ctx.jobs.get(req.query.job);
    if (!job || job.module !== 'vinted' || job.kind !== 'ingest') throw notFound(`ingest job ${req.query.job}`);
    const c = await loadCatalog(ctx.db, job.id);
    const k = job.counters ?? {};
    const ready = c && c.version > 0;
    const progress = ready
      ? { scanned: Number(k.total ?? c.files), total: Number(k.total ?? c.files), clusters: c.clusters.length, duplicates: c.duplicates.length, errors: c.errors.length }
      : { scanned: Number(k.scanned ?? 0), total: Number(k.total ?? c?.files ?? 0), clusters: Number(k.clusters ?? 0), duplicates: Number(k.duplicates ?? 0), errors: Number(k.errors ?? 0) };
    return {
      ok: job.status !== 'failed', job_id: job.id, status: job.status, percent: Number(job.progress), message: job.error, progress,
      clusters: ready ? clusterSummaries(c) : [], duplicates: ready ? c.duplicates : [], errors: ready ? c.errors : [],
    };
  });

  app.get('/bulk/catalogs', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted'], summary: 'recent catalogs',
      response: { 200: z.object({ ok: z.boolean(), max_files: z.number(), catalogs: z.array(z.object({ job_id: z.string(), status: z.string(), files: z.number(), source: z.string(), clusters: z.coerce.number(), created_at: z.coerce.date(), updated_at: z.coerce.date() })) }) },
    },
  }, async () => ({ ok: true, max_files: s().maxFiles, catalogs: await listCatalogs(ctx.db) }));

  app.get('/bulk/catalog/:job', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'the catalog of an ingest job, with the seller\'s edits', params: JobParam, response: { 200: CatalogView } },
  }, async (req) => view(await catalogOr404(req.params.job)));

  const edit = (route: string, summary: string, body: z.ZodObject<any>, apply: (c: Catalog, b: any) => Catalog) => {
    app.post(`/bulk/catalog/:job/${route}`, {
      config: { role: 'operator' },
      schema: { tags: ['vinted'], summary, params: JobParam, body: body.extend({ version: z.number().int().optional() }), response: { 200: CatalogView } },
    }, async (req) => {
      const c = await catalogOr404(req.params.job);
      const b = req.body as any;
      if (b.version !== undefined && b.version !== c.version) throw new HttpError(409, 'conflict', `catalog changed since version ${b.version} (now ${c.version}): reload it`);
      let next: Catalog;
      try {
        next = apply(c, b);
        next.version = await saveClusters(ctx.db, next, c.version);
      } catch (e) {
        editError(e);
      }
      return view(next);
    });
  };
  const Id = z.string().min(1).max(40);
  edit('merge', 'merge articles into the first one named', z.object({ clusters: z.array(Id).min(2).max(100) }), (c, b) => merge(c, b.clusters));
  edit('split', 'move some photos of an article into a new article', z.object({ cluster: Id, photos: z.array(Id).min(1) }), (c, b) => split(c, b.cluster, b.photos));
  edit('move', 'move a photo to another article (to: null = a new article)', z.object({ photo: Id, to: Id.nullable(), index: z.number().int().min(0).optional() }), (c, b) => movePhoto(c, b.photo, b.to, b.index));
  edit('reorder', 'set the order of an article\'s photos', z.object({ cluster: Id, photos: z.array(Id).min(1) }), (c, b) => reorder(c, b.cluster, b.photos));
  edit('cover', 'choose the cover photo of an article', z.object({ cluster: Id, photo: Id }), (c, b) => setCover(c, b.cluster, b.photo));
  edit('fields', 'set category / colour / brand / size / condition of an article', z.object({
    cluster: Id, category: Nullable, color: Nullable, colors: z.array(z.string().max(50)).max(2).optional(), brand: Nullable, size: Nullable, condition: Nullable,
  }), (c, b) => setFields(c, b.cluster, b));

  // ---- photos (blob store)
  app.get('/bulk/photos/:job/:photo/:variant', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted'], summary: 'a photo: thumb (UI), work (analysis copy) or listing (≤1600 px), EXIF/GPS stripped',
      params: z.object({ job: z.uuid(), photo: Id, variant: z.enum(['thumb', 'work', 'listing']) }),
    },
  }, async (req, reply) => {
    const { job, photo, variant } = req.params;
    const row = await ctx.db.withSchema('vinted').selectFrom('photos').select(['blobs']).where('job_id', '=', job).where('id', '=', photo).executeTakeFirst();
    if (!row) throw notFound(`photo ${photo} of job ${job}`);
    const blobs = (typeof row.blobs === 'string' ? JSON.parse(row.blobs) : row.blobs) as PhotoBlobs;
    const key = variant === 'thumb' && blobs.edited_thumb ? blobs.edited_thumb : blobs[variant];
    const data = variant === 'listing' ? await (await import('./ingest/listing.ts')).listingCopy(ctx.files, blobs) : key && (await ctx.files.stat(key)) ? await ctx.files.get(key) : null;
    if (!data) throw notFound(`${variant} copy of photo ${photo}`);
    const type = data[0] === 0x89 ? 'image/png' : data.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : 'image/jpeg';
    return reply.header('cache-control', 'private, max-age=86400, immutable').type(type).send(data);
  });

  // ---- plan and exports
  const templatesNow = async () => {
    const stored = await getSetting<{ title?: string; description?: string }>(ctx.db, 'templates');
    return { title: stored?.title || s().titleTemplate, description: stored?.description || s().descriptionTemplate };
  };

  const planResponse = (plan: ReturnType<typeof buildPlan>, options: any) => ({
    ok: true, ...plan, summary: { items: plan.items.length, publish_ready: plan.items.filter((i) => i.publish_ready).length },
    options: { defaults: options?.defaults ?? {}, overrides: options?.overrides ?? {} },
  });

  app.post('/bulk/listings/plan', {
    config: { role: 'operator' },
    schema: { tags: ['vinted'], summary: 'draft one listing per article (no side effect on Vinted); persisted', body: PlanBody, response: { 200: PlanResponse } },
  }, async (req) => {
    const c = await catalogOr404(req.body.job);
    const t = await templatesNow();
    const opts: PlanOptions = { defaults: req.body.defaults, overrides: req.body.overrides, templates: { title: req.body.templates?.title || t.title, description: req.body.templates?.description || t.description } };
    for (const [k, v] of Object.entries(opts.templates!)) {
      try { checkTemplate(v!); } catch (e) { if (e instanceof TemplateError) throw badRequest(`${k} template: ${e.message}`); throw e; }
    }
    const unknown = Object.keys(req.body.overrides ?? {}).filter((id) => !c.clusters.some((x) => x.id === id));
    if (unknown.length) throw badRequest(`overrides name unknown articles: ${unknown.join(', ')}`);
    let plan = buildPlan(c, s(), opts);
    // prices learned from the seller's own sales move the matching articles' prices (kept in the options)
    const learned = learnedFor(plan.items, await cachedPriceEvidence(ctx.db));
    if (Object.keys(learned).length) plan = buildPlan(c, s(), { ...opts, learned });
    const options = { defaults: req.body.defaults ?? {}, overrides: req.body.overrides ?? {}, ...(Object.keys(learned).length ? { learned } : {}) };
    await savePlan(ctx.db, plan, options, (req.user as any)?.id);
    return planResponse(plan, options);
  });

  app.get('/bulk/listings/plan', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'the last plan of a catalog', querystring: JobQuery, response: { 200: PlanResponse } },
  }, async (req) => {
    const plan = await loadPlan(ctx.db, req.query.job);
    if (!plan) throw notFound(`plan of job ${req.query.job}`);
    const { options, ...rest } = plan;
    return planResponse(rest, options);
  });

  app.get('/bulk/export/catalog.json', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'download catalog.json', querystring: JobQuery },
  }, async (req, reply) => {
    const c = await catalogOr404(req.query.job);
    return reply.header('content-disposition', 'attachment; filename="catalog.json"').type('application/json').send(JSON.stringify(catalogExport(c), null, 2));
  });

  app.get('/bulk/export/plan.json', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'download plan.json', querystring: JobQuery },
  }, async (req, reply) => {
    const plan = await loadPlan(ctx.db, req.query.job);
    if (!plan) throw notFound(`plan of job ${req.query.job} (make one with POST /api/vinted/bulk/listings/plan)`);
    const { options: _o, ...rest } = plan;
    return reply.header('content-disposition', 'attachment; filename="plan.json"').type('application/json').send(JSON.stringify(rest, null, 2));
  });

  // ---- templates
  app.get('/settings/templates', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'the title/description templates in use', response: { 200: z.object({ ok: z.boolean(), templates: Templates, defaults: Templates }) } },
  }, async () => ({ ok: true, templates: await templatesNow(), defaults: { title: s().titleTemplate, description: s().descriptionTemplate } }));

  app.put('/settings/templates', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'change the title/description templates ({Variable}, {Variable|filtre}, {#Variable}…{/Variable}); empty = back to the default',
      body: z.object({ title: z.string().max(1000).optional(), description: z.string().max(5000).optional() }),
      response: { 200: z.object({ ok: z.boolean(), templates: Templates, defaults: Templates }) },
    },
  }, async (req) => {
    for (const [k, v] of Object.entries(req.body)) {
      if (v) try { checkTemplate(v); } catch (e) { if (e instanceof TemplateError) throw badRequest(`${k} template: ${e.message}`); throw e; }
    }
    const cur = (await getSetting<{ title?: string; description?: string }>(ctx.db, 'templates')) ?? {};
    await putSetting(ctx.db, 'templates', { ...cur, ...req.body }, (req.user as any)?.id);
    return { ok: true, templates: await templatesNow(), defaults: { title: s().titleTemplate, description: s().descriptionTemplate } };
  });

  // ---- Vinted session (stored in the vault; never echoed, never logged)
  app.post('/auth/session', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'store a Vinted web session (cookie + user agent) in the vault',
      body: z.object({ cookie_value: z.string().min(1).max(16384), user_agent: z.string().min(1).max(1024), account: AccountName.optional() }),
      response: { 200: SessionCheck },
    },
  }, async (req) => {
    const account = req.body.account ?? 'default';
    await saveSession(ctx, account, req.body.cookie_value, req.body.user_agent, (req.user as any)?.id);
    req.log.info({ account }, 'vinted session stored');
    return { ok: true, ...(await checkSession(ctx, account)) };
  });

  app.get('/auth/check', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'is a Vinted session stored, and until when is it valid (offline check)', querystring: z.object({ account: AccountName.optional() }), response: { 200: SessionCheck } },
  }, async (req) => ({ ok: true, ...(await checkSession(ctx, req.query.account ?? 'default')) }));

  app.delete('/auth/session', {
    config: { role: 'operator' },
    schema: { tags: ['vinted'], summary: 'forget a stored Vinted session', querystring: z.object({ account: AccountName.optional() }), response: { 200: Ok } },
  }, async (req) => {
    await deleteSession(ctx, req.query.account ?? 'default');
    return { ok: true };
  });

  app.post('/auth/accounts/:account/activate', {
    config: { role: 'operator' },
    schema: { tags: ['vinted'], summary: 'make this Vinted account the active one (one at a time)', params: z.object({ account: AccountName }), response: { 200: SessionCheck } },
  }, async (req) => {
    if (!(await activateAccount(ctx, req.params.account))) throw notFound(`Vinted account ${req.params.account}`);
    return { ok: true, ...(await checkSession(ctx, req.params.account)) };
  });

  app.get('/auth/accounts', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'Vinted accounts with a stored session (metadata only)', response: { 200: z.object({ ok: z.boolean(), accounts: z.array(SessionCheck.omit({ ok: true })) }) } },
  }, async () => ({ ok: true, accounts: await listAccounts(ctx) }));

  // ---- optional vision LLM (follow-up job; the key lives in the vault and is never echoed)
  const LlmStatus = z.object({ ok: z.boolean(), configured: z.boolean(), base_url: z.string().nullable(), model: z.string().nullable(), has_key: z.boolean(), auto: z.boolean() });
  const llmStatus = async () => {
    const cfg = llmConfig(ctx);
    return { ok: true, configured: !!cfg, base_url: cfg?.baseUrl ?? null, model: cfg?.model ?? null, has_key: await ctx.vault.has(LLM_KEY_VAULT_NAME), auto: s().llm.auto };
  };
  app.get('/llm', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'is a vision model configured (VINTED_LLM_BASE_URL, VINTED_LLM_MODEL) and is its key stored', response: { 200: LlmStatus } },
  }, llmStatus);

  app.put('/llm/key', {
    config: { role: 'admin' },
    schema: { tags: ['vinted'], summary: 'store the vision model API key in the vault', body: z.object({ api_key: z.string().min(1).max(4096) }), response: { 200: LlmStatus } },
  }, async (req) => {
    await ctx.vault.set(LLM_KEY_VAULT_NAME, req.body.api_key);
    req.log.info('vision model key stored');
    return llmStatus();
  });

  app.delete('/llm/key', {
    config: { role: 'admin' },
    schema: { tags: ['vinted'], summary: 'forget the vision model API key', response: { 200: LlmStatus } },
  }, async () => {
    await ctx.vault.delete(LLM_KEY_VAULT_NAME);
    return llmStatus();
  });

  app.post('/bulk/describe', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'ask the vision model for suggestions on the articles of a catalog (a vinted.describe job)',
      body: z.object({ job: z.uuid(), clusters: z.array(Id).max(500).optional() }),
      response: { 202: z.object({ ok: z.boolean(), job_id: z.string() }) },
    },
  }, async (req, reply) => {
    if (!llmConfig(ctx)) throw new HttpError(409, 'not_configured', 'no vision model configured: set VINTED_LLM_BASE_URL and VINTED_LLM_MODEL');
    await catalogOr404(req.body.job);
    const job = await ctx.jobs.enqueue('vinted.describe', { job: req.body.job, clusters: req.body.clusters }, { title: 'Studio: vision model', createdBy: (req.user as any)?.id ?? null });
    return reply.code(202).send({ ok: true, job_id: job.id });
  });

  await publishRoutes(app, ctx);
  await notifyRoutes(app, ctx);
  await inboxRoutes(app, ctx);
  await afterPublishingRoutes(app, ctx);
  await dataRoutes(app, ctx);
  await touchupRoutes(app, ctx);
  await adminRoutes(app, ctx);
}
