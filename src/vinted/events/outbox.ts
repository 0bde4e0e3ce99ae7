// The Vinted events outbox (migration 003): one row per fact seen on an account, recorded once.
// Notifications, e-mails and outgoing webhooks are delivered from these rows, so whoever sees a fact
// (publish worker, wardrobe sync, inbox poll, Pro webhook) only records it here.
import type { Kysely } from 'kysely';

export const EVENT_TYPES = [
  'listing.created',
  'listing.sold',
  'message.received',
  'offer.received',
  'order.created',
  'account.blocked',
  'account.reconnect',
  'queue.blocked',
] as const;
export type VintedEventType = (typeof EVENT_TYPES)[number];

export interface VintedEventInput {
  type: VintedEventType;
  accountId: string | null;
  /** what makes this fact unique, e.g. `listing.sold:<vinted id>`; recording it twice is a no-op */
  dedupeKey: string;
  /** plain JSON about the fact; never a cookie, token or key */
  data?: Record<string, unknown>;
}

export interface VintedEvent {
  id: string;
  type: VintedEventType;
  accountId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Records a fact; returns its id, or null when the same dedupe key was already recorded. */
export async function recordEvent(db: Kysely<any>, e: VintedEventInput): Promise<string | null> {
  const row = await db
    .insertInto('vinted.events')
    .values({ type: e.type, account_id: e.accountId, dedupe_key: e.dedupeKey, data: JSON.stringify(e.data ?? {}) })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? String(row.id) : null;
}

/** Events after `afterId`, oldest first (the cursor of a delivery loop). */
export async function eventsAfter(db: Kysely<any>, afterId: string | number, limit = 100): Promise<VintedEvent[]> {
  const rows = await db.selectFrom('vinted.events').selectAll().where('id', '>', String(afterId)).orderBy('id').limit(limit).execute();
  return rows.map((r: any) => ({
    id: String(r.id),
    type: r.type,
    accountId: r.account_id,
    data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    createdAt: new Date(r.created_at),
  }));
}
