import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import type { AtelierModule } from '../../src/core/module.ts';

let attempts = 0;
const mod: AtelierModule = {
  name: 'probe',
  title: { fr: 'sonde', en: 'probe' },
  jobs: {
    flaky: {
      retryLimit: 2,
      retryDelaySeconds: 1,
      async handler(job) {
        attempts++;
        await job.progress(50, { tried: job.attempt });
        await job.artifact('report.txt', `attempt ${job.attempt}`, 'text/plain');
        if (job.attempt < 2) throw new Error('transient failure');
        return { attempt: job.attempt };
      },
    },
    slow: {
      async handler(job) {
        for (let i = 0; i < 200; i++) {
          job.throwIfCancelled();
          await new Promise((r) => setTimeout(r, 50));
          await job.progress(i / 2);
        }
        return {};
      },
    },
  },
};

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ modules: [mod] });
});
afterAll(async () => t?.close());

describe('jobs', () => {
  it('runs with progress, counters, log, artefacts and retries', async () => {
    const job = await t.ctx.jobs.enqueue('probe.flaky', { x: 1 }, { title: 'flaky' });
    const done = await t.ctx.jobs.wait(job.id);
    expect(done.status).toBe('completed');
    expect(done.attempts).toBe(2);
    expect(done.result).toEqual({ attempt: 2 });
    expect(done.counters).toEqual({ tried: 2 });
    const res = await t.request('GET', `/api/jobs/${job.id}`, { token: t.tokens.viewer });
    expect(res.body.events.some((e: any) => /will retry: transient failure/.test(e.message))).toBe(true);
    // the same lines as codes + values, for the web app to word them in French or English
    expect(res.body.events).toEqual(expect.arrayContaining([
      expect.objectContaining({ data: expect.objectContaining({ code: 'job.attempt_failed', attempt: 1, error: expect.stringMatching(/transient failure/) }) }),
      expect.objectContaining({ data: expect.objectContaining({ code: 'job.resumed', attempt: 2 }) }),
      expect.objectContaining({ data: expect.objectContaining({ code: 'job.completed', status: 'completed' }) }),
    ]));
    expect(res.body.artifacts).toHaveLength(1);
    const dl = await t.request('GET', `/api/jobs/${job.id}/artifacts/${res.body.artifacts[0].id}`, { token: t.tokens.viewer });
    expect(dl.text).toBe('attempt 2');
  });

  it('cancels a running job', async () => {
    const job = await t.ctx.jobs.enqueue('probe.slow', {});
    for (let i = 0; i < 100 && (await t.ctx.jobs.get(job.id))!.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    const res = await t.request('POST', `/api/jobs/${job.id}/cancel`, { token: t.tokens.operator });
    expect(res.status).toBe(200);
    const done = await t.ctx.jobs.wait(job.id);
    expect(done.status).toBe('cancelled');
    expect(done.progress).toBeLessThan(100);
  });

  it('streams progress over Server-Sent Events until the job ends', async () => {
    const base = await t.listen();
    const created = await t.request('POST', '/api/jobs/demo', { token: t.tokens.operator, body: { steps: 4, stepMs: 100 } });
    const res = await fetch(`${base}/api/jobs/${created.body.job.id}/events`, { headers: { authorization: `Bearer ${t.tokens.viewer}` } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the stream closes when the job is done
    const jobs = text.split('\n\n').filter((b) => b.startsWith('event: job')).map((b) => JSON.parse(b.split('data: ')[1]));
    expect(jobs.at(-1).status).toBe('completed');
    expect(new Set(jobs.map((j) => j.progress)).size).toBeGreaterThan(1);
    expect(text).toContain('event: log');
    expect(text).toContain('step 4/4 done');
  });
});

describe('job list', () => {
  it('is cached yet shows every change made through the service at once', async () => {
    const list = async () => (await t.request('GET', '/api/jobs?limit=50', { token: t.tokens.viewer })).body.jobs as any[];
    const before = await list();
    expect(await list()).toEqual(before); // served again (from the cache)
    const job = await t.ctx.jobs.enqueue('probe.slow', {}, { title: 'listed at once' });
    const after = await list();
    expect(after[0]).toMatchObject({ id: job.id, title: 'listed at once' });
    expect(after).toHaveLength(Math.min(before.length + 1, 50));
    await t.ctx.jobs.cancel(job.id);
    expect((await list()).find((j) => j.id === job.id).status).toBe('cancelled');
    // the fast serializer writes the declared fields only, dates as ISO strings
    const row = (await list()).find((j) => j.id === job.id);
    expect(Object.keys(row).sort()).toEqual(['attempts', 'counters', 'created_at', 'created_by', 'error', 'finished_at', 'id', 'kind', 'module', 'payload', 'progress', 'result', 'started_at', 'status', 'title', 'updated_at']);
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // one body for every poller of an unchanged list, the same bytes each time
    const [a, b] = await Promise.all([t.request('GET', '/api/jobs?limit=50', { token: t.tokens.viewer }), t.request('GET', '/api/jobs?limit=50', { token: t.tokens.viewer })]);
    expect(a.text).toBe(b.text);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
  });

  // PostgreSQL: other processes (separate workers) write jobs this one is not told about
  it.runIf(!!process.env.TEST_DATABASE_URL)('shows a job written by another process once its cached list has aged, without making a request wait for the refresh', async () => {
    const list = async () => (await t.request('GET', '/api/jobs?limit=50', { token: t.tokens.viewer })).body.jobs as any[];
    await list();
    // as another process would: straight into the table, not through this service
    const row = await t.ctx.db.withSchema('core').insertInto('jobs').values({ module: 'probe', kind: 'slow', title: 'from elsewhere', payload: '{}' })
      .returning('id').executeTakeFirstOrThrow();
    let seen = false;
    for (let i = 0; i < 40 && !seen; i++) {
      seen = (await list()).some((j) => j.id === row.id);
      if (!seen) await new Promise((r) => setTimeout(r, 250));
    }
    expect(seen).toBe(true);
    await t.ctx.db.withSchema('core').deleteFrom('jobs').where('id', '=', row.id).execute();
    t.ctx.jobs.rowsChanged();
  });
});
