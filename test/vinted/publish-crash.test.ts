// A real server publishing to the fake Vinted, killed with SIGKILL (kill -9) at the two worst moments,
// then restarted: (1) during a photo upload that Vinted accepted but whose answer never came back;
// (2) after Vinted created the item but before we recorded it. After the restart the queue resumes
// from the recorded steps and asks Vinted what happened (photos under the listing's temp_uuid, the
// wardrobe): nothing is uploaded or created twice, nothing is lost.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { freePort, startServer, stop, type ServerProcess } from '../helpers/server-process.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPlatform } from '../../src/core/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { saveAccount } from '../../src/vinted/accounts/store.ts';
import { checkAccount } from '../../src/vinted/accounts/check.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-publish-crash-'));
let server: ServerProcess | null = null;
let fake: FakeVinted | null = null;
afterAll(async () => {
  if (server) await stop(server, 'SIGKILL');
  await fake?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function login(url: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@publish.test', password: 'publish-admin-password' }) });
  return ((await r.json()) as { access_token: string }).access_token;
}

describe('publishing survives kill -9', () => {
  it('killed during an accepted photo upload, then after a create not yet recorded: resumed, nothing twice, nothing lost', async () => {
    fake = await startFakeVinted();
    const dbUrl = await createDatabase();
    const env: Record<string, string> = {
      ...PUBLISH_ENV, ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'publish-crash-key-0123456789abcdef',
      ATELIER_ADMIN_EMAIL: 'admin@publish.test', ATELIER_ADMIN_PASSWORD: 'publish-admin-password', ATELIER_HTTP_ALLOW_PRIVATE: 'true',
      VINTED_BASE_URL: fake.url, ATELIER_HTTP_TIMEOUT: '120000', ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    // the catalog, its plan and the account, written by this process before the server owns the data dir
    const p = await openPlatform({ config: loadConfig(env), modules: [vinted], role: 'cli', work: false, log: createLogger({ level: 'error' }) });
    const job = await seedCatalog(p, [{ photos: 3 }, { photos: 2 }]);
    const account = await checkAccount(p, await saveAccount(p, { name: 'crash', kind: 'web', cookies: fake.session('crash-seller'), userAgent: 'Mozilla/5.0 crash' }));
    expect(account.status).toBe('ok');
    await p.close();

    server = await startServer(env, 120_000);
    let token = await login(server.url);
    const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(`${server!.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
      return { status: r.status, body: (await r.json()) as any };
    };

    // (1) the second photo of the first article is accepted by Vinted, its answer hangs: kill -9 then
    fake.setMode({ mode: 'slow', count: 1, path: '^/api/v2/photos$', scope: 'write', delay_ms: 1 });
    fake.setMode({ mode: 'hang_after', count: 1, path: '^/api/v2/photos$', scope: 'write', delay_ms: 600_000 });
    const r = await api('POST', '/api/vinted/bulk/listings/execute', { job, account: 'crash', dry_run: false }, { 'idempotency-key': 'crash-batch' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await waitFor(async () => fake!.stats().photos, (n) => n >= 2, 60_000, 'second photo accepted');
    await new Promise((res) => setTimeout(res, 300));
    expect(fake.stats().photos).toBe(2);
    await stop(server, 'SIGKILL');
    fake.setMode(null);

    // (2) after the restart, the first article's creation happens on Vinted and its answer hangs: kill -9 again
    fake.setMode({ mode: 'hang_after', count: 1, path: 'item_upload/items$', delay_ms: 600_000 });
    server = await startServer(env, 120_000);
    token = await login(server.url);
    await waitFor(async () => fake!.stats().creates, (n) => n >= 1, 90_000, 'first item created on Vinted');
    await new Promise((res) => setTimeout(res, 300));
    await stop(server, 'SIGKILL');
    fake.setMode(null);
    // the first article's lost photo answer was recovered, not uploaded again: 3 photos so far
    expect(fake.stats()).toMatchObject({ photos: 3, creates: 1 });

    server = await startServer(env, 120_000);
    token = await login(server.url);
    const q = await waitFor(async () => (await api('GET', `/api/vinted/publish/queue?account=crash&job=${job}`)).body, (x) => x.items?.every((i: any) => i.state === 'published'), 120_000, 'all published');
    // exactly the photos and items of the batch on Vinted: 5 photos, 2 items
    expect(fake.stats()).toMatchObject({ photos: 5, creates: 2, items: 2 });
    expect(new Set(q.items.map((i: any) => i.vinted_id)).size).toBe(2);
    const steps = (await api('GET', `/api/vinted/publish/${q.items[0].id}`)).body.steps.map((s: any) => s.step);
    expect(steps).toContain('reconciled photo');
    expect(steps).toContain('reconciled create (found in the wardrobe)');
    // the job that was running was picked up again after each kill
    const jobs = (await api('GET', '/api/jobs?module=vinted&kind=publish')).body.jobs;
    expect(Math.max(...jobs.map((j: any) => j.attempts))).toBeGreaterThanOrEqual(2);
    await stop(server);
    server = null;
  }, 400_000);
});
