// A relist run (job `vinted.relist`): delete then re-create each chosen listing, one at a time,
// inside the account's write budget. Recorded step by step so that a crash resumes and nothing is
// lost: `deleting` is written before the delete is sent; once Vinted confirms it, the relist turns
// `recreating` in the same transaction that queues the article's publication again; the re-create is
// the publish worker's own (photos, create, reconciliation). Every old id ends with a new id, or a
// recorded failure, or — while the account's queue is stopped — a re-create still queued.
import crypto from 'node:crypto';
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import { JobFailedError } from '../../core/jobs/types.ts';
import { getAccount, setQueue, updateAccount, type Account } from '../accounts/store.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { adapterFor, VintedError, type Adapter } from '../vinted-api/index.ts';
import { delayWrites, paceOf, reserveWrite } from '../publish/pacer.ts';
import { getPublication, step, FINAL } from '../publish/store.ts';
import { publishOne } from '../publish/worker.ts';
import { kick } from '../publish/service.ts';
import { syncAccount } from '../wardrobe/sync.ts';
import type { PhotoBlobs } from '../ingest/listing.ts';
import { getRule, previewRule, type RelistRule } from './rules.ts';

export interface RelistPayload { account_id: string; run_id: string; rule_id?: string | null; vinted_ids?: string[] }

export interface RelistRow {
  id: string; run_id: string; rule_id: string | null; account_id: string; old_vinted_id: string; publication_id: string; state: string;
  new_vinted_id: string | null; error_code: string | null; error: string | null; created_at: string; updated_at: string; done_at: string | null;
}

const R = (ctx: Pick<CoreContext, 'db'>) => ctx.db.withSchema('vinted');
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
export const toRelist = (r: any): RelistRow => ({ ...r, created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!, done_at: iso(r.done_at) });

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', on);
      resolve();
    }, Math.max(0, ms));
    const on = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', on, { once: true });
  });
}

async function setRow(ctx: CoreContext, id: string, patch: Record<string, unknown>): Promise<void> {
  await R(ctx).updateTable('relists').set({ ...patch, updated_at: new Date() }).where('id', '=', id).execute();
}

/** A relist whose re-create has ended: done with its new id, or failed with the publication's error. */
export async function settleRelist(ctx: CoreContext, row: RelistRow): Promise<RelistRow> {
  if (row.state !== 'recreating') return row;
  const p = await getPublication(ctx.db, row.publication_id);
  if (!p) return row;
  if (p.state === 'published' && p.vinted_id) {
    await setRow(ctx, row.id, { state: 'done', new_vinted_id: p.vinted_id, done_at: new Date(), error_code: null, error: null });
    await R(ctx).updateTable('listings').set({ relisted_to: p.vinted_id, updated_at: new Date() }).where('account_id', '=', row.account_id).where('vinted_id', '=', row.old_vinted_id).execute();
  } else if (FINAL.includes(p.state)) {
    await setRow(ctx, row.id, { state: 'failed', error_code: p.error_code ?? p.state, error: p.error ?? `re-create ended ${p.state}`, done_at: new Date() });
  }
  const fresh = await R(ctx).selectFrom('relists').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  return toRelist(fresh);
}

export async function settleAll(ctx: CoreContext, accountId?: string): Promise<void> {
  let q = R(ctx).selectFrom('relists').selectAll().where('state', '=', 'recreating');
  if (accountId) q = q.where('account_id', '=', accountId);
  for (const r of await q.execute()) await settleRelist(ctx, toRelist(r));
}

/** Every photo of the article is still in the blob store (else it could not be re-created: never delete it). */
async function photosAvailable(ctx: CoreContext, publicationId: string): Promise<boolean> {
  const p = await getPublication(ctx.db, publicationId);
  if (!p) return false;
  for (const ph of p.photos) {
    const row = await R(ctx).selectFrom('photos').select(['blobs']).where('job_id', '=', p.job_id).where('id', '=', ph.photo).executeTakeFirst();
    const b = row ? ((typeof row.blobs === 'string' ? JSON.parse(row.blobs) : row.blobs) as PhotoBlobs) : null;
    if (!b || !((await ctx.files.stat(b.listing)) || (b.original && (await ctx.files.stat(b.original))))) return false;
  }
  return true;
}

/** Vinted confirmed the delete: record it and queue the re-create, together. */
async function deleted(ctx: CoreContext, row: RelistRow): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const V = tx.withSchema('vinted');
    const pub = await V.selectFrom('publications').select('photos').where('id', '=', row.publication_id).executeTakeFirstOrThrow();
    const photos = (typeof pub.photos === 'string' ? JSON.parse(pub.photos) : pub.photos) as unknown[];
    await V.updateTable('relists').set({ state: 'recreating', updated_at: new Date() }).where('id', '=', row.id).execute();
    await V.updateTable('listings').set({ state: 'deleted', updated_at: new Date() }).where('account_id', '=', row.account_id).where('vinted_id', '=', row.old_vinted_id).execute();
    // the same article, queued again from scratch: a new listing UUID, its photos uploaded again
    await V.updateTable('publications').set({
      state: 'queued', vinted_id: null, url: null, remote_ref: null, temp_uuid: crypto.randomUUID(), uploaded: JSON.stringify(photos.map(() => null)),
      pending_step: null, pending_at: null, attempts: 0, error_code: null, error: null, error_params: null, field_errors: null, manual_url: null, next_at: new Date(), published_at: null, updated_at: new Date(),
    }).where('id', '=', row.publication_id).execute();
    await V.insertInto('publication_steps').values({ publication_id: row.publication_id, step: 'relist: deleted, re-create queued', detail: JSON.stringify({ old_vinted_id: row.old_vinted_id, relist: row.id }) }).execute();
  });
}

interface RunState { ctx: CoreContext; job: JobContext<RelistPayload>; account: Account; adapter: Adapter; offers: Set<string> | null; syncedAt: number }

/** The account stopped (captcha, session gone) on a write: as the publish queue does. */
async function stopFor(ctx: CoreContext, account: Account, e: VintedError): Promise<void> {
  if (e.kind === 'captcha') await setQueue(ctx, account.id, 'stopped', e.details.html && !e.details.datadome ? 'html_block' : 'captcha');
  if (e.kind === 'auth') {
    await setQueue(ctx, account.id, 'stopped', 'reconnect');
    await updateAccount(ctx, account.id, { status: 'reconnect', status_code: 'auth' });
  }
  if (e.kind === 'access_denied') await setQueue(ctx, account.id, 'stopped', 'access_denied');
}

async function relistOne(st: RunState, row0: RelistRow): Promise<RelistRow> {
  const { ctx, job } = st;
  let row = row0;
  if (row.state === 'deleting') {
    // the delete was sent and its answer not recorded: ask Vinted whether the listing is still there
    let gone = true;
    if (st.adapter.kind === 'web') {
      try {
        await st.adapter.getItem(row.old_vinted_id);
        gone = false;
      } catch (e) {
        if (!(e instanceof VintedError && e.kind === 'not_found')) throw e;
      }
    } else gone = false; // Pro's DeleteItems is idempotent: send it again
    if (gone) {
      await deleted(ctx, row);
      row = { ...row, state: 'recreating' };
    } else {
      await setRow(ctx, row.id, { state: 'queued' });
      row = { ...row, state: 'queued' };
    }
  }
  if (row.state === 'queued') {
    // the wardrobe is read again when the last read is older than 15 minutes: a listing reserved meanwhile is left alone
    if (Date.now() - st.syncedAt > 15 * 60_000) {
      await syncAccount(ctx, st.account);
      st.syncedAt = Date.now();
    }
    const skip = async (code: string, error: string) => {
      await setRow(ctx, row.id, { state: 'skipped', error_code: code, error, done_at: new Date() });
      return { ...row, state: 'skipped', error_code: code, error };
    };
    const fresh = await R(ctx).selectFrom('listings').select(['state']).where('account_id', '=', row.account_id).where('vinted_id', '=', row.old_vinted_id).executeTakeFirst();
    const state = fresh?.state;
    if (state !== 'live') return skip(state === 'reserved' ? 'reserved' : 'not_live', `the listing is ${state ?? 'unknown'} on Vinted`);
    if (st.adapter.kind === 'web') {
      // offers are read again before each delete (conversations unchanged since are not re-read)
      st.offers = await st.adapter.openOfferItems();
      if (st.offers.has(row.old_vinted_id)) return skip('open_offer', 'a buyer has an offer open on this listing');
    }
    if (!(await photosAvailable(ctx, row.publication_id))) return skip('photos_missing', 'the article\'s photos are no longer stored: it could not be re-created');
    const pace = paceOf(settingsOf(ctx).publish, st.account);
    for (let attempt = 1; ; attempt++) {
      const at = await reserveWrite(ctx, st.account.id, pace, { kind: 'relist-delete', publicationId: row.publication_id });
      await sleep(at.getTime() - Date.now(), job.signal);
      const a = await getAccount(ctx, st.account.id);
      if (!a || a.queue_state !== 'running') return skip('account_stopped', `the account's queue is ${a?.queue_state ?? 'gone'} (${a?.queue_code ?? ''}): nothing was deleted`);
      await setRow(ctx, row.id, { state: 'deleting' });
      await step(ctx.db, row.publication_id, 'relist: delete sent', { old_vinted_id: row.old_vinted_id, relist: row.id });
      try {
        if (st.adapter.kind === 'web') await st.adapter.deleteItem(row.old_vinted_id);
        else {
          const p = await getPublication(ctx.db, row.publication_id);
          if (!p?.remote_ref) return skip('not_ours', 'not published through the Pro API by this app');
          await st.adapter.delete([p.remote_ref]);
        }
        break;
      } catch (e) {
        if (e instanceof VintedError && e.kind === 'not_found') break; // already gone: the re-create follows
        if (e instanceof VintedError && ['captcha', 'auth', 'access_denied', 'rate_limited', 'validation'].includes(e.kind)) {
          // refused: nothing was deleted
          await setRow(ctx, row.id, { state: 'queued' });
          if (e.kind === 'rate_limited' && attempt < 3) {
            await delayWrites(ctx, st.account.id, new Date(Date.now() + (e.retryAfterMs ?? 60_000)));
            continue;
          }
          await stopFor(ctx, st.account, e);
          return skip(e.kind === 'rate_limited' ? 'rate_limited' : e.kind, e.message);
        }
        throw e; // no answer: the delete may have happened; the retried job asks Vinted (state `deleting`)
      }
    }
    await deleted(ctx, row);
    row = { ...row, state: 'recreating' };
  }
  if (row.state === 'recreating') {
    await publishOne(job, ctx, st.account.id, row.publication_id);
    row = await settleRelist(ctx, row);
  }
  return row;
}

export async function relistHandler(job: JobContext<RelistPayload>, ctx: CoreContext): Promise<unknown> {
  const { account_id: accountId, run_id: runId } = job.payload;
  const account = await getAccount(ctx, accountId);
  if (!account) throw new JobFailedError(`Vinted account ${accountId} not found`);
  const rule: RelistRule | null = job.payload.rule_id ? await getRule(ctx.db, job.payload.rule_id) : null;
  const adapter = adapterFor(ctx, account);
  const st: RunState = { ctx, job, account, adapter, offers: null, syncedAt: 0 };
  const existing = await R(ctx).selectFrom('relists').select('id').where('run_id', '=', runId).limit(1).execute();
  // a run already started is finished even if its rule was deleted since
  if (job.payload.rule_id && !rule && !existing.length) throw new JobFailedError(`relist rule ${job.payload.rule_id} not found`);
  if (!existing.length) {
    if (account.queue_state !== 'running') throw new JobFailedError(`the account's queue is ${account.queue_state} (${account.queue_code ?? ''}): nothing relisted`);
    if (rule && (rule.dry_run || !rule.acknowledged_at)) throw new JobFailedError(`relist rule "${rule.name}" is in dry-run: preview it, acknowledge the warning and turn dry-run off to act`);
    // fresh states and offers before choosing
    await syncAccount(ctx, account);
    st.syncedAt = Date.now();
    if (adapter.kind === 'web') {
      st.offers = await adapter.openOfferItems();
    }
    const base = rule ?? { id: '', name: 'manual', dry_run: false, daily_cap: 1_000_000, account_id: account.id, min_age_days: 0, max_views: null, max_favourites: null, catalog_ids: [] };
    const pv = await previewRule(ctx.db, base, st.offers);
    const wanted = job.payload.vinted_ids?.length ? new Set(job.payload.vinted_ids) : null;
    const chosen = pv.items.filter((i) => i.reason === null && (!wanted || wanted.has(i.vinted_id)));
    for (const c of chosen) {
      await R(ctx).insertInto('relists').values({ run_id: runId, rule_id: rule?.id ?? null, account_id: account.id, old_vinted_id: c.vinted_id, publication_id: c.publication_id! })
        .onConflict((oc) => oc.doNothing()).execute();
    }
    if (rule) await R(ctx).updateTable('relist_rules').set({ last_run_at: new Date() }).where('id', '=', rule.id).execute();
    await job.log('info', `${account.name}: ${chosen.length} listing(s) to relist (${pv.matched} matched)`, { code: 'relist.chosen', account: account.name, count: chosen.length, matched: pv.matched });
  }
  const rows = (await R(ctx).selectFrom('relists').selectAll().where('run_id', '=', runId).where('state', 'in', ['queued', 'deleting', 'recreating']).orderBy('created_at').orderBy('old_vinted_id').execute()).map(toRelist);
  let n = 0;
  for (const r of rows) {
    job.throwIfCancelled();
    const a = await getAccount(ctx, account.id);
    if (!a || a.queue_state !== 'running') {
      // blocked in the middle: what was not deleted stays on Vinted, untouched
      if (r.state === 'queued') await setRow(ctx, r.id, { state: 'skipped', error_code: 'account_stopped', error: `the account's queue is ${a?.queue_state ?? 'gone'} (${a?.queue_code ?? ''}): nothing was deleted`, done_at: new Date() });
      continue;
    }
    st.account = a;
    const out = await relistOne(st, r);
    n++;
    await job.progress(Math.round((n / rows.length) * 100), { relisted: n });
    if (out.state === 'failed') await job.log('warn', `${a.name}: relist of ${r.old_vinted_id} failed: ${out.error ?? out.error_code}`, { code: 'relist.failed', account: a.name, item: r.old_vinted_id, error: out.error ?? out.error_code ?? '' });
  }
  await settleAll(ctx, account.id);
  const counts = await R(ctx).selectFrom('relists').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('run_id', '=', runId).groupBy('state').execute();
  const result = Object.fromEntries(counts.map((c) => [c.state, Number(c.n)]));
  // a re-create still queued (rate limit, stopped queue) is finished by the publish queue
  if (result.recreating) await kick(ctx, account.id);
  return { run_id: runId, ...result };
}
