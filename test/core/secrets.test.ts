// Plants secrets, drives the code paths that handle them, and asserts they appear in no log line
// and no API response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { HttpError } from '../../src/core/errors.ts';
import type { AtelierModule } from '../../src/core/module.ts';

const SECRET = `planted-${crypto.randomBytes(12).toString('hex')}`;
const PASSWORD = `pw-${crypto.randomBytes(12).toString('hex')}`;

// a tiny module that does what real modules do with secrets: store, use, fail with them in hand
const probe: AtelierModule = {
  name: 'probe',
  title: { fr: 'sonde', en: 'probe' },
  routes(app, ctx) {
    app.post('/secret', { config: { role: 'operator' } }, async (req) => {
      const { value } = req.body as { value: string };
      await ctx.vault.set('probe.secret', value);
      ctx.log.info({ cookie: value, note: `stored ${value}` }, `stored secret ${value}`);
      return { ok: true };
    });
    app.get('/use', { config: { role: 'operator' } }, async () => {
      const value = await ctx.vault.get('probe.secret');
      ctx.log.warn(`using ${value}`);
      throw new HttpError(502, 'upstream', `upstream refused credentials ${value}`);
    });
    app.get('/crash', { config: { role: 'operator' } }, async () => {
      const value = await ctx.vault.get('probe.secret');
      throw new Error(`unexpected failure with ${value}`);
    });
  },
  jobs: {
    leak: {
      retryLimit: 0,
      async handler(job) {
        const value = await (globalThis as any).__probeVault.get('probe.secret');
        await job.log('info', `job saw ${value}`);
        throw new Error(`job failed with ${value}`);
      },
    },
  },
};

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ modules: [probe] });
  (globalThis as any).__probeVault = t.ctx.vault;
});
afterAll(async () => t?.close());

describe('secrets never leak', () => {
  it('keeps planted secrets out of logs, errors, job logs and API responses', async () => {
    const responses: string[] = [];
    const r1 = await t.request('POST', '/api/probe/secret', { token: t.tokens.operator, body: { value: SECRET } });
    expect(r1.status).toBe(200);
    responses.push(r1.text);
    const r2 = await t.request('GET', '/api/probe/use', { token: t.tokens.operator });
    expect(r2.status).toBe(502);
    expect(r2.body.error.message).toContain('[REDACTED]');
    responses.push(r2.text);
    const r3 = await t.request('GET', '/api/probe/crash', { token: t.tokens.operator });
    expect(r3.status).toBe(500);
    responses.push(r3.text);

    const job = await t.ctx.jobs.enqueue('probe.leak', {});
    const done = await t.ctx.jobs.wait(job.id);
    expect(done.status).toBe('failed');
    const detail = await t.request('GET', `/api/jobs/${job.id}`, { token: t.tokens.viewer });
    responses.push(detail.text);
    expect(detail.text).toContain('[REDACTED]');

    // passwords: wrong and right logins, user creation
    await t.request('POST', '/api/users', { token: t.tokens.admin, body: { email: 'p@test.local', password: PASSWORD, role: 'viewer' } });
    responses.push((await t.request('POST', '/api/auth/login', { body: { email: 'p@test.local', password: PASSWORD + 'x' } })).text);
    responses.push((await t.request('POST', '/api/auth/login', { body: { email: 'p@test.local', password: PASSWORD } })).text);

    // the secret is stored encrypted
    const row = await t.ctx.db.withSchema('core').selectFrom('secrets').selectAll().where('name', '=', 'probe.secret').executeTakeFirstOrThrow();
    expect(row.ciphertext).not.toContain(SECRET);

    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000); // the paths above did log
    expect(logs).toContain('[REDACTED]');
    for (const planted of [SECRET, PASSWORD]) {
      expect(logs.includes(planted), `log contains ${planted}`).toBe(false);
      for (const r of responses) expect(r.includes(planted), `response contains ${planted}`).toBe(false);
    }
  });
});
