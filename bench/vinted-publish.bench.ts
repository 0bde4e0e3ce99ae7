// vinted-publish: 100 planned articles of 4 photos each published through the fake Vinted (loopback,
// real HTTP) with the write budget raised to 6,000 writes per hour (a gap of 0.6 s ± 20 %):
// - run 1, in this process: exactly 400 photo uploads and 100 creates, 0 duplicates, 0 lost, and the
//   wall time (first reservation → last article published) against the pacing floor, (writes − 1) ×
//   3600 / budget: target ≤ 1.1×;
// - run 2, a real `atelier serve` killed with SIGKILL at 10 random moments and restarted each time:
//   still 0 duplicates and 0 lost; the requests wasted by the kills are counted (answers lost, calls
//   redone) with the extra calls the recovery made.
// --quick: 20 articles and 3 kills. Synthetic photos (no data set needed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import sharp from 'sharp';
import type { BenchFn, BenchRow } from './types.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { openPlatform, type Platform } from '../src/core/platform.ts';
import vinted from '../src/vinted/index.ts';
import { settingsOf } from '../src/vinted/catalog/runtime.ts';
import { createCatalog, saveResult, savePlan, loadCatalog } from '../src/vinted/catalog/store.ts';
import { buildPlan } from '../src/vinted/listings/plan.ts';
import type { PipelineResult } from '../src/vinted/vision/types.ts';
import { saveAccount } from '../src/vinted/accounts/store.ts';
import { checkAccount } from '../src/vinted/accounts/check.ts';
import { execute } from '../src/vinted/publish/service.ts';
import { listPublications } from '../src/vinted/publish/store.ts';
import { startFakeVinted, type FakeVinted } from '../src/vinted/fakes/vinted.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const BUDGET = 6000;

async function seed(p: Platform, articles: number, photosPer: number): Promise<string> {
  const job = crypto.randomUUID();
  await createCatalog(p.db, job, { source: 'cli', files: articles * photosPer });
  const photos: PipelineResult['photos'] = [];
  const clusters: PipelineResult['clusters'] = [];
  for (let a = 0; a < articles; a++) {
    const ids: string[] = [];
    for (let k = 0; k < photosPer; k++) {
      const n = a * photosPer + k;
      const id = `p${String(n).padStart(4, '0')}`;
      const data = await sharp({ create: { width: 320, height: 400, channels: 3, background: { r: (n * 37) % 256, g: (n * 91) % 256, b: (n * 17) % 256 } } }).jpeg({ quality: 80 }).toBuffer();
      const listing = `bench/${job}/${id}-listing.jpg`;
      await p.files.put(listing, data);
      photos.push({ id, file: `IMG_${n}.jpg`, sha256: crypto.createHash('sha256').update(data).digest('hex'), phash: '0'.repeat(16), width: 320, height: 400, taken_at: null, format: 'jpeg', sharpness: 1, blobs: { listing, work: listing, thumb: listing } });
      ids.push(id);
    }
    clusters.push({ id: `c${a + 1}`, photos: ids, cover: ids[0], category: ['t-shirt', 'jeans', 'hoodie', 'robe'][a % 4], category_score: 1, colors: ['noir'], score: 1, joins: [] });
  }
  await saveResult(p.db, job, { backend: 'classic', photos, duplicates: [], errors: [], clusters }, [], photos.length);
  await p.db.withSchema('vinted').updateTable('clusters').set({ size: 'M', condition: 'Très bon état' }).where('job_id', '=', job).execute();
  const plan = buildPlan((await loadCatalog(p.db, job))!, settingsOf(p));
  await savePlan(p.db, plan, {});
  return job;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(NODE, [path.join(ROOT, 'src/cli.ts'), 'serve'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (await fetch(`${url}/ready`).then((r) => r.ok, () => false)) return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready: ${err}`);
}

const kill9 = (c: ChildProcess) => new Promise<void>((resolve) => {
  if (c.exitCode !== null) return resolve();
  c.once('exit', () => resolve());
  c.kill('SIGKILL');
});

const bench: BenchFn = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const articles = quick ? 20 : 100;
  const perArticle = 4;
  const kills = quick ? 3 : 10;
  const writes = articles * (perArticle + 1);
  const floorS = ((writes - 1) * 3600) / BUDGET;
  const baseEnv = {
    VINTED_WRITES_PER_HOUR: String(BUDGET), VINTED_ACTIVE_HOURS: '00-24', ATELIER_HTTP_ALLOW_PRIVATE: 'true', VINTED_BACKOFF_BASE_S: '1',
    ATELIER_SECRET_KEY: 'bench-publish-key-0123456789abcdef', LOG_LEVEL: 'error', ATELIER_WORKERS: 'true',
  };

  // ---- run 1: in process, no fault
  {
    const fake = await startFakeVinted();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-publish-'));
    const env = { ...baseEnv, ATELIER_DATA_DIR: dataDir, VINTED_BASE_URL: fake.url };
    const p = await openPlatform({ config: loadConfig(env), modules: [vinted], role: 'server', work: true, log: createLogger({ level: 'error' }) });
    try {
      const job = await seed(p, articles, perArticle);
      const account = await checkAccount(p, await saveAccount(p, { name: 'bench', kind: 'web', cookies: fake.session('bench'), userAgent: 'Mozilla/5.0 bench' }));
      if (account.status !== 'ok') throw new Error(`account not usable: ${account.status}`);
      log(`run 1: ${articles} articles × ${perArticle} photos, ${writes} writes at ${BUDGET}/h → pacing floor ${floorS.toFixed(1)} s`);
      const t0 = Date.now();
      await execute(p, { job, account: 'bench', dryRun: false, key: 'bench-run-1' });
      let pubs = await listPublications(p.db, { jobId: job });
      while (pubs.some((x) => !['published', 'needs_review', 'needs_manual', 'dead'].includes(x.state))) {
        await new Promise((r) => setTimeout(r, 500));
        pubs = await listPublications(p.db, { jobId: job });
      }
      const first = await p.db.withSchema('vinted').selectFrom('writes').select((eb) => eb.fn.min('at').as('at')).executeTakeFirstOrThrow();
      const wallS = (Math.max(...pubs.map((x) => x.published_at?.getTime() ?? Date.now())) - new Date(first.at as string).getTime()) / 1000;
      const totalS = (Date.now() - t0) / 1000;
      const st = fake.stats();
      const dup = st.creates - new Set(pubs.map((x) => x.vinted_id).filter(Boolean)).size;
      const lost = pubs.filter((x) => x.state !== 'published').length;
      log(`run 1: ${st.photos} uploads, ${st.creates} creates, ${dup} duplicates, ${lost} lost; ${wallS.toFixed(1)} s of writes (${totalS.toFixed(1)} s with the preparation)`);
      rows.push({ metric: `run 1: photo uploads (${articles}×${perArticle})`, value: st.photos, unit: '', target: `= ${articles * perArticle}`, ok: st.photos === articles * perArticle });
      rows.push({ metric: 'run 1: item creates', value: st.creates, unit: '', target: `= ${articles}`, ok: st.creates === articles });
      rows.push({ metric: 'run 1: duplicates', value: dup, unit: '', target: '0', ok: dup === 0 });
      rows.push({ metric: 'run 1: lost (not published)', value: lost, unit: '', target: '0', ok: lost === 0 });
      const ratio = wallS / floorS;
      rows.push({ metric: `run 1: wall time of ${writes} paced writes`, value: wallS, unit: 's', baseline: { label: `pacing floor (${writes} − 1) × 3600/${BUDGET}`, value: floorS, unit: 's' }, ratio, target: '≤ 1.1×', ok: ratio <= 1.1 });
      notes.push(`run 1: wall = first write slot → last article published; the gap is drawn in 0.8–1.2 × 3600/budget (VINTED_WRITE_JITTER 0.2), so the floor is the budget's own minimum on average; ${st.requests} requests in all (writes + lookups + catalogue refresh)`);
    } finally {
      await p.close();
      await fake.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  // ---- run 2: a real server killed with SIGKILL at random moments
  {
    const fake = await startFakeVinted();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-publish-kill-'));
    const env: Record<string, string> = {
      ...baseEnv, ATELIER_DATA_DIR: dataDir, VINTED_BASE_URL: fake.url, PORT: String(await freePort()), HOST: '127.0.0.1',
      ATELIER_ADMIN_EMAIL: 'bench@publish.test', ATELIER_ADMIN_PASSWORD: 'bench-publish-password',
    };
    let server: { child: ChildProcess; url: string } | null = null;
    try {
      const p = await openPlatform({ config: loadConfig(env), modules: [vinted], role: 'cli', work: false, log: createLogger({ level: 'error' }) });
      const job = await seed(p, articles, perArticle);
      const account = await checkAccount(p, await saveAccount(p, { name: 'bench', kind: 'web', cookies: fake.session('bench-kill'), userAgent: 'Mozilla/5.0 bench' }));
      if (account.status !== 'ok') throw new Error(`account not usable: ${account.status}`);
      await p.close();
      server = await startServer(env);
      const login = async () => ((await (await fetch(`${server!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@publish.test', password: 'bench-publish-password' }) })).json()) as any).access_token as string;
      let token = await login();
      const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
        (await fetch(`${server!.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined })).json() as Promise<any>;
      const t0 = Date.now();
      await api('POST', '/api/vinted/bulk/listings/execute', { job, account: 'bench', dry_run: false }, { 'idempotency-key': 'bench-run-2' });
      const queue = async () => (await api('GET', `/api/vinted/publish/queue?account=bench&job=${job}`)).items as any[];
      const done = (items: any[]) => items.length === articles && items.every((i) => ['published', 'needs_review', 'needs_manual', 'dead'].includes(i.state));
      let killed = 0;
      const restarts: number[] = [];
      // kill at random moments spread over the expected duration
      while (killed < kills) {
        await new Promise((r) => setTimeout(r, (floorS / (kills + 1)) * 1000 * (0.5 + Math.random())));
        if (done(await queue().catch(() => []))) break;
        await kill9(server.child);
        killed++;
        const r0 = Date.now();
        server = await startServer(env);
        token = await login();
        restarts.push((Date.now() - r0) / 1000);
        log(`run 2: kill -9 #${killed} at ${((r0 - t0) / 1000).toFixed(0)} s, fake so far ${JSON.stringify(fake.stats())}`);
      }
      let items = await queue();
      while (!done(items)) {
        await new Promise((r) => setTimeout(r, 1000));
        items = await queue();
      }
      const wallS = (Date.now() - t0) / 1000;
      const st = fake.stats();
      const dup = st.creates - new Set(items.map((i) => i.vinted_id).filter(Boolean)).size;
      const extraUploads = st.photos - articles * perArticle;
      const lost = items.filter((i) => i.state !== 'published').length;
      const wasted = items.reduce((n, i) => n + Number(i.wasted), 0);
      log(`run 2: ${killed} kills, ${st.photos} uploads, ${st.creates} creates, ${dup} duplicates, ${lost} lost, ${wasted} wasted, ${st.requests} requests, ${wallS.toFixed(0)} s`);
      rows.push({ metric: `run 2 (${killed} × kill -9): item creates`, value: st.creates, unit: '', target: `= ${articles}`, ok: st.creates === articles });
      rows.push({ metric: 'run 2: duplicates', value: dup, unit: '', target: '0', ok: dup === 0 });
      rows.push({ metric: 'run 2: lost (not published)', value: lost, unit: '', target: '0', ok: lost === 0 });
      rows.push({ metric: `run 2: photo uploads beyond the ${articles * perArticle} needed (redone after a kill)`, value: extraUploads, unit: '' });
      rows.push({ metric: 'run 2: wasted requests (answers lost to a kill, calls redone)', value: wasted, unit: '' });
      rows.push({ metric: 'run 2: all requests to Vinted', value: st.requests, unit: '', baseline: { label: 'run-1-like minimum: writes', value: writes, unit: '' }, ratio: st.requests / writes });
      rows.push({ metric: 'run 2: wall time', value: wallS, unit: 's', baseline: { label: 'pacing floor', value: floorS, unit: 's' }, ratio: wallS / floorS });
      notes.push(`run 2: ${killed} kills; each restart took ${restarts.map((r) => r.toFixed(0)).join(', ')} s (server start), then a new runner took the account over once the dead one's lease ran out (≤ 15 s); wasted = requests whose answer was lost and whose call was redone (a reconciled one is not counted)`);
    } finally {
      if (server) await kill9(server.child);
      await fake.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { name: 'vinted-publish', rows, notes };
};

export default bench;
