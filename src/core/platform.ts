// Opens the platform: data dir lock → database → migrations → vault → blob store → http → jobs.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { openDatabase, type Database } from './db.ts';
import { migrate } from './migrate.ts';
import { Vault, loadMasterKey } from './vault.ts';
import { LocalBlobStore, type BlobStore } from './files.ts';
import { HttpClient } from './http.ts';
import { JobService } from './jobs/service.ts';
import { AuthService } from './auth.ts';
import { acquireLock } from './lock.ts';
import type { AtelierModule, CoreContext } from './module.ts';
import { coreJobs } from './jobs/core-jobs.ts';
import { sweepTempDirs } from './tmp.ts';

/**
 * The data dir holds the database, the blobs and the vault key: owner only. It is 0700, so nothing
 * beneath it is reachable by another user whatever its own mode; its files are 0600 and folders
 * 0700 (the blob store writes them so; `serve`, `worker` and the CLI run with umask 077), and a data
 * dir made by an older version, or copied with loose modes, is repaired.
 */
export function secureDataDir(dir: string, log?: Logger): number {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fixed = 0;
  const walk = (p: string, deep: boolean) => {
    let st: fs.Stats;
    try { st = fs.lstatSync(p); } catch { return; }
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) { try { fs.chmodSync(p, want); fixed++; } catch { /* not ours: left as is */ } }
    if (st.isDirectory() && deep) for (const name of fs.readdirSync(p)) walk(path.join(p, name), deep);
  };
  // the data dir and its top files; the embedded database always (PGlite chmods the files it creates
  // 0666, so each start puts them back to 0600; ~1,000 files, a few ms); the blob store, which can hold
  // a million files, only when its folder shows loose modes (a data dir from an older version)
  walk(dir, false);
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    const loose = (() => { try { return (fs.statSync(p).mode & 0o077) !== 0; } catch { return false; } })();
    walk(p, name === 'db' || loose);
  }
  if (fixed) log?.debug({ dir, fixed }, 'data dir modes set: folders 0700, files 0600 (owner only)');
  return fixed;
}

export interface Platform extends CoreContext {
  database: Database;
  auth: AuthService;
  modules: AtelierModule[];
  lock: ReturnType<typeof acquireLock> | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  config?: Config;
  modules: AtelierModule[];
  /** which process this is (for the lock): the embedded DB is single-owner */
  role: 'server' | 'cli' | 'worker';
  /** run job workers in this process */
  work: boolean;
  /** register cron schedules (server/worker only) */
  schedules?: boolean;
  /** PGlite in memory (tests) */
  memory?: boolean;
  log?: Logger;
}

export async function openPlatform(o: OpenOptions): Promise<Platform> {
  const config = o.config ?? loadConfig();
  const log = o.log ?? createLogger({ level: config.logLevel, file: config.logFile });
  secureDataDir(config.dataDir, log);
  sweepTempDirs(log);
  // PostgreSQL server: many processes may share it; embedded: one owner only
  const lock = config.databaseUrl || o.memory ? null : acquireLock(config.dataDir, o.role);
  let database: Database | null = null;
  let jobs: JobService | null = null;
  let http: HttpClient | null = null;
  try {
    // the embedded database creates its folders now: owner-only, whatever the caller's umask
    const umask = process.umask(0o077);
    try {
      database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, memory: o.memory, shortLived: o.role === 'cli' });
    } finally {
      process.umask(umask);
    }
    const applied = await migrate(database, [
      { module: 'core', dir: path.join(import.meta.dirname, 'migrations') },
      ...o.modules.map((m) => ({ module: m.name, dir: m.migrationsDir })),
    ]);
    if (applied.length) log.info({ applied }, 'migrations applied');
    const vault = new Vault(database.db, loadMasterKey(config.secretKey, config.dataDir), config.secretKeysOld);
    const files: BlobStore = config.files.kind === 's3'
      ? await (await import('./files-s3.ts')).createS3BlobStore(config.files.s3)
      : new LocalBlobStore(path.join(config.dataDir, 'files'));
    http = new HttpClient({ ...config.http, log: log.child({ component: 'http' }) });
    jobs = new JobService(database, files, log);
    const auth = new AuthService(database.db, vault.derive('jwt'), config.accessTtl, config.refreshTtl);
    const ctx: CoreContext = { config, db: database.db, log, vault, files, http, jobs };
    jobs.attach(ctx);
    for (const [kind, def] of Object.entries(coreJobs(ctx))) jobs.define(`core.${kind}`, def);
    for (const m of o.modules) for (const [kind, def] of Object.entries(m.jobs ?? {})) jobs.define(`${m.name}.${kind}`, def);
    const schedules = o.schedules
      ? [
          { name: 'core.purge', cron: '17 3 * * *', job: 'core.purge' },
          ...o.modules.flatMap((m) => (m.schedules?.(config) ?? []).map((s) => ({ ...s, job: `${m.name}.${s.job}` }))),
        ]
      : undefined;
    await jobs.start({ work: o.work, schedules });
    if (config.adminEmail && config.adminPassword && (await auth.countUsers()) === 0) {
      await auth.createUser(config.adminEmail, config.adminPassword, 'admin');
      log.info({ email: config.adminEmail }, 'bootstrap admin created from ATELIER_ADMIN_EMAIL');
    }
    const db = database;
    const j = jobs;
    const h = http;
    return {
      ...ctx, database, auth, modules: o.modules, lock,
      async close() {
        await j.stop();
        await h.close();
        await db.close();
        lock?.release();
      },
    };
  } catch (e) {
    await jobs?.stop().catch(() => {});
    await http?.close().catch(() => {});
    await database?.close().catch(() => {});
    lock?.release();
    throw e;
  }
}
