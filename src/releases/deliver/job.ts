// Delivery as a job (`releases.deliver`, from a pack or the list of releases) and as a direct run
// (the CLI's `send`, whose own process is the worker). Both go through runDelivery, which keeps one
// releases.deliveries row per (release, destination) up to date.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import { deliverRelease, listLocal, type DeliverResult, type DeliveryProgress, type LocalFile } from './deliver.ts';
import { getDestination, openDestination, remoteDirOf, type Destination } from './destinations.ts';
import { throttle } from './throttle.ts';
import { DeliveryError } from './transport.ts';

export interface DeliverPayload {
  destination: string;
  /** a pack job whose stored artefacts are sent */
  packJob?: string;
  /** a release directory on this machine (CLI) */
  releaseDir?: string;
  type?: string;
  group?: string;
}

export interface DeliveryOutcome extends DeliverResult {
  delivery: string;
  destination: { id: string; name: string; kind: string };
  release: string;
  remoteDir: string;
}

export interface DeliveryHooks {
  signal?: AbortSignal;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void | Promise<void>;
  progress?: (p: DeliveryProgress) => void | Promise<void>;
  /** retry policy (tests shorten the backoff) */
  retries?: number;
  backoffMs?: number;
}

export async function runDelivery(ctx: CoreContext, d: Destination, release: { name: string; type?: string; group?: string; files: LocalFile[]; packJob?: string; jobId?: string }, hooks: DeliveryHooks = {}): Promise<DeliveryOutcome> {
  const remoteDir = remoteDirOf(d, release);
  const db = ctx.db.withSchema('releases');
  const total = release.files.reduce((n, f) => n + f.size, 0);
  const row = await db.insertInto('deliveries').values({
    job_id: release.jobId ?? null, pack_job_id: release.packJob ?? null, destination_id: d.id, destination_name: d.name,
    release_name: release.name, remote_dir: remoteDir, status: 'running', bytes: total,
  }).returning('id').executeTakeFirstOrThrow();
  await hooks.log?.('info', `delivery of ${release.name} (${release.files.length} file(s), ${total} bytes) to ${d.name}: ${d.kind}://${d.host}:${d.port}${remoteDir}`, { code: 'deliver.start', release: release.name, count: release.files.length, size: total, dest: d.name, url: `${d.kind}://${d.host}:${d.port}${remoteDir}` });
  let result: DeliverResult;
  try {
    result = await deliverRelease(release.files, {
      kind: d.kind, remoteDir, parallel: d.parallel, throttle: throttle(d.limit_kbps ? d.limit_kbps * 1024 : undefined),
      connect: () => openDestination(ctx.vault, d), signal: hooks.signal, retries: hooks.retries, backoffMs: hooks.backoffMs,
      log: hooks.log, onProgress: (p) => void hooks.progress?.(p),
    });
  } catch (e) {
    await db.updateTable('deliveries').set({ status: 'failed', error: (e as Error).message, updated_at: new Date() }).where('id', '=', row.id).execute();
    throw e;
  }
  const failed = result.files.filter((f) => !f.verified);
  await db.updateTable('deliveries').set({
    status: result.ok ? 'verified' : 'failed', files: JSON.stringify(result.files), sent: result.sent,
    error: failed.length ? failed.map((f) => `${f.name}: ${f.error?.message ?? 'not verified'}`).join('; ').slice(0, 4000) : null, updated_at: new Date(),
  }).where('id', '=', row.id).execute();
  const skipped = result.files.filter((f) => f.skipped).length;
  await hooks.log?.(result.ok ? 'info' : 'error', result.ok
    ? `${release.name}: ${result.files.length} file(s) verified on ${d.name}${skipped ? ` (${skipped} already there)` : ''}, ${result.sent} bytes sent in ${result.seconds.toFixed(1)} s`
    : `${release.name}: ${failed.length} of ${result.files.length} file(s) NOT delivered to ${d.name}`,
  result.ok ? { code: 'deliver.done', release: release.name, count: result.files.length, dest: d.name, skipped, size: result.sent, seconds: Number(result.seconds.toFixed(1)) }
    : { code: 'deliver.not_done', release: release.name, failed: failed.length, count: result.files.length, dest: d.name });
  return { ...result, delivery: row.id, destination: { id: d.id, name: d.name, kind: d.kind }, release: release.name, remoteDir };
}

/** the release files of a pack job, as local files (the local blob store's own paths, else copies in tmp) */
async function packFiles(ctx: CoreContext, packJob: string, tmp: string): Promise<{ name: string; type?: string; group?: string; files: LocalFile[] }> {
  const pack = await ctx.db.withSchema('releases').selectFrom('packs').selectAll().where(sql<boolean>`job_id::text = ${packJob}`).executeTakeFirst();
  if (!pack?.name) throw new DeliveryError('not_found', `pack ${packJob} not found or not finished`);
  if (pack.purged_at) throw new DeliveryError('purged', `the files of pack ${packJob} were deleted by the retention cleanup`);
  if (pack.ok === false) throw new DeliveryError('invalid', `${pack.name} failed validation: an invalid release is never delivered`);
  const files: LocalFile[] = [];
  for (const a of await ctx.jobs.artifacts(packJob)) {
    if (!a.name.startsWith(`${pack.name}/`)) continue;
    const rel = a.name.slice(pack.name.length + 1);
    let p = ctx.files.localPath?.(a.blob_key);
    if (!p || !fs.existsSync(p)) {
      p = path.join(tmp, rel);
      await fsp.mkdir(path.dirname(p), { recursive: true });
      await pipeline(await ctx.files.stream(a.blob_key), fs.createWriteStream(p));
    }
    files.push({ name: rel, size: (await fsp.stat(p)).size, path: p });
  }
  if (!files.length) throw new DeliveryError('no_files', `pack ${packJob} has no stored release files (packed with --out, or purged)`);
  const ordered = await listLocalOrder(files);
  return { name: pack.name, type: pack.type, group: pack.grp, files: ordered };
}

/** same order as listLocal: NFO/SFV, first volume, other volumes, sub-folders */
function listLocalOrder(files: LocalFile[]): LocalFile[] {
  const rank = (n: string) => (n.includes('/') ? 3 : /\.(nfo|sfv)$/i.test(n) ? 0 : /\.rar$/i.test(n) ? 1 : 2);
  return files.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

export async function deliverHandler(job: JobContext<DeliverPayload>, ctx: CoreContext): Promise<DeliveryOutcome> {
  const p = job.payload;
  const d = await getDestination(ctx.db, p.destination);
  if (!d) throw new DeliveryError('not_found', `destination ${p.destination} not found`);
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'atelier-deliver-'));
  try {
    const release = p.packJob
      ? await packFiles(ctx, p.packJob, tmp)
      : p.releaseDir
        ? { name: path.basename(path.resolve(p.releaseDir)), type: p.type, group: p.group, files: await listLocal(p.releaseDir) }
        : undefined;
    if (!release) throw new DeliveryError('no_source', 'a delivery needs a pack job or a release directory');
    let last = -1;
    const r = await runDelivery(ctx, d, { ...release, packJob: p.packJob, jobId: job.id }, {
      signal: job.signal,
      log: (level, message, data) => job.log(level, message, data),
      progress: async (pr) => {
        const pct = pr.total ? Math.floor((pr.bytes / pr.total) * 100) : 100;
        if (pct === last) return;
        last = pct;
        await job.progress(pct, { sent: pr.bytes, total: pr.total, rate: Math.round(pr.rate), ...(pr.etaSeconds != null ? { eta: Math.round(pr.etaSeconds) } : {}) }, pr.file);
      },
    });
    // a delivery that did not verify every file is a failed job (the deliveries row keeps the details)
    if (!r.ok) throw new DeliveryError('incomplete', r.files.filter((f) => !f.verified).map((f) => `${f.name}: ${f.error?.message ?? 'not verified'}`).join('; ').slice(0, 2000));
    return r;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}
