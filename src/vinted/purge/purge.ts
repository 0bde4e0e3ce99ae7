// The Studio's purge (a scheduled vinted.purge job). What goes, and when:
// - drafts: a batch with drafted listings (a plan) of which nothing was ever queued or published
//   (no publication, or only cancelled ones), untouched (catalog edited / plan drafted) for
//   `draftsDays` → the batch (catalog, plan) and its photos;
// - abandoned batches: a batch that never got as far as a plan, or whose analysis failed or was
//   cancelled, untouched for `abandonedDays` → the batch and its photos; and a photo folder
//   vinted/<job>/ whose batch no longer exists, last written `abandonedDays` ago;
// - temporary photos: upload staging (vinted/uploads/…) and analysis checkpoints
//   (vinted/<job>/result.json) older than `tempDays`;
// - job logs: the log lines of the Studio's finished jobs older than `logsDays` (the jobs stay);
// - notifications: in-app notifications read more than `notificationsDays` ago (unread ones stay);
// - deliveries: webhook and e-mail deliveries finished (delivered or dead) more than `deliveriesDays`
//   ago, with their attempt log (cascade); an attempt older than that on a delivery still pending
//   goes too, the delivery stays;
// - events: outbox events older than `eventsDays` once every channel's cursor is past them and no
//   delivery names them (a pending send reads its event; a replay too). Never an undelivered event:
//   a channel that has never run has no cursor, and then nothing goes. Kept that long because their
//   dedupe key is what stops a fact seen again from being notified twice.
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

export interface PurgeSettings {
  enabled: boolean; draftsDays: number; abandonedDays: number; tempDays: number; logsDays: number;
  notificationsDays: number; deliveriesDays: number; eventsDays: number;
}
export interface PurgeCounts {
  drafts: number; abandoned: number; orphan_folders: number; temp_blobs: number; photo_blobs: number; log_lines: number; bytes: number;
  notifications: number; deliveries: number; delivery_attempts: number; events: number;
}
/** the channels that read the outbox (notify/deliver.ts): an event goes only once all are past it */
export const OUTBOX_CHANNELS = ['notify', 'email', 'webhook'];
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
export async function purge(ctx: CoreContext, o: { dryRun: boolean; now?: number; log?: (m: string, data?: Record<string, unknown>) => Promise<void> }): Promise<PurgeReport> {
  const s = await purgeSettings(ctx);
  const { defaults: _d, ...settings } = s;
  const now = o.now ?? Date.now();
  const counts: PurgeCounts = { drafts: 0, abandoned: 0, orphan_folders: 0, temp_blobs: 0, photo_blobs: 0, log_lines: 0, bytes: 0, notifications: 0, deliveries: 0, delivery_attempts: 0, events: 0 };
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
    if (failed) await o.log?.(`${failed} files could not be deleted (they will be tried again next time)`, { code: 'purge.undeleted', count: failed });
    await ctx.db.withSchema('core').deleteFrom('job_events').where('job_id', 'in', logJobs).execute();
  }
  Object.assign(counts, await purgeOutbox(ctx.db, settings, now, o.dryRun));
  return { dry_run: o.dryRun, at: new Date(now).toISOString(), settings, counts, batches };
}

const n = (r: { n?: unknown } | undefined) => Number(r?.n ?? 0);

/** Read notifications, finished deliveries and their attempts, outbox events every channel is past. */
async function purgeOutbox(db: Db, s: PurgeSettings, now: number, dryRun: boolean): Promise<Pick<PurgeCounts, 'notifications' | 'deliveries' | 'delivery_attempts' | 'events'>> {
  const notifCut = new Date(now - s.notificationsDays * DAY);
  const delivCut = new Date(now - s.deliveriesDays * DAY);
  const eventCut = new Date(now - s.eventsDays * DAY);
  const notifications = V(db).selectFrom('notifications').where('read_at', 'is not', null).where('read_at', '<', notifCut);
  // finished = delivered or given up; judged by when it was made (a dead one has no delivered_at)
  const deliveries = V(db).selectFrom('deliveries').where('state', 'in', ['delivered', 'dead']).where('created_at', '<', delivCut);
  // attempts: those of the finished deliveries above (cascade), and old ones of a delivery still retrying
  const attempts = V(db).selectFrom('delivery_attempts').where((eb) => eb.or([
    eb('delivery_id', 'in', deliveries.select('id')),
    eb('at', '<', delivCut),
  ]));
  const cursors = await V(db).selectFrom('delivery_cursors').select(['channel', 'last_id']).execute();
  const last = new Map(cursors.map((c) => [c.channel as string, BigInt(c.last_id as string | number)]));
  // the lowest cursor over every channel; a channel without a cursor has delivered nothing yet
  const floor = OUTBOX_CHANNELS.reduce((m, c) => { const v = last.get(c) ?? 0n; return v < m ? v : m; }, last.get(OUTBOX_CHANNELS[0]) ?? 0n);
  const events = V(db).selectFrom('events as e').where('e.id', '<=', String(floor)).where('e.created_at', '<', eventCut)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('vinted.deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id'))));
  const count = async (q: any) => n(await q.select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst());
  const out = { notifications: await count(notifications), deliveries: await count(deliveries), delivery_attempts: await count(attempts), events: 0 };
  if (dryRun) {
    // the events a real run would free: those named only by deliveries it deletes count too
    const freed = V(db).selectFrom('events as e').where('e.id', '<=', String(floor)).where('e.created_at', '<', eventCut)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('vinted.deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id')
        .where((eb) => eb.or([eb('d.state', 'not in', ['delivered', 'dead']), eb('d.created_at', '>=', delivCut)])))));
    out.events = await count(freed);
    return out;
  }
  await V(db).deleteFrom('notifications').where('read_at', 'is not', null).where('read_at', '<', notifCut).execute();
  await V(db).deleteFrom('delivery_attempts').where('at', '<', delivCut).execute();
  await V(db).deleteFrom('deliveries').where('state', 'in', ['delivered', 'dead']).where('created_at', '<', delivCut).execute();
  // after the deliveries, so that events only they named go in the same run
  out.events = n(await events.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst());
  await V(db).deleteFrom('events').where('id', 'in', events.select('e.id')).execute();
  return out;
}

export async function purgeHandler(job: JobContext<{ dry_run?: boolean }>, ctx: CoreContext): Promise<PurgeReport> {
  const s = await purgeSettings(ctx);
  // never a real purge before someone has seen a count and switched it on
  const dryRun = job.payload.dry_run === true || !s.enabled;
  const r = await purge(ctx, { dryRun, log: (m, data) => job.log('warn', m, data) });
  const c = r.counts;
  await job.progress(100, {
    drafts: c.drafts, abandoned: c.abandoned, orphan_folders: c.orphan_folders, temp_blobs: c.temp_blobs, photo_blobs: c.photo_blobs, log_lines: c.log_lines,
    notifications: c.notifications, deliveries: c.deliveries, events: c.events,
  });
  await job.log('info', `${dryRun ? 'dry run (nothing deleted)' : 'purged'}: ${c.drafts} drafts, ${c.abandoned} abandoned batches, ${c.orphan_folders} orphan photo folders, ${c.temp_blobs} temporary files, ${c.log_lines} job log lines (${Math.round(c.bytes / 1024 / 1024)} MB), ${c.notifications} read notifications, ${c.deliveries} deliveries (${c.delivery_attempts} attempts), ${c.events} outbox events`, { ...c, code: dryRun ? 'purge.dry_run' : 'purge.done', mb: Math.round(c.bytes / 1024 / 1024) });
  await putSetting(ctx.db, 'purge.last', r);
  return r;
}
