// Finding 10 (low): security headers; JWTs without exp; tokens surviving logout and password
// changes; a public /metrics; `serve` exiting 0 when refused; stale progress after a restart; temp
// folders of killed packs; weak passwords accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { SignJWT } from 'jose';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { NODE, CLI, ROOT, freePort } from '../helpers/server-process.ts';
import { sweepTempDirs } from '../../src/core/tmp.ts';
import { validatePassword } from '../../src/core/auth.ts';

let t: TestPlatform;
beforeAll(async () => { t = await createTestPlatform({ work: false, env: { ATELIER_METRICS_TOKEN: 'planted-metrics-token-77' } }); });
afterAll(async () => t?.close());

const cookiesOf = (r: { headers: Record<string, any> }) => Object.fromEntries((r.headers['set-cookie'] as string[]).map((c) => c.split(';')[0].split('=') as [string, string]));

function run(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [CLI, ...args], { cwd: ROOT, env: { ...process.env, HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

describe('finding 10: hardening', () => {
  it('security headers on the API, the health check and the web app', async () => {
    for (const url of ['/api/modules', '/health', '/']) {
      const r = await t.request('GET', url);
      expect(r.headers['content-security-policy'], url).toMatch(/default-src 'self'/);
      expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(r.headers['content-security-policy']).toMatch(/object-src 'none'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('same-origin');
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('a JWT without exp (or without a session) is refused, even signed with the right key', async () => {
    const key = t.ctx.vault.derive('jwt');
    const user = (await t.ctx.auth.listUsers())[0];
    const noExp = await new SignJWT({ role: 'admin', sid: '00000000-0000-4000-8000-000000000000' }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuedAt().setIssuer('atelier').sign(key);
    const noSid = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuedAt().setExpirationTime('1h').setIssuer('atelier').sign(key);
    for (const jwt of [noExp, noSid]) expect((await t.request('GET', '/api/auth/me', { token: jwt })).status).toBe(401);
  });

  it('logout ends the access token at once; a password change revokes sessions and API tokens', async () => {
    const login = await t.request('POST', '/api/auth/login', { body: { email: 'operator@test.local', password: 'operator-password-123' } });
    const access = login.body.access_token as string;
    expect((await t.request('GET', '/api/auth/me', { token: access })).status).toBe(200);
    const c = cookiesOf(login);
    await t.request('POST', '/api/auth/logout', { headers: { cookie: `atelier_access=${c.atelier_access}; atelier_refresh=${c.atelier_refresh}` } });
    expect((await t.request('GET', '/api/auth/me', { token: access })).status).toBe(401);
    // password change: the API token and another session stop working; this browser gets new cookies
    const other = (await t.request('POST', '/api/auth/login', { body: { email: 'viewer@test.local', password: 'viewer-password-123' } })).body.access_token;
    const mine = await t.request('POST', '/api/auth/login', { body: { email: 'viewer@test.local', password: 'viewer-password-123' } });
    const mc = cookiesOf(mine);
    const changed = await t.request('POST', '/api/auth/password', { headers: { cookie: `atelier_access=${mc.atelier_access}; atelier_refresh=${mc.atelier_refresh}` }, body: { current: 'viewer-password-123', password: 'fresh-viewer-passphrase-42' } });
    expect(changed.status).toBe(200);
    expect((await t.request('GET', '/api/auth/me', { token: t.tokens.viewer })).status).toBe(401);
    expect((await t.request('GET', '/api/auth/me', { token: other })).status).toBe(401);
    const fresh = cookiesOf(changed);
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie: `atelier_access=${fresh.atelier_access}` } })).status).toBe(200);
  });

  it('/metrics needs its token', async () => {
    expect((await t.request('GET', '/metrics')).status).toBe(404);
    expect((await t.request('GET', '/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(404);
    const ok = await t.request('GET', '/metrics', { headers: { authorization: 'Bearer planted-metrics-token-77' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('atelier_http_requests_total');
    expect(t.logs.join('\n')).not.toContain('planted-metrics-token-77');
  });

  it('/metrics without a token: direct loopback connections only', async () => {
    const u = await createTestPlatform({ work: false });
    try {
      expect((await u.request('GET', '/metrics')).status).toBe(200);
      expect((await u.request('GET', '/metrics', { remoteAddress: '192.0.2.7' })).status).toBe(404);
      expect((await u.request('GET', '/metrics', { headers: { 'x-forwarded-for': '192.0.2.7' } })).status).toBe(404);
    } finally {
      await u.close();
    }
  });

  it('serve refused (data dir in use, port busy) exits non-zero and leaves no lock of its own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-sec-serve-'));
    try {
      // a live "server" owns the data dir (this test process plays it)
      fs.writeFileSync(path.join(dir, 'atelier.lock'), JSON.stringify({ pid: process.pid, kind: 'server', port: 1, started: new Date().toISOString() }));
      const locked = await run(['serve'], { ATELIER_DATA_DIR: dir, PORT: String(await freePort()) });
      expect(locked.code, locked.out).toBe(3);
      fs.rmSync(path.join(dir, 'atelier.lock'));
      const busy = net.createServer();
      const port = await freePort();
      await new Promise<void>((r) => busy.listen(port, '127.0.0.1', () => r()));
      const refused = await run(['serve'], { ATELIER_DATA_DIR: dir, PORT: String(port) });
      busy.close();
      expect(refused.code, refused.out).not.toBe(0);
      expect(refused.code).not.toBeNull();
      expect(refused.out).toMatch(/EADDRINUSE/);
      expect(fs.existsSync(path.join(dir, 'atelier.lock'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 200_000);

  it('a job left running by a dead process shows retrying at start, not its stale progress', async () => {
    const row = await t.ctx.db.withSchema('core').insertInto('jobs')
      .values({ module: 'core', kind: 'demo', status: 'running', progress: 42, worker: `${os.hostname()}:999999:abc`, heartbeat_at: new Date(Date.now() - 3600_000), payload: JSON.stringify({}) })
      .returning('id').executeTakeFirstOrThrow();
    await (t.ctx.jobs as any).markInterrupted();
    const job = await t.ctx.jobs.get(row.id);
    expect(job!.status).toBe('retrying');
    const events = await t.ctx.jobs.eventsOf(row.id);
    expect(events.map((e) => e.message).join(' ')).toMatch(/interrupted/);
  });

  it('temp folders of dead processes are removed at start; a live process keeps its own', () => {
    const dead = path.join(os.tmpdir(), 'atelier-pack-p999999-AbC123');
    const mine = path.join(os.tmpdir(), `atelier-pack-p${process.pid}-XyZ789`);
    for (const d of [dead, mine]) { fs.mkdirSync(d, { recursive: true }); fs.writeFileSync(path.join(d, 'part.rar'), 'x'); }
    sweepTempDirs();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
    fs.rmSync(mine, { recursive: true, force: true });
  });

  it('guessable passwords are refused, long unrelated words pass', async () => {
    for (const pw of ['aaaaaaaaaa', '1234567890', 'motdepasse123', 'azertyuiop', 'password123!', 'viewer@test.local']) {
      expect(validatePassword(pw, ['viewer@test.local']), pw).toMatch(/too easy|at least/);
    }
    expect(validatePassword('violon-cerisier-glacier-42')).toBeNull();
    const r = await t.request('POST', '/api/users', { token: t.tokens.admin, body: { email: 'weak@test.local', password: 'aaaaaaaaaa', role: 'viewer' } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/too easy to guess/);
  });
});
