// Child process for 03-job-crash.test.ts: a worker whose jobs fail in the ways that used to kill the
// process — a throw in a timer, an 'error' event nobody listens to, a rejection nobody awaits — plus
// one ordinary job after them. Prints one JSON line: each job's final status and error, and whether
// the process was still serving jobs at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPlatform } from '../../src/core/platform.ts';
import type { AtelierModule } from '../../src/core/module.ts';

const crashy: AtelierModule = {
  name: 'crashy',
  title: { fr: 'crash', en: 'crash' },
  jobs: {
    timer: { retryLimit: 0, handler: async () => { setTimeout(() => { throw new Error('boom in a timer'); }, 10); await new Promise((r) => setTimeout(r, 60_000)); } },
    stream: { retryLimit: 0, handler: async () => { fs.createReadStream('/nonexistent/atelier-never-written.zip'); await new Promise((r) => setTimeout(r, 60_000)); } },
    rejection: { retryLimit: 0, handler: async () => { void Promise.reject(new Error('nobody awaits this')); await new Promise((r) => setTimeout(r, 60_000)); } },
    fine: { retryLimit: 0, handler: async () => ({ ok: true }) },
  },
};

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-crashy-'));
const config = loadConfig({ ...process.env, ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'crashy-key-0123456789abcdef0123456789' });
const p = await openPlatform({ config, modules: [crashy], role: 'worker', work: true, memory: !config.databaseUrl, log: createLogger({ level: 'fatal' }) });
const results: Record<string, { status: string; error: string | null }> = {};
for (const kind of ['timer', 'stream', 'rejection', 'fine']) {
  const job = await p.jobs.enqueue(`crashy.${kind}`, {});
  const done = await p.jobs.wait(job.id);
  results[kind] = { status: done.status, error: done.error };
}
process.stdout.write(JSON.stringify({ alive: true, pid: process.pid, results }) + '\n');
await p.close();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
