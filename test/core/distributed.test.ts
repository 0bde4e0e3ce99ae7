// The scaled-out topology of docs/deploy.md, end to end: PostgreSQL, an S3 server (s3rver), one
// `atelier serve` with ATELIER_WORKERS=false and two `atelier worker` processes. One real job of each
// module runs on the workers (a Vinted ingest, a scrape of a fake developer's site, a release pack),
// their files going through S3; a worker is killed (SIGKILL) in the middle of a job and the other
// one finishes it from its checkpoint, no step done twice, nothing lost.
// PostgreSQL only (there is no separate worker on the embedded database): skipped without TEST_DATABASE_URL.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import S3rver from 's3rver';
import { createDatabase } from '../helpers/platform.ts';
import { CLI, NODE, ROOT, freePort } from '../helpers/server-process.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../src/promoteurs/fakes/sites.ts';
import { fixtureFiles, multipart } from '../vinted/helpers.ts';
import { writeEpub } from '../releases/samples.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-dist-'));
const procs: ChildProcess[] = [];
let s3: S3rver | undefined;
let site: FakeSite | undefined;
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await s3?.close();
  await site?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function launch(args: string[], env: Record<string, string>) {
  const output: string[] = [];
  const child = spawn(NODE, [CLI, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => output.push(d.toString()));
  child.stderr!.on('data', (d) => output.push(d.toString()));
  procs.push(child);
  return { child, output };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('distributed: serve + 2 workers on PostgreSQL and S3', () => {
  it('runs a job of each module on the workers and survives a worker killed mid-job', async () => {
    const dbUrl = (await createDatabase())!;
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(tmp, 's3'), configureBuckets: [{ name: 'atelier', configs: [] }] });
    const { port: s3Port } = await s3.run();
    site = await startFakeSite({ kind: 'icade', cities: FAKE_CITIES.filter((c) => c.slug === 'lyon'), perCity: 2, seed: 4 });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      DATABASE_URL: dbUrl, ATELIER_FILES: 's3', S3_ENDPOINT: `http://127.0.0.1:${s3Port}`, S3_BUCKET: 'atelier', S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', ATELIER_SECRET_KEY: 'distributed-test-key-0123456789abcdef',
      ATELIER_HTTP_ALLOW_PRIVATE: 'true', PROMOTEURS_SOURCE_URLS: `icade=${site.url}`, PROMOTEURS_TIME_SCALE: '0.0005',
    };
    // each process has its own data dir: they share nothing but PostgreSQL and S3
    const dirFor = (name: string) => ({ ATELIER_DATA_DIR: path.join(tmp, name) });
    const server = launch(['serve'], {
      ...env, ...dirFor('server'), ATELIER_WORKERS: 'false', PORT: String(port), HOST: '127.0.0.1',
      ATELIER_ADMIN_EMAIL: 'admin@dist.test', ATELIER_ADMIN_PASSWORD: 'distributed-admin-password',
    });
    await until('the server', async () => {
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output.join('')}`);
      return fetch(`${url}/ready`).then((r) => (r.ok ? true : undefined), () => undefined);
    });
    const workers = [launch(['worker'], { ...env, ...dirFor('w1') }), launch(['worker'], { ...env, ...dirFor('w2') })];
    for (const w of workers) await until('a worker', async () => (w.output.join('').includes('worker started') ? true : w.child.exitCode !== null ? Promise.reject(new Error(w.output.join(''))) : undefined));

    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@dist.test', password: 'distributed-admin-password' }) });
    const auth = { authorization: `Bearer ${((await login.json()) as any).access_token}` };
    const post = async (p: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      const r = await fetch(url + p, { method: 'POST', headers: { ...auth, ...headers }, body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) });
      expect(r.status, `${p}: ${r.status}`).toBeLessThan(300);
      return r.json() as Promise<any>;
    };
    const detail = async (id: string) => (await fetch(`${url}/api/jobs/${id}`, { headers: auth })).json() as Promise<any>;
    const finished = (id: string) => until(`job ${id}`, async () => {
      const d = await detail(id);
      return ['completed', 'failed', 'cancelled'].includes(d.job.status) ? d : undefined;
    }, 180_000);

    // a long job first, to kill its worker in the middle of it
    const demo = (await post('/api/jobs/demo', { steps: 24, stepMs: 250 })).job.id as string;
    // one real job of each module, their inputs uploaded to the server (hence to S3)
    const photos = multipart(fixtureFiles().slice(0, 3));
    const ingest = (await post('/api/vinted/bulk/ingest/photos', photos.body, photos.headers)).job_id as string;
    const scrape = (await post('/api/promoteurs/runs', { promoteurs: 'icade', cities: 'lyon', skipImages: true })).job.id as string;
    const epub = multipart([{ name: 'Le Rouge.epub', data: fs.readFileSync(await writeEpub(path.join(tmp, 'src.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr' })) }]);
    const upload = (await post('/api/releases/uploads', epub.body, epub.headers)).uploads[0].id as string;
    const pack = (await post('/api/releases/jobs', { source: { upload }, type: 'EBOOK', group: 'ATL' })).job.id as string;

    // kill the worker running the demo job once it is under way
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const owner = await until('the demo job to be under way', async () => {
        const r = await db.query('SELECT worker, progress FROM core.jobs WHERE id = $1', [demo]);
        return r.rows[0]?.worker && Number(r.rows[0].progress) >= 20 ? String(r.rows[0].worker) : undefined;
      });
      const victim = workers.find((w) => owner.split(':')[1] === String(w.child.pid))!;
      expect(victim, `worker ${owner}`).toBeDefined();
      victim.child.kill('SIGKILL');

      const d = await finished(demo);
      expect(d.job.status).toBe('completed');
      expect(d.job.attempts).toBeGreaterThanOrEqual(2);
      const messages: string[] = d.events.map((e: any) => e.message);
      for (let i = 1; i <= 24; i++) expect(messages.filter((m) => m === `step ${i}/24 done`), `step ${i}`).toHaveLength(1);
      const resumedBy = (await db.query('SELECT worker FROM core.jobs WHERE id = $1', [demo])).rows[0].worker as string;
      expect(resumedBy).not.toBe(owner);

      for (const id of [ingest, scrape, pack]) {
        const j = await finished(id);
        expect(j.job.status, `${j.job.module}.${j.job.kind}: ${j.job.error}`).toBe('completed');
      }
      // the module's results are there, once: the catalog's photos, the programmes, one pack
      expect((await db.query('SELECT count(*)::int AS n FROM vinted.photos WHERE job_id = $1', [ingest])).rows[0].n).toBe(3);
      expect((await db.query('SELECT count(*)::int AS n FROM releases.packs WHERE job_id = $1 AND ok', [pack])).rows[0].n).toBe(1);
      expect((await detail(scrape)).job.result).toBeTruthy();
      // the files went through S3 (the server's data dir holds none)
      const keys = fs.readdirSync(path.join(tmp, 's3', 'atelier'), { recursive: true }).map(String);
      expect(keys.some((k) => k.startsWith(`jobs/${pack}/`) || k.includes(pack))).toBe(true);
      expect(fs.existsSync(path.join(tmp, 'server', 'files')) ? fs.readdirSync(path.join(tmp, 'server', 'files')) : []).toEqual([]);
    } finally {
      await db.end();
    }
  }, 400_000);
});
