// The `releases.pack` job: resolves the source (an upload in the blob store, or a server-side file
// under RELEASES_INBOX, or the CLI's local file), runs the pipeline, stores every release file as a
// job artefact ("<release name>/<file>") and the metadata/validation in releases.packs.
// `releases.cleanup` deletes old artefacts and uploads (RELEASES_RETENTION_DAYS).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import { makeTempDir } from '../../core/tmp.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import type { ReleaseMetadata } from '../metadata/types.ts';
import { extractMetadata } from '../metadata/index.ts';
import type { ReleaseType } from '../nfo/index.ts';
import { resolveTemplate } from '../nfo/store.ts';
import { loadRuleSet, type RuleSet } from '../rules/index.ts';
import { packRelease, PackError, type PackResult } from './pipeline.ts';
import { settingsOf } from './runtime.ts';
import { moduleCounter } from '../../core/metrics.ts';
import type { ReleasesSettings } from '../settings.ts';
import { purgeEnrichCache } from '../enrich/index.ts';

const releasesPacked = moduleCounter('releases', 'releases_packed', 'releases packed, by validity and dry run', ['valid', 'dry_run']);

export interface PackPayload {
  source: { upload?: string; path?: string; name?: string };
  type: ReleaseType;
  group: string;
  ruleSet?: string;
  name?: string;
  metadata?: Partial<ReleaseMetadata>;
  naming?: { edition?: 'RETAiL' | 'SCAN' | 'HYBRiD'; source?: string; tags?: string[]; language?: string };
  nfoTemplate?: string;
  dizTemplate?: string;
  volumeMb?: number;
  sourceUrl?: string;
  notes?: string;
  /** destinations (names or ids) the valid release is delivered to once packed, one deliver job each */
  destinations?: string[];
  dryRun?: boolean;
  force?: boolean;
  /** TV: a 60 s Sample/ cut with ffmpeg */
  sample?: boolean;
  /** TV, CLI only (local files): images for Proof/ */
  proof?: string[];
  /** CLI only: write the release into this folder (and keep it); source.path is then trusted */
  outDir?: string;
  /** default true; the CLI with --out skips the blob store copy */
  storeArtifacts?: boolean;
  /** set by the CLI: source.path may be anywhere the user can read */
  local?: boolean;
}

export async function ruleSetFor(type: ReleaseType, id?: string): Promise<RuleSet> {
  if (!id) return loadRuleSet(type);
  const m = /^(ebook|docs|tv)-(\d{4})$/i.exec(id);
  if (!m) throw new PackError('rule_set', `rule set id "${id}" is not <type>-<year> (e.g. tv-2024)`);
  if (m[1].toUpperCase() !== type) throw new PackError('rule_set', `rule set ${id} is for ${m[1].toUpperCase()}, not ${type}`);
  return loadRuleSet(type, Number(m[2]));
}

export function defaultVolumeSize(type: ReleaseType, s: ReleasesSettings, resolution?: string): number {
  if (type !== 'TV') return s.zipVolumeBytes;
  return resolution === '480p' || resolution === '576p' ? s.rarVolumeBytesSd : s.rarVolumeBytes;
}

/** true when `file` (symlinks resolved, so a link in the inbox cannot point outside it) is under an inbox folder */
export function insideInbox(file: string, inbox: string[]): boolean {
  const real = (p: string) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
  const f = real(file);
  return inbox.map(real).some((dir) => f === dir || f.startsWith(dir + path.sep));
}

async function resolveSource(ctx: CoreContext, p: PackPayload, s: ReleasesSettings, tmp: string): Promise<{ file: string; name: string }> {
  if (p.source.upload) {
    const row = await ctx.db.withSchema('releases').selectFrom('uploads').selectAll().where(sql<boolean>`id::text = ${p.source.upload}`).executeTakeFirst();
    if (!row) throw new PackError('upload_missing', `upload ${p.source.upload} not found (expired after ${s.retentionDays} days?)`);
    const local = ctx.files.localPath?.(row.blob_key);
    if (local && fs.existsSync(local)) return { file: local, name: row.file_name };
    const copy = path.join(tmp, path.basename(row.file_name));
    await pipeline(await ctx.files.stream(row.blob_key), fs.createWriteStream(copy));
    return { file: copy, name: row.file_name };
  }
  if (p.source.path) {
    const file = path.resolve(p.source.path);
    if (!p.local && !insideInbox(file, s.inbox)) throw new PackError('forbidden_path', `${p.source.path} is outside the server's inbox (${s.inbox.join(', ')}; RELEASES_INBOX)`);
    const st = await fsp.stat(file).catch(() => null);
    if (!st?.isFile()) throw new PackError('not_found', `${p.source.path}: no such file`);
    return { file, name: p.source.name ?? path.basename(file) };
  }
  throw new PackError('no_source', 'the pack has no source (upload id or path)');
}

const CONTENT_TYPES: Record<string, string> = { '.nfo': 'text/plain; charset=IBM437', '.sfv': 'text/plain', '.zip': 'application/zip', '.rar': 'application/vnd.rar' };

export type StoredPackResult = Omit<PackResult, 'release'> & { release: PackResult['release'] & { artifacts: boolean } };

export async function packHandler(job: JobContext<PackPayload>, ctx: CoreContext): Promise<StoredPackResult> {
  const p = job.payload;
  const done = await job.checkpoint.get<{ result: StoredPackResult }>();
  if (done?.result) return done.result;
  const s = settingsOf(ctx);
  const tmp = await makeTempDir('pack');
  const started = Date.now();
  try {
    await job.log('info', `pack ${p.type} for ${p.group}${p.dryRun ? ' (dry run)' : ''}`, { code: p.dryRun ? 'pack.start_dry' : 'pack.start', type: p.type, group: p.group });
    await ctx.db.withSchema('releases').insertInto('packs')
      .values({ job_id: job.id, type: p.type, grp: p.group, rule_set: p.ruleSet ?? null, source_name: p.source.name ?? p.source.path ?? null })
      .onConflict((oc) => oc.column('job_id').doUpdateSet({ updated_at: new Date() })).execute();
    const src = await resolveSource(ctx, p, s, tmp);
    const ruleSet = await ruleSetFor(p.type, p.ruleSet);
    const nfoT = await resolveTemplate(ctx.db, p.type, 'nfo', p.nfoTemplate);
    const dizT = p.type === 'TV' ? undefined : await resolveTemplate(ctx.db, p.type, 'diz', p.dizTemplate);
    if (!nfoT) throw new PackError('template', `no NFO template for ${p.type}`);
    let volumeSize = p.volumeMb ? Math.round(p.volumeMb * 1_000_000) : 0;
    const outDir = p.outDir ? path.resolve(p.outDir) : path.join(tmp, 'out');
    await fsp.mkdir(outDir, { recursive: true });
    const extracted = await extractMetadata(src.file, src.name);
    if (!volumeSize) volumeSize = defaultVolumeSize(p.type, s, extracted.video?.resolution);
    let lastPct = -1;
    const r = await packRelease({
      sourcePath: src.file, sourceName: src.name, type: p.type, group: p.group, ruleSet, outDir, name: p.name,
      metadata: p.metadata, extracted, naming: { source: p.type === 'TV' ? s.tvSource : undefined, ...p.naming },
      templates: { nfo: nfoT.body, diz: dizT?.body }, encoding: s.nfoEncoding, volumeSize,
      sourceUrl: p.sourceUrl, notes: p.notes, dryRun: p.dryRun, force: p.force || !p.outDir,
      sample: p.sample, proof: p.local ? p.proof : undefined,
    }, {
      signal: job.signal,
      log: (level, message, data) => job.log(level, message, data),
      progress: async (bytes, total, stage) => {
        const pct = total ? Math.floor((bytes / total) * 95) : 0;
        if (pct === lastPct && stage === 'archive') return;
        lastPct = pct;
        await job.progress(pct, { bytes, total }, stage === 'validate' ? 'validating' : undefined, { code: 'pack.validating' });
      },
    });
    // a name the rules refuse stops the pipeline before anything is written: record why, and fail
    // (only the CLI writing into --out reports it as a result, ok: false, with exit code 1)
    const refused = !r.ok && !p.dryRun && !fs.existsSync(r.release.dir);
    if (refused && !p.outDir) {
      const failed = r.validation.checks.filter((c) => !c.ok).map((c) => `${c.rule}: ${c.detail}`).join('; ');
      await ctx.db.withSchema('releases').updateTable('packs').set({
        name: r.release.name, rule_set: r.validation.ruleSet, metadata: JSON.stringify(r.metadata), validation: JSON.stringify(r.validation), ok: false, updated_at: new Date(),
      }).where('job_id', '=', job.id).execute();
      throw new PackError('name_refused', `${r.release.name}: name refused by ${r.validation.ruleSet} (${failed}); nothing was written`);
    }
    const store = !p.dryRun && !refused && (p.storeArtifacts ?? true);
    if (store) {
      for (const f of r.release.files) {
        job.throwIfCancelled();
        await job.artifact(`${r.release.name}/${f.name}`, fs.createReadStream(path.join(r.release.dir, f.name)), CONTENT_TYPES[path.extname(f.name)] ?? 'application/octet-stream');
      }
    }
    const result: StoredPackResult = { ...r, release: { ...r.release, dir: p.outDir ? r.release.dir : '', artifacts: store } };
    await ctx.db.withSchema('releases').updateTable('packs').set({
      name: r.release.name, rule_set: r.validation.ruleSet, metadata: JSON.stringify(r.metadata), files: JSON.stringify(r.release.files),
      validation: JSON.stringify(r.validation), ok: r.ok, updated_at: new Date(),
    }).where('job_id', '=', job.id).execute();
    await job.checkpoint.set({ result });
    // delivery is its own job: a delivery failure never fails the packaging
    if (store && r.ok && p.destinations?.length) {
      for (const destination of p.destinations) await ctx.jobs.enqueue('releases.deliver', { destination, packJob: job.id }, { title: `${r.release.name} → ${destination}` });
      await job.log('info', `delivery queued to ${p.destinations.join(', ')}`, { code: 'pack.delivery_queued', dests: p.destinations.join(', ') });
    }
    await job.progress(100, { bytes: r.metadata.size, total: r.metadata.size, seconds: Math.round((Date.now() - started) / 1000) });
    releasesPacked.inc({ valid: String(r.ok), dry_run: String(!!p.dryRun) });
    await job.log(r.ok ? 'info' : 'error', p.dryRun
      ? `${r.release.name}: dry run, ${r.release.files.length} file(s) planned, name ${r.ok ? 'accepted' : 'REFUSED'}`
      : `${r.release.name}: ${r.ok ? 'valid' : 'INVALID'} — ${r.release.files.length} file(s)${store ? ' stored as artefacts' : ''}`,
    { code: `pack.${p.dryRun ? 'planned' : 'done'}_${r.ok ? 'ok' : 'refused'}`, release: r.release.name, count: r.release.files.length });
    return result;
  } catch (e) {
    if (e instanceof PackError || (e as Error).name === 'MetadataError') {
      // a bad source or a refused option will fail the same way on every retry
      await ctx.db.withSchema('releases').updateTable('packs').set({ ok: false, validation: JSON.stringify({ ok: false, error: (e as Error).message }), updated_at: new Date() }).where('job_id', '=', job.id).execute().catch(() => {});
    }
    throw e;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

/** Deletes pack artefacts and uploads older than RELEASES_RETENTION_DAYS (the records stay, marked purged). */
export async function cleanupHandler(job: JobContext<{ days?: number }>, ctx: CoreContext): Promise<{ packs: number; uploads: number; orphans: number; days: number }> {
  const s = settingsOf(ctx);
  const days = job.payload?.days ?? s.retentionDays;
  const cutoff = new Date(Date.now() - days * 86400_000);
  const old = await ctx.db.withSchema('releases').selectFrom('packs').select('job_id').where('created_at', '<', cutoff).where('purged_at', 'is', null).execute();
  for (const { job_id } of old) {
    await ctx.files.deletePrefix(`jobs/${job_id}/`);
    await ctx.db.withSchema('core').deleteFrom('artifacts').where('job_id', '=', job_id).execute();
    await ctx.db.withSchema('releases').updateTable('packs').set({ purged_at: new Date() }).where('job_id', '=', job_id).execute();
  }
  const uploads = await ctx.db.withSchema('releases').selectFrom('uploads').select(['id', 'blob_key']).where('created_at', '<', cutoff).execute();
  for (const u of uploads) {
    await ctx.files.delete(u.blob_key);
    await ctx.db.withSchema('releases').deleteFrom('uploads').where('id', '=', u.id).execute();
  }
  // records of jobs the platform's own purge (ATELIER_JOB_RETENTION_DAYS) already removed
  const orphans = await ctx.db.withSchema('releases').deleteFrom('packs')
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM core.jobs j WHERE j.id = packs.job_id)`).executeTakeFirst();
  const cached = await purgeEnrichCache(ctx.db);
  await job.log('info', `retention ${days} d: ${cached} expired metadata answer(s) dropped from the cache`, { code: 'retention.cache', days, count: cached });
  await job.log('info', `retention ${days} d: purged ${old.length} pack(s) and ${uploads.length} upload(s) older than ${cutoff.toISOString()}; ${Number(orphans.numDeletedRows)} orphan record(s) removed`, { code: 'retention.purged', days, packs: old.length, uploads: uploads.length, orphans: Number(orphans.numDeletedRows) });
  return { packs: old.length, uploads: uploads.length, orphans: Number(orphans.numDeletedRows), days };
}
