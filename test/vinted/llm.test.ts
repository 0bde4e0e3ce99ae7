// The optional vision LLM: a follow-up job after an ingest, against the fake OpenAI-compatible
// endpoint (test/helpers/fake-llm.ts): suggestions from zod-checked answers, tokens and cost counted,
// the key from the vault sent as a bearer token and never seen in logs or responses, and the ways a
// real endpoint fails (429 with Retry-After, 5xx, a malformed answer, every article failing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { startFakeLlm, DEFAULT_ANSWER, type FakeLlm } from '../helpers/fake-llm.ts';
import vinted from '../../src/vinted/index.ts';
import { LlmError, parseAnswer } from '../../src/vinted/llm/client.ts';
import { fixtureFiles, multipart } from './helpers.ts';

const SECRET = `sk-test-${'q7Zr'.repeat(8)}`;
let t: TestPlatform;
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm(['ok']);
  t = await createTestPlatform({
    modules: [vinted],
    env: { VINTED_LLM_BASE_URL: fake.url, VINTED_LLM_MODEL: 'gpt-4o-mini', VINTED_LLM_PRICE_INPUT: '0.15', VINTED_LLM_PRICE_OUTPUT: '0.6' },
  });
}, 240_000);
afterAll(async () => { await t?.close(); await fake?.close(); });

async function ingest(files = fixtureFiles().slice(0, 6)): Promise<string> {
  const m = multipart(files);
  const res = await t.app.inject({ method: 'POST', url: '/api/vinted/bulk/ingest/photos', payload: m.body, headers: { ...m.headers, authorization: `Bearer ${t.tokens.operator}` } });
  expect(res.statusCode).toBe(202);
  const id = res.json().job_id as string;
  expect((await t.ctx.jobs.wait(id)).status).toBe('completed');
  return id;
}

async function describeJobOf(ingestId: string) {
  // the follow-up job the ingest queued
  for (let i = 0; i < 100; i++) {
    const jobs = await t.ctx.jobs.list({ module: 'vinted', kind: 'describe' });
    const j = jobs.find((x) => (typeof x.payload === 'string' ? JSON.parse(x.payload) : x.payload)?.job === ingestId);
    if (j) return t.ctx.jobs.wait(j.id);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no vinted.describe job queued');
}

describe('vision LLM answers', () => {
  it('reads a JSON answer, also fenced or with a sentence around it, and refuses what does not match', () => {
    expect(parseAnswer(JSON.stringify(DEFAULT_ANSWER)).brand).toBe("Levi's");
    expect(parseAnswer('Voici :\n```json\n' + JSON.stringify(DEFAULT_ANSWER) + '\n```').size).toBe('M');
    expect(() => parseAnswer('une jupe bleue')).toThrow(LlmError);
    expect(() => parseAnswer('{"category": 12}')).toThrow(/schema/);
  });
});

describe('vinted.describe job', () => {
  let ingestId: string;

  it('stores the key in the vault, never echoes it', async () => {
    const put = await t.request('PUT', '/api/vinted/llm/key', { token: t.tokens.admin, body: { api_key: SECRET } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ configured: true, has_key: true, model: 'gpt-4o-mini' });
    expect(put.text).not.toContain(SECRET);
    expect((await t.request('PUT', '/api/vinted/llm/key', { token: t.tokens.operator, body: { api_key: 'x' } })).status).toBe(403);
  });

  it('runs after an ingest and turns each answer into suggestions; tokens and cost are counted', async () => {
    fake.script(['ok']);
    const before = fake.requests.length;
    ingestId = await ingest();
    const job = await describeJobOf(ingestId);
    expect(job.status, job.error ?? '').toBe('completed');
    const catalog = (await t.request('GET', `/api/vinted/bulk/catalog/${ingestId}`, { token: t.tokens.viewer })).body;
    const n = catalog.clusters.length;
    expect(n).toBeGreaterThan(0);
    expect(fake.requests.length - before).toBe(n);
    for (const c of catalog.clusters) {
      expect(c.suggestions.description[0]).toMatchObject({ value: DEFAULT_ANSWER.description, source: 'llm' });
      expect(c.suggestions.brand[0]).toMatchObject({ value: "Levi's", source: 'llm' });
      // the answer is a suggestion: the article's own fields are untouched
      expect(c.brand).toBeNull();
    }
    expect(job.result).toMatchObject({ articles: n, described: n, failed: 0, prompt_tokens: 1117 * n, completion_tokens: 46 * n, model: 'gpt-4o-mini' });
    expect((job.result as any).cost_eur).toBeCloseTo((1117 * n * 0.15 + 46 * n * 0.6) / 1e6, 6); // rounded to the micro-euro
    // what was sent: bearer key, 1–3 JPEG data URLs, the JSON schema
    const req = fake.requests[fake.requests.length - 1]!;
    expect(req.headers.authorization).toBe(`Bearer ${SECRET}`);
    const images = req.body.messages[0].content.filter((p: any) => p.type === 'image_url');
    expect(images.length).toBeGreaterThanOrEqual(1);
    expect(images.length).toBeLessThanOrEqual(3);
    expect(images[0].image_url.url).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(req.body.response_format.type).toBe('json_schema');
    // the key is in no log line and no API answer
    expect(t.logs.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(catalog)).not.toContain(SECRET);
    const status = await t.request('GET', '/api/vinted/llm', { token: t.tokens.viewer });
    expect(status.body).toMatchObject({ has_key: true });
    expect(status.text).not.toContain(SECRET);
  }, 180_000);

  it('waits out a 429 (Retry-After) and still describes', async () => {
    fake.script(['429-once']);
    const res = await t.request('POST', '/api/vinted/bulk/describe', { token: t.tokens.operator, body: { job: ingestId, clusters: ['c1'] } });
    expect(res.status).toBe(202);
    const job = await t.ctx.jobs.wait(res.body.job_id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.result).toMatchObject({ articles: 1, described: 1, failed: 0 });
  }, 60_000);

  it('a malformed answer fails that article only, logged; all failing fails the job', async () => {
    fake.script(['ok', 'malformed', 'ok']);
    const res = await t.request('POST', '/api/vinted/bulk/describe', { token: t.tokens.operator, body: { job: ingestId } });
    const job = await t.ctx.jobs.wait(res.body.job_id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect((job.result as any).failed).toBe(1);
    const events = await t.ctx.jobs.eventsOf(job.id);
    expect(events.some((e) => e.level === 'warn' && /not described: the answer holds no JSON object/.test(e.message ?? ""))).toBe(true);

    fake.script(['500']);
    const bad = await t.request('POST', '/api/vinted/bulk/describe', { token: t.tokens.operator, body: { job: ingestId, clusters: ['c1'] } });
    const failed = await t.ctx.jobs.wait(bad.body.job_id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/described none/);
    fake.script(['ok']);
  }, 180_000);

  it('is refused with a clear error when no model is configured', async () => {
    const other = await createTestPlatform({ modules: [vinted] });
    try {
      const r = await other.request('POST', '/api/vinted/bulk/describe', { token: other.tokens.operator, body: { job: ingestId } });
      expect(r.status).toBe(409);
      expect(r.text).toMatch(/VINTED_LLM_BASE_URL/);
    } finally {
      await other.close();
    }
  }, 120_000);
});
