// Distributed mode: the same three jobs (a Vinted ingest of 6 photos, a scrape of a fake developer
// site, a release pack) on one `atelier worker` against two, wall time from enqueue to the last job
// done; PostgreSQL + s3rver + `atelier serve` with ATELIER_WORKERS=false, as in docs/deploy.md.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { BenchFn, BenchRow } from './types.ts';
import { startPostgres } from './pg.ts';
import { CLI, NODE, ROOT, freePort } from '../test/helpers/server-process.ts';
import { startFakeSite, FAKE_CITIES } from '../src/promoteurs/fakes/sites.ts';
import { fixtureFiles, multipart } from '../test/vinted/helpers.ts';
import { writeEpub } from '../test/releases/samples.ts';

async function until<T>(f: () => Promise<T | undefined>, ms = 300_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(workers: number, tmp: string, dbUrl: string, log: (m: string) => void): Promise<number> {
  const procs: ChildProcess[] = [];
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(tmp, `s3-${workers}`), configureBuckets: [{ name: 'atelier', configs: [] }] });
  const { port: s3Port } = await s3.run();
  const site = await startFakeSite({ kind: 'icade', cities: FAKE_CITIES.filter((c) => ['lyon', 'bordeaux'].includes(c.slug)), perCity: 3, seed: 4 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...process.env as Record<string, string>, LOG_LEVEL: 'warn',
    DATABASE_URL: dbUrl, ATELIER_FILES: 's3', S3_ENDPOINT: `http://127.0.0.1:${s3Port}`, S3_BUCKET: 'atelier', S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', ATELIER_SECRET_KEY: 'distributed-bench-key-0123456789abcdef',
    ATELIER_HTTP_ALLOW_PRIVATE: 'true', PROMOTEURS_SOURCE_URLS: `icade=${site.url}`, PROMOTEURS_TIME_SCALE: '0.0005',
  };
  const launch = (args: string[], more: Record<string, string>) => {
    const c = spawn(NODE, [CLI, ...args], { cwd: ROOT, env: { ...env, ...more }, stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(c);
    return c;
  };
  try {
    launch(['serve'], { ATELIER_DATA_DIR: path.join(tmp, `srv-${workers}`), ATELIER_WORKERS: 'false', PORT: String(port), HOST: '127.0.0.1', ATELIER_ADMIN_EMAIL: 'admin@bench.test', ATELIER_ADMIN_PASSWORD: 'distributed-bench-password' });
    await until(() => fetch(`${url}/ready`).then((r) => (r.ok ? true : undefined), () => undefined));
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@bench.test', password: 'distributed-bench-password' }) });
    const auth = { authorization: `Bearer ${((await login.json()) as any).access_token}` };
    const post = async (p: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      (await fetch(url + p, { method: 'POST', headers: { ...auth, ...headers }, body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) })).json() as Promise<any>;
    const epub = multipart([{ name: 'Le Rouge.epub', data: fs.readFileSync(await writeEpub(path.join(tmp, 'src.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr' })) }]);
    const upload = (await post('/api/releases/uploads', epub.body, epub.headers)).uploads[0].id as string;
    // the workers are started and ready before the clock starts
    for (let i = 0; i < workers; i++) {
      const w = launch(['worker'], { ATELIER_DATA_DIR: path.join(tmp, `w${workers}-${i}`), LOG_LEVEL: 'info' });
      let out = '';
      w.stderr!.on('data', (d) => (out += d));
      await until(async () => (out.includes('worker started') ? true : undefined));
    }
    const t0 = performance.now();
    const photos = multipart(fixtureFiles().slice(0, 6));
    const ids = [
      (await post('/api/vinted/bulk/ingest/photos', photos.body, photos.headers)).job_id,
      (await post('/api/promoteurs/runs', { promoteurs: 'icade', cities: 'lyon,bordeaux', skipImages: true })).job.id,
      (await post('/api/releases/jobs', { source: { upload }, type: 'EBOOK', group: 'ATL' })).job.id,
    ] as string[];
    for (const id of ids) {
      const job = await until(async () => {
        const j = ((await (await fetch(`${url}/api/jobs/${id}`, { headers: auth })).json()) as any).job;
        return ['completed', 'failed', 'cancelled'].includes(j.status) ? j : undefined;
      });
      if (job.status !== 'completed') throw new Error(`${job.module}.${job.kind} ${job.status}: ${job.error}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    log(`${workers} worker(s): ${seconds.toFixed(2)} s`);
    return seconds;
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await s3.close();
    await site.close();
  }
}

const bench: BenchFn = async ({ log }) => {
  const pg1 = await startPostgres();
  if (!pg1) return { name: 'distributed', rows: [], notes: ['PostgreSQL binaries not found (/usr/lib/postgresql/15/bin) and no BENCH_DATABASE_URL/TEST_DATABASE_URL: skipped'] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-dist-'));
  try {
    const one = await run(1, tmp, pg1.url, log);
    const pg2 = await startPostgres();
    const two = await run(2, tmp, pg2!.url, log);
    pg2!.stop();
    const rows: BenchRow[] = [{ metric: 'ingest + scrape + pack on 2 workers', value: two, unit: 's', baseline: { label: '1 worker', value: one, unit: 's' }, ratio: two / one }];
    return {
      name: 'distributed', rows,
      notes: [`wall time from the first enqueue to the last job done; workers started and ready before; PostgreSQL + s3rver on loopback; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end (all processes share these CPUs)`],
    };
  } finally {
    pg1.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
};
export default bench;
