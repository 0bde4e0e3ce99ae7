// Publications, one per article and account. The idempotency key is reserved by an INSERT under a
// unique constraint before anything is sent to Vinted; each step is written down (publication_steps)
// and a call in flight is announced in pending_step, so a crash is never followed by a blind repeat.
import { sql, type Kysely } from 'kysely';
import type { ItemFields, PublishPhoto } from './payload.ts';

export type PubState = 'queued' | 'uploading' | 'creating' | 'submitted' | 'published' | 'needs_review' | 'needs_manual' | 'dead' | 'cancelled';
export const ACTIVE: PubState[] = ['queued', 'uploading', 'creating', 'submitted'];
export const FINAL: PubState[] = ['published', 'needs_review', 'needs_manual', 'dead', 'cancelled'];

export interface Publication {
  id: string;
  idempotency_key: string;
  account_id: string;
  job_id: string;
  cluster_id: string;
  content_hash: string;
  payload: ItemFields;
  photos: PublishPhoto[];
  state: PubState;
  position: number;
  temp_uuid: string;
  uploaded: (number | null)[];
  pending_step: string | null;
  pending_at: Date | null;
  remote_ref: string | null;
  vinted_id: string | null;
  url: string | null;
  error_code: string | null;
  error: string | null;
  error_params: Record<string, unknown> | null;
  field_errors: { field: string; message: string }[] | null;
  manual_url: string | null;
  attempts: number;
  wasted: number;
  next_at: Date;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
}

const P = (db: Kysely<any>) => db.withSchema('vinted');
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export function toPublication(r: any): Publication {
  const d = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    ...r,
    payload: parse(r.payload), photos: parse(r.photos), uploaded: parse(r.uploaded), field_errors: r.field_errors ? parse(r.field_errors) : null,
    error_params: r.error_params ? parse(r.error_params) : null, position: Number(r.position), attempts: Number(r.attempts), wasted: Number(r.wasted),
    pending_at: d(r.pending_at), next_at: new Date(r.next_at), created_at: new Date(r.created_at), updated_at: new Date(r.updated_at), published_at: d(r.published_at),
  };
}

export async function getPublication(db: Kysely<any>, id: string): Promise<Publication | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await P(db).selectFrom('publications').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toPublication(r) : null;
}

export interface NewPublication {
  idempotencyKey: string;
  accountId: string;
  jobId: string;
  clusterId: string;
  contentHash: string;
  payload: ItemFields;
  photos: PublishPhoto[];
  tempUuid: string;
  createdBy?: string | null;
}

export type Reserved =
  | { outcome: 'created'; publication: Publication }
  | { outcome: 'same_key'; publication: Publication }
  | { outcome: 'requeued'; publication: Publication }
  | { outcome: 'exists'; publication: Publication };

/**
 * The atomic reservation. A new key for a new article: a row. The same key again: the first row
 * (a repeat). Another key for an article already queued or published on this account: that row,
 * untouched (never twice). An article that came back for review, needed a manual step or died: the
 * same row is queued again with the new content, keeping what was already uploaded when the content
 * is unchanged.
 */
export async function reservePublication(db: Kysely<any>, n: NewPublication): Promise<Reserved> {
  return db.transaction().execute(async (tx) => {
    const V = P(tx);
    const position = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    const inserted = await V.insertInto('publications').values({
      idempotency_key: n.idempotencyKey, account_id: n.accountId, job_id: n.jobId, cluster_id: n.clusterId, content_hash: n.contentHash,
      payload: JSON.stringify(n.payload), photos: JSON.stringify(n.photos), state: 'queued', position, temp_uuid: n.tempUuid,
      uploaded: JSON.stringify(n.photos.map(() => null)), created_by: n.createdBy ?? null,
    }).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
    if (inserted) {
      await V.insertInto('publication_steps').values({ publication_id: inserted.id, step: 'reserved', detail: JSON.stringify({ key: n.idempotencyKey, hash: n.contentHash }) }).execute();
      return { outcome: 'created', publication: toPublication(inserted) };
    }
    const byKey = await V.selectFrom('publications').selectAll().where('idempotency_key', '=', n.idempotencyKey).executeTakeFirst();
    if (byKey) return { outcome: 'same_key', publication: toPublication(byKey) };
    const existing = await V.selectFrom('publications').selectAll()
      .where('account_id', '=', n.accountId).where('job_id', '=', n.jobId).where('cluster_id', '=', n.clusterId).forUpdate().executeTakeFirstOrThrow();
    const e = toPublication(existing);
    // a call whose outcome is unknown (pending_step) must be reconciled first: only a retry of the same content may do that
    const again = ['needs_review', 'needs_manual', 'dead', 'cancelled'].includes(e.state) && !e.vinted_id && !e.remote_ref && !e.pending_step;
    if (!again) return { outcome: 'exists', publication: e };
    const same = e.content_hash === n.contentHash;
    const row = await V.updateTable('publications').set({
      idempotency_key: n.idempotencyKey, content_hash: n.contentHash, payload: JSON.stringify(n.payload), photos: JSON.stringify(n.photos),
      temp_uuid: same ? e.temp_uuid : n.tempUuid, uploaded: same ? JSON.stringify(e.uploaded) : JSON.stringify(n.photos.map(() => null)),
      state: 'queued', position, attempts: 0, error_code: null, error: null, error_params: null, field_errors: null, manual_url: null,
      next_at: new Date(), updated_at: new Date(),
    }).where('id', '=', e.id).returningAll().executeTakeFirstOrThrow();
    await V.insertInto('publication_steps').values({ publication_id: e.id, step: 'requeued', detail: JSON.stringify({ key: n.idempotencyKey, hash: n.contentHash, from: e.state }) }).execute();
    return { outcome: 'requeued', publication: toPublication(row) };
  });
}

export async function step(db: Kysely<any>, id: string, name: string, detail?: Record<string, unknown>): Promise<void> {
  await P(db).insertInto('publication_steps').values({ publication_id: id, step: name, detail: detail ? JSON.stringify(detail) : null }).execute();
}

export async function steps(db: Kysely<any>, id: string): Promise<{ at: Date; step: string; detail: unknown }[]> {
  const rows = await P(db).selectFrom('publication_steps').select(['at', 'step', 'detail']).where('publication_id', '=', id).orderBy('id').execute();
  return rows.map((r) => ({ at: new Date(r.at), step: r.step, detail: r.detail ? parse(r.detail) : null }));
}

export async function update(db: Kysely<any>, id: string, patch: Record<string, unknown>): Promise<void> {
  const set: Record<string, unknown> = { updated_at: new Date() };
  for (const [k, v] of Object.entries(patch)) set[k] = v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
  await P(db).updateTable('publications').set(set).where('id', '=', id).execute();
}

/** Takes the item for this worker; false when another worker holds it (two workers racing). */
export async function claim(db: Kysely<any>, id: string, owner: string, ms = 30_000): Promise<boolean> {
  const r = await P(db).updateTable('publications').set({ lease_owner: owner, lease_until: new Date(Date.now() + ms) })
    .where('id', '=', id).where('state', 'in', ACTIVE)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', new Date()), eb('lease_owner', '=', owner)]))
    .returning('id').executeTakeFirst();
  return !!r;
}

export async function renewClaim(db: Kysely<any>, id: string, owner: string, ms = 30_000): Promise<boolean> {
  const r = await P(db).updateTable('publications').set({ lease_until: new Date(Date.now() + ms) }).where('id', '=', id).where('lease_owner', '=', owner).returning('id').executeTakeFirst();
  return !!r;
}

export async function release(db: Kysely<any>, id: string, owner: string): Promise<void> {
  await P(db).updateTable('publications').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** The next article of an account's queue that is due (or the time the next one will be). */
export async function nextDue(db: Kysely<any>, accountId: string, owner: string): Promise<{ due: Publication | null; nextAt: Date | null }> {
  // free ones, and the ones this runner held before it was killed and retried (same job, same owner)
  const base = P(db).selectFrom('publications').selectAll().where('account_id', '=', accountId).where('state', 'in', ACTIVE)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', new Date()), eb('lease_owner', '=', owner)]));
  const due = await base.where('next_at', '<=', new Date()).orderBy('position').limit(1).executeTakeFirst();
  if (due) return { due: toPublication(due), nextAt: null };
  const nx = await P(db).selectFrom('publications').select(sql<Date>`min(next_at)`.as('m')).where('account_id', '=', accountId).where('state', 'in', ACTIVE).executeTakeFirst();
  return { due: null, nextAt: nx?.m ? new Date(nx.m) : null };
}

export async function listPublications(db: Kysely<any>, f: { accountId?: string; jobId?: string; states?: PubState[]; limit?: number }): Promise<Publication[]> {
  let q = P(db).selectFrom('publications').selectAll().orderBy('position').limit(Math.min(f.limit ?? 500, 2000));
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.jobId) q = q.where('job_id', '=', f.jobId);
  if (f.states?.length) q = q.where('state', 'in', f.states);
  return (await q.execute()).map(toPublication);
}

export async function counts(db: Kysely<any>, accountId: string): Promise<Record<string, number>> {
  const rows = await P(db).selectFrom('publications').select(['state', sql<number>`count(*)`.as('n')]).where('account_id', '=', accountId).groupBy('state').execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
