// Jobs: pg-boss moves the work (queues, retries, heartbeats, cron); core.jobs is the record users see
// (status, progress, counters, log, artefacts, checkpoint). A job whose process dies stops sending
// heartbeats; pg-boss's monitor then retries it, and the handler resumes from its checkpoint.
import os from 'node:os';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import type { PgBoss } from 'pg-boss';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db.ts';
import type { BlobStore } from '../files.ts';
import type { Logger } from '../log.ts';
import type { CoreContext } from '../module.ts';
import { scrub } from '../log.ts';
import { pidAlive } from '../lock.ts';
import { jobMetrics } from '../metrics.ts';
import {
  JobCancelledError, JobFailedError, ShutdownError, type ArtifactRecord, type JobContext, type JobEvent, type JobHandler, type JobRecord, type JobStatus,
} from './types.ts';

export type { JobHandler, JobContext, JobRecord, JobEvent, ArtifactRecord, JobStatus } from './types.ts';
export { JobCancelledError, JobFailedError } from './types.ts';

/**
 * The job whose code is running, for errors that escape every await (an 'error' event nobody
 * listens to, a throw in a timer): such an error fails that job instead of taking the process down.
 */
const jobScope = new AsyncLocalStorage<{ jobId: string; crash(e: Error): void }>();
let crashGuard: Logger | null = null;

function installCrashGuard(log: Logger): void {
  if (crashGuard) return;
  crashGuard = log;
  const onError = (e: unknown, kind: string) => {
    const err = e instanceof Error ? e : new Error(String(e));
    const scope = jobScope.getStore();
    if (scope) {
      crashGuard!.error({ err, jobId: scope.jobId }, `${kind} in a job: the job fails, the process goes on`);
      scope.crash(err);
      return;
    }
    crashGuard!.fatal({ err }, `${kind} outside any job`);
    // an exception outside any job leaves the process in an unknown state: exit, the supervisor restarts
    // it and pg-boss hands its jobs to a worker again; a stray rejection is only logged
    if (kind === 'uncaught exception') process.exit(1);
  };
  process.on('uncaughtException', (e) => onError(e, 'uncaught exception'));
  process.on('unhandledRejection', (e) => onError(e, 'unhandled rejection'));
}

export interface QueueDefinition {
  handler: JobHandler;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  concurrency?: number;
}

export interface EnqueueOptions {
  title?: string;
  createdBy?: string | null;
  /** start later (seconds) */
  delaySeconds?: number;
}

export interface JobFilter { status?: string; module?: string; kind?: string; limit?: number; offset?: number; createdBy?: string }

const TERMINAL: JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminal = (s: string) => (TERMINAL as string[]).includes(s);

/** heartbeats: a job silent for this long is considered dead and retried (pg-boss minimum is 10 s) */
const HEARTBEAT_SECONDS = 10;

/** how long a cached job list may miss changes made by other processes (PostgreSQL) */
const LIST_TTL_MS = 1000;
const RECORD_COLUMNS = [
  'id', 'module', 'kind', 'status', 'title', 'payload', 'progress', 'counters', 'result', 'error', 'attempts',
  'created_by', 'created_at', 'started_at', 'finished_at', 'updated_at',
] as const;

interface ListEntry { generation: number; at: number; rows: Promise<JobRecord[]>; refreshing?: boolean }

function toRecord(row: any): JobRecord {
  const { checkpoint: _c, boss_id: _b, worker: _w, heartbeat_at: _h, ...rest } = row;
  return { ...rest, progress: Number(row.progress), attempts: Number(row.attempts) } as JobRecord;
}

export class JobService {
  private database: Database;
  private db: Kysely<any>;
  private files: BlobStore;
  private log: Logger;
  private boss: PgBoss | null = null;
  private queues = new Map<string, QueueDefinition>();
  private running = new Map<string, AbortController>();
  private workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private working = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** pg-boss worker ids per queue: an in-process enqueue wakes its worker at once instead of waiting for the next poll */
  private workerIds = new Map<string, string>();
  readonly events = new EventEmitter();
  private core: CoreContext | null = null;

  constructor(database: Database, files: BlobStore, log: Logger) {
    this.database = database;
    this.db = database.db;
    this.files = files;
    this.log = log.child({ component: 'jobs' });
    this.events.setMaxListeners(0);
  }

  /** the platform handed to every handler as its second argument (set by openPlatform before start) */
  attach(core: CoreContext): void {
    this.core = core;
  }

  define(kind: string, def: QueueDefinition): void {
    if (!/^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/.test(kind)) throw new Error(`job kind must be "<module>.<kind>": ${kind}`);
    this.queues.set(kind, def);
  }

  kinds(): string[] {
    return [...this.queues.keys()];
  }

  /**
   * Starts the queue. A process that neither works nor schedules (a CLI command such as `jobs list`)
   * starts pg-boss only when it first needs it (enqueue, cancel): its start and queue upkeep cost
   * seconds on the embedded database, and most commands only read job records.
   */
  async start(opts: { work: boolean; cronIntervalSeconds?: number; schedules?: { name: string; cron: string; tz?: string; job: string; payload?: Record<string, unknown> }[] }): Promise<void> {
    this.startOpts = opts;
    if (opts.work || opts.schedules) await this.queue();
  }

  private startOpts: Parameters<JobService['start']>[0] | null = null;
  private starting: Promise<PgBoss> | null = null;

  /** pg-boss, started once (with its queues, schedules and workers) on first use */
  private queue(): Promise<PgBoss> {
    if (!this.startOpts) return Promise.reject(new Error('job queue not started'));
    this.starting ??= this.startBoss(this.startOpts);
    return this.starting;
  }

  private async startBoss(opts: NonNullable<JobService['startOpts']>): Promise<PgBoss> {
    const { PgBoss } = await import('pg-boss');
    const common = {
      schema: 'pgboss',
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
      maintenanceIntervalSeconds: 60,
      cronWorkerIntervalSeconds: opts.cronIntervalSeconds ?? 5,
      cronMonitorIntervalSeconds: opts.cronIntervalSeconds ?? 30,
    };
    this.boss = this.database.kind === 'pglite'
      ? new PgBoss({ ...common, db: (await import('pg-boss/dist/adapters/pglite.js')).fromPglite(this.database.pglite!), backend: 'pglite' } as any)
      : new PgBoss({ ...common, connectionString: this.database.connectionString!, max: 4 } as any);
    this.boss.on('error', (e: Error) => this.log.error({ err: e }, 'queue error'));
    await this.boss.start();
    for (const [kind, def] of this.queues) {
      const options = {
        retryLimit: def.retryLimit ?? 2,
        retryDelay: def.retryDelaySeconds ?? 10,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds ?? 6 * 3600,
        heartbeatSeconds: HEARTBEAT_SECONDS,
      };
      const existing = await this.boss.getQueue(kind);
      if (!existing) await this.boss.createQueue(kind, options);
      else await this.boss.updateQueue(kind, options);
    }
    if (opts.schedules) {
      for (const s of opts.schedules) {
        if (!this.queues.has(s.job)) throw new Error(`schedule ${s.name}: unknown job kind ${s.job}`);
        await this.boss.schedule(s.job, s.cron, { schedule: s.name, payload: s.payload ?? {} }, { tz: s.tz ?? 'UTC', key: s.name });
      }
    }
    if (opts.work) {
      this.working = true;
      installCrashGuard(this.log);
      await this.markInterrupted();
      for (const [kind, def] of this.queues) {
        const workerId = await this.boss.work(kind, { batchSize: 1, localConcurrency: def.concurrency ?? 1, pollingIntervalSeconds: 2, includeMetadata: true }, async ([job]: any[]) => {
          return this.run(kind, def, job);
        });
        this.workerIds.set(kind, workerId);
      }
      this.heartbeatTimer = setInterval(() => void this.beat(), 2000);
      this.heartbeatTimer.unref();
    }
    return this.boss;
  }

  /**
   * Jobs left 'running' by a process that died (kill -9, power loss) would show their last progress
   * as if still moving until pg-boss retries them: they are shown 'retrying' at once. Embedded, this
   * process owns the database, so every running job is orphaned; on PostgreSQL, those of a dead
   * process of this host, or silent for 3 heartbeat periods.
   */
  private async markInterrupted(): Promise<void> {
    const host = os.hostname();
    const rows = await this.db.withSchema('core').selectFrom('jobs').select(['id', 'worker', 'heartbeat_at']).where('status', '=', 'running').execute();
    const orphaned = rows.filter((r) => {
      if (this.database.kind === 'pglite') return true;
      const [h, pid] = String(r.worker ?? '').split(':');
      if (h === host && Number(pid) !== process.pid && !pidAlive(Number(pid))) return true;
      return !r.heartbeat_at || Date.now() - new Date(r.heartbeat_at).getTime() > 3 * HEARTBEAT_SECONDS * 1000;
    });
    for (const r of orphaned) {
      const upd = await this.db.withSchema('core').updateTable('jobs').set({ status: 'retrying', updated_at: new Date() })
        .where('id', '=', r.id).where('status', '=', 'running').returning('id').executeTakeFirst();
      if (upd) await this.addEvent(r.id, 'log', 'warn', 'interrupted: the process running it stopped; it resumes from its last checkpoint', { code: 'job.interrupted' });
    }
  }

  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.starting?.catch(() => {});
    // graceful: first no new fetches (a job requeued below must not be picked up again by this
    // process), then running handlers see the abort at their next checkpoint and are requeued,
    // then pg-boss stops (waiting for them)
    if (this.boss) await Promise.allSettled([...this.workerIds.keys()].map((kind) => this.boss!.offWork(kind, { wait: false })));
    for (const c of this.running.values()) c.abort(new ShutdownError());
    if (this.boss) await this.boss.stop({ graceful: true, timeout: 15000, close: true } as any).catch(() => {});
    this.boss = null;
    this.starting = null;
    this.startOpts = null;
  }

  get isWorking(): boolean {
    return this.working;
  }

  /** the queue answers; one started lazily (a process that does not work) is started by the check */
  async ready(): Promise<boolean> {
    try {
      const boss = this.boss ?? (await this.queue());
      await boss.getQueues();
      return true;
    } catch {
      return false;
    }
  }

  // ---------- producing ----------

  async enqueue(kind: string, payload: Record<string, unknown> = {}, opts: EnqueueOptions = {}): Promise<JobRecord> {
    if (!this.queues.has(kind)) throw new Error(`unknown job kind: ${kind}`);
    const boss = await this.queue();
    const [module, ...rest] = kind.split('.');
    const row = await this.db.withSchema('core').insertInto('jobs')
      .values({ module, kind: rest.join('.'), title: opts.title ?? null, payload: JSON.stringify(payload), created_by: opts.createdBy ?? null })
      .returningAll().executeTakeFirstOrThrow();
    try {
      const bossId = await boss.send(kind, { jobId: row.id }, opts.delaySeconds ? { startAfter: opts.delaySeconds } : {});
      await this.db.withSchema('core').updateTable('jobs').set({ boss_id: bossId }).where('id', '=', row.id).execute();
      const local = this.workerIds.get(kind);
      if (local && !opts.delaySeconds) boss.notifyWorker(local);
    } catch (e) {
      await this.finish(row.id, 'failed', null, `could not be queued: ${(e as Error).message}`);
      throw e;
    }
    jobMetrics.enqueued.inc({ module, kind: rest.join('.') });
    this.emit(row.id);
    return toRecord(row);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.db.withSchema('core').selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * The newest jobs. The jobs page and the CLI poll this far more often than jobs change, and a query
   * costs ~5 ms on the embedded database: a list is kept until a job changes in this process (every
   * change goes through emit()), and then read again before anyone is answered, so a job written here
   * is listed at once. On PostgreSQL other processes change jobs too: a list older than LIST_TTL_MS
   * is read again in the background while the previous one is still served (no request waits for
   * that refresh: it was the slowest request of each second). The rows are shared between callers:
   * read them, never change them.
   */
  async list(f: JobFilter = {}): Promise<JobRecord[]> {
    const key = JSON.stringify([f.status, f.module, f.kind, f.limit, f.offset, f.createdBy]);
    const hit = this.listCache.get(key);
    if (hit && hit.generation === this.generation) {
      if (this.database.kind === 'postgres' && Date.now() - hit.at >= LIST_TTL_MS && !hit.refreshing) this.refreshList(key, f, hit);
      return hit.rows;
    }
    const entry: ListEntry = { generation: this.generation, at: Date.now(), rows: this.queryList(f) };
    if (this.listCache.size >= 64) this.listCache.clear();
    this.listCache.set(key, entry);
    entry.rows.catch(() => { if (this.listCache.get(key) === entry) this.listCache.delete(key); });
    return entry.rows;
  }

  /** reads a list again and swaps it in once read, unless a job changed here meanwhile (then the next call reads it) */
  private refreshList(key: string, f: JobFilter, stale: ListEntry): void {
    stale.refreshing = true;
    const generation = this.generation;
    const at = Date.now();
    this.queryList(f).then((rows) => {
      if (this.listCache.get(key) === stale && this.generation === generation) this.listCache.set(key, { generation, at, rows: Promise.resolve(rows) });
    }, (e) => {
      // tried again after another LIST_TTL_MS, not at every request
      stale.refreshing = false;
      stale.at = Date.now();
      this.log.warn({ err: e }, 'job list refresh failed');
    });
  }

  /** Job rows were written outside this service (an import): the cached lists are read again. */
  rowsChanged(): void {
    this.generation++;
  }

  private generation = 0;
  private listCache = new Map<string, ListEntry>();

  private async queryList(f: JobFilter): Promise<JobRecord[]> {
    // the record's columns only: a checkpoint can be large and is never shown
    let q = this.db.withSchema('core').selectFrom('jobs').select(RECORD_COLUMNS).orderBy('created_at', 'desc').limit(Math.min(f.limit ?? 50, 500)).offset(f.offset ?? 0);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.module) q = q.where('module', '=', f.module);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.createdBy) q = q.where('created_by', '=', f.createdBy);
    return (await q.execute()).map(toRecord);
  }

  /** jobs waiting to run (queued or retrying), by kind and status: the queue depth */
  async waiting(): Promise<{ module: string; kind: string; status: string; n: number }[]> {
    const rows = await this.db.withSchema('core').selectFrom('jobs').select(['module', 'kind', 'status', (eb) => eb.fn.countAll().as('n')])
      .where('status', 'in', ['queued', 'retrying']).groupBy(['module', 'kind', 'status']).execute();
    return rows.map((r: any) => ({ module: r.module, kind: r.kind, status: r.status, n: Number(r.n) }));
  }

  async eventsOf(id: string, afterSeq = 0, limit = 1000): Promise<JobEvent[]> {
    const rows = await this.db.withSchema('core').selectFrom('job_events').selectAll()
      .where('job_id', '=', id).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map((r: any) => ({ ...r, seq: Number(r.seq) }));
  }

  async artifacts(id: string): Promise<ArtifactRecord[]> {
    const rows = await this.db.withSchema('core').selectFrom('artifacts').selectAll().where('job_id', '=', id).orderBy('created_at').execute();
    return rows.map((r: any) => ({ ...r, size: Number(r.size) }));
  }

  async artifact(jobId: string, artifactId: string): Promise<ArtifactRecord | undefined> {
    if (!isUuid(artifactId)) return undefined;
    const r = await this.db.withSchema('core').selectFrom('artifacts').selectAll().where('job_id', '=', jobId).where('id', '=', artifactId).executeTakeFirst();
    return r ? ({ ...r, size: Number(r.size) } as ArtifactRecord) : undefined;
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = await this.get(id);
    if (!job) return undefined;
    if (isTerminal(job.status)) return job;
    await this.finish(id, 'cancelled', null, null);
    this.running.get(id)?.abort(new JobCancelledError());
    const row = await this.db.withSchema('core').selectFrom('jobs').select(['boss_id', 'module', 'kind']).where('id', '=', id).executeTakeFirst();
    if (row?.boss_id) await (await this.queue()).cancel(`${row.module}.${row.kind}`, row.boss_id).catch(() => {});
    return this.get(id);
  }

  /** Starts a new run of a finished job with the same payload. */
  async rerun(id: string, createdBy?: string | null): Promise<JobRecord | undefined> {
    const job = await this.get(id);
    if (!job) return undefined;
    return this.enqueue(`${job.module}.${job.kind}`, job.payload, { title: job.title ?? undefined, createdBy });
  }

  /** Resolves when the job reaches a terminal state. */
  async wait(id: string, opts: { signal?: AbortSignal; onChange?: (job: JobRecord) => void; onLog?: (e: JobEvent) => void } = {}): Promise<JobRecord> {
    let lastSeq = 0;
    let lastUpdated = '';
    for (;;) {
      const job = await this.get(id);
      if (!job) throw new Error(`job ${id} not found`);
      if (opts.onLog) {
        for (const e of await this.eventsOf(id, lastSeq)) {
          lastSeq = e.seq;
          if (e.type === 'log') opts.onLog(e);
        }
      }
      const stamp = `${job.updated_at?.toString()}|${job.progress}|${job.status}`;
      if (stamp !== lastUpdated) {
        lastUpdated = stamp;
        opts.onChange?.(job);
      }
      if (isTerminal(job.status)) return job;
      if (opts.signal?.aborted) throw new Error('aborted');
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, 500);
        const onEv = () => done();
        function done() {
          clearTimeout(t);
          this_.events.off(id, onEv);
          resolve();
        }
        const this_ = this;
        this.events.on(id, onEv);
      });
    }
  }

  /** Deletes finished jobs older than `days`, their events and artefact blobs. */
  async purge(days: number): Promise<number> {
    const old = await this.db.withSchema('core').selectFrom('jobs').select('id')
      .where('finished_at', '<', new Date(Date.now() - days * 86400_000)).execute();
    for (const { id } of old) {
      await this.files.deletePrefix(`jobs/${id}/`);
      await this.db.withSchema('core').deleteFrom('jobs').where('id', '=', id).execute();
      this.generation++;
    }
    return old.length;
  }

  // ---------- running ----------

  private emit(id: string) {
    this.generation++;
    this.events.emit(id);
    this.events.emit('*', id);
  }

  private async beat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (!ids.length) return;
    try {
      const rows = await this.db.withSchema('core').updateTable('jobs').set({ heartbeat_at: new Date() })
        .where('id', 'in', ids).returning(['id', 'status']).execute();
      // a cancel issued by another process shows up here
      for (const r of rows) if (r.status === 'cancelled') this.running.get(r.id)?.abort(new JobCancelledError());
    } catch (e) {
      this.log.warn({ err: e }, 'heartbeat failed');
    }
  }

  private async run(kind: string, def: QueueDefinition, bossJob: any): Promise<unknown> {
    let jobId: string = bossJob.data?.jobId;
    if (!jobId) {
      // a cron tick: the schedule sends its payload; make the visible job record now
      const [module, ...rest] = kind.split('.');
      const row = await this.db.withSchema('core').insertInto('jobs')
        .values({ module, kind: rest.join('.'), title: bossJob.data?.schedule ? `scheduled: ${bossJob.data.schedule}` : null, payload: JSON.stringify(bossJob.data?.payload ?? {}), boss_id: bossJob.id })
        .returning('id').executeTakeFirstOrThrow();
      jobId = row.id;
      await this.boss!.update?.(kind, { ...bossJob.data, jobId } as any).catch?.(() => {});
    }
    const claimed = await this.db.withSchema('core').updateTable('jobs')
      .set({
        status: 'running', attempts: sql`attempts + 1`, worker: this.workerId, heartbeat_at: new Date(),
        started_at: sql`coalesce(started_at, now())`, updated_at: new Date(), error: null, boss_id: bossJob.id,
      })
      .where('id', '=', jobId).where('status', 'in', ['queued', 'retrying', 'running'])
      .returningAll().executeTakeFirst();
    if (!claimed) return { skipped: true }; // cancelled or already finished
    const record = toRecord(claimed);
    const controller = new AbortController();
    this.running.set(jobId, controller);
    // pg-boss aborts its own signal when the job is cancelled/expired on its side
    bossJob.signal?.addEventListener?.('abort', () => controller.abort(new JobCancelledError()));
    const ctx = this.context(record, controller.signal);
    this.emit(jobId);
    if (record.attempts > 1) await ctx.log('warn', `resumed (attempt ${record.attempts})`, { code: 'job.resumed', attempt: record.attempts });
    const timer = jobMetrics.duration.startTimer({ module: record.module, kind: record.kind });
    jobMetrics.running.inc();
    // an error escaping the handler's promise chain (see jobScope) ends the job like a thrown one
    let crashed: Error | null = null;
    let crash!: (e: Error) => void;
    const crashPromise = new Promise<never>((_resolve, reject) => { crash = reject; });
    crashPromise.catch(() => {});
    try {
      const result = await jobScope.run({ jobId, crash: (e) => { crashed ??= e; crash(e); } }, () => Promise.race([def.handler(ctx, this.core!), crashPromise]));
      await ctx.flush();
      // cancelled while finishing; a handler that completed during a shutdown has completed
      if (controller.signal.aborted && !(controller.signal.reason instanceof ShutdownError)) {
        await this.finish(jobId, 'cancelled', null, null);
        return { cancelled: true };
      }
      await this.finish(jobId, 'completed', result ?? null, null);
      return { ok: true };
    } catch (e) {
      await ctx.flush().catch(() => {});
      const err = (crashed ?? e) as Error;
      if (!crashed && controller.signal.aborted && (err instanceof JobCancelledError || controller.signal.reason instanceof JobCancelledError)) {
        await this.finish(jobId, 'cancelled', null, null);
        return { cancelled: true };
      }
      if (!crashed && controller.signal.aborted) {
        // shutting down: the handler stopped at a checkpoint; the job goes back to the queue as it is
        // (no retry used up, no retry delay), for another worker or the next start to resume
        if (await this.requeue(kind, jobId)) return { requeued: true };
        throw err; // the queue is gone: pg-boss retries it once its heartbeat lapses
      }
      // the handler may still be running after a crash outside its promise: tell it to stop
      if (crashed) controller.abort(crashed);
      const message = scrub(err?.message ?? String(e));
      const permanent = (err as { permanent?: unknown })?.permanent === true;
      const willRetry = !permanent && bossJob.retryCount < bossJob.retryLimit;
      await ctx.log('error', willRetry ? `attempt ${record.attempts} failed, will retry: ${message}` : `failed: ${message}`, { code: willRetry ? 'job.attempt_failed' : 'job.failed', attempt: record.attempts, error: message });
      if (willRetry) {
        await this.db.withSchema('core').updateTable('jobs').set({ status: 'retrying', error: message, updated_at: new Date() }).where('id', '=', jobId).execute();
        this.emit(jobId);
      } else await this.finish(jobId, 'failed', err instanceof JobFailedError ? err.result : null, message);
      // a permanent failure is final: pg-boss must not run it again
      if (permanent) return { failed: true };
      throw err;
    } finally {
      timer();
      jobMetrics.running.dec();
      this.running.delete(jobId);
    }
  }

  /** a job stopped by a shutdown: queued again, with a fresh queue entry (the current one completes) */
  private async requeue(kind: string, jobId: string): Promise<boolean> {
    try {
      const bossId = await this.boss!.send(kind, { jobId });
      if (!bossId) return false;
      const row = await this.db.withSchema('core').updateTable('jobs').set({ status: 'queued', boss_id: bossId, updated_at: new Date() })
        .where('id', '=', jobId).where('status', '=', 'running').returning('id').executeTakeFirst();
      if (row) await this.addEvent(jobId, 'log', 'warn', 'stopped by a shutdown: queued again, it resumes from its last checkpoint', { code: 'job.requeued_on_shutdown' });
      return true;
    } catch (e) {
      this.log.warn({ err: e, jobId }, 'could not requeue a job stopped by a shutdown');
      return false;
    }
  }

  private async finish(id: string, status: JobStatus, result: unknown, error: string | null): Promise<void> {
    const row = await this.db.withSchema('core').updateTable('jobs')
      .set({
        status, result: result === null ? null : JSON.stringify(result), error, finished_at: new Date(), updated_at: new Date(),
        ...(status === 'completed' ? { progress: 100 } : {}),
      })
      .where('id', '=', id).where('status', 'not in', TERMINAL).returning(['module', 'kind']).executeTakeFirst();
    if (row) {
      await this.addEvent(id, 'status', status === 'failed' ? 'error' : 'info', `job ${status}${error ? `: ${error}` : ''}`, { status, code: `job.${status}`, error: error ?? '' });
      jobMetrics.finished.inc({ module: row.module, kind: row.kind, status });
    }
    this.emit(id);
  }

  private async addEvent(id: string, type: JobEvent['type'], level: string | null, message: string | null, data?: Record<string, unknown>) {
    await this.db.withSchema('core').insertInto('job_events')
      .values({ job_id: id, type, level, message: message === null ? null : scrub(message), data: data ? JSON.stringify(data) : null })
      .execute();
    this.emit(id);
  }

  private context(job: JobRecord, signal: AbortSignal): JobContext & { flush(): Promise<void> } {
    const id = job.id;
    let counters: Record<string, number> = { ...(job.counters ?? {}) };
    let pending: { progress: number | null; message?: string } | null = null;
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    const write = async () => {
      if (!pending) return;
      const p = pending;
      pending = null;
      lastWrite = Date.now();
      await this.db.withSchema('core').updateTable('jobs')
        .set({ ...(p.progress !== null ? { progress: p.progress } : {}), counters: JSON.stringify(counters), updated_at: new Date() })
        .where('id', '=', id).execute();
      this.emit(id);
    };
    const self = this;
    return {
      id,
      payload: job.payload,
      attempt: job.attempts,
      signal,
      async progress(percent, more, message, data) {
        if (more) counters = { ...counters, ...more };
        pending = { progress: percent === null ? (pending?.progress ?? null) : Math.max(0, Math.min(100, percent)), message };
        // at most ~4 writes a second; the last state is always flushed at the end
        if (Date.now() - lastWrite > 250) {
          writing = writing.then(write);
          await writing;
        }
        if (message) await self.addEvent(id, 'progress', 'info', message, { percent, counters, ...data });
      },
      async log(level, message, data) {
        await self.addEvent(id, 'log', level, message, data);
      },
      async artifact(name, data, contentType = 'application/octet-stream') {
        const key = `jobs/${id}/${name}`;
        const info = await self.files.put(key, typeof data === 'string' ? Buffer.from(data) : (data as Buffer | Readable));
        const row = await self.db.withSchema('core').insertInto('artifacts')
          .values({ job_id: id, name, blob_key: key, size: info.size, content_type: contentType })
          .onConflict((oc) => oc.columns(['job_id', 'name']).doUpdateSet({ size: info.size, content_type: contentType, blob_key: key }))
          .returningAll().executeTakeFirstOrThrow();
        await self.addEvent(id, 'artifact', 'info', `artifact ${name}`, { name, size: info.size, code: 'job.artifact' });
        return { ...row, size: Number(row.size) } as ArtifactRecord;
      },
      checkpoint: {
        async get<T>() {
          const r = await self.db.withSchema('core').selectFrom('jobs').select('checkpoint').where('id', '=', id).executeTakeFirst();
          return (r?.checkpoint ?? undefined) as T | undefined;
        },
        async set(value) {
          await self.db.withSchema('core').updateTable('jobs').set({ checkpoint: JSON.stringify(value) }).where('id', '=', id).execute();
        },
      },
      throwIfCancelled() {
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new JobCancelledError();
      },
      async flush() {
        await writing;
        await write();
      },
    };
  }
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
