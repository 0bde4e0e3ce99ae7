// /metrics after a real job of each module: the modules' own counters (photos ingested, pages
// fetched, releases packed), job durations by kind, and the queue depth; the scrape token is needed
// and never shows in the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import promoteurs from '../../src/promoteurs/index.ts';
import releases from '../../src/releases/index.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../src/promoteurs/fakes/sites.ts';
import { fixtureFiles, multipart } from '../vinted/helpers.ts';
import { writeEpub } from '../releases/samples.ts';

const TOKEN = 'metrics-scrape-token-5f1c0e9a';
let t: TestPlatform;
let site: FakeSite;

beforeAll(async () => {
  site = await startFakeSite({ kind: 'icade', cities: FAKE_CITIES.filter((c) => c.slug === 'lyon'), perCity: 2, seed: 3 });
  t = await createTestPlatform({
    modules: [vinted, promoteurs, releases],
    env: { ATELIER_METRICS_TOKEN: TOKEN, PROMOTEURS_SOURCE_URLS: `icade=${site.url}`, PROMOTEURS_TIME_SCALE: '0.0005' },
  });
}, 240_000);
afterAll(async () => {
  await t?.close();
  await site?.close();
});

async function completed(id: string) {
  const job = await t.ctx.jobs.wait(id);
  expect(job.status, job.error ?? '').toBe('completed');
  return job;
}

/** the value of one sample of the exposition text, or undefined */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  it('counts what each module did, times jobs by kind and shows the queue depth', async () => {
    // vinted: an ingest of three photos
    const photos = fixtureFiles().slice(0, 3);
    const m = multipart(photos);
    const ingest = await t.request('POST', '/api/vinted/bulk/ingest/photos', { token: t.tokens.operator, body: m.body, headers: m.headers });
    expect(ingest.status, ingest.text).toBeLessThan(300);
    await completed(ingest.body.job_id);

    // promoteurs: a scrape of a fake developer's site
    const run = await t.request('POST', '/api/promoteurs/runs', { token: t.tokens.operator, body: { promoteurs: 'icade', cities: 'lyon', skipImages: true } });
    expect(run.status, run.text).toBe(202);
    await completed(run.body.job.id);

    // releases: an ebook packed
    const epub = await fs.readFile(await writeEpub(path.join(t.dataDir, 'src.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr' }));
    const up = multipart([{ name: 'Le Rouge.epub', data: epub }]);
    const uploaded = await t.request('POST', '/api/releases/uploads', { token: t.tokens.operator, body: up.body, headers: up.headers });
    expect(uploaded.status, uploaded.text).toBe(201);
    const pack = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { upload: uploaded.body.uploads[0].id }, type: 'EBOOK', group: 'ATL' } });
    expect(pack.status, pack.text).toBeLessThan(300);
    await completed(pack.body.job.id);

    // a job waiting (an hour from now): the queue depth
    await t.ctx.jobs.enqueue('core.demo', { steps: 1 }, { delaySeconds: 3600 });

    expect((await t.request('GET', '/metrics', { token: null })).status).toBe(404);
    expect((await t.request('GET', '/metrics', { token: null, headers: { authorization: 'Bearer wrong' } })).status).toBe(404);
    const res = await t.request('GET', '/metrics', { token: null, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = res.text;

    expect(sample(text, 'atelier_vinted_photos_ingested_total')).toBe(3);
    expect(sample(text, 'atelier_promoteurs_pages_fetched_total', { status: '2xx' })).toBeGreaterThan(0);
    expect(sample(text, 'atelier_releases_releases_packed_total', { valid: 'true', dry_run: 'false' })).toBe(1);
    for (const [module, kind] of [['vinted', 'ingest'], ['promoteurs', 'scrape'], ['releases', 'pack']]) {
      expect(sample(text, 'atelier_job_duration_seconds_count', { module, kind }), `${module}.${kind}`).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'atelier_jobs_finished_total', { module, kind, status: 'completed' }), `${module}.${kind}`).toBeGreaterThanOrEqual(1);
    }
    expect(sample(text, 'atelier_jobs_waiting', { module: 'core', kind: 'demo', status: 'queued' })).toBe(1);
    expect(sample(text, 'atelier_http_requests_total', { method: 'POST', route: '/api/releases/jobs' })).toBeGreaterThanOrEqual(1);

    expect(t.logs.join('\n')).not.toContain(TOKEN);
  }, 300_000);
});
