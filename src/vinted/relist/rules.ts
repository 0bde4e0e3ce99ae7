// Relist rules: which live listings come back to the top (age, views, favourites, categories), how
// many a day (the rule's cap and the account's), and the preview of what a run would do. Only
// listings this app published can be relisted: re-creating needs the article's photos and fields,
// which the app kept; a listing made elsewhere is shown as such, never deleted.
import { sql, type Kysely } from 'kysely';
import { CronExpressionParser } from 'cron-parser';
import { HttpError } from '../../core/errors.ts';
import { snapshotTaxonomy } from '../catalogue/taxonomy.ts';

export interface RelistRule {
  id: string;
  account_id: string;
  name: string;
  enabled: boolean;
  dry_run: boolean;
  min_age_days: number;
  max_views: number | null;
  max_favourites: number | null;
  catalog_ids: number[];
  daily_cap: number;
  cron: string | null;
  acknowledged_at: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}

export type RuleInput = Partial<Pick<RelistRule, 'name' | 'enabled' | 'dry_run' | 'min_age_days' | 'max_views' | 'max_favourites' | 'catalog_ids' | 'daily_cap' | 'cron'>> & { acknowledge?: boolean };

const V = (db: Kysely<any>) => db.withSchema('vinted');
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export function toRule(r: any): RelistRule {
  return {
    id: r.id, account_id: r.account_id, name: r.name, enabled: r.enabled, dry_run: r.dry_run, min_age_days: Number(r.min_age_days),
    max_views: r.max_views === null ? null : Number(r.max_views), max_favourites: r.max_favourites === null ? null : Number(r.max_favourites),
    catalog_ids: (typeof r.catalog_ids === 'string' ? JSON.parse(r.catalog_ids) : r.catalog_ids) ?? [], daily_cap: Number(r.daily_cap), cron: r.cron,
    acknowledged_at: iso(r.acknowledged_at), last_run_at: iso(r.last_run_at), created_at: iso(r.created_at)!, updated_at: iso(r.updated_at)!,
  };
}

/** A cron expression pg-boss and we both read (5 fields), or an error naming it. */
export function checkCron(cron: string): void {
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
  } catch {
    throw new HttpError(400, 'bad_cron', `"${cron}" is not a cron expression (5 fields, e.g. "0 9 * * *" every day at 9:00)`);
  }
  if (cron.trim().split(/\s+/).length !== 5) throw new HttpError(400, 'bad_cron', `"${cron}": use 5 fields (minute hour day month weekday)`);
}

export async function listRules(db: Kysely<any>, accountId?: string): Promise<RelistRule[]> {
  let q = V(db).selectFrom('relist_rules').selectAll().orderBy('created_at');
  if (accountId) q = q.where('account_id', '=', accountId);
  return (await q.execute()).map(toRule);
}

export async function getRule(db: Kysely<any>, id: string): Promise<RelistRule | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await V(db).selectFrom('relist_rules').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRule(r) : null;
}

export async function saveRule(db: Kysely<any>, accountId: string, input: RuleInput, id?: string): Promise<RelistRule> {
  if (input.cron) checkCron(input.cron);
  const current = id ? await getRule(db, id) : null;
  if (id && !current) throw new HttpError(404, 'not_found', `relist rule ${id} not found`);
  // acting for real deletes listings: only after the warning was acknowledged
  const acknowledged = input.acknowledge ? new Date() : current?.acknowledged_at ? new Date(current.acknowledged_at) : null;
  if (input.dry_run === false && !acknowledged) {
    throw new HttpError(409, 'acknowledge_required', 'relisting deletes each listing and creates it again: it gets a new id and loses its likes and views. Acknowledge this (acknowledge: true) before turning dry-run off');
  }
  const values: Record<string, unknown> = { updated_at: new Date(), acknowledged_at: acknowledged };
  for (const k of ['name', 'enabled', 'dry_run', 'min_age_days', 'max_views', 'max_favourites', 'daily_cap', 'cron'] as const) if (input[k] !== undefined) values[k] = input[k];
  if (input.catalog_ids !== undefined) values.catalog_ids = JSON.stringify(input.catalog_ids);
  try {
    if (current) {
      await V(db).updateTable('relist_rules').set(values).where('id', '=', current.id).execute();
      return (await getRule(db, current.id))!;
    }
    if (!input.name) throw new HttpError(400, 'bad_request', 'a relist rule needs a name');
    const r = await V(db).insertInto('relist_rules').values({ account_id: accountId, ...values }).returningAll().executeTakeFirstOrThrow();
    return toRule(r);
  } catch (e) {
    if (/duplicate key|unique/i.test((e as Error).message)) throw new HttpError(409, 'conflict', `this account already has a relist rule named "${input.name}"`);
    throw e;
  }
}

export async function deleteRule(db: Kysely<any>, id: string): Promise<boolean> {
  const r = await V(db).deleteFrom('relist_rules').where('id', '=', id).returning('id').executeTakeFirst();
  return !!r;
}

/** The ids a rule's categories cover: each id and every category under it. */
function catalogSet(ids: number[]): Set<number> | null {
  if (!ids.length) return null;
  const tax = snapshotTaxonomy();
  const out = new Set<number>();
  const walk = (n: { id: number; catalogs?: { id: number; catalogs?: unknown[] }[] }) => {
    out.add(n.id);
    for (const c of n.catalogs ?? []) walk(c as never);
  };
  for (const id of ids) {
    const n = tax.catalog(id);
    if (n) walk(n as never);
    else out.add(id);
  }
  return out;
}

export interface Candidate {
  vinted_id: string;
  title: string;
  price: number | null;
  views: number | null;
  favourites: number | null;
  catalog_id: number | null;
  age_days: number;
  publication_id: string | null;
  /** why it will not be relisted now (null: it will) */
  reason: null | 'not_ours' | 'reserved' | 'open_offer' | 'over_cap' | 'relisted_today';
}

export interface Preview {
  rule: Pick<RelistRule, 'id' | 'name' | 'dry_run' | 'daily_cap'> | null;
  matched: number;
  will_relist: number;
  caps: { rule: number; account: number; account_used_24h: number; left: number };
  offers_checked: boolean;
  offers_error: string | null;
  items: Candidate[];
}

/** Relists started on this account in the last 24 hours (a rolling day, like the write budget's hour). */
export async function relistsToday(db: Kysely<any>, accountId: string, ruleId?: string): Promise<number> {
  let q = V(db).selectFrom('relists').select(sql<number>`count(*)`.as('n')).where('account_id', '=', accountId)
    .where('state', 'not in', ['skipped', 'queued']).where('created_at', '>', new Date(Date.now() - 86_400_000));
  if (ruleId) q = q.where('rule_id', '=', ruleId);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/**
 * What a rule matches now, in the order it would act (oldest first), and which of them a run would
 * relist given the caps, reservations and open offers (`openOffers`: null when unknown).
 */
export async function previewRule(db: Kysely<any>, rule: Pick<RelistRule, 'id' | 'name' | 'dry_run' | 'daily_cap' | 'account_id' | 'min_age_days' | 'max_views' | 'max_favourites' | 'catalog_ids'>, openOffers: Set<string> | null, offersError: string | null = null): Promise<Preview> {
  const now = Date.now();
  let q = V(db).selectFrom('listings').selectAll().where('account_id', '=', rule.account_id).where('state', 'in', ['live', 'reserved'])
    .where('first_seen_at', '<=', new Date(now - rule.min_age_days * 86_400_000)).orderBy('first_seen_at').orderBy('vinted_id');
  if (rule.max_views !== null) q = q.where((eb) => eb.or([eb('views', 'is', null), eb('views', '<=', rule.max_views)]));
  if (rule.max_favourites !== null) q = q.where((eb) => eb.or([eb('favourites', 'is', null), eb('favourites', '<=', rule.max_favourites)]));
  const cats = catalogSet(rule.catalog_ids);
  if (cats) q = q.where('catalog_id', 'in', [...cats]);
  const rows = await q.execute();
  const acc = await V(db).selectFrom('accounts').select(['relist_daily_cap']).where('id', '=', rule.account_id).executeTakeFirst();
  const accountCap = Number(acc?.relist_daily_cap ?? 10);
  const usedAccount = await relistsToday(db, rule.account_id);
  const usedRule = rule.id ? await relistsToday(db, rule.account_id, rule.id) : 0;
  let left = Math.max(0, Math.min(rule.daily_cap - usedRule, accountCap - usedAccount));
  const recent = new Set((await V(db).selectFrom('relists').select('new_vinted_id').where('account_id', '=', rule.account_id)
    .where('created_at', '>', new Date(now - 86_400_000)).where('new_vinted_id', 'is not', null).execute()).map((r) => String(r.new_vinted_id)));
  const items: Candidate[] = rows.map((r: any) => {
    let reason: Candidate['reason'] = null;
    if (!r.publication_id) reason = 'not_ours';
    else if (r.state === 'reserved') reason = 'reserved';
    else if (openOffers?.has(String(r.vinted_id))) reason = 'open_offer';
    else if (recent.has(String(r.vinted_id))) reason = 'relisted_today';
    else if (left <= 0) reason = 'over_cap';
    else left--;
    return {
      vinted_id: String(r.vinted_id), title: r.title, price: r.price === null ? null : Number(r.price), views: r.views === null ? null : Number(r.views),
      favourites: r.favourites === null ? null : Number(r.favourites), catalog_id: r.catalog_id === null ? null : Number(r.catalog_id),
      age_days: Math.floor((now - new Date(r.first_seen_at).getTime()) / 86_400_000), publication_id: r.publication_id ?? null, reason,
    };
  });
  const will = items.filter((i) => i.reason === null).length;
  return {
    rule: rule.id ? { id: rule.id, name: rule.name, dry_run: rule.dry_run, daily_cap: rule.daily_cap } : null,
    matched: items.length, will_relist: will,
    caps: { rule: rule.daily_cap, account: accountCap, account_used_24h: usedAccount, left: Math.max(0, Math.min(rule.daily_cap - usedRule, accountCap - usedAccount)) },
    offers_checked: openOffers !== null, offers_error: offersError, items,
  };
}

/** Whether a rule's cron fires in (from, to]: the schedule tick asks every few minutes. */
export function cronDue(cron: string, from: Date, to: Date, tz = 'UTC'): boolean {
  try {
    const it = CronExpressionParser.parse(cron, { currentDate: from, tz });
    return it.next().getTime() <= to.getTime();
  } catch {
    return false;
  }
}
