// Images to EspoCRM as attachments, over HTTP against the fake EspoCRM (documented Attachment API):
// stored images become imagesIds / imagePrincipaleId, never the developers' URLs; one content is
// uploaded once per field (also across programmes and runs); a failed upload (5xx or 4xx) leaves that
// image out, the programme is still synced, and the next run sends what is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import promoteurs from '../../../src/promoteurs/index.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../../src/promoteurs/fakes/sites.ts';
import { startFakeEspoCrm, type FakeEspoCrm } from '../../../src/promoteurs/fakes/espocrm.ts';

let t: TestPlatform;
let icade: FakeSite;
let crm: FakeEspoCrm;

async function run() {
  const res = await t.request('POST', '/api/promoteurs/runs', { token: t.tokens.operator, body: { promoteurs: 'icade', cities: 'lyon' } });
  expect(res.status).toBe(202);
  const job = await t.ctx.jobs.wait(res.body.job.id);
  expect(job.error).toBeNull();
  return job.result as any;
}
const uploads = () => crm.requests.filter((q) => q.method === 'POST' && q.path === '/api/v1/Attachment' && q.status === 200).length;
/** no (field, content) pair was uploaded twice */
function expectNoTwin() {
  const pairs = [...crm.attachments.values()].map((a) => `${a.field}|${a.sha256}`);
  expect(new Set(pairs).size).toBe(pairs.length);
}

beforeAll(async () => {
  const cities = FAKE_CITIES.filter((c) => c.slug === 'lyon');
  icade = await startFakeSite({ kind: 'icade', cities, perCity: 4, seed: 5 });
  crm = await startFakeEspoCrm();
  crm.seedVille({ name: 'Lyon', codePostal: '69000', slug: 'lyon' });
  t = await createTestPlatform({
    modules: [promoteurs],
    env: {
      PROMOTEURS_SOURCE_URLS: `icade=${icade.url}`, PROMOTEURS_TIME_SCALE: '0.0005',
      PROMOTEURS_ESPOCRM_URL: crm.url, PROMOTEURS_ESPOCRM_API_KEY: crm.apiKey, PROMOTEURS_ESPOCRM_MIN_INTERVAL_MS: '0',
    },
  });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await icade?.close();
  await crm?.close();
}, 60_000);

describe('promoteurs → EspoCRM images as attachments', () => {
  it('uploads each content once, links them, survives a 503 and a 400 on uploads, and sends the rest on the next run', async () => {
    // the first upload answers 503, the second 400: two images left out, no programme lost
    crm.failNext(1, 503, 'POST', 'Attachment');
    crm.failNext(1, 400, 'POST', 'Attachment');
    const first = await run();
    expect(first.status).toBe('ok');
    expect(first.images.downloaded).toBeGreaterThan(4);
    expect(first.crm.created).toBe(4);
    expect(first.crm.errors).toBe(0);
    expect(first.crm.images.errors).toBe(2);
    expect(first.crm.images.uploaded).toBe(uploads());
    expectNoTwin();
    // the shared picture (same bytes on every programme) went up once per field, then was reused
    expect(first.crm.images.reused).toBeGreaterThan(0);

    const db = t.ctx.db.withSchema('promoteurs');
    const rows = await db.selectFrom('programmes').select(['id', 'espo_id', 'espo_hash', 'espo_error']).where('source_api', '=', 'icade').execute();
    const failed = rows.filter((r: any) => r.espo_error);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const r of failed as any[]) { expect(r.espo_error).toMatch(/image\(s\) not sent/); expect(r.espo_hash).toBeNull(); }
    for (const r of rows as any[]) expect(r.espo_id).toBeTruthy();

    // the CRM gets attachment ids, never the developers' image URLs
    const records = [...crm.records.CJeanbrunProgramme.values()];
    expect(JSON.stringify(records)).not.toMatch(/\.jpg/);
    for (const rec of records) expect(rec.images).toBeUndefined();

    // second run: only what is missing is uploaded; every record then has all its stored images
    const before = uploads();
    const second = await run();
    expect(second.crm.images.errors).toBe(0);
    expect(second.crm.images.uploaded).toBe(uploads() - before);
    expect(second.crm.images.uploaded).toBeGreaterThan(0);
    expectNoTwin();
    for (const r of rows as any[]) {
      const stored = await db.selectFrom('images').select(['content_hash', 'position']).where('programme_id', '=', r.id).where('blob_key', 'is not', null).orderBy('position').execute();
      const rec = crm.records.CJeanbrunProgramme.get(r.espo_id)!;
      const ids = rec.imagesIds as string[];
      expect(ids).toHaveLength(stored.length);
      expect(ids.map((id) => crm.attachments.get(id)!.sha256)).toEqual(stored.map((s: any) => s.content_hash));
      const main = crm.attachments.get(rec.imagePrincipaleId as string)!;
      expect(main.field).toBe('imagePrincipale');
      expect(main.sha256).toBe(stored[0].content_hash);
    }
    const after = await db.selectFrom('programmes').select(['espo_error']).where('source_api', '=', 'icade').execute();
    expect(after.every((r: any) => r.espo_error === null)).toBe(true);

    // third run, nothing changed: not one upload
    const n = uploads();
    const third = await run();
    expect(third.crm.images.uploaded).toBe(0);
    expect(uploads()).toBe(n);
  }, 120_000);

  it('the fake refuses what the real API refuses: an image id of another field, a URL in an attachment field', async () => {
    const rec = [...crm.records.CJeanbrunProgramme.values()][0];
    const put = (body: unknown) => fetch(`${crm.url}/api/v1/CJeanbrunProgramme/${rec.id}`, { method: 'PUT', headers: { 'x-api-key': crm.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad1 = await put({ imagePrincipaleId: (rec.imagesIds as string[])[0] });
    expect(bad1.status).toBe(400);
    expect(bad1.headers.get('x-status-reason')).toMatch(/not uploaded for CJeanbrunProgramme.imagePrincipale/);
    const bad2 = await put({ images: ['https://www.icade-immobilier.com/x.jpg'] });
    expect(bad2.status).toBe(400);
    const up = await fetch(`${crm.url}/api/v1/Attachment`, { method: 'POST', headers: { 'x-api-key': crm.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a.jpg', type: 'image/jpeg', role: 'Attachment', parentType: 'CJeanbrunProgramme', field: 'images', file: 'https://example.test/a.jpg' }) });
    expect(up.status).toBe(400);
  });
});
