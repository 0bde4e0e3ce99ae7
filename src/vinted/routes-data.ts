// The Studio's data: export / import (ZIP of JSON + photos, CSV of listings) under /api/vinted/transfer,
// and the scheduled purge's settings, dry-run count and manual run under /api/vinted/purge.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, badRequest, notFound } from '../core/errors.ts';
import { makeTempDir } from '../core/tmp.ts';
import { settingsOf } from './catalog/runtime.ts';
import { exportZip, collect, listingsCsv } from './transfer/export.ts';
import { importZip, ImportError } from './transfer/import.ts';
import { purge, purgeSettings, savePurgeSettings } from './purge/purge.ts';
import { getSetting } from './catalog/store.ts';

const Scope = z.object({ scope: z.enum(['account', 'batch']).default('account'), job: z.uuid().optional() });
const ImportResult = z.object({
  ok: z.boolean(),
  scope: z.object({ kind: z.enum(['account', 'batch']), job: z.string().nullable() }),
  counts: z.record(z.string(), z.number()),
  warnings: z.array(z.object({ code: z.string(), name: z.string() })),
  jobs: z.record(z.string(), z.string()),
  accounts: z.record(z.string(), z.string()),
});

export async function dataRoutes(app: App, ctx: CoreContext): Promise<void> {
  const scopeOf = async (q: z.infer<typeof Scope>) => {
    if (q.scope === 'batch') {
      if (!q.job) throw badRequest('scope=batch needs job=<the batch\'s job id>');
      const c = await ctx.db.withSchema('vinted').selectFrom('catalogs').select('job_id').where('job_id', '=', q.job).executeTakeFirst();
      if (!c) throw notFound(`batch ${q.job}`);
      return { kind: 'batch' as const, job: q.job };
    }
    return { kind: 'account' as const };
  };
  const stamp = () => new Date().toISOString().slice(0, 10);

  app.get('/transfer/export.zip', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'export the whole Studio (scope=account) or one batch (scope=batch&job=…): a ZIP of JSON + photos + listings.csv; no cookie, token or key is ever included',
      querystring: Scope,
    },
  }, async (req, reply) => {
    const scope = await scopeOf(req.query);
    const { stream, manifest } = await exportZip(ctx.db, ctx.files, scope);
    req.log.info({ scope, counts: manifest.counts }, 'vinted export');
    const name = scope.kind === 'batch' ? `atelier-vinted-lot-${scope.job!.slice(0, 8)}-${stamp()}.zip` : `atelier-vinted-${stamp()}.zip`;
    return reply.header('content-disposition', `attachment; filename="${name}"`).type('application/zip').send(stream);
  });

  app.get('/transfer/listings.csv', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'the drafted listings (with their publication state) as CSV, of the whole Studio or one batch', querystring: Scope },
  }, async (req, reply) => {
    const data = await collect(ctx.db, await scopeOf(req.query));
    return reply.header('content-disposition', `attachment; filename="annonces-${stamp()}.csv"`).type('text/csv; charset=utf-8').send(listingsCsv(data));
  });

  app.post('/transfer/import', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'import an export ZIP (multipart, one file part): all or nothing; batches get new ids; accounts come without their session',
      response: { 200: ImportResult },
    },
  }, async (req) => {
    if (!req.isMultipart()) throw badRequest('send the export ZIP as multipart/form-data (one file part)');
    const max = settingsOf(ctx).maxZipBytes;
    const tmp = await makeTempDir('vinted-upload');
    try {
      const file = path.join(tmp, 'import.zip');
      let got = false;
      for await (const part of req.parts({ limits: { files: 1, fileSize: max }, throwFileSizeLimit: false } as any)) {
        if (part.type !== 'file') continue;
        await pipeline(part.file, fs.createWriteStream(file, { mode: 0o600 }));
        if (part.file.truncated) throw new HttpError(413, 'too_large', `archive too large: at most ${Math.round(max / 1024 / 1024)} MB (BULK_MAX_ZIP_MB)`);
        got = true;
      }
      if (!got) throw badRequest('no file received: send the export ZIP as one file part');
      try {
        const r = await importZip(ctx.db, ctx.files, file, { userId: (req.user as any)?.id ?? null, isAdmin: (req.user as any)?.role === 'admin' });
        // the imported batches' jobs were written here, not through the job service
        ctx.jobs.rowsChanged();
        req.log.info({ counts: r.counts, scope: r.scope }, 'vinted import');
        return { ok: true, ...r };
      } catch (e) {
        if (e instanceof ImportError) throw new HttpError(e.status, e.code, e.message);
        throw e;
      }
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
    }
  });

  // ---- purge
  const Days = z.number().int().min(1).max(3650);
  const PurgeSettings = z.object({ enabled: z.boolean(), draftsDays: Days, abandonedDays: Days, tempDays: Days, logsDays: Days, notificationsDays: Days, deliveriesDays: Days, eventsDays: Days });
  const Counts = z.object({
    drafts: z.number(), abandoned: z.number(), orphan_folders: z.number(), temp_blobs: z.number(), photo_blobs: z.number(), log_lines: z.number(), bytes: z.number(),
    // absent from a report written before they were purged
    notifications: z.number().default(0), deliveries: z.number().default(0), delivery_attempts: z.number().default(0), events: z.number().default(0),
  });
  const Report = z.object({ dry_run: z.boolean(), at: z.string(), counts: Counts });
  const PurgeView = z.object({ ok: z.boolean(), settings: PurgeSettings, defaults: PurgeSettings, preview: Report, last: Report.nullable() });
  const view = async () => {
    const { defaults, ...settings } = await purgeSettings(ctx);
    const preview = await purge(ctx, { dryRun: true });
    const last = (await getSetting<z.infer<typeof Report>>(ctx.db, 'purge.last')) ?? null;
    return { ok: true, settings, defaults, preview: { dry_run: true, at: preview.at, counts: preview.counts }, last: last && { dry_run: last.dry_run, at: last.at, counts: last.counts } };
  };

  app.get('/purge', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'the purge settings, what a purge would delete now (dry-run count) and the last run', response: { 200: PurgeView } },
  }, view);

  app.put('/purge/settings', {
    config: { role: 'admin' },
    schema: { tags: ['vinted'], summary: 'change the purge settings (days; enabled: purge for real on schedule)', body: PurgeSettings.partial(), response: { 200: PurgeView } },
  }, async (req) => {
    await savePurgeSettings(ctx, req.body, (req.user as any)?.id ?? null);
    req.log.info({ purge: req.body }, 'vinted purge settings changed');
    return view();
  });

  app.post('/purge/run', {
    config: { role: 'admin' },
    schema: {
      tags: ['vinted'], summary: 'run the purge now (a vinted.purge job); dry_run: count only',
      body: z.object({ dry_run: z.boolean().default(true) }), response: { 202: z.object({ ok: z.boolean(), job_id: z.string(), dry_run: z.boolean() }) },
    },
  }, async (req, reply) => {
    const s = await purgeSettings(ctx);
    if (!req.body.dry_run && !s.enabled) throw new HttpError(409, 'purge_disabled', 'the purge is off: look at the dry-run count, then switch it on (enabled) before purging for real');
    const job = await ctx.jobs.enqueue('vinted.purge', { dry_run: req.body.dry_run }, { title: req.body.dry_run ? 'Studio: purge (dry run)' : 'Studio: purge', createdBy: (req.user as any)?.id ?? null });
    return reply.code(202).send({ ok: true, job_id: job.id, dry_run: req.body.dry_run });
  });
}
