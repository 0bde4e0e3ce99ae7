import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService, REFRESH_REUSE_GRACE_MS } from '../../src/core/auth.ts';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ work: false, env: { ATELIER_LOGIN_RATE: '5' } });
});
afterAll(async () => t?.close());

function cookies(res: { headers: Record<string, any> }): Record<string, string> {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return Object.fromEntries(raw.map((c) => c.split(';')[0].split('=')).map(([k, ...v]) => [k, v.join('=')]));
}

describe('auth', () => {
  it('logs in with httpOnly cookies, refreshes with rotation and detects reuse after a grace period', async () => {
    const login = await t.request('POST', '/api/auth/login', { body: { email: 'operator@test.local', password: 'operator-password-123' } });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('operator');
    const raw = ([] as string[]).concat(login.headers['set-cookie']);
    expect(raw.every((c) => /HttpOnly/i.test(c))).toBe(true);
    const c1 = cookies(login);
    const me = await t.request('GET', '/api/auth/me', { headers: { cookie: `atelier_access=${c1.atelier_access}` } });
    expect(me.body.user.email).toBe('operator@test.local');

    const r1 = await t.request('POST', '/api/auth/refresh', { headers: { cookie: `atelier_refresh=${c1.atelier_refresh}` } });
    expect(r1.status).toBe(200);
    const c2 = cookies(r1);
    expect(c2.atelier_refresh).toBeTruthy();
    expect(c2.atelier_refresh).not.toBe(c1.atelier_refresh);
    // within the grace period a used token still answers (two tabs, a page unloaded mid-refresh)…
    const twin = await t.request('POST', '/api/auth/refresh', { headers: { cookie: `atelier_refresh=${c1.atelier_refresh}` } });
    expect(twin.status).toBe(200);
    const c3 = cookies(twin);
    expect(c3.atelier_refresh).not.toBe(c2.atelier_refresh);
    // …after it, presenting it again is theft: the whole family is revoked
    const sha = crypto.createHash('sha256').update(c1.atelier_refresh).digest('hex');
    await t.ctx.db.withSchema('core').updateTable('refresh_tokens')
      .set({ used_at: new Date(Date.now() - REFRESH_REUSE_GRACE_MS - 1000) }).where('token_hash', '=', sha).execute();
    const reuse = await t.request('POST', '/api/auth/refresh', { headers: { cookie: `atelier_refresh=${c1.atelier_refresh}` } });
    expect(reuse.status).toBe(401);
    for (const c of [c2, c3]) {
      const afterReuse = await t.request('POST', '/api/auth/refresh', { headers: { cookie: `atelier_refresh=${c.atelier_refresh}` } });
      expect(afterReuse.status).toBe(401);
    }
  });

  it('refuses wrong passwords and rate limits login', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.request('POST', '/api/auth/login', { body: { email: 'admin@test.local', password: 'wrong-password' } })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses).toContain(429);
  });

  it('creates, uses and revokes personal API tokens; they are stored hashed', async () => {
    const created = await t.request('POST', '/api/tokens', { token: t.tokens.viewer, body: { name: 'script' } });
    expect(created.status).toBe(200);
    const token = created.body.token as string;
    expect(token.startsWith('atl_')).toBe(true);
    const rows = await t.ctx.db.withSchema('core').selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.some((r: any) => r.token_hash === token)).toBe(false);
    expect((await t.request('GET', '/api/jobs', { token })).status).toBe(200);
    expect((await t.request('DELETE', `/api/tokens/${created.body.id}`, { token })).status).toBe(200);
    expect((await t.request('GET', '/api/jobs', { token })).status).toBe(401);
  });

  it('first-run setup creates the admin only while no user exists', async () => {
    const setup = await t.request('GET', '/api/auth/setup');
    expect(setup.body.needsSetup).toBe(false);
    const again = await t.request('POST', '/api/auth/setup', { body: { email: 'x@y.z', password: 'long-enough-password' } });
    expect(again.status).toBe(409);
  });

  it('returns the JSON error shape for validation errors and unknown routes', async () => {
    const bad = await t.request('POST', '/api/users', { token: t.tokens.admin, body: { email: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation');
    const missing = await t.request('GET', '/api/nope', { token: t.tokens.admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found' });
  });

  it('rejects oversized bodies with 413 and the limit in the message', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const res = await t.request('POST', '/api/users', { token: t.tokens.admin, body: { email: big, password: 'x', role: 'viewer' } });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/1048576 bytes/);
  });

  it('serves health, readiness, metrics and OpenAPI', async () => {
    expect((await t.request('GET', '/health')).body).toEqual({ ok: true });
    expect((await t.request('GET', '/ready')).body).toMatchObject({ ok: true, db: true, queue: true });
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toContain('atelier_http_requests_total');
    expect(metrics.text).toContain('atelier_jobs_running');
    const spec = await t.request('GET', '/api/openapi.json');
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toContain('/api/jobs');
    expect((await t.request('GET', '/api/docs/')).status).toBe(200);
  });
});

describe('access token checks', () => {
  it('reuses a checked token until its expiry, and still refuses it once its session ends', async () => {
    const login = await t.request('POST', '/api/auth/login', { remoteAddress: '10.9.9.8', body: { email: 'viewer@test.local', password: 'viewer-password-123' } });
    const { atelier_access: access, atelier_refresh: refresh } = cookies(login);
    // concurrent requests with one token all pass (they share one session and user check)
    const many = await Promise.all(Array.from({ length: 8 }, () => t.request('GET', '/api/auth/me', { token: access })));
    expect(many.map((r) => r.status)).toEqual(Array(8).fill(200));
    await t.request('POST', '/api/auth/logout', { headers: { cookie: `atelier_access=${access}; atelier_refresh=${refresh}` } });
    expect((await t.request('GET', '/api/auth/me', { token: access })).status).toBe(401);
  });

  it('refuses a token past its expiry even though it was checked before', async () => {
    const auth = new AuthService(t.ctx.db, t.ctx.vault.derive('jwt-expiry-test'), 1, 3600);
    const user = (await t.ctx.auth.findByEmail('viewer@test.local'))!;
    const sid = crypto.randomUUID();
    await auth.issueRefresh(user.id, sid);
    const token = await auth.accessToken({ id: user.id, email: user.email, role: user.role }, sid);
    expect(await auth.verifyAccess(token)).toMatchObject({ id: user.id });
    await new Promise((r) => setTimeout(r, 2100)); // exp is in whole seconds
    expect(await auth.verifyAccess(token)).toBeNull();
  });
});

describe('own password', () => {
  it('changes the password with the current one, and signs out other sessions', async () => {
    // another client address: the rate-limit test above used up this file's login budget
    const from = '10.9.9.9';
    const login = await t.request('POST', '/api/auth/login', { remoteAddress: from, body: { email: 'viewer@test.local', password: 'viewer-password-123' } });
    const refresh = cookies(login).atelier_refresh;
    const wrong = await t.request('POST', '/api/auth/password', { token: t.tokens.viewer, body: { current: 'nope', password: 'a-new-password-456' } });
    expect(wrong.status).toBe(400);
    const ok = await t.request('POST', '/api/auth/password', { token: t.tokens.viewer, body: { current: 'viewer-password-123', password: 'a-new-password-456' } });
    expect(ok.status).toBe(200);
    expect((await t.request('POST', '/api/auth/refresh', { headers: { cookie: `atelier_refresh=${refresh}` } })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { remoteAddress: from, body: { email: 'viewer@test.local', password: 'a-new-password-456' } })).status).toBe(200);
  });
});
