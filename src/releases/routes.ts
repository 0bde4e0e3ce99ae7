// /api/releases/…: uploads, naming preview, pack jobs (start, list, artefacts, metadata, logs,
// re-run), NFO/DIZ templates (CRUD + render preview), rule sets. viewer reads, operator writes.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, badRequest, notFound } from '../core/errors.ts';
import { makeTempDir } from '../core/tmp.ts';
import { extractMetadata, MetadataError } from './metadata/index.ts';
import type { ReleaseMetadata } from './metadata/types.ts';
import { buildReleaseName } from './naming/index.ts';
import { renderDiz, renderNfo, templateContext, SAMPLE_METADATA, TemplateError, checkTemplate, NFO_WIDTH, DIZ_WIDTH, DIZ_LINES } from './nfo/index.ts';
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from './nfo/store.ts';
import { listRuleSets } from './rules/index.ts';
import { validateName } from './validate/index.ts';
import { boundaryOf } from './naming/checked.ts';
import { settingsOf } from './pack/runtime.ts';
import { defaultVolumeSize, ruleSetFor, type PackPayload } from './pack/job.ts';
import { mergeMetadata, packRelease, PackError, SOURCE_FORMATS } from './pack/pipeline.ts';
import { resolveTemplate } from './nfo/store.ts';
import { deliveryRoutes } from './deliver/routes.ts';
import { enrichRoutes } from './enrich/routes.ts';
import { prefsRoutes } from './prefs-routes.ts';
import { effectivePrefs } from './prefs.ts';

const Type = z.enum(['EBOOK', 'DOCS', 'TV']);
const Kind = z.enum(['nfo', 'diz']);
const JobId = z.object({ id: z.uuid() });
const Group = z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_]+$/, 'group: letters, digits and _ only');
const MetadataEdits = z.record(z.string(), z.unknown()).optional();
const Naming = z.object({
  edition: z.enum(['RETAiL', 'SCAN', 'HYBRiD']).optional(),
  source: z.string().regex(/^[A-Za-z0-9.-]+$/).max(20).optional(),
  tags: z.array(z.string().regex(/^[A-Za-z0-9]+$/).max(20)).max(10).optional(),
  language: z.string().max(10).optional(),
}).optional();

const TemplateBody = z.object({ name: z.string().trim().min(1).max(100), type: Type, kind: Kind, body: z.string().min(1).max(64_000) });

function templateError(e: unknown): never {
  if (e instanceof TemplateError) throw new HttpError(422, 'template_invalid', e.message, { line: e.line });
  throw e;
}

async function packOf(ctx: CoreContext, jobId: string) {
  const job = await ctx.jobs.get(jobId);
  if (!job || job.module !== 'releases' || job.kind !== 'pack') throw notFound(`pack job ${jobId}`);
  const pack = await ctx.db.withSchema('releases').selectFrom('packs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  return { job, pack };
}

async function uploadMetadata(ctx: CoreContext, id: string): Promise<ReleaseMetadata> {
  const row = await ctx.db.withSchema('releases').selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`upload ${id}`);
  if (!row.metadata) throw new HttpError(422, 'unreadable_source', `upload ${row.file_name} has no readable metadata`);
  return row.metadata as ReleaseMetadata;
}

export async function releasesRoutes(app: App, ctx: CoreContext): Promise<void> {
  const s = settingsOf(ctx);

  deliveryRoutes(app, ctx);
  enrichRoutes(app, ctx);
  prefsRoutes(app, ctx);

  app.get('/rulesets', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], summary: 'rule sets available (one per type and rule year)' },
  }, async () => ({ rulesets: await listRuleSets() }));

  // ---- uploads: the file goes to the blob store, its metadata is extracted at once
  app.post('/uploads', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], summary: 'upload source files (multipart, field "file", several allowed); returns each one\'s metadata or error' },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw badRequest('send the files as multipart/form-data (field "file")');
    // a refused file: `code` (too_big, or the metadata reader's corrupt / unreadable / unsupported) for the UI's words, `error` the reader's own text
    const out: { id?: string; file_name: string; size: number; metadata?: ReleaseMetadata; error?: string; code?: string; limit_mb?: number }[] = [];
    const tmp = await makeTempDir('upload');
    try {
      for await (const part of req.files({ limits: { fileSize: s.maxUploadBytes } })) {
        const fileName = path.basename(part.filename || 'upload').replace(/[\x00-\x1f/\\]/g, '_');
        const local = path.join(tmp, crypto.randomUUID());
        await pipeline(part.file, fs.createWriteStream(local));
        const size = (await fsp.stat(local)).size;
        if (part.file.truncated) { out.push({ file_name: fileName, size, error: `larger than RELEASES_MAX_UPLOAD_MB (${s.maxUploadBytes / 1e6} MB)`, code: 'too_big', limit_mb: s.maxUploadBytes / 1e6 }); continue; }
        let metadata: ReleaseMetadata | undefined;
        let refused: { error: string; code: string } | undefined;
        try {
          metadata = await extractMetadata(local, fileName);
        } catch (e) {
          if (!(e instanceof MetadataError)) throw e;
          refused = { error: e.message, code: e.code };
        }
        if (refused) { out.push({ file_name: fileName, size, ...refused }); continue; }
        const id = crypto.randomUUID();
        const key = `releases/uploads/${id}/${fileName.replace(/[^\w.\-]/g, '_')}`;
        await ctx.files.put(key, fs.createReadStream(local));
        await ctx.db.withSchema('releases').insertInto('uploads').values({ id, file_name: fileName, size, blob_key: key, metadata: JSON.stringify(metadata), created_by: req.user!.id }).execute();
        out.push({ id, file_name: fileName, size, metadata });
      }
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
    if (!out.length) throw badRequest('no file in the request (multipart field "file")');
    if (!out.some((u) => u.id)) throw new HttpError(422, 'unreadable_source', out.map((u) => u.error).join('; '), { uploads: out });
    return reply.code(201).send({ uploads: out });
  });

  app.get('/uploads/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], params: JobId },
  }, async (req) => {
    const row = await ctx.db.withSchema('releases').selectFrom('uploads').select(['id', 'file_name', 'size', 'metadata', 'created_at']).where('id', '=', req.params.id).executeTakeFirst();
    if (!row) throw notFound(`upload ${req.params.id}`);
    return { upload: { ...row, size: Number(row.size) } };
  });

  // ---- naming: build (from metadata + edits) or check an edited name against the rule set
  app.post('/naming', {
    config: { role: 'viewer' },
    schema: {
      tags: ['releases'], summary: 'release name from metadata (or check an edited name) against a rule set',
      body: z.object({ type: Type, group: Group, ruleSet: z.string().optional(), upload: z.uuid().optional(), metadata: MetadataEdits, naming: Naming, name: z.string().max(255).optional() }),
    },
  }, async (req) => {
    // the group's preferences fill what the request leaves out
    const pref = await effectivePrefs(ctx.db, req.body.group, req.body.type);
    const b = { ...req.body, ruleSet: req.body.ruleSet ?? pref.ruleSet };
    const ruleSet = await ruleSetFor(b.type, b.ruleSet).catch((e) => { throw badRequest((e as Error).message); });
    const base = b.upload ? await uploadMetadata(ctx, b.upload) : ({ format: SOURCE_FORMATS[b.type][0], fileName: 'sample', size: 0 } as ReleaseMetadata);
    const md = mergeMetadata(base, b.metadata as Partial<ReleaseMetadata>);
    let name = b.name;
    let warnings: string[] = [];
    let parts: Record<string, string | undefined> | undefined;
    if (!name) {
      try {
        const r = buildReleaseName(md, { type: b.type, group: b.group, languages: ruleSet.naming.languages, ...(b.type === 'TV' ? { source: s.tvSource } : {}), ...b.naming });
        name = r.name;
        warnings = r.warnings;
        parts = boundaryOf(r.parts);
      } catch (e) {
        throw new HttpError(422, 'naming', (e as Error).message);
      }
    }
    const checks = validateName(name, ruleSet, { parts });
    return { name, warnings, ruleSet: ruleSet.id, ok: checks.every((c) => c.ok), checks };
  });

  // ---- plan: a dry run computed in the request (nothing written, no job): name, NFO, planned tree
  app.post('/plan', {
    config: { role: 'viewer' },
    schema: {
      tags: ['releases'], summary: 'dry-run a pack of an upload: the name, NFO/DIZ text, planned files and the name checks, without writing anything',
      body: z.object({
        upload: z.uuid(), type: Type, group: Group, ruleSet: z.string().max(40).optional(), name: z.string().trim().min(1).max(255).optional(),
        metadata: MetadataEdits, naming: Naming, nfoTemplate: z.string().max(64).optional(), dizTemplate: z.string().max(64).optional(),
        nfoBody: z.string().max(64_000).optional(), volumeMb: z.number().positive().max(10_000).optional(), notes: z.string().max(4000).optional(), sourceUrl: z.string().max(2000).optional(),
      }),
    },
  }, async (req) => {
    const pref = await effectivePrefs(ctx.db, req.body.group, req.body.type);
    const b = { ...req.body, ruleSet: req.body.ruleSet ?? pref.ruleSet, nfoTemplate: req.body.nfoTemplate ?? pref.nfoTemplate, dizTemplate: req.body.dizTemplate ?? pref.dizTemplate };
    const ruleSet = await ruleSetFor(b.type, b.ruleSet).catch((e) => { throw badRequest((e as Error).message); });
    const row = await ctx.db.withSchema('releases').selectFrom('uploads').selectAll().where('id', '=', b.upload).executeTakeFirst();
    if (!row) throw notFound(`upload ${b.upload}`);
    const extracted = row.metadata as ReleaseMetadata;
    let nfo: string | undefined;
    let diz: string | undefined;
    try {
      nfo = b.nfoBody ?? (await resolveTemplate(ctx.db, b.type, 'nfo', b.nfoTemplate))?.body;
      diz = b.type === 'TV' ? undefined : (await resolveTemplate(ctx.db, b.type, 'diz', b.dizTemplate))?.body;
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    if (!nfo) throw badRequest(`no NFO template for ${b.type}`);
    try {
      const r = await packRelease({
        sourcePath: ctx.files.localPath?.(row.blob_key) ?? row.blob_key, sourceName: row.file_name, type: b.type, group: b.group, ruleSet, outDir: os.tmpdir(), name: b.name,
        metadata: b.metadata as Partial<ReleaseMetadata>, extracted, naming: { ...(b.type === 'TV' ? { source: s.tvSource } : {}), ...b.naming },
        templates: { nfo, diz }, encoding: s.nfoEncoding,
        volumeSize: b.volumeMb ? Math.round(b.volumeMb * 1_000_000) : defaultVolumeSize(b.type, s, extracted.video?.resolution),
        notes: b.notes, sourceUrl: b.sourceUrl, dryRun: true,
      });
      return { ...r, release: { name: r.release.name, files: r.release.files } };
    } catch (e) {
      if (e instanceof PackError || e instanceof TemplateError) throw new HttpError(422, e instanceof PackError ? e.code : 'template_invalid', e.message);
      throw e;
    }
  });

  // ---- pack jobs
  app.post('/jobs', {
    config: { role: 'operator' },
    schema: {
      tags: ['releases'], summary: 'start a pack job from an upload or a server-side file under RELEASES_INBOX',
      body: z.object({
        source: z.object({ upload: z.uuid().optional(), path: z.string().max(4096).optional() }).refine((x) => !!x.upload !== !!x.path, 'give exactly one of source.upload and source.path'),
        type: Type, group: Group, ruleSet: z.string().max(40).optional(), name: z.string().trim().min(1).max(255).optional(),
        metadata: MetadataEdits, naming: Naming, nfoTemplate: z.string().max(64).optional(), dizTemplate: z.string().max(64).optional(),
        volumeMb: z.number().positive().max(10_000).optional(), sourceUrl: z.url().max(2000).optional(), notes: z.string().max(4000).optional(), dryRun: z.boolean().optional(),
        sample: z.boolean().optional(), destinations: z.array(z.string().min(1).max(64)).max(20).optional(),
      }),
    },
  }, async (req, reply) => {
    const pref = await effectivePrefs(ctx.db, req.body.group, req.body.type);
    const b = { ...req.body, ruleSet: req.body.ruleSet ?? pref.ruleSet, nfoTemplate: req.body.nfoTemplate ?? pref.nfoTemplate, dizTemplate: req.body.dizTemplate ?? pref.dizTemplate };
    await ruleSetFor(b.type, b.ruleSet).catch((e) => { throw badRequest((e as Error).message); });
    let sourceName: string;
    if (b.source.upload) {
      const row = await ctx.db.withSchema('releases').selectFrom('uploads').select(['file_name']).where('id', '=', b.source.upload).executeTakeFirst();
      if (!row) throw notFound(`upload ${b.source.upload}`);
      sourceName = row.file_name;
    } else {
      const { insideInbox } = await import('./pack/job.ts');
      if (!insideInbox(b.source.path!, s.inbox)) throw new HttpError(403, 'forbidden_path', `${b.source.path} is outside the server's inbox (RELEASES_INBOX: ${s.inbox.join(', ')})`);
      if (!fs.existsSync(b.source.path!)) throw notFound(`file ${b.source.path}`);
      sourceName = path.basename(b.source.path!);
    }
    for (const [id, kind] of [[b.nfoTemplate, 'nfo'], [b.dizTemplate, 'diz']] as const) {
      if (!id) continue;
      const t = await getTemplate(ctx.db, id);
      if (!t) throw notFound(`template ${id}`);
      if (t.kind !== kind) throw badRequest(`template ${id} is a ${t.kind} template`);
    }
    const payload: PackPayload = {
      source: { upload: b.source.upload, path: b.source.path, name: sourceName }, type: b.type, group: b.group, ruleSet: b.ruleSet, name: b.name,
      metadata: b.metadata as Partial<ReleaseMetadata>, naming: b.naming, nfoTemplate: b.nfoTemplate, dizTemplate: b.dizTemplate,
      volumeMb: b.volumeMb, sourceUrl: b.sourceUrl, notes: b.notes, dryRun: b.dryRun, sample: b.type === 'TV' ? b.sample : undefined,
      destinations: b.destinations,
    };
    const job = await ctx.jobs.enqueue('releases.pack', payload as unknown as Record<string, unknown>, { title: `${b.type} ${b.group}: ${sourceName}`, createdBy: req.user!.id });
    return reply.code(202).send({ job });
  });

  app.get('/jobs', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), status: z.string().optional() }) },
  }, async (req) => {
    const jobs = await ctx.jobs.list({ module: 'releases', kind: 'pack', limit: req.query.limit, status: req.query.status });
    const packs = jobs.length ? await ctx.db.withSchema('releases').selectFrom('packs').select(['job_id', 'name', 'ok', 'type', 'grp', 'purged_at']).where('job_id', 'in', jobs.map((j) => j.id)).execute() : [];
    const byId = new Map(packs.map((p: any) => [p.job_id, p]));
    return { jobs: jobs.map((j) => ({ ...j, pack: byId.get(j.id) ?? null })) };
  });

  app.get('/jobs/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], params: JobId },
  }, async (req) => packOf(ctx, req.params.id));

  app.get('/jobs/:id/metadata', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], summary: 'the metadata, name, files and validation report of a pack', params: JobId },
  }, async (req) => {
    const { job, pack } = await packOf(ctx, req.params.id);
    if (!pack?.metadata) throw new HttpError(409, 'not_ready', `pack ${req.params.id} is ${job.status}: no metadata yet${job.error ? ` (${job.error})` : ''}`);
    return { job_id: job.id, status: job.status, name: pack.name, type: pack.type, group: pack.grp, ruleSet: pack.rule_set, metadata: pack.metadata, files: pack.files, validation: pack.validation, ok: pack.ok };
  });

  app.get('/jobs/:id/logs', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], params: JobId, querystring: z.object({ after: z.coerce.number().int().min(0).default(0) }) },
  }, async (req) => {
    await packOf(ctx, req.params.id);
    return { events: await ctx.jobs.eventsOf(req.params.id, req.query.after) };
  });

  app.get('/jobs/:id/artifacts', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], summary: 'the release files of a pack, each with its download URL', params: JobId },
  }, async (req) => {
    await packOf(ctx, req.params.id);
    const list = await ctx.jobs.artifacts(req.params.id);
    return { artifacts: list.map((a) => ({ id: a.id, name: a.name, size: a.size, content_type: a.content_type, url: `/api/releases/jobs/${req.params.id}/artifacts/${a.id}` })) };
  });

  app.get('/jobs/:id/artifacts/:artifactId', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], summary: 'download one release file', params: z.object({ id: z.uuid(), artifactId: z.uuid() }) },
  }, async (req, reply) => {
    await packOf(ctx, req.params.id);
    const a = await ctx.jobs.artifact(req.params.id, req.params.artifactId);
    if (!a) throw notFound('artifact');
    const stream = await ctx.files.stream(a.blob_key).catch(() => { throw new HttpError(410, 'gone', `${a.name} is no longer stored (RELEASES_RETENTION_DAYS)`); });
    const base = path.posix.basename(a.name).replace(/[^\w.\-]/g, '_');
    return reply.type(a.content_type).header('content-length', a.size).header('content-disposition', `attachment; filename="${base}"`).send(stream);
  });

  app.post('/jobs/:id/rerun', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], summary: 'pack again with the same options (a new job)', params: JobId },
  }, async (req, reply) => {
    const { job } = await packOf(ctx, req.params.id);
    if (!['completed', 'failed', 'cancelled'].includes(job.status)) throw new HttpError(409, 'running', `pack ${job.id} is still ${job.status}`);
    const again = await ctx.jobs.rerun(job.id, req.user!.id);
    return reply.code(202).send({ job: again });
  });

  // ---- templates
  app.get('/templates', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], querystring: z.object({ type: Type.optional(), kind: Kind.optional() }) },
  }, async (req) => ({ templates: await listTemplates(ctx.db, req.query) }));

  app.get('/templates/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['releases'], params: z.object({ id: z.string().max(64) }) },
  }, async (req) => {
    const t = await getTemplate(ctx.db, req.params.id);
    if (!t) throw notFound(`template ${req.params.id}`);
    return { template: t };
  });

  app.post('/templates', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], body: TemplateBody },
  }, async (req, reply) => {
    if (req.body.type === 'TV' && req.body.kind === 'diz') throw badRequest('TV releases have no FILE_ID.DIZ (their archives are RAR volumes)');
    try { checkTemplate(req.body.body); } catch (e) { templateError(e); }
    const exists = await ctx.db.withSchema('releases').selectFrom('templates').select('id').where('name', '=', req.body.name).executeTakeFirst();
    if (exists) throw new HttpError(409, 'conflict', `a template named "${req.body.name}" exists`);
    return reply.code(201).send({ template: await createTemplate(ctx.db, req.body, req.user!.id) });
  });

  app.put('/templates/:id', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: z.object({ id: z.string().max(64) }), body: z.object({ name: z.string().trim().min(1).max(100).optional(), body: z.string().min(1).max(64_000).optional() }) },
  }, async (req) => {
    if (req.params.id.startsWith('builtin-')) throw new HttpError(409, 'read_only', 'the shipped templates are read-only: create a copy (POST /api/releases/templates) and edit it');
    if (req.body.body) { try { checkTemplate(req.body.body); } catch (e) { templateError(e); } }
    const t = await updateTemplate(ctx.db, req.params.id, req.body);
    if (!t) throw notFound(`template ${req.params.id}`);
    return { template: t };
  });

  app.delete('/templates/:id', {
    config: { role: 'operator' },
    schema: { tags: ['releases'], params: z.object({ id: z.string().max(64) }) },
  }, async (req, reply) => {
    if (req.params.id.startsWith('builtin-')) throw new HttpError(409, 'read_only', 'the shipped templates cannot be deleted');
    if (!(await deleteTemplate(ctx.db, req.params.id))) throw notFound(`template ${req.params.id}`);
    return reply.code(204).send();
  });

  app.post('/templates/:id/render', {
    config: { role: 'viewer' },
    schema: {
      tags: ['releases'], summary: 'render a template (preview): sample metadata, an upload\'s, or a pack job\'s; `body` previews unsaved edits',
      params: z.object({ id: z.string().max(64) }),
      body: z.object({
        type: Type.optional(), upload: z.uuid().optional(), job: z.uuid().optional(), metadata: MetadataEdits,
        name: z.string().max(255).optional(), group: z.string().max(32).optional(), body: z.string().max(64_000).optional(),
        volumes: z.number().int().min(1).max(101).optional(), encoding: z.enum(['cp437', 'ascii']).optional(), sourceUrl: z.string().max(2000).optional(), notes: z.string().max(4000).optional(),
      }).optional(),
    },
  }, async (req) => {
    const b = req.body ?? {};
    const t = req.params.id === 'draft' ? undefined : await getTemplate(ctx.db, req.params.id);
    if (!t && req.params.id !== 'draft') throw notFound(`template ${req.params.id}`);
    const type = t?.type ?? b.type ?? 'EBOOK';
    const kind = t?.kind ?? 'nfo';
    const source = b.body ?? t?.body;
    if (!source) throw badRequest('nothing to render: give a template id or a body');
    let md: Partial<ReleaseMetadata> = SAMPLE_METADATA[type];
    let name = b.name;
    let group = b.group || 'GROUP';
    if (b.upload) md = await uploadMetadata(ctx, b.upload);
    if (b.job) {
      const { pack } = await packOf(ctx, b.job);
      if (!pack?.metadata) throw new HttpError(409, 'not_ready', 'that pack has no metadata yet');
      md = pack.metadata as ReleaseMetadata;
      name ??= pack.name ?? undefined;
      group = b.group || pack.grp;
    }
    md = mergeMetadata(md as ReleaseMetadata, b.metadata as Partial<ReleaseMetadata>);
    if (!name) {
      try { name = buildReleaseName(md as ReleaseMetadata, { type, group: group.replace(/[^A-Za-z0-9_]/g, '') || 'GROUP' }).name; } catch { name = 'Release.Name-GROUP'; }
    }
    const ctxData = templateContext(md, { name, group, type, volumes: b.volumes ?? 1, volumeSize: type === 'TV' ? s.rarVolumeBytes : s.zipVolumeBytes, sourceUrl: b.sourceUrl, notes: b.notes });
    try {
      const r = kind === 'diz' ? await renderDiz(source, ctxData, b.encoding ?? s.nfoEncoding) : await renderNfo(source, ctxData, b.encoding ?? s.nfoEncoding);
      return { text: r.text, lines: r.lines, columns: r.columns, warnings: r.warnings, encoding: r.encoding, bytes: r.data.length, limits: kind === 'diz' ? { columns: DIZ_WIDTH, lines: DIZ_LINES } : { columns: NFO_WIDTH } };
    } catch (e) {
      templateError(e);
    }
  });
}
