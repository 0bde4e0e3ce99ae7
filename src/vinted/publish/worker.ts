// The publish queue of one account (job `vinted.publish`, payload {account_id}). One runner per
// account across processes (a lease in vinted.accounts) and one worker per article (a lease in
// vinted.publications), so two workers racing on PostgreSQL never both touch an article.
//
// Never twice: before each call to Vinted the worker reserves a paced write slot, then writes down
// the call it is about to make (pending_step); after the answer it records the result and clears
// it. A worker that finds a pending_step (the previous one died, or the answer never came) first
// asks Vinted what happened — the photos under the listing's temp_uuid, the item in the wardrobe
// (by its photo ids, else title and price) — and only repeats what did not happen. Repeated requests
// are counted as `wasted`.
import { recordEvent } from '../events/outbox.ts';
import type { CoreContext } from '../../core/module.ts';
import type { JobContext } from '../../core/jobs/types.ts';
import { scrub } from '../../core/log.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { fold } from '../listings/text.ts';
import { listingCopy, type PhotoBlobs } from '../ingest/listing.ts';
import { getAccount, setQueue, updateAccount, type Account } from '../accounts/store.ts';
import { adapterFor, VintedError, type Adapter } from '../vinted-api/index.ts';
import type { WebAdapter } from '../vinted-api/web.ts';
import type { ProAdapter } from '../vinted-api/pro.ts';
import { upsertListing } from '../wardrobe/store.ts';
import { message } from './messages.ts';
import { delayWrites, paceOf, reserveWrite, type Pace } from './pacer.ts';
import { proItem, webBody } from './payload.ts';
import { signedPhotoUrl } from './photo-urls.ts';
import { ACTIVE, claim, counts, nextDue, release, renewClaim, step, update, getPublication, type Publication } from './store.ts';

const MAX_SLEEP_MS = 10 * 60_000;
const LEASE_MS = 15_000;
const BREAKER_AFTER = 5;

/** The queue must stop now (captcha, session gone, paused by the seller): leave the article as it is. */
class StopQueue extends Error {}
class ArticleProblem extends Error {
  readonly code: string;
  readonly params: Record<string, unknown>;
  constructor(code: string, params: Record<string, unknown>) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoffMs(base: number, attempt: number): number {
  const exp = Math.min(base * 2 ** Math.max(0, attempt - 1), 30 * 60_000);
  return exp * (0.8 + Math.random() * 0.4);
}

/** Reasons a refused call had no effect on Vinted (so nothing is pending after it). */
const REFUSED = new Set(['captcha', 'rate_limited', 'validation', 'photo_rejected', 'auth', 'access_denied', 'slots']);

interface Run {
  ctx: CoreContext;
  job: JobContext<{ account_id: string }>;
  owner: string;
  account: Account;
  adapter: Adapter;
  pace: Pace;
  lang: 'fr' | 'en';
}

export async function publishQueueHandler(job: JobContext<{ account_id: string }>, ctx: CoreContext): Promise<unknown> {
  const accountId = String(job.payload.account_id ?? '');
  const owner = `job:${job.id}`;
  const V = ctx.db.withSchema('vinted');
  const acquire = () => V.updateTable('accounts').set({ lease_owner: owner, lease_until: new Date(Date.now() + LEASE_MS) })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', new Date()), eb('lease_owner', '=', owner)]))
    .returning('id').executeTakeFirst();
  let got = await acquire();
  if (!got) {
    // held by a runner whose process died (no heartbeat for 10 s)? its lease runs out within 15 s: take over then
    const held = await V.selectFrom('accounts').select(['lease_owner', 'lease_until']).where('id', '=', accountId).executeTakeFirst();
    const ownerJob = held?.lease_owner?.startsWith('job:') ? held.lease_owner.slice(4) : null;
    const other = ownerJob ? await ctx.db.withSchema('core').selectFrom('jobs').select(['status', 'heartbeat_at']).where('id', '=', ownerJob).executeTakeFirst() : null;
    const dead = !other || other.status !== 'running' || !other.heartbeat_at || new Date(other.heartbeat_at).getTime() < Date.now() - 10_000;
    if (dead && held?.lease_until) {
      await sleep(Math.max(0, new Date(held.lease_until).getTime() - Date.now()) + 200, job.signal);
      got = await acquire();
    }
  }
  if (!got) {
    await job.log('info', 'another worker is running this account\'s queue');
    return { skipped: true };
  }
  let current: string | null = null;
  const renew = setInterval(() => {
    void V.updateTable('accounts').set({ lease_until: new Date(Date.now() + LEASE_MS) }).where('id', '=', accountId).where('lease_owner', '=', owner).execute().catch(() => {});
    if (current) void renewClaim(ctx.db, current, owner, LEASE_MS).catch(() => {});
  }, 4000);
  renew.unref();
  const done = { published: 0, failed: 0 };
  try {
    for (;;) {
      job.throwIfCancelled();
      const account = await getAccount(ctx, accountId);
      if (!account || account.queue_state !== 'running') break;
      const now = Date.now();
      if (account.circuit_until && account.circuit_until.getTime() > now) {
        const wait = account.circuit_until.getTime() - now;
        if (wait > MAX_SLEEP_MS) break;
        await sleep(wait, job.signal);
        continue;
      }
      const { due, nextAt } = await nextDue(ctx.db, accountId, owner);
      if (!due) {
        if (!nextAt) break;
        const wait = nextAt.getTime() - Date.now();
        if (wait > MAX_SLEEP_MS) break;
        // due but held by another runner (or one that died: its lease runs out): look again in a second
        await sleep(wait > 0 ? wait : 1000, job.signal);
        continue;
      }
      if (!(await claim(ctx.db, due.id, owner, LEASE_MS))) {
        await sleep(250, job.signal);
        continue;
      }
      current = due.id;
      const s = settingsOf(ctx).publish;
      const run: Run = { ctx, job, owner, account, adapter: adapterFor(ctx, account), pace: paceOf(s, account), lang: ctx.config.lang };
      try {
        const after = await processArticle(run, due);
        if (after === 'published') done.published++;
        else if (after && !ACTIVE.includes(after as never)) done.failed++;
      } finally {
        current = null;
        await release(ctx.db, due.id, owner);
      }
      await job.progress(null, { ...(await counts(ctx.db, accountId)), published_now: done.published });
    }
  } finally {
    clearInterval(renew);
    await V.updateTable('accounts').set({ lease_owner: null, lease_until: null }).where('id', '=', accountId).where('lease_owner', '=', owner).execute().catch(() => {});
  }
  return { ...done, counts: await counts(ctx.db, accountId) };
}

/** Runs one article as far as it can go; returns its state afterwards. */
async function processArticle(run: Run, pub: Publication): Promise<string | null> {
  let p = pub;
  try {
    if (run.adapter.kind === 'web') p = await processWeb(run, run.adapter, p);
    else p = await processPro(run, run.adapter, p);
    if (run.account.failures > 0) await updateAccount(run.ctx, run.account.id, { failures: 0 });
  } catch (e) {
    if (e instanceof StopQueue) return p.state;
    const fresh = (await getPublication(run.ctx.db, p.id)) ?? p;
    await onFailure(run, fresh, e);
  }
  return (await getPublication(run.ctx.db, p.id))?.state ?? null;
}

async function waitSlot(run: Run, p: Publication, kind: string): Promise<void> {
  const at = await reserveWrite(run.ctx, run.account.id, run.pace, { kind, publicationId: p.id });
  const wait = at.getTime() - Date.now();
  if (wait > 0) await sleep(wait, run.job.signal);
  run.job.throwIfCancelled();
  // the seller may have paused the queue while we waited
  const a = await getAccount(run.ctx, run.account.id);
  if (!a || a.queue_state !== 'running') throw new StopQueue();
}

async function photoBytes(run: Run, p: Publication, i: number): Promise<Buffer> {
  const ph = p.photos[i];
  const row = await run.ctx.db.withSchema('vinted').selectFrom('photos').select(['blobs']).where('job_id', '=', p.job_id).where('id', '=', ph.photo).executeTakeFirst();
  const blobs = row ? ((typeof row.blobs === 'string' ? JSON.parse(row.blobs) : row.blobs) as PhotoBlobs) : null;
  const data = blobs ? await listingCopy(run.ctx.files, blobs) : null;
  if (!data) throw new ArticleProblem('photo_missing', { file: ph.file });
  return data;
}

async function markPublished(run: Run, p: Publication, vintedId: string, url: string | null, how: string): Promise<Publication> {
  await update(run.ctx.db, p.id, { state: 'published', vinted_id: vintedId, url, published_at: new Date(), pending_step: null, pending_at: null, error_code: null, error: null, error_params: null });
  await step(run.ctx.db, p.id, how, { vinted_id: vintedId, url });
  await upsertListing(run.ctx.db, {
    account_id: run.account.id, vinted_id: vintedId, title: p.payload.title, price: p.payload.price, currency: p.payload.currency, url, state: 'live',
    publication_id: p.id, job_id: p.job_id, cluster_id: p.cluster_id,
  });
  await recordEvent(run.ctx.db, {
    type: 'listing.created', accountId: run.account.id, dedupeKey: `listing.created:${run.account.id}:${vintedId}`,
    data: { vinted_id: vintedId, url, title: p.payload.title, price: p.payload.price, currency: p.payload.currency, job_id: p.job_id, cluster_id: p.cluster_id },
  });
  return (await getPublication(run.ctx.db, p.id))!;
}

// ---------- web ----------

async function processWeb(run: Run, a: WebAdapter, pub: Publication): Promise<Publication> {
  let p = pub;
  if (p.pending_step) p = await reconcileWeb(run, a, p);
  if (p.state === 'published') return p;
  const { db } = run.ctx;
  if (p.uploaded.some((x) => x === null) && p.state !== 'uploading') {
    await update(db, p.id, { state: 'uploading' });
    p.state = 'uploading';
  }
  for (let i = 0; i < p.photos.length; i++) {
    if (p.uploaded[i] !== null) continue;
    const bytes = await photoBytes(run, p, i);
    await waitSlot(run, p, 'photo');
    await update(db, p.id, { pending_step: `photo:${i}`, pending_at: new Date() });
    p.pending_step = `photo:${i}`;
    const up = await a.uploadPhoto(p.temp_uuid, bytes, `photo-${i + 1}.jpg`);
    p.uploaded[i] = up.id;
    p.pending_step = null;
    await update(db, p.id, { uploaded: p.uploaded, pending_step: null, pending_at: null });
    await step(db, p.id, 'photo', { index: i, file: p.photos[i].file, vinted_photo_id: up.id });
  }
  await update(db, p.id, { state: 'creating' });
  p.state = 'creating';
  await waitSlot(run, p, 'create');
  await update(db, p.id, { pending_step: 'create', pending_at: new Date() });
  p.pending_step = 'create';
  const created = await a.createItem(webBody(p.payload, p.temp_uuid, p.uploaded as number[]));
  if (created.id) return markPublished(run, p, created.id, created.url, 'created');
  // "id may sometimes be null": the wardrobe has it
  const found = await findInWardrobe(run, a, p);
  if (found) return markPublished(run, p, found.id, found.url, 'created (id read from the wardrobe)');
  throw new VintedError('unexpected', 'item creation answered without an id and the item is not in the wardrobe yet');
}

async function reconcileWeb(run: Run, a: WebAdapter, pub: Publication): Promise<Publication> {
  const p = pub;
  const { db } = run.ctx;
  const pending = p.pending_step!;
  if (pending.startsWith('photo:')) {
    const i = Number(pending.slice(6));
    const list = await a.photosOf(p.temp_uuid);
    const known = new Set(p.uploaded.filter((x) => x !== null));
    const extra = (list ?? []).filter((id) => !known.has(id));
    if (list && extra.length === 1 && p.uploaded[i] === null) {
      p.uploaded[i] = extra[0];
      await update(db, p.id, { uploaded: p.uploaded, pending_step: null, pending_at: null });
      await step(db, p.id, 'reconciled photo', { index: i, vinted_photo_id: extra[0] });
    } else {
      // the upload did not take (or we cannot tell): it is sent again, the lost request was wasted
      await update(db, p.id, { pending_step: null, pending_at: null, wasted: p.wasted + 1 });
      await step(db, p.id, 'photo redone', { index: i, seen: list?.length ?? null });
      p.wasted++;
    }
  } else if (pending === 'create') {
    const found = await findInWardrobe(run, a, p);
    if (found) return markPublished(run, p, found.id, found.url, 'reconciled create (found in the wardrobe)');
    await update(db, p.id, { pending_step: null, pending_at: null, wasted: p.wasted + 1 });
    await step(db, p.id, 'create redone', { reason: 'not in the wardrobe' });
    p.wasted++;
  } else {
    await update(db, p.id, { pending_step: null, pending_at: null });
  }
  p.pending_step = null;
  return p;
}

/** Our item in the account's wardrobe: one of its photos is ours, else the same title and price, not already ours. */
async function findInWardrobe(run: Run, a: WebAdapter, p: Publication): Promise<{ id: string; url: string | null } | null> {
  let uid = run.account.vinted_user_id;
  if (!uid) {
    uid = (await a.currentUser()).id;
    await updateAccount(run.ctx, run.account.id, { vinted_user_id: uid });
  }
  const ours = new Set(p.uploaded.filter((x) => x !== null).map(String));
  const taken = new Set((await run.ctx.db.withSchema('vinted').selectFrom('publications').select('vinted_id').where('account_id', '=', run.account.id).where('vinted_id', 'is not', null).execute()).map((r) => String(r.vinted_id)));
  let byText: { id: string; url: string | null } | null = null;
  for (let page = 1; page <= 20; page++) {
    if (page > 1) await sleep(800 + Math.random() * 400, run.job.signal);
    const w = await a.wardrobe(uid, page);
    for (const it of w.items) {
      const id = String(it?.id ?? '');
      if (!id || taken.has(id)) continue;
      const photoIds = [...(it.photos ?? []), it.photo].filter(Boolean).map((ph: any) => String(ph.id));
      if (photoIds.some((x: string) => ours.has(x))) return { id, url: it.url ?? null };
      const price = Number(it.price?.amount ?? it.price);
      if (!byText && fold(String(it.title ?? '')) === fold(p.payload.title) && price === Number(p.payload.price)) byText = { id, url: it.url ?? null };
    }
    if (page >= w.totalPages || !w.items.length) break;
  }
  return byText;
}

// ---------- Pro ----------

async function processPro(run: Run, a: ProAdapter, pub: Publication): Promise<Publication> {
  const p = pub;
  const { db } = run.ctx;
  if (!p.remote_ref && p.pending_step === 'submit') {
    // the CreateItems call may have reached Vinted: our reference tells
    const all = await a.listAll();
    const hit = all.find((x) => String(x.item_reference ?? '') === p.id);
    if (hit) {
      p.remote_ref = String(hit.item_id ?? hit.id);
      await update(db, p.id, { remote_ref: p.remote_ref, state: 'submitted', pending_step: null, pending_at: new Date() });
      await step(db, p.id, 'reconciled submit', { ref: p.remote_ref });
    } else {
      await update(db, p.id, { pending_step: null, wasted: p.wasted + 1 });
      await step(db, p.id, 'submit redone', { reason: 'not among the account\'s items' });
    }
    p.pending_step = null;
  }
  if (!p.remote_ref) {
    const urls = p.photos.map((ph) => signedPhotoUrl(run.ctx, p.job_id, ph.photo));
    if (urls.some((u) => !u)) throw new ArticleProblem('unexpected', { detail: 'VINTED_PUBLIC_URL is not set: Vinted Pro cannot fetch the photos' });
    await waitSlot(run, p, 'create');
    await update(db, p.id, { pending_step: 'submit', pending_at: new Date() });
    const { ref } = await a.submit(proItem(p.payload, p.id, urls as string[]));
    p.remote_ref = ref;
    p.pending_at = new Date();
    await update(db, p.id, { remote_ref: ref, state: 'submitted', pending_step: null, pending_at: p.pending_at, next_at: new Date() });
    await step(db, p.id, 'submitted', { ref });
  }
  const fresh = (await getPublication(db, p.id))!;
  if (fresh.state === 'published') return fresh; // the webhook came first
  const st = await a.status(p.remote_ref!);
  if (st.state === 'success' && st.vintedId) return markPublished(run, fresh, st.vintedId, st.url, 'published (status poll)');
  if (st.state === 'failure') {
    await update(db, p.id, {
      state: 'needs_review', error_code: 'pro_failure', field_errors: st.errors, error_params: { fields: st.errors.map((e) => `${e.field}: ${e.message}`).join('; ') },
      error: message(run.lang, 'pro_failure', { fields: st.errors.map((e) => `${e.field}: ${e.message}`).join('; ') }),
    });
    await step(db, p.id, 'refused by Vinted Pro', { errors: st.errors });
    return (await getPublication(db, p.id))!;
  }
  const age = Date.now() - (fresh.pending_at?.getTime() ?? Date.now());
  await update(db, p.id, { next_at: new Date(Date.now() + Math.min(60_000, Math.max(1000, age / 5))) });
  return (await getPublication(db, p.id))!;
}

// ---------- failures ----------

async function onFailure(run: Run, p: Publication, e: unknown): Promise<void> {
  const { ctx, account, lang } = run;
  const { db } = ctx;
  const s = settingsOf(ctx).publish;
  if (e instanceof ArticleProblem) {
    await update(db, p.id, { state: 'needs_review', error_code: e.code, error_params: e.params, error: message(lang, e.code, e.params), pending_step: null, pending_at: null });
    await step(db, p.id, 'needs review', { code: e.code });
    return;
  }
  const err = e instanceof VintedError ? e : new VintedError('unexpected', scrub((e as Error)?.message ?? String(e)));
  if (!(e instanceof VintedError)) ctx.log.error({ err: scrub((e as Error)?.stack ?? String(e)), publication: p.id }, 'vinted publish: unexpected failure');
  // a refused call changed nothing on Vinted; an unanswered one may have: keep it pending (reconciled next time)
  const pending = REFUSED.has(err.kind) ? { pending_step: null, pending_at: null } : {};
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms);
  const fmt = (d: Date) => d.toISOString();
  switch (err.kind) {
    case 'captcha': {
      const code = err.details.html && !err.details.datadome ? 'html_block' : 'captcha';
      await setQueue(ctx, account.id, 'stopped', code);
      await update(db, p.id, {
        ...pending, state: 'needs_manual', error_code: code, error: message(lang, code), error_params: { challenge: err.link },
        manual_url: `${s.baseUrl}/items/new`,
      });
      await step(db, p.id, 'needs manual', { reason: code, status: err.status });
      await run.job.log('error', `${account.name}: ${message(lang, code)}`);
      return;
    }
    case 'auth':
      await setQueue(ctx, account.id, 'stopped', 'reconnect');
      await updateAccount(ctx, account.id, { status: 'reconnect', status_code: 'auth', checked_at: new Date() });
      await update(db, p.id, { ...pending, error_code: 'reconnect', error: message(lang, 'reconnect'), error_params: null });
      await step(db, p.id, 'queue stopped', { reason: 'reconnect' });
      await run.job.log('error', `${account.name}: ${message(lang, 'reconnect')}`);
      return;
    case 'access_denied':
      await setQueue(ctx, account.id, 'stopped', 'access_denied');
      await update(db, p.id, { ...pending, error_code: 'access_denied', error: message(lang, 'access_denied'), error_params: null });
      await step(db, p.id, 'queue stopped', { reason: 'access_denied' });
      return;
    case 'validation': {
      const fields = err.fields.map((f) => `${f.field} (${f.message})`).join(', ') || err.message;
      await update(db, p.id, { ...pending, state: 'needs_review', error_code: 'validation', field_errors: err.fields, error_params: { fields }, error: message(lang, 'validation', { fields }) });
      await step(db, p.id, 'refused by Vinted', { fields: err.fields });
      return;
    }
    case 'photo_rejected': {
      const i = Number((p.pending_step ?? '').split(':')[1] ?? -1);
      const params = { file: p.photos[i]?.file ?? '?', reason: String(err.details.message ?? err.code) };
      await update(db, p.id, { pending_step: null, pending_at: null, state: 'needs_review', error_code: 'photo_rejected', error_params: params, error: message(lang, 'photo_rejected', params) });
      await step(db, p.id, 'photo refused', params);
      return;
    }
    case 'slots': {
      const params = { free: err.details.free_slots ?? 0, total: err.details.slot_limit ?? 500 };
      await updateAccount(ctx, account.id, { slots_total: Number(params.total), slots_used: Number(params.total) - Number(params.free) });
      await setQueue(ctx, account.id, 'stopped', 'slots');
      await update(db, p.id, { ...pending, state: 'needs_review', error_code: 'slots', error_params: params, error: message(lang, 'slots', params) });
      await step(db, p.id, 'no free slot', params);
      return;
    }
    case 'rate_limited': {
      const attempts = p.attempts + 1;
      const delay = err.retryAfterMs ?? backoffMs(s.backoffBaseMs, attempts);
      await delayWrites(ctx, account.id, at(delay));
      if (attempts >= s.maxAttempts) return dead(run, p, attempts, message(lang, 'rate_limited', { at: fmt(at(delay)) }), pending);
      await update(db, p.id, { ...pending, attempts, next_at: at(delay), error_code: 'rate_limited', error_params: { at: fmt(at(delay)) }, error: message(lang, 'rate_limited', { at: fmt(at(delay)) }) });
      await step(db, p.id, 'rate limited', { retry_in_ms: Math.round(delay), retry_after: err.retryAfterMs !== null });
      return;
    }
    default: {
      // 5xx, timeouts, network, anything unexpected: back off, and open the breaker when it repeats
      const attempts = p.attempts + 1;
      const delay = err.retryAfterMs ?? backoffMs(s.backoffBaseMs, attempts);
      const failures = account.failures + 1;
      const code = err.kind === 'server' ? 'server' : err.kind === 'network' ? 'network' : 'unexpected';
      const params = { at: fmt(at(delay)), status: err.status ?? '', detail: err.message };
      if (failures >= BREAKER_AFTER) {
        const cool = Math.min(s.backoffBaseMs * 4 * 2 ** account.circuit_opens, 3600_000);
        await updateAccount(ctx, account.id, { failures: 0, circuit_opens: account.circuit_opens + 1, circuit_until: at(cool) });
        await run.job.log('warn', `${account.name}: ${message(lang, 'circuit_open', { at: fmt(at(cool)) })}`);
      } else await updateAccount(ctx, account.id, { failures });
      if (attempts >= s.maxAttempts) return dead(run, p, attempts, message(lang, code, params), pending);
      await update(db, p.id, { ...pending, attempts, next_at: at(delay), error_code: code, error_params: params, error: message(lang, code, params) });
      await step(db, p.id, 'retry later', { kind: err.kind, status: err.status, retry_in_ms: Math.round(delay) });
    }
  }
}

async function dead(run: Run, p: Publication, attempts: number, last: string, pending: Record<string, unknown>): Promise<void> {
  const params = { attempts, last };
  await update(run.ctx.db, p.id, { ...pending, attempts, state: 'dead', error_code: 'dead', error_params: params, error: message(run.lang, 'dead', params) });
  await step(run.ctx.db, p.id, 'dead letter', { attempts });
}
