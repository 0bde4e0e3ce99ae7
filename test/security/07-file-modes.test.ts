// Finding 7 (medium): 968 database files were world-writable (0666, WAL included): a local user read
// the argon2 hashes and could write to the database. Every folder of the data dir is now 0700 (no
// other user can reach anything inside), our files are 0600, and a data dir with loose modes is
// repaired at start. The embedded database chmods the files it creates itself (0666): they are out of
// reach behind 0700 folders — checked here by an unprivileged user who tries to read and write them.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPlatform } from '../../src/core/platform.ts';
import { createDatabase } from '../helpers/platform.ts';

function walk(p: string, out: { path: string; mode: number; dir: boolean }[] = []) {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return out;
  out.push({ path: p, mode: st.mode & 0o777, dir: st.isDirectory() });
  if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n), out);
  return out;
}

async function openOn(dataDir: string) {
  const databaseUrl = await createDatabase();
  const config = loadConfig({ ATELIER_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  // on disk (not in memory): the embedded database's own files are what the report found
  const p = await openPlatform({ config, modules: [], role: 'server', work: true, log: createLogger({ level: 'fatal' }) });
  await p.auth.createUser(`u${crypto.randomBytes(3).toString('hex')}@modes.test`, 'modes-password-123', 'admin');
  await p.files.put('some/blob.bin', Buffer.from('x'));
  await p.vault.set('planted', 'planted-secret-value');
  return p;
}

const loose = (entries: ReturnType<typeof walk>, pgliteFiles: boolean) => entries
  .filter((e) => e.mode & 0o077)
  .filter((e) => e.dir || !pgliteFiles || !e.path.includes(`${path.sep}db${path.sep}`))
  .map((e) => `${e.path} ${e.mode.toString(8)}`);

/** the files of the data dir a local unprivileged user can read (R:) or append to (W:) */
function reachableByNobody(files: string[]): string[] {
  const script = 'for f in "$@"; do cat "$f" >/dev/null 2>&1 && echo "R:$f"; (echo x >> "$f") 2>/dev/null && echo "W:$f"; done; echo done';
  const r = spawnSync('runuser', ['-u', 'nobody', '--', 'sh', '-c', script, 'sh', ...files], { encoding: 'utf8' });
  expect(r.stdout.trim().split('\n').pop()).toBe('done');
  return r.stdout.trim().split('\n').slice(0, -1);
}
const root = process.getuid?.() === 0;

describe('finding 7: the data dir is private to its owner', () => {
  it('a new data dir: folders 0700, our files 0600, and no file reachable by another local user', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-modes-')), 'data');
    const p = await openOn(dataDir);
    await p.close();
    const entries = walk(dataDir);
    expect(entries.length).toBeGreaterThan(3);
    expect(loose(entries, true)).toEqual([]);
    if (!process.env.TEST_DATABASE_URL) expect(entries.some((e) => e.path.includes(`${path.sep}db${path.sep}`))).toBe(true);
    // the attack of the report, as a local user: nothing readable, nothing writable
    if (root) {
      fs.chmodSync(path.dirname(dataDir), 0o755); // the test's own temp parent: as a user's home would be
      const targets = entries.filter((e) => !e.dir).map((e) => e.path);
      expect(reachableByNobody(targets)).toEqual([]);
      // the check itself can see a reachable file: a 0644 file in a 0755 folder is readable, not writable
      const control = path.join(path.dirname(dataDir), 'control.txt');
      fs.writeFileSync(control, 'x', { mode: 0o644 });
      fs.chmodSync(control, 0o644);
      expect(reachableByNobody([control])).toEqual([`R:${control}`]);
      expect(targets.length).toBeGreaterThanOrEqual(2);
    }
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }, 120_000);

  it('a data dir with loose modes (as older versions left it) is repaired at start', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-modes-')), 'data');
    const p = await openOn(dataDir);
    await p.close();
    for (const e of walk(dataDir)) fs.chmodSync(e.path, e.dir ? 0o777 : 0o666);
    expect(walk(dataDir).filter((e) => e.mode & 0o077).length).toBeGreaterThan(3);
    const again = await openOn(dataDir);
    await again.close();
    // folders and our files are repaired; files the embedded database rewrote since are behind 0700 folders
    expect(loose(walk(dataDir), true)).toEqual([]);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }, 120_000);
});
