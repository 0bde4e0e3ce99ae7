// Two workers on one PostgreSQL database (two platforms, two pg-boss instances, as two `atelier
// worker` processes would be) racing: for the reservation of one article, for one article's lease,
// and for one account's queue. Each article is created on Vinted once. PostgreSQL only: the
// embedded database has a single owner by design.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPlatform, type Platform } from '../../src/core/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { saveAccount } from '../../src/vinted/accounts/store.ts';
import { checkAccount } from '../../src/vinted/accounts/check.ts';
import { execute } from '../../src/vinted/publish/service.ts';
import { claim, listPublications } from '../../src/vinted/publish/store.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

const pg = !!process.env.TEST_DATABASE_URL;
let fake: FakeVinted;
let w1: Platform;
let w2: Platform;
const dirs: string[] = [];

beforeAll(async () => {
  if (!pg) return;
  fake = await startFakeVinted();
  const url = (await createDatabase())!;
  // workers at scale share the blob store (S3, or one disk): here one directory
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-race-'));
  dirs.push(dir);
  const open = async () => {
    const env = { ...PUBLISH_ENV, DATABASE_URL: url, ATELIER_DATA_DIR: dir, ATELIER_SECRET_KEY: 'race-key-0123456789abcdef0123456789', ATELIER_HTTP_ALLOW_PRIVATE: 'true', VINTED_BASE_URL: fake.url, VINTED_WRITES_PER_HOUR: '36000' };
    return openPlatform({ config: loadConfig(env), modules: [vinted], role: 'worker', work: true, log: createLogger({ level: 'error' }) });
  };
  w1 = await open();
  w2 = await open();
}, 240_000);
afterAll(async () => {
  await w1?.close();
  await w2?.close();
  await fake?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!pg)('two workers on PostgreSQL', () => {
  it('race for one article\'s reservation, one article\'s lease and one account\'s queue: each article created once', async () => {
    const account = await checkAccount(w1, await saveAccount(w1, { name: 'race', kind: 'web', cookies: fake.session('race-seller'), userAgent: 'Mozilla/5.0 race' }));
    expect(account.status).toBe('ok');
    const job = await seedCatalog(w1, [{}, {}, {}, {}]);
    // both workers reserve the same articles at the same moment, with different keys
    const [a, b] = await Promise.all([
      execute(w1, { job, account: 'race', dryRun: false, key: `w1-${crypto.randomUUID()}` }),
      execute(w2, { job, account: 'race', dryRun: false, key: `w2-${crypto.randomUUID()}` }),
    ]);
    const outcomes = [...a.items, ...b.items].map((i) => i.outcome).sort();
    expect(outcomes).toEqual(['created', 'created', 'created', 'created', 'exists', 'exists', 'exists', 'exists']);
    // one article's lease, taken by both at once: one wins
    const pubs = await listPublications(w1.db, { jobId: job });
    const wins = await Promise.all([claim(w1.db, pubs[3].id, 'worker-1'), claim(w2.db, pubs[3].id, 'worker-2')]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    await w1.db.withSchema('vinted').updateTable('publications').set({ lease_owner: null, lease_until: null }).where('id', '=', pubs[3].id).execute();
    // both workers get a runner job for the account's queue
    const jobs = await Promise.all([
      w1.jobs.enqueue('vinted.publish', { account_id: account.id }),
      w2.jobs.enqueue('vinted.publish', { account_id: account.id }),
      w2.jobs.enqueue('vinted.publish', { account_id: account.id }),
    ]);
    await waitFor(async () => listPublications(w1.db, { jobId: job }), (ps) => ps.every((p) => p.state === 'published'), 60_000, 'all published');
    const done = await Promise.all(jobs.map((j) => w1.jobs.wait(j.id)));
    expect(done.every((j) => j.status === 'completed')).toBe(true);
    expect(fake.stats()).toMatchObject({ creates: 4, photos: 8, items: 4 });
    const vintedIds = (await listPublications(w1.db, { jobId: job })).map((p) => p.vinted_id);
    expect(new Set(vintedIds).size).toBe(4);
  }, 120_000);
});
