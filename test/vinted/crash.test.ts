// A real server killed with SIGKILL in the middle of an ingest, then restarted: the job is picked up
// again (attempt 2) and the catalog ends complete — nothing to upload again.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { freePort, runCli, startServer, stop, type ServerProcess } from '../helpers/server-process.ts';
import { fixtureFiles, FIXTURES } from './helpers.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-vinted-crash-'));
let server: ServerProcess | null = null;
afterAll(async () => {
  if (server) await stop(server, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@vinted.test', password: 'vinted-admin-password' }) });
  return ((await r.json()) as { access_token: string }).access_token;
}

describe('ingest survives a crash; the CLI uses the running server', () => {
  it('SIGKILL mid-analysis → restart → the job completes with the whole catalog', async () => {
    const dbUrl = await createDatabase();
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'vinted-crash-key-0123456789abcdef',
      ATELIER_ADMIN_EMAIL: 'admin@vinted.test', ATELIER_ADMIN_PASSWORD: 'vinted-admin-password', VISION_BACKEND: 'classic',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    server = await startServer(env, 120_000);
    let token = await login(server.url);
    const form = new FormData();
    for (const f of fixtureFiles()) form.append('files', new Blob([new Uint8Array(f.data)]), f.name);
    const up = await fetch(`${server.url}/api/vinted/bulk/ingest/photos`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(up.status).toBe(202);
    const { job_id: job } = (await up.json()) as { job_id: string };

    // kill as soon as a worker holds the job (before the catalog exists): 13 small photos take well
    // under a second to analyse, so the window is short and polled tightly; a job killed while
    // active is retried by pg-boss (attempt 2), wherever the handler was
    let status: { status: string; percent: number } = { status: 'queued', percent: 0 };
    for (let i = 0; i < 1500 && status.status !== 'running'; i++) {
      status = (await (await fetch(`${server.url}/api/vinted/bulk/status?job=${job}`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof status;
      if (status.status !== 'running') await new Promise((r) => setTimeout(r, 20));
    }
    expect(status.status).toBe('running');
    await stop(server, 'SIGKILL');

    server = await startServer(env, 120_000);
    token = await login(server.url);
    let s: any;
    for (let i = 0; i < 300; i++) {
      s = await (await fetch(`${server.url}/api/vinted/bulk/status?job=${job}`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (['completed', 'failed', 'cancelled'].includes(s.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(s.status, JSON.stringify(s)).toBe('completed');
    expect(s.progress).toEqual({ scanned: 13, total: 13, clusters: 4, duplicates: 1, errors: 0 });
    const detail: any = await (await fetch(`${server.url}/api/jobs/${job}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(detail.job.attempts).toBeGreaterThanOrEqual(2);

    // while this server owns the data dir, the CLI goes through its API (with a personal token)
    const tok = (await (await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'cli' }) })).json()) as { token: string };
    const shoot = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-vinted-shoot-'));
    for (const n of ['IMG_0001.jpg', 'IMG_0002.jpg', 'IMG_0003.jpg']) fs.copyFileSync(path.join(FIXTURES, n), path.join(shoot, n));
    if (!dbUrl) {
      // embedded database: one owner; without a token the CLI refuses (a PostgreSQL server has no owner)
      const noToken = runCli(['vinted', 'ingest', shoot, '--json'], env);
      expect(noToken.code).toBe(3);
    }
    const viaServer = runCli(['vinted', 'ingest', shoot, '--json'], { ...env, ATELIER_TOKEN: tok.token, ATELIER_URL: server.url });
    expect(viaServer.code, viaServer.stderr).toBe(0);
    const out = JSON.parse(viaServer.stdout);
    expect(out).toMatchObject({ ok: true, files: 3, errors: [], duplicates: [] });
    expect(out.clusters.flatMap((c: any) => c.photos)).toEqual(['IMG_0001.jpg', 'IMG_0002.jpg', 'IMG_0003.jpg']);
    const plan = runCli(['vinted', 'plan', out.job_id, '--category', 'robe', '--size', 'M', '--json'], { ...env, ATELIER_TOKEN: tok.token, ATELIER_URL: server.url });
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).items[0]).toMatchObject({ category: 'robe', publish_ready: true });
    fs.rmSync(shoot, { recursive: true, force: true });
    await stop(server);
    server = null;
  }, 400_000);
});
