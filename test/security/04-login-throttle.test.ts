// Finding 4 (high): the login rate limit was bypassed through X-Forwarded-For (trustProxy: true):
// 434 guesses in 8 s. Now forwarded headers count only from TRUST_PROXY, and each account also has
// its own limit: past 5 failures it is locked, twice as long at each further failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';

describe('finding 4: login throttling', () => {
  let t: TestPlatform;
  beforeAll(async () => { t = await createTestPlatform({ work: false, env: { ATELIER_LOGIN_RATE: '5' } }); });
  afterAll(async () => t?.close());

  it('a spoofed X-Forwarded-For does not buy a fresh per-IP budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await t.request('POST', '/api/auth/login', { headers: { 'x-forwarded-for': `203.0.113.${i}` }, body: { email: `nobody${i}@test.local`, password: 'guess-password-123' } });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  });
});

describe('finding 4: per-account lockout behind a trusted proxy', () => {
  let t: TestPlatform;
  beforeAll(async () => { t = await createTestPlatform({ work: false, env: { ATELIER_LOGIN_RATE: '1000', TRUST_PROXY: '127.0.0.1' } }); });
  afterAll(async () => t?.close());

  it('guesses from many addresses lock the account, even against the right password, with a growing lock', async () => {
    const from = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });
    for (let i = 0; i < 5; i++) {
      const r = await t.request('POST', '/api/auth/login', { headers: from(i), body: { email: 'viewer@test.local', password: `wrong-guess-${i}` } });
      expect(r.status).toBe(401);
    }
    const sixth = await t.request('POST', '/api/auth/login', { headers: from(6), body: { email: 'viewer@test.local', password: 'wrong-guess-6' } });
    expect(sixth.status).toBe(401); // the sixth failure sets the first lock (30 s)
    const locked = await t.request('POST', '/api/auth/login', { headers: from(7), body: { email: 'viewer@test.local', password: 'viewer-password-123' } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(20);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(30);
    // the lock lapses (moved back in time here), the next failure doubles it
    await t.ctx.db.withSchema('core').updateTable('login_failures').set({ locked_until: new Date(Date.now() - 1000) }).execute();
    expect((await t.request('POST', '/api/auth/login', { headers: from(8), body: { email: 'viewer@test.local', password: 'wrong-again-1' } })).status).toBe(401);
    const longer = await t.request('POST', '/api/auth/login', { headers: from(9), body: { email: 'viewer@test.local', password: 'viewer-password-123' } });
    expect(longer.status).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThan(50);
    // other accounts are untouched; a success clears the count
    expect((await t.request('POST', '/api/auth/login', { headers: from(10), body: { email: 'operator@test.local', password: 'operator-password-123' } })).status).toBe(200);
    await t.ctx.db.withSchema('core').updateTable('login_failures').set({ locked_until: null }).execute();
    expect((await t.request('POST', '/api/auth/login', { headers: from(11), body: { email: 'viewer@test.local', password: 'viewer-password-123' } })).status).toBe(200);
    expect(await t.ctx.db.withSchema('core').selectFrom('login_failures').selectAll().execute()).toEqual([]);
  });

  it('an unknown email is throttled the same way (no account enumeration), and no email is stored in clear', async () => {
    for (let i = 0; i < 6; i++) await t.request('POST', '/api/auth/login', { body: { email: 'ghost@test.local', password: `guess-${i}` } });
    const r = await t.request('POST', '/api/auth/login', { body: { email: 'ghost@test.local', password: 'guess-x' } });
    expect(r.status).toBe(429);
    const rows = await t.ctx.db.withSchema('core').selectFrom('login_failures').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('ghost');
  });
});
