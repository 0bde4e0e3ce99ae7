// Export / import of the Studio (ZIP of JSON + photos, CSV of listings) under /api/vinted/transfer.
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

const Scope = z.object({ scope: z.enum(['account', 'batch']).default('account'), job: z.uuid().optional() });
const ImportResult = z.object({
  ok: z.boolean(),
  scope: z.object({ kind: z.enum(['account', 'batch']), job: z.string().nullable() }),
  counts: z.record(z.string(), z.number()),
  jobs: z.record(z.string(), z.string()),
  accounts: z.record(z.string(), z.string()),
});

export async function transferRoutes(app: App, ctx: CoreContext): Promise<void> {
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
        const r = await importZip(ctx.db, ctx.files, file, { userId: (req.user as any)?.id ?? null });
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
}
