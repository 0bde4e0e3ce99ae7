// Single-owner rule: one process opens the embedded data dir. The lock file holds the owner's pid and,
// for a server, its port, so a second process can tell the user what to do (or talk to that server).
import fs from 'node:fs';
import path from 'node:path';

export interface LockInfo { pid: number; kind: 'server' | 'cli' | 'worker'; port?: number; host?: string; started: string }

/** true while a process with this pid exists (EPERM: it exists, owned by another user) */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirLockedError extends Error {
  readonly owner: LockInfo;
  constructor(dir: string, owner: LockInfo) {
    super(
      owner.kind === 'server'
        ? `the data dir ${dir} is in use by the atelier server (pid ${owner.pid}${owner.port ? `, port ${owner.port}` : ''}). ` +
          `Use that server: set ATELIER_TOKEN to a personal API token (web app → Account) and the command goes through its API, or stop the server first.`
        : `the data dir ${dir} is in use by another atelier process (pid ${owner.pid}, ${owner.kind}); wait for it to finish or use another ATELIER_DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
    this.owner = owner;
  }
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'atelier.lock'), 'utf8')) as LockInfo;
    return pidAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/** Takes the lock or throws DataDirLockedError. A lock left by a dead process is taken over. */
export function acquireLock(dataDir: string, kind: LockInfo['kind']): { update(info: Partial<LockInfo>): void; release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'atelier.lock');
  const info: LockInfo = { pid: process.pid, kind, started: new Date().toISOString() };
  for (let i = 0; i < 2; i++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (cur.pid === process.pid) fs.rmSync(file);
        } catch { /* already gone */ }
      };
      process.once('exit', release);
      return {
        update(more) {
          Object.assign(info, more);
          fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
        },
        release,
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLock(dataDir);
      if (owner) throw new DataDirLockedError(dataDir, owner);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
