// The Studio's purge (a scheduled vinted.purge job). What goes, and when:
// - drafts: a batch with drafted listings (a plan) of which nothing was ever queued or published
//   (no publication, or only cancelled ones), untouched (catalog edited / plan drafted) for
//   `draftsDays` → the batch (catalog, plan) and its photos;
// - abandoned batches: a batch that never got as far as a plan, or whose analysis failed or was
//   cancelled, untouched for `abandonedDays` → the batch and its photos; and a photo folder
//   vinted/<job>/ whose batch no longer exists, last written `abandonedDays` ago;
// - temporary photos: upload staging (vinted/uploads/…) and analysis checkpoints
//   (vinted/<job>/result.json) older than `tempDays`;
// - job logs: the log lines of the Studio's finished jobs older than `logsDays` (the jobs stay).
// A batch that has a publication in any state but "cancelled" is never purged: its photos are what
// a relist re-uploads.
//
// Purging is off until someone has looked at a dry-run count and switched it on (`enabled`); until
// then the scheduled job only counts. The settings live in vinted.settings ("purge") over the env.
import { sql, type Kysely } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import { getSetting, putSetting } from '../catalog/store.ts';
import { settingsOf } from '../catalog/runtime.ts';

type Db = Kysely<any>;
const V = (db: Db) => db.withSchema('vinted');
const DAY = 86_400_000;

export interface PurgeSettings { enabled: boolean; draftsDays: number; abandonedDays: number; tempDays: number; logsDays: number }
export interface PurgeCounts { drafts: number; abandoned: number; orphan_folders: number; temp_blobs: number; photo_blobs: number; log_lines: number; bytes: number }
export interface PurgeReport { dry_run: boolean; at: string; settings: PurgeSettings; counts: PurgeCounts; batches: { job_id: string; reason: 'draft' | 'abandoned' }[] }

export async function purgeSettings(ctx: CoreContext): Promise<PurgeSettings & { defaults: PurgeSettings }> {
  const { cron: _c, ...d } = settingsOf(ctx).purge;
  const stored = (await getSetting<Partial<PurgeSettings>>(ctx.db, 'purge')) ?? {};
  return { ...d, ...stored, defaults: d };
}

export async function savePurgeSettings(ctx: CoreContext, patch: Partial<PurgeSettings>, by?: string | null): Promise<void> {
  const cur = (await getSetting<Partial<PurgeSettings>>(ctx.db, 'purge')) ?? {};
  await putSetting(ctx.db, 'purge', { ...cur, ...patch }, by);
}

async function candidates(db: Db, s: PurgeSettings, now: number): Promise<{ job_id: string; reason: 'draft' | 'abandoned' }[]> {
  // untouched = the latest of: catalog created/edited, plan drafted
  const rows = await V(db).selectFrom('catalogs as c')
    .leftJoin('plans as p', 'p.job_id', 'c.job_id')
    .select(['c.job_id', 'c.status', sql<Date>`greatest(c.updated_at, coalesce(p.created_at, c.updated_at))`.as('touched'), sql<boolean>`p.job_id is not null`.as('planned')])
    .where(({ not, exists, selectFrom }) => not(exists(
      selectFrom('vinted.publications as u').select('u.id').whereRef('u.job_id', '=', 'c.job_id').where('u.state', '!=', 'cancelled'),
    )))
    .execute();
  const out: { job_id: string; reason: 'draft' | 'abandoned' }[] = [];
  for (const r of rows) {
    const age = now - new Date(r.touched as Date).getTime();
    const abandoned = !r.planned || r.status === 'failed';
    if (abandoned ? age >= s.abandonedDays * DAY : age >= s.draftsDays * DAY) out.push({ job_id: r.job_id, reason: abandoned ? 'abandoned' : 'draft' });
  }
  // a batch still being analysed is never touched, however old its catalog row
  if (!out.length) return out;
  const running = await db.withSchema('core').selectFrom('jobs').select('id').where('id', 'in', out.map((o) => o.job_id)).where('status', 'in', ['queued', 'running', 'retrying']).execute();
  const busy = new Set(running.map((r) => r.id as string));
  return out.filter((o) => !busy.has(o.job_id));
}

/** Counts (dry run) or deletes; one bad blob never stops the rest. */
export async function purge(ctx: CoreContext, o: { dryRun: boolean; now?: number; log?: (m: string) => Promise<void> }): Promise<PurgeReport> {
  const s = await purgeSettings(ctx);
  const { defaults: _d, ...settings } = s;
  const now = o.now ?? Date.now();
  const counts: PurgeCounts = { drafts: 0, abandoned: 0, orphan_folders: 0, temp_blobs: 0, photo_blobs: 0, log_lines: 0, bytes: 0 };
  const batches = await candidates(ctx.db, settings, now);
  const gone = new Set(batches.map((b) => b.job_id));
  // the photos of purged batches, by the keys their rows name (wherever they were written) …
  const batchKeys = new Set<string>();
  if (batches.length) {
    const rows = await V(ctx.db).selectFrom('photos').select('blobs').where('job_id', 'in', [...gone]).execute();
    for (const r of rows) for (const k of Object.values((typeof r.blobs === 'string' ? JSON.parse(r.blobs) : r.blobs) as Record<string, string>)) batchKeys.add(k);
  }

  // every blob of the Studio once: photo folders, staging, checkpoints
  const blobs = await ctx.files.list('vinted/');
  const known = new Set((await V(ctx.db).selectFrom('catalogs').select('job_id').execute()).map((r) => r.job_id as string));
  const doomed: string[] = [];
  const orphanFolders = new Set<string>();
  const newest = new Map<string, number>();
  for (const b of blobs) {
    const [, folder] = b.key.split('/');
    if (folder !== 'uploads') newest.set(folder, Math.max(newest.get(folder) ?? 0, b.modified.getTime()));
  }
  for (const b of blobs) {
    const parts = b.key.split('/');
    const folder = parts[1];
    const old = (days: number) => now - b.modified.getTime() >= days * DAY;
    if (folder === 'uploads') {
      if (old(settings.tempDays)) { doomed.push(b.key); counts.temp_blobs++; counts.bytes += b.size; }
    } else if (gone.has(folder) || batchKeys.has(b.key)) {
      // … and everything else in their folder vinted/<job>/ (listing copies, checkpoints)
      doomed.push(b.key); counts.photo_blobs++; counts.bytes += b.size;
    } else if (!known.has(folder)) {
      // a folder without a batch: judged by its newest file, so a batch being written is never cut
      if (now - (newest.get(folder) ?? now) >= settings.abandonedDays * DAY) { doomed.push(b.key); orphanFolders.add(folder); counts.bytes += b.size; }
    } else if (parts[parts.length - 1] === 'result.json' && parts.length === 3 && old(settings.tempDays)) {
      doomed.push(b.key); counts.temp_blobs++; counts.bytes += b.size;
    }
  }
  counts.orphan_folders = orphanFolders.size;
  counts.drafts = batches.filter((b) => b.reason === 'draft').length;
  counts.abandoned = batches.filter((b) => b.reason === 'abandoned').length;

  const logCutoff = new Date(now - settings.logsDays * DAY);
  const logJobs = ctx.db.withSchema('core').selectFrom('jobs').select('id').where('module', '=', 'vinted').where('finished_at', '<', logCutoff);
  counts.log_lines = Number((await ctx.db.withSchema('core').selectFrom('job_events').select((eb) => eb.fn.countAll().as('n')).where('job_id', 'in', logJobs).executeTakeFirstOrThrow()).n);

  if (!o.dryRun) {
    if (batches.length) {
      // rows first (one statement, cascades to photos/articles/plan): a failure leaves the photos, never rows without photos
      await V(ctx.db).deleteFrom('catalogs').where('job_id', 'in', batches.map((b) => b.job_id)).execute();
    }
    let failed = 0;
    for (const k of doomed) await ctx.files.delete(k).catch(() => { failed++; });
    if (failed) await o.log?.(`${failed} files could not be deleted (they will be tried again next time)`);
    await ctx.db.withSchema('core').deleteFrom('job_events').where('job_id', 'in', logJobs).execute();
  }
  return { dry_run: o.dryRun, at: new Date(now).toISOString(), settings, counts, batches };
}

export async function purgeHandler(job: JobContext<{ dry_run?: boolean }>, ctx: CoreContext): Promise<PurgeReport> {
  const s = await purgeSettings(ctx);
  // never a real purge before someone has seen a count and switched it on
  const dryRun = job.payload.dry_run === true || !s.enabled;
  const r = await purge(ctx, { dryRun, log: (m) => job.log('warn', m) });
  const c = r.counts;
  await job.progress(100, { drafts: c.drafts, abandoned: c.abandoned, orphan_folders: c.orphan_folders, temp_blobs: c.temp_blobs, photo_blobs: c.photo_blobs, log_lines: c.log_lines });
  await job.log('info', `${dryRun ? 'dry run (nothing deleted)' : 'purged'}: ${c.drafts} drafts, ${c.abandoned} abandoned batches, ${c.orphan_folders} orphan photo folders, ${c.temp_blobs} temporary files, ${c.log_lines} job log lines (${Math.round(c.bytes / 1024 / 1024)} MB)`, { ...c });
  await putSetting(ctx.db, 'purge.last', r);
  return r;
}
