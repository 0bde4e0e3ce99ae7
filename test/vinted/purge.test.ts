// The Studio's purge on the real platform: batches, photo files and job logs aged by setting their
// timestamps (rows) and mtimes (blobs); a dry-run count first, nothing deleted until an admin
// switches it on, then exactly the old drafts, abandoned batches, orphan folders, temporary files
// and old log lines go — never a batch with a publication, never anything recent. Likewise for the
// outbox: read notifications, finished deliveries and their attempts, events every channel is past —
// never an unread notification, a pending delivery, or an event a channel has not delivered yet.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { PUBLISH_ENV, seedCatalog } from './publish-helpers.ts';
import { recordEvent } from '../../src/vinted/events/outbox.ts';

let t: TestPlatform;
beforeAll(async () => {
  // no delivery pass during the test: the outbox's cursors are set by hand below
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_DELIVERY_POLL_MS: '3600000' } });
}, 240_000);
afterAll(async () => t?.close());

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const V = () => t.ctx.db.withSchema('vinted');

async function ageBatch(job: string, days: number) {
  await V().updateTable('catalogs').set({ created_at: ago(days), updated_at: ago(days) }).where('job_id', '=', job).execute();
  await V().updateTable('plans').set({ created_at: ago(days) }).where('job_id', '=', job).execute();
}
async function ageBlob(key: string, days: number) {
  const d = ago(days);
  fs.utimesSync(t.ctx.files.localPath!(key), d, d);
}
async function blobsOf(job: string): Promise<string[]> {
  const rows = await V().selectFrom('photos').select('blobs').where('job_id', '=', job).execute();
  const keys = rows.flatMap((r) => Object.values((typeof r.blobs === 'string' ? JSON.parse(r.blobs) : r.blobs) as Record<string, string>));
  const out: string[] = [];
  for (const k of keys) if (await t.ctx.files.stat(k)) out.push(k);
  return out;
}
const exists = async (job: string) => !!(await V().selectFrom('catalogs').select('job_id').where('job_id', '=', job).executeTakeFirst());

describe('purge', () => {
  const jobs: Record<string, string> = {};
  const keys: Record<string, string[]> = {};
  const orphanOld = `vinted/${crypto.randomUUID()}/p0001-original.jpg`;
  const orphanNew = `vinted/${crypto.randomUUID()}/p0001-original.jpg`;
  const uploadOld = `vinted/uploads/${crypto.randomUUID()}/0001`;
  const uploadNew = `vinted/uploads/${crypto.randomUUID()}/0001`;
  let oldJob: string;
  let newJob: string;

  beforeAll(async () => {
    jobs.draftOld = await seedCatalog(t.ctx, [{}, {}]);
    jobs.draftNew = await seedCatalog(t.ctx, [{}]);
    jobs.published = await seedCatalog(t.ctx, [{}]);
    jobs.abandoned = await seedCatalog(t.ctx, [{ photos: 3 }]);
    jobs.cancelledOnly = await seedCatalog(t.ctx, [{}]);
    await V().deleteFrom('plans').where('job_id', '=', jobs.abandoned).execute();
    const pub = (job: string, state: string) => V().insertInto('publications').values({
      idempotency_key: crypto.randomUUID(), account_id: crypto.randomUUID(), job_id: job, cluster_id: 'c1', content_hash: 'h', payload: '{}', photos: '[]',
      state, position: 1, temp_uuid: crypto.randomUUID(),
    }).execute();
    await pub(jobs.published, 'published');
    await pub(jobs.cancelledOnly, 'cancelled');
    for (const [name, job] of Object.entries(jobs)) {
      keys[name] = await blobsOf(job);
      expect(keys[name].length, name).toBeGreaterThan(0);
      if (name !== 'draftNew') {
        await ageBatch(job, 45);
        for (const k of keys[name]) await ageBlob(k, 45);
      }
    }
    for (const k of [orphanOld, orphanNew, uploadOld, uploadNew]) await t.ctx.files.put(k, crypto.randomBytes(1000));
    await ageBlob(orphanOld, 40);
    await ageBlob(uploadOld, 8);
    // two finished Studio jobs with log lines: one 100 days old, one from yesterday
    const job = async (days: number) => {
      const r = await t.ctx.db.withSchema('core').insertInto('jobs').values({ module: 'vinted', kind: 'sync', status: 'completed', created_at: ago(days), finished_at: ago(days) }).returning('id').executeTakeFirstOrThrow();
      for (let i = 0; i < 5; i++) await t.ctx.db.withSchema('core').insertInto('job_events').values({ job_id: r.id, type: 'log', level: 'info', message: `line ${i}`, ts: ago(days) }).execute();
      return r.id as string;
    };
    oldJob = await job(100);
    newJob = await job(1);

    // the outbox: five events, the webhook channel behind the other two
    const ev: string[] = [];
    for (const [i, days] of [100, 100, 100, 100, 1].entries()) {
      const id = await recordEvent(t.ctx.db, { type: 'listing.sold', accountId: null, dedupeKey: `purge-test:${i}`, data: {} });
      await V().updateTable('events').set({ created_at: ago(days) }).where('id', '=', id!).execute();
      ev.push(String(id));
    }
    outbox.events = ev;
    await V().insertInto('delivery_cursors').values([
      { channel: 'notify', last_id: ev[4] }, { channel: 'email', last_id: ev[4] }, { channel: 'webhook', last_id: ev[2] },
    ]).execute();
    const user = (await t.ctx.db.withSchema('core').selectFrom('users').select('id').where('email', '=', 'operator@test.local').executeTakeFirstOrThrow()).id;
    const notif = async (event: string, created: number, read: number | null) => (await V().insertInto('notifications').values({
      user_id: user, event_id: event, type: 'listing.sold', created_at: ago(created), read_at: read == null ? null : ago(read),
    }).returning('id').executeTakeFirstOrThrow()).id;
    outbox.readOld = String(await notif(ev[0], 50, 40));
    outbox.readRecent = String(await notif(ev[1], 50, 10));
    outbox.unreadOld = String(await notif(ev[2], 100, null));
    const delivery = async (event: string, state: string, days: number, attempts: number) => {
      const d = (await V().insertInto('deliveries').values({ channel: 'webhook', target: crypto.randomUUID(), event_id: event, event_type: 'listing.sold', state, attempts, created_at: ago(days) })
        .returning('id').executeTakeFirstOrThrow()).id as string | number;
      for (let i = 0; i < attempts; i++) await V().insertInto('delivery_attempts').values({ delivery_id: d, at: ago(days), status: 500, ms: 12 }).execute();
      return String(d);
    };
    outbox.deliveredOld = await delivery(ev[2], 'delivered', 100, 2);
    outbox.pendingOld = await delivery(ev[1], 'pending', 100, 1);
    outbox.deadRecent = await delivery(ev[3], 'dead', 10, 1);
  });
  const outbox: Record<string, any> = {};
  const rowsOf = async (table: string) => (await V().selectFrom(table).select('id').orderBy('id').execute()).map((r) => String(r.id));

  const eventsOf = async (id: string) => Number((await t.ctx.db.withSchema('core').selectFrom('job_events').select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', id).executeTakeFirstOrThrow()).n);

  it('shows a dry-run count of what would go, and is off until switched on', async () => {
    const r = await t.request('GET', '/api/vinted/purge', { token: t.tokens.viewer });
    expect(r.status, r.text).toBe(200);
    expect(r.body.settings).toEqual({ enabled: false, draftsDays: 30, abandonedDays: 30, tempDays: 7, logsDays: 90, notificationsDays: 30, deliveriesDays: 90, eventsDays: 90 });
    // one read notification 40 days ago; one old delivered delivery (2 attempts) + the old attempt of a pending one;
    // events: the first (no delivery, below every cursor) and the third (named only by the delivery that goes)
    expect(r.body.preview.counts).toMatchObject({ notifications: 1, deliveries: 1, delivery_attempts: 3, events: 2 });
    // old draft + the batch whose only publication was cancelled; the batch without a plan; one orphan folder; one staging file
    expect(r.body.preview.counts).toMatchObject({ drafts: 2, abandoned: 1, orphan_folders: 1, temp_blobs: 1, log_lines: 5 });
    expect(r.body.preview.counts.photo_blobs).toBe(keys.draftOld.length + keys.cancelledOnly.length + keys.abandoned.length);
    const real = await t.request('POST', '/api/vinted/purge/run', { token: t.tokens.admin, body: { dry_run: false } });
    expect(real.status).toBe(409);
    expect(real.body.error.code).toBe('purge_disabled');
  });

  it('the scheduled job only counts while the purge is off', async () => {
    const j = await t.ctx.jobs.enqueue('vinted.purge', {});
    const done = await t.ctx.jobs.wait(j.id);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.result).toMatchObject({ dry_run: true, counts: { drafts: 2 } });
    expect(await exists(jobs.draftOld)).toBe(true);
    expect(await t.ctx.files.stat(orphanOld)).not.toBeNull();
    expect(await eventsOf(oldJob)).toBe(5);
  });

  it('every setting is editable (admins only) and changes the count', async () => {
    expect((await t.request('PUT', '/api/vinted/purge/settings', { token: t.tokens.operator, body: { draftsDays: 60 } })).status).toBe(403);
    const r = await t.request('PUT', '/api/vinted/purge/settings', { token: t.tokens.admin, body: { draftsDays: 60, logsDays: 120 } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.preview.counts).toMatchObject({ drafts: 0, abandoned: 1, log_lines: 0 });
    const bad = await t.request('PUT', '/api/vinted/purge/settings', { token: t.tokens.admin, body: { tempDays: 0 } });
    expect(bad.status).toBe(400);
    await t.request('PUT', '/api/vinted/purge/settings', { token: t.tokens.admin, body: { draftsDays: 30, logsDays: 90 } });
  });

  it('once switched on, deletes exactly the old drafts, abandoned batches, orphan and temporary files and old log lines', async () => {
    const on = await t.request('PUT', '/api/vinted/purge/settings', { token: t.tokens.admin, body: { enabled: true } });
    expect(on.body.settings.enabled).toBe(true);
    const run = await t.request('POST', '/api/vinted/purge/run', { token: t.tokens.admin, body: { dry_run: false } });
    expect(run.status, run.text).toBe(202);
    const done = await t.ctx.jobs.wait(run.body.job_id);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.result).toMatchObject({ dry_run: false, counts: { drafts: 2, abandoned: 1, orphan_folders: 1, temp_blobs: 1, log_lines: 5 } });
    for (const name of ['draftOld', 'cancelledOnly', 'abandoned']) {
      expect(await exists(jobs[name]), name).toBe(false);
      for (const k of keys[name]) expect(await t.ctx.files.stat(k), k).toBeNull();
    }
    for (const name of ['draftNew', 'published']) {
      expect(await exists(jobs[name]), name).toBe(true);
      for (const k of keys[name]) expect(await t.ctx.files.stat(k), k).not.toBeNull();
    }
    expect(await t.ctx.files.stat(orphanOld)).toBeNull();
    expect(await t.ctx.files.stat(orphanNew)).not.toBeNull();
    expect(await t.ctx.files.stat(uploadOld)).toBeNull();
    expect(await t.ctx.files.stat(uploadNew)).not.toBeNull();
    expect(await eventsOf(oldJob)).toBe(0);
    expect(await eventsOf(newJob)).toBe(5);
    expect(done.result).toMatchObject({ counts: { notifications: 1, deliveries: 1, delivery_attempts: 3, events: 2 } });
    expect(await rowsOf('notifications')).toEqual([outbox.readRecent, outbox.unreadOld]);
    expect(await rowsOf('deliveries')).toEqual([outbox.pendingOld, outbox.deadRecent]);
    // the pending delivery keeps its row, loses its 100-day-old attempt; the recent dead one keeps its attempt
    expect((await V().selectFrom('delivery_attempts').select('delivery_id').execute()).map((r) => String(r.delivery_id))).toEqual([outbox.deadRecent]);
    const ev = outbox.events as string[];
    // kept: the one a pending delivery reads, the one the webhook channel has not reached, the recent one
    expect(await rowsOf('events')).toEqual([ev[1], ev[3], ev[4]]);
    const after = await t.request('GET', '/api/vinted/purge', { token: t.tokens.viewer });
    expect(after.body.preview.counts).toMatchObject({ drafts: 0, abandoned: 0, orphan_folders: 0, temp_blobs: 0, log_lines: 0, notifications: 0, deliveries: 0, delivery_attempts: 0, events: 0 });
    expect(after.body.last).toMatchObject({ dry_run: false, counts: { drafts: 2 } });
  });
});
