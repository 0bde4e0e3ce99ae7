// The seller's safety: per account, a write budget (W writes per rolling hour, each photo upload one
// write), a gap of 3600/W s × (1 ± jitter) between two writes, and active hours. A slot is reserved
// in the database before a write is made (one transaction: several workers share one account's
// budget), so the budget holds across processes and restarts. Manual actions (hide, delete, edit)
// take a slot at once when the hour's budget allows, and push the queue's next write by a gap.
import { sql } from 'kysely';
import type { CoreContext } from '../../core/module.ts';
import type { PublishSettings } from '../settings.ts';
import { parseActiveHours } from '../settings.ts';
import type { Account } from '../accounts/store.ts';

export interface Pace {
  writesPerHour: number;
  jitter: number;
  activeHours: { from: number; to: number };
  timezone: string;
}

export function paceOf(s: PublishSettings, a: Pick<Account, 'writes_per_hour' | 'active_hours'>): Pace {
  return {
    // an account may go slower than the budget, never faster
    writesPerHour: a.writes_per_hour ? Math.min(a.writes_per_hour, s.writesPerHour) : s.writesPerHour,
    jitter: s.jitter,
    activeHours: a.active_hours ? parseActiveHours(a.active_hours) : s.activeHours,
    timezone: s.timezone,
  };
}

export const meanGapMs = (p: Pace) => 3_600_000 / p.writesPerHour;
export const gapMs = (p: Pace, r = Math.random()) => meanGapMs(p) * (1 + p.jitter * (2 * r - 1));

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function minuteOfDay(t: number, tz: string): number {
  let f = fmtCache.get(tz);
  if (!f) fmtCache.set(tz, (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })));
  const parts = Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return Number(parts.hour) * 60 + Number(parts.minute) + Number(parts.second) / 60;
}

export function isActive(t: number, p: Pace): boolean {
  const { from, to } = p.activeHours;
  if (from === 0 && to >= 24 * 60) return true;
  const m = minuteOfDay(t, p.timezone);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** t itself when inside the active hours, else the start of the next active period. */
export function nextActive(t: number, p: Pace): number {
  if (isActive(t, p)) return t;
  const m = minuteOfDay(t, p.timezone);
  let wait = p.activeHours.from - m;
  if (wait <= 0) wait += 24 * 60;
  // daylight-saving days can shift by an hour: check and step
  let at = t + wait * 60_000;
  for (let i = 0; i < 4 && !isActive(at, p); i++) at += 15 * 60_000;
  return at;
}

export class BudgetExhausted extends Error {
  readonly at: Date;
  constructor(at: Date) {
    super(`the account's write budget for this hour is used up: next write possible at ${at.toISOString()}`);
    this.at = at;
  }
}

/**
 * Reserves the account's next write slot; returns when it is (the caller sleeps until then).
 * `immediate` (a manual action): now, or BudgetExhausted when the rolling hour is full.
 */
export async function reserveWrite(ctx: Pick<CoreContext, 'db'>, accountId: string, p: Pace, o: { kind: string; publicationId?: string | null; immediate?: boolean }): Promise<Date> {
  return ctx.db.transaction().execute(async (tx) => {
    const V = tx.withSchema('vinted');
    const acc = await V.selectFrom('accounts').select(['next_write_at']).where('id', '=', accountId).forUpdate().executeTakeFirstOrThrow();
    const now = Date.now();
    let slot = o.immediate ? now : nextActive(Math.max(now, acc.next_write_at ? new Date(acc.next_write_at).getTime() : 0), p);
    // the rolling hour: at most W slots in any 60 minutes
    const recent = await V.selectFrom('writes').select('at').where('account_id', '=', accountId)
      .where('at', '>', new Date(slot - 3_600_000)).orderBy('at', 'desc').limit(p.writesPerHour).execute();
    if (recent.length >= p.writesPerHour) {
      const frees = new Date(recent[recent.length - 1].at).getTime() + 3_600_000 + 1;
      if (o.immediate) throw new BudgetExhausted(new Date(frees));
      slot = nextActive(Math.max(slot, frees), p);
    }
    await V.insertInto('writes').values({ account_id: accountId, at: new Date(slot), kind: o.kind, publication_id: o.publicationId ?? null }).execute();
    const next = new Date(slot + gapMs(p));
    await V.updateTable('accounts').set({ next_write_at: sql`greatest(coalesce(next_write_at, ${next}::timestamptz), ${next}::timestamptz)` }).where('id', '=', accountId).execute();
    // the log only needs the last hour
    if (Math.random() < 0.02) await V.deleteFrom('writes').where('account_id', '=', accountId).where('at', '<', new Date(now - 2 * 3_600_000)).execute();
    return new Date(slot);
  });
}

/** Pushes the account's next write (after a 429 or while the breaker is open). */
export async function delayWrites(ctx: Pick<CoreContext, 'db'>, accountId: string, until: Date): Promise<void> {
  await ctx.db.withSchema('vinted').updateTable('accounts').set({ next_write_at: sql`greatest(coalesce(next_write_at, ${until}::timestamptz), ${until}::timestamptz)` }).where('id', '=', accountId).execute();
}

/**
 * When each queued article should go live: the writes each still needs (photos left + the create),
 * laid out from the account's next write slot at the mean gap, skipping inactive hours.
 */
export function expectedTimes(start: number, p: Pace, items: { id: string; writesLeft: number; notBefore?: number }[]): Map<string, Date> {
  const out = new Map<string, Date>();
  let t = nextActive(start, p);
  let first = true;
  for (const it of items) {
    for (let w = 0; w < it.writesLeft; w++) {
      if (!first) t += meanGapMs(p);
      first = false;
      if (it.notBefore && t < it.notBefore) t = it.notBefore;
      t = nextActive(t, p);
    }
    out.set(it.id, new Date(t));
  }
  return out;
}
