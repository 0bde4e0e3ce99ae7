// Recurring schedules run once per tick even with several workers on one database.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { openDatabase } from '../../src/core/db.ts';
import { migrate } from '../../src/core/migrate.ts';
import { JobService } from '../../src/core/jobs/service.ts';
import { LocalBlobStore } from '../../src/core/files.ts';
import { createLogger } from '../../src/core/log.ts';
import { createDatabase } from '../helpers/platform.ts';

describe('cron schedules', () => {
  it('fires each tick once across two workers', async () => {
    const url = await createDatabase();
    const d = await openDatabase({ databaseUrl: url, dataDir: '', memory: !url });
    await migrate(d, [{ module: 'core', dir: path.resolve(import.meta.dirname, '../../src/core/migrations') }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cron-'));
    const log = createLogger({ level: 'warn' });
    const runs: { worker: string; at: number }[] = [];
    const workers = ['w1', 'w2'].map((w) => {
      const s = new JobService(d, new LocalBlobStore(dir), log);
      s.define('probe.tick', { retryLimit: 0, handler: async () => { runs.push({ worker: w, at: Date.now() }); } });
      return s;
    });
    // pg-boss cron has minute slots: wait for the first tick, then long enough for a duplicate to show
    const schedules = [{ name: 'probe.tick', cron: '* * * * *', job: 'probe.tick' }];
    for (const w of workers) await w.start({ work: true, schedules, cronIntervalSeconds: 1 });
    for (let i = 0; i < 80 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 1000));
    await new Promise((r) => setTimeout(r, 6000));
    for (const w of workers) await w.stop();
    const jobs = await d.db.withSchema('core').selectFrom('jobs').select(['created_at']).where('kind', '=', 'tick').orderBy('created_at').execute();
    await d.close();
    fs.rmSync(dir, { recursive: true, force: true });
    // the tick fired, and only once across the two workers
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    const minutes = jobs.map((j: any) => Math.floor(new Date(j.created_at).getTime() / 60_000));
    expect(new Set(minutes).size).toBe(minutes.length);
    expect(runs.length).toBe(jobs.length);
  }, 120_000);
});
