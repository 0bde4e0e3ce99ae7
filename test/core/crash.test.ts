// A server killed with SIGKILL mid-job and restarted resumes that job from its checkpoint; while a
// server owns the embedded data dir, the CLI goes through its API or refuses, saying why.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { freePort, runCli, startServer, stop, type ServerProcess } from '../helpers/server-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-crash-'));
let server: ServerProcess | null = null;
afterAll(async () => {
  if (server) await stop(server, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function api(url: string, token: string, method: string, p: string, body?: unknown) {
  const r = await fetch(url + p, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return r.json() as Promise<any>;
}

describe('crash and single owner', () => {
  it('resumes a job after SIGKILL, and the CLI respects the running server', async () => {
    const dbUrl = await createDatabase();
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'crash-test-key-0123456789abcdef',
      ATELIER_ADMIN_EMAIL: 'admin@crash.test', ATELIER_ADMIN_PASSWORD: 'crash-admin-password',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    server = await startServer(env);
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@crash.test', password: 'crash-admin-password' }) });
    const token = ((await login.json()) as any).access_token as string;
    const { job } = await api(server.url, token, 'POST', '/api/jobs/demo', { steps: 30, stepMs: 300 });

    let cur: any;
    for (let i = 0; i < 600; i++) {
      cur = (await api(server.url, token, 'GET', `/api/jobs/${job.id}`)).job;
      if (cur.progress >= 20 || cur.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(cur.status).toBe('running');
    await stop(server, 'SIGKILL');
    const progressAtKill = cur.progress;

    server = await startServer(env);
    const login2 = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@crash.test', password: 'crash-admin-password' }) });
    const token2 = ((await login2.json()) as any).access_token as string;
    let detail: any;
    for (let i = 0; i < 240; i++) {
      detail = await api(server.url, token2, 'GET', `/api/jobs/${job.id}`);
      if (['completed', 'failed', 'cancelled'].includes(detail.job.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(detail.job.status).toBe('completed');
    expect(detail.job.attempts).toBeGreaterThanOrEqual(2);
    expect(detail.job.counters.steps_done).toBe(30);
    const messages: string[] = detail.events.map((e: any) => e.message);
    expect(messages.some((m) => /resumed \(attempt 2\)/.test(m))).toBe(true);
    // resumed from the checkpoint: the steps done before the kill were not done again
    expect(messages.filter((m) => m === 'step 1/30 done')).toHaveLength(1);
    expect(progressAtKill).toBeGreaterThan(0);

    if (!dbUrl) {
      // single owner: a second process cannot open the embedded data dir (a command with no API equivalent)
      const refused = runCli(['migrate', '--json'], env);
      expect(refused.code).toBe(3);
      expect(JSON.parse(refused.stdout).error.code).toBe('data_dir_locked');
      expect(refused.stderr).toMatch(/in use by the atelier server/);
      const noToken = runCli(['jobs', 'list', '--json'], env);
      expect(noToken.code).toBe(3);
      expect(noToken.stderr).toMatch(/ATELIER_TOKEN/);
    }
    // …and with a token it goes through the server's API
    const api1 = await api(server.url, token2, 'POST', '/api/tokens', { name: 'cli' });
    const viaApi = runCli(['jobs', 'list', '--json'], { ...env, ATELIER_TOKEN: api1.token, ATELIER_URL: server.url });
    expect(viaApi.code).toBe(0);
    expect(JSON.parse(viaApi.stdout).jobs.some((j: any) => j.id === job.id)).toBe(true);

    await stop(server);
    server = null;
  }, 400_000);
});
