// Finding 3 (high): a release name the rules refuse crashed the whole server (an unhandled ReadStream
// error on files never written); the job stayed "running" and temp files were left behind. Now: the
// pack job fails with the rules named, the server goes on, nothing is left in temp or the blob
// store; and any job error escaping its promise fails that job instead of the process.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { NODE, ROOT, freePort, startServer, stop, type ServerProcess } from '../helpers/server-process.ts';
import { writeEpub } from '../releases/samples.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-sec-crash-'));
let server: ServerProcess | null = null;
afterAll(async () => {
  if (server) await stop(server, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('finding 3: no job error takes the process down', () => {
  it('a pack with a name the rules refuse fails with its reason; the server goes on; nothing is left behind', async () => {
    const dbUrl = await createDatabase();
    server = await startServer({
      ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'sec-crash-key-0123456789abcdef0123',
      ATELIER_ADMIN_EMAIL: 'admin@crash.test', ATELIER_ADMIN_PASSWORD: 'crash-admin-password', ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    });
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@crash.test', password: 'crash-admin-password' }) });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}` };
    const epub = await writeEpub(path.join(dataDir, 'book.epub'), { title: 'My Book', author: 'Ann Author', date: '2020-01-01', language: 'en' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(fs.readFileSync(epub))]), 'book.epub');
    const up = (await (await fetch(`${server.url}/api/releases/uploads`, { method: 'POST', headers: auth, body: form })).json()) as any;
    const upload = up.uploads[0].id;
    for (let run = 0; run < 3; run++) {
      const r = await fetch(`${server.url}/api/releases/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ source: { upload }, type: 'EBOOK', group: 'GRP', name: 'My Book (typo)' }) });
      expect(r.status).toBe(202);
      const { job } = (await r.json()) as { job: { id: string } };
      let rec: any;
      for (let i = 0; i < 240; i++) {
        rec = await (await fetch(`${server.url}/api/jobs/${job.id}`, { headers: auth })).json();
        if (['completed', 'failed', 'cancelled'].includes(rec.job.status)) break;
        await new Promise((res) => setTimeout(res, 250));
      }
      expect(rec.job.status).toBe('failed');
      expect(rec.job.error).toMatch(/name refused by ebook-2024.*naming\./);
      expect(rec.job.attempts).toBe(1); // refused for good: not retried
      expect(server.child.exitCode).toBeNull();
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    }
    const pid = server.child.pid!;
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n.includes(`-p${pid}-`))).toEqual([]);
    expect(walk(path.join(dataDir, 'files')).filter((f) => /\.tmp-/.test(f))).toEqual([]);
  }, 240_000);

  it('a throw in a timer, an unheard stream error and a stray rejection each fail their job; the worker lives on', () => {
    const r = spawnSync(NODE, [path.join(ROOT, 'test/security/crash-jobs.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env } });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(line);
    expect(out.alive).toBe(true);
    expect(out.results.timer).toEqual({ status: 'failed', error: 'boom in a timer' });
    expect(out.results.stream.status).toBe('failed');
    expect(out.results.stream.error).toMatch(/ENOENT/);
    expect(out.results.rejection).toEqual({ status: 'failed', error: 'nobody awaits this' });
    expect(out.results.fine.status).toBe('completed');
  }, 150_000);
});
