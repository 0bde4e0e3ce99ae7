// Publishing, two-phase (spec §6): `prepare` rebuilds each article from the current catalog and the
// saved plan, maps it to Vinted's ids and returns the exact payload with a confirm token bound to
// its content hash; `publish` (one article) and `execute` (a batch) reserve the idempotency key and
// queue the article — or, dry-run (the default), only show what would be sent. The account's queue
// (worker.ts) does the calls, paced.
import type { CoreContext } from '../../core/module.ts';
import { HttpError, notFound } from '../../core/errors.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { loadCatalog, loadPlan } from '../catalog/store.ts';
import type { Catalog } from '../catalog/types.ts';
import { buildPlan, type PlanOptions } from '../listings/plan.ts';
import { getAccount, type Account } from '../accounts/store.ts';
import { brandIndex, ensureTaxonomy } from '../catalogue/refresh.ts';
import { contentHash, itemFields, listingUuid, MAX_PHOTOS, proItem, vintedTextIssues, webBody, type ItemFields, type PublishPhoto } from './payload.ts';
import { confirmToken, openConfirm } from './tokens.ts';
import { message } from './messages.ts';
import { ACTIVE, counts, getPublication, listPublications, reservePublication, type Publication } from './store.ts';
import { expectedTimes, paceOf } from './pacer.ts';

export interface PreparedItem {
  cluster_id: string;
  ready: boolean;
  missing: string[];
  warnings: string[];
  title: string;
  price: number | null;
  catalog_path: string[];
  photos: { photo: string; file: string }[];
  /** the body sent to Vinted; photo ids (web) or URLs (Pro) are shown as placeholders until then */
  payload: unknown;
  content_hash: string;
  confirm_token: string | null;
  expires_at: string | null;
  /** this article's publication on this account, when there is one */
  existing: { id: string; state: string; vinted_id: string | null; url: string | null } | null;
  error: string | null;
  /** what is stored with the publication (not part of the API's answer) */
  fields: ItemFields;
}

function fail(status: number, code: string, msg: string, details?: unknown): never {
  throw new HttpError(status, code, msg, details);
}

export async function accountOr404(ctx: CoreContext, idOrName: string): Promise<Account> {
  const a = await getAccount(ctx, idOrName);
  if (!a) throw notFound(`Vinted account ${idOrName}`);
  return a;
}

async function catalogAndPlan(ctx: CoreContext, job: string): Promise<{ catalog: Catalog; plan: NonNullable<Awaited<ReturnType<typeof loadPlan>>> }> {
  const catalog = await loadCatalog(ctx.db, job).catch(() => null);
  if (!catalog) throw notFound(`catalog of job ${job}`);
  if (catalog.version === 0) fail(409, 'not_ready', `the photos of job ${job} are still being analysed`);
  const plan = await loadPlan(ctx.db, job);
  if (!plan) fail(409, 'no_plan', `job ${job} has no plan yet: draft the listings first (POST /api/vinted/bulk/listings/plan or atelier vinted plan ${job})`);
  return { catalog, plan };
}

/** The photos of an article as they will be published: the cover first, then the others in order. */
function articlePhotos(catalog: Catalog, clusterId: string): (PublishPhoto & { blobs: { listing: string; original?: string } })[] {
  const c = catalog.clusters.find((x) => x.id === clusterId);
  if (!c) return [];
  const byId = new Map(catalog.photos.map((p) => [p.id, p]));
  const ids = c.photos.includes(c.cover) ? [c.cover, ...c.photos.filter((p) => p !== c.cover)] : c.photos;
  return ids.map((id) => byId.get(id)).filter((p) => !!p).map((p) => ({ photo: p!.id, file: p!.file, sha256: p!.sha256, blobs: p!.blobs }));
}

export async function prepare(ctx: CoreContext, o: { job: string; account: string; clusters?: string[] }): Promise<{ account: Account; taxonomy_source: string; items: PreparedItem[] }> {
  const account = await accountOr404(ctx, o.account);
  const s = settingsOf(ctx);
  const lang = ctx.config.lang;
  const { catalog, plan } = await catalogAndPlan(ctx, o.job);
  const unknown = (o.clusters ?? []).filter((c) => !catalog.clusters.some((x) => x.id === c));
  if (unknown.length) fail(400, 'bad_request', `unknown articles in job ${o.job}: ${unknown.join(', ')}`);
  const taxonomy = await ensureTaxonomy(ctx, account, s.publish.catalogueMaxAgeDays);
  const opts = plan.options as PlanOptions;
  const brands = await brandIndex(ctx, taxonomy, account, [...catalog.clusters.map((c) => c.brand), opts.defaults?.brand, ...Object.values(opts.overrides ?? {}).map((x) => x.brand)]);
  const rebuilt = buildPlan(catalog, s, { defaults: opts.defaults, overrides: opts.overrides, templates: plan.templates, vinted: { taxonomy, brands } });
  const wanted = o.clusters?.length ? new Set(o.clusters) : null;
  const existing = new Map((await listPublications(ctx.db, { accountId: account.id, jobId: o.job })).map((p) => [p.cluster_id, p]));
  const key = ctx.vault.derive('vinted.confirm');
  const items: PreparedItem[] = [];
  for (const item of rebuilt.items) {
    if (wanted && !wanted.has(item.cluster_id)) continue;
    const photos = articlePhotos(catalog, item.cluster_id);
    const missing = [...item.missing_fields, ...vintedTextIssues(item)];
    let error: string | null = null;
    if (!photos.length) {
      missing.push('no_photo');
      error = message(lang, 'no_photo');
    } else if (photos.length > MAX_PHOTOS) {
      missing.push('too_many_photos');
      error = message(lang, 'too_many_photos', { count: photos.length });
    }
    for (const p of photos) {
      const present = (await ctx.files.stat(p.blobs.listing)) || (p.blobs.original ? await ctx.files.stat(p.blobs.original) : null);
      if (!present) {
        missing.push('photo_missing');
        error = message(lang, 'photo_missing', { file: p.file });
        break;
      }
    }
    if (!error && missing.length) error = message(lang, 'not_ready', { fields: missing.join(', ') });
    const fields = itemFields(item);
    const publishPhotos = photos.map(({ photo, file, sha256 }) => ({ photo, file, sha256 }));
    const hash = contentHash(fields, publishPhotos);
    const tempUuid = listingUuid(account.id, o.job, item.cluster_id, hash);
    const payload = account.kind === 'pro'
      ? proItem(fields, '<publication id>', photos.map((p) => `<signed URL of ${p.file}>`))
      : webBody(fields, tempUuid, photos.map((p, i) => `<photo ${i + 1}: ${p.file}>`));
    const ready = missing.length === 0;
    const tok = ready ? confirmToken(key, { a: account.id, j: o.job, c: item.cluster_id, h: hash }) : null;
    const ex = existing.get(item.cluster_id);
    items.push({
      cluster_id: item.cluster_id, ready, missing, warnings: item.vinted.warnings, title: fields.title, price: fields.price,
      catalog_path: item.vinted.catalog_path, photos: photos.map((p) => ({ photo: p.photo, file: p.file })), payload, content_hash: hash,
      confirm_token: tok?.token ?? null, expires_at: tok?.expiresAt.toISOString() ?? null,
      existing: ex ? { id: ex.id, state: ex.state, vinted_id: ex.vinted_id, url: ex.url } : null, error, fields,
    });
  }
  return { account, taxonomy_source: taxonomy.source, items };
}

export interface QueuedResult {
  cluster_id: string;
  publication_id: string | null;
  /** queued | … | published | already_queued (another request holds it) | not_ready | stale | dry_run */
  state: string;
  outcome: 'created' | 'same_key' | 'requeued' | 'exists' | 'not_ready' | 'stale' | 'dry_run';
  vinted_id: string | null;
  url: string | null;
  error: string | null;
}

async function queueOne(ctx: CoreContext, account: Account, job: string, p: PreparedItem, key: string, by: string | null): Promise<QueuedResult> {
  const { catalog } = await catalogAndPlan(ctx, job);
  const photos = articlePhotos(catalog, p.cluster_id).map(({ photo, file, sha256 }) => ({ photo, file, sha256 }));
  const r = await reservePublication(ctx.db, {
    idempotencyKey: key, accountId: account.id, jobId: job, clusterId: p.cluster_id, contentHash: p.content_hash,
    payload: p.fields, photos, tempUuid: listingUuid(account.id, job, p.cluster_id, p.content_hash), createdBy: by,
  });
  const pub = r.publication;
  return { cluster_id: p.cluster_id, publication_id: pub.id, state: pub.state, outcome: r.outcome, vinted_id: pub.vinted_id, url: pub.url, error: pub.error };
}

/** One article, by its confirm token, behind an Idempotency-Key (spec §6). */
export async function publishConfirmed(ctx: CoreContext, o: { token: string; key: string | undefined; dryRun: boolean; by?: string | null }): Promise<{ status: number; body: Record<string, unknown> }> {
  const opened = openConfirm(ctx.vault.derive('vinted.confirm'), o.token);
  if (!opened.ok) fail(400, opened.reason === 'expired' ? 'confirm_expired' : 'confirm_invalid', opened.reason === 'expired' ? 'the confirm token expired (30 min): prepare again' : 'invalid confirm token');
  const c = opened.claims;
  const prepared = await prepare(ctx, { job: c.j, account: c.a, clusters: [c.c] });
  const p = prepared.items[0];
  if (!p) throw notFound(`article ${c.c}`);
  if (p.content_hash !== c.h) fail(409, 'stale', message(ctx.config.lang, 'stale'));
  if (!p.ready) fail(409, 'not_ready', p.error ?? 'not ready', { missing: p.missing });
  if (o.dryRun) return { status: 200, body: { ok: true, dry_run: true, item: p } };
  if (!o.key) fail(400, 'idempotency_key_required', 'publishing for real needs an Idempotency-Key header (one per confirmation)');
  const r = await queueOne(ctx, prepared.account, c.j, p, o.key, o.by ?? null);
  const pub = (await getPublication(ctx.db, r.publication_id!))!;
  if (r.outcome === 'same_key' && ACTIVE.includes(pub.state)) fail(409, 'in_progress', 'this request is already being processed (same Idempotency-Key)', { publication: publicationView(pub) });
  if (r.outcome === 'exists') fail(409, 'already', `article ${c.c} is already ${pub.state} on this account`, { publication: publicationView(pub) });
  if (r.outcome === 'created' || r.outcome === 'requeued') await kick(ctx, prepared.account.id);
  return { status: r.outcome === 'same_key' ? 200 : 202, body: { ok: true, listing_id: pub.vinted_id, listing_url: pub.url, publication: publicationView(pub) } };
}

/**
 * A batch: with confirm tokens (the Studio's dialog, after its dry run) or with the articles' ids
 * (the CLI's --confirm). Not dry-run only when asked; the key makes a repeated click a no-op.
 */
export async function execute(ctx: CoreContext, o: { job: string; account: string; only?: string[]; tokens?: string[]; dryRun: boolean; key?: string; by?: string | null }): Promise<{ account: Account; dry_run: boolean; items: (QueuedResult & { payload?: unknown; expected_at?: string | null })[] }> {
  const lang = ctx.config.lang;
  let hashes: Map<string, string> | null = null;
  let only = o.only;
  const account0 = await accountOr404(ctx, o.account);
  if (o.tokens?.length) {
    hashes = new Map();
    for (const t of o.tokens) {
      const r = openConfirm(ctx.vault.derive('vinted.confirm'), t);
      if (!r.ok) fail(400, r.reason === 'expired' ? 'confirm_expired' : 'confirm_invalid', r.reason === 'expired' ? 'a confirm token expired (30 min): preview again' : 'invalid confirm token');
      if (r.claims.j !== o.job || r.claims.a !== account0.id) fail(400, 'confirm_invalid', 'a confirm token belongs to another batch or account');
      hashes.set(r.claims.c, r.claims.h);
    }
    only = [...hashes.keys()];
  }
  const prepared = await prepare(ctx, { job: o.job, account: account0.id, clusters: only });
  const account = prepared.account;
  const items: (QueuedResult & { payload?: unknown })[] = [];
  if (!o.dryRun && !o.key) fail(400, 'idempotency_key_required', 'publishing for real needs an Idempotency-Key (one per confirmation)');
  for (const p of prepared.items) {
    const base = { cluster_id: p.cluster_id, publication_id: p.existing?.id ?? null, vinted_id: p.existing?.vinted_id ?? null, url: p.existing?.url ?? null };
    if (hashes && hashes.get(p.cluster_id) !== p.content_hash) {
      items.push({ ...base, state: 'stale', outcome: 'stale', error: message(lang, 'stale') });
      continue;
    }
    if (!p.ready) {
      items.push({ ...base, state: 'not_ready', outcome: 'not_ready', error: p.error });
      continue;
    }
    if (o.dryRun) {
      items.push({ ...base, state: 'dry_run', outcome: 'dry_run', error: null, payload: p.payload });
      continue;
    }
    items.push(await queueOne(ctx, account, o.job, p, `${o.key}:${p.cluster_id}`, o.by ?? null));
  }
  if (!o.dryRun && items.some((i) => i.outcome === 'created' || i.outcome === 'requeued')) await kick(ctx, account.id);
  const view = await queueView(ctx, account);
  const eta = new Map(view.items.map((i) => [i.id, i.expected_at]));
  return { account, dry_run: o.dryRun, items: items.map((i) => ({ ...i, expected_at: i.publication_id ? eta.get(i.publication_id) ?? null : null })) };
}

export function publicationView(p: Publication, expectedAt?: Date | null) {
  return {
    id: p.id, account_id: p.account_id, job_id: p.job_id, cluster_id: p.cluster_id, state: p.state, title: p.payload.title, price: p.payload.price,
    photos: p.photos.length, uploaded: p.uploaded.filter((x) => x !== null).length, vinted_id: p.vinted_id, url: p.url,
    error_code: p.error_code, error: p.error, error_params: p.error_params, field_errors: p.field_errors, manual_url: p.manual_url,
    attempts: p.attempts, wasted: p.wasted, next_at: p.next_at.toISOString(), expected_at: expectedAt ? expectedAt.toISOString() : null,
    created_at: p.created_at.toISOString(), published_at: p.published_at ? p.published_at.toISOString() : null,
  };
}
export type PublicationView = ReturnType<typeof publicationView>;

/** The account's queue with each article's expected time (laid out at the budget's pace). */
export async function queueView(ctx: CoreContext, account: Account, jobId?: string) {
  const s = settingsOf(ctx).publish;
  const pace = paceOf(s, account);
  const all = await listPublications(ctx.db, { accountId: account.id, jobId, limit: 2000 });
  const active = all.filter((p) => ACTIVE.includes(p.state));
  const start = Math.max(Date.now(), account.next_write_at?.getTime() ?? 0, account.circuit_until?.getTime() ?? 0);
  const eta = account.queue_state === 'running'
    ? expectedTimes(start, pace, active.map((p) => ({
      id: p.id,
      writesLeft: account.kind === 'pro' ? (p.remote_ref ? 0 : 1) : p.uploaded.filter((x) => x === null).length + 1,
      notBefore: p.next_at.getTime(),
    })))
    : new Map<string, Date>();
  return {
    account_id: account.id, queue_state: account.queue_state, queue_code: account.queue_code, circuit_until: account.circuit_until?.toISOString() ?? null,
    writes_per_hour: pace.writesPerHour, active_hours: account.active_hours ?? s.activeHoursText, counts: await counts(ctx.db, account.id),
    items: all.map((p) => publicationView(p, eta.get(p.id) ?? null)),
  };
}

/** Makes sure the account's queue is being worked on: a publish job unless one is already waiting or running. */
export async function kick(ctx: CoreContext, accountId: string): Promise<string | null> {
  // a runner counts while it is waiting to start or its process is alive (heartbeats every 2 s); one
  // whose process was killed waits for pg-boss's retry, whose delay grows with each retry: start another
  const live = await ctx.db.withSchema('core').selectFrom('jobs').select('id')
    .where('module', '=', 'vinted').where('kind', '=', 'publish')
    .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', 'in', ['running', 'retrying']), eb('heartbeat_at', '>', new Date(Date.now() - 30_000))])]))
    .where((eb) => eb(eb.ref('payload', '->>').key('account_id' as never), '=', accountId)).executeTakeFirst();
  if (live) return live.id;
  const a = await getAccount(ctx, accountId);
  if (!a || a.queue_state !== 'running') return null;
  const job = await ctx.jobs.enqueue('vinted.publish', { account_id: accountId }, { title: `Vinted · ${a.name}` });
  return job.id;
}

/** The schedule's tick: every running queue with work left gets a runner. */
export async function kickAll(ctx: CoreContext): Promise<number> {
  const rows = await ctx.db.withSchema('vinted').selectFrom('publications').select('account_id').distinct().where('state', 'in', ACTIVE).execute();
  let n = 0;
  for (const r of rows) if (await kick(ctx, r.account_id)) n++;
  return n;
}
