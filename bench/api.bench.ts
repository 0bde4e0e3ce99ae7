// API throughput: GET /api/jobs (auth + database) against GET /health (the server's floor), measured
// with autocannon on loopback against a real `atelier serve` process, on PGlite and on PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { BenchFn, BenchRow } from './types.ts';
import { startPostgres } from './pg.ts';
import { freePort, startServer, stop } from '../test/helpers/server-process.ts';

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<{ rps: number; p99: number }> {
  const r = await autocannon({ url, headers, connections: 16, duration: seconds, pipelining: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

/** issue 10's targets: /api/jobs at ≥ 0.25× /health on PostgreSQL, ≥ 0.1× on PGlite; p99 ≤ 50 ms */
const TARGET_RATIO: Record<string, number> = { pglite: 0.1, postgres: 0.25 };
const TARGET_P99_MS = 50;

const bench: BenchFn = async ({ quick, log }) => {
  const seconds = quick ? 3 : 10;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const pgServer = await startPostgres();
  if (!pgServer) notes.push('PostgreSQL binaries not found (/usr/lib/postgresql/15/bin): PostgreSQL row skipped');
  for (const kind of ['pglite', ...(pgServer ? ['postgres'] : [])]) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-api-'));
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'bench-key-0123456789abcdef0123',
      ATELIER_ADMIN_EMAIL: 'bench@local.test', ATELIER_ADMIN_PASSWORD: 'bench-password-123', LOG_LEVEL: 'warn',
      ...(kind === 'postgres' ? { DATABASE_URL: pgServer!.url } : {}),
    };
    const server = await startServer(env);
    try {
      const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@local.test', password: 'bench-password-123' }) });
      const token = ((await login.json()) as any).access_token;
      const auth = { authorization: `Bearer ${token}` };
      // some rows to list: 50 finished demo jobs
      for (let i = 0; i < 50; i++) await fetch(`${server.url}/api/jobs/demo`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ steps: 1, stepMs: 0 }) });
      await new Promise((r) => setTimeout(r, quick ? 3000 : 8000));
      log(`${kind}: warming up`);
      await load(`${server.url}/health`, {}, 1);
      await load(`${server.url}/api/jobs?limit=50`, auth, 1);
      const health = await load(`${server.url}/health`, {}, seconds);
      const jobs = await load(`${server.url}/api/jobs?limit=50`, auth, seconds);
      log(`${kind}: /health ${health.rps.toFixed(0)} req/s (p99 ${health.p99} ms), /api/jobs ${jobs.rps.toFixed(0)} req/s (p99 ${jobs.p99} ms)`);
      const ratio = jobs.rps / health.rps;
      rows.push({
        metric: `GET /api/jobs?limit=50 (${kind})`, value: jobs.rps, unit: 'req/s', baseline: { label: 'GET /health', value: health.rps, unit: 'req/s' },
        ratio, target: `≥ ${TARGET_RATIO[kind]}×`, ok: ratio >= TARGET_RATIO[kind],
      });
      rows.push({ metric: `GET /api/jobs p99 (${kind})`, value: jobs.p99, unit: 'ms', baseline: { label: 'GET /health p99', value: health.p99, unit: 'ms' }, target: `≤ ${TARGET_P99_MS} ms`, ok: jobs.p99 <= TARGET_P99_MS });
    } finally {
      await stop(server);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  pgServer?.stop();
  notes.push('16 connections, autocannon in the bench process, server in its own process; ratio = /api/jobs throughput ÷ /health throughput; the job list is cached until a job changes (PGlite) or refreshed in the background after 1 s (PostgreSQL, other processes), its body written once per list, and a checked access token is not checked again until it expires, so this measures mostly the session/user cache and the send: the uncached query is ~4 ms on PGlite');
  notes.push(`p99 is wall time on a shared machine: compare it with /health's p99 of the same run (load average ${os.loadavg()[0].toFixed(1)} at the end, ${os.cpus().length} CPUs)`);
  return { name: 'api', rows, notes };
};
export default bench;
