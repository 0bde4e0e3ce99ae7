// Resumable after a crash: a run interrupted in its second city is started again with its checkpoint
// (attempt 2, as pg-boss does after a dead worker): the finished city's listing and every detail page
// already stored are not fetched again, and the verdict still covers the whole run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import promoteurs from '../../../src/promoteurs/index.ts';
import { runScrape, type ScrapePayload } from '../../../src/promoteurs/run/scrape.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../../src/promoteurs/fakes/sites.ts';
import type { JobContext } from '../../../src/core/jobs/types.ts';

let t: TestPlatform;
let site: FakeSite;

function jobContext(id: string, attempt: number, store: { cp?: unknown }, signal: AbortSignal): JobContext<ScrapePayload> {
  return {
    id, attempt, signal, payload: { promoteurs: 'bouygues', cities: 'lyon,bordeaux', skipImages: true },
    progress: async () => {}, log: async () => {}, artifact: async () => ({}) as any,
    checkpoint: { get: async () => store.cp as any, set: async (v) => { store.cp = JSON.parse(JSON.stringify(v)); } },
    throwIfCancelled: () => { if (signal.aborted) throw new Error('cancelled'); },
  };
}

beforeAll(async () => {
  site = await startFakeSite({ kind: 'bouygues', cities: FAKE_CITIES.filter((c) => ['lyon', 'bordeaux'].includes(c.slug)), perCity: 3, seed: 5, latencyMs: 10 });
  t = await createTestPlatform({ modules: [promoteurs], work: false, env: { PROMOTEURS_SOURCE_URLS: `bouygues=${site.url}`, PROMOTEURS_TIME_SCALE: '0.01' } });
}, 60_000);
afterAll(async () => { await t?.close(); await site?.close(); });

describe('resume after a crash', () => {
  it('does not refetch what the first attempt did', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const store: { cp?: unknown } = {};
    const ac = new AbortController();
    // "crash" once the 2nd city's first detail page has been served
    const timer = setInterval(() => { if (site.count('detail') >= 4) ac.abort(new Error('worker died')); }, 2);
    await expect(runScrape(t.ctx, jobContext(id, 1, store, ac.signal))).rejects.toThrow();
    clearInterval(timer);
    const first = site.requests.filter((r) => r.status < 400).map((r) => r.path);
    const detailsBefore = site.count('detail');
    expect(Object.keys((store.cp as any).sites.bouygues.cities)).toHaveLength(1);
    site.reset();
    const r = await runScrape(t.ctx, jobContext(id, 2, store, new AbortController().signal));
    const second = site.requests.map((q) => q.path);
    // the city done before the crash is not fetched again
    const doneListing = first.find((p) => p.endsWith('/lyon') || p.endsWith('/bordeaux'))!;
    expect(second).not.toContain(doneListing);
    // detail pages stored before the crash are not fetched again: 6 programmes in all
    expect(detailsBefore + site.count('detail')).toBe(6);
    expect(r.sources[0]).toMatchObject({ complete: true, healthy: true });
    expect(r.counters.found).toBe(6);
    const n = await t.ctx.db.withSchema('promoteurs').selectFrom('programmes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(Number(n!.n)).toBe(6);
  });
});
