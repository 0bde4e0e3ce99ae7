// Private temporary folders tagged with the owning process's pid (`atelier-<label>-p<pid>-XXXXXX`):
// a process killed mid-job cannot remove its own, so every start removes those of dead processes.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from './log.ts';
import { pidAlive } from './lock.ts';

const TAGGED = /^atelier-[a-z0-9-]+-p(\d+)-[A-Za-z0-9]{6}$/;

/** mkdtemp (mode 0700) under the OS temp dir, named so that a later start can clean it up */
export function makeTempDir(label: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`temp dir label must be [a-z0-9-]: ${label}`);
  return fsp.mkdtemp(path.join(os.tmpdir(), `atelier-${label}-p${process.pid}-`));
}

/** Removes the tagged temp folders whose process is gone; returns how many. */
export function sweepTempDirs(log?: Logger, dir = os.tmpdir()): number {
  let removed = 0;
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { return 0; }
  for (const name of names) {
    const m = TAGGED.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed++;
    } catch (e) {
      log?.warn({ err: (e as Error).message, dir: name }, 'could not remove a temp folder left by a dead process');
    }
  }
  if (removed) log?.info({ removed }, 'temp folders left by dead processes removed');
  return removed;
}
