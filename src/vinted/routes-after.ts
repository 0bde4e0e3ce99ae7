// HTTP API after publishing, part A (under /api/vinted): relist rules (preview, run, history),
// orders (sync, list, label, cancel for Pro) and analytics (JSON, CSV, price suggestions).
import crypto from 'node:crypto';
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, notFound } from '../core/errors.ts';
import { accountOr404 } from './publish/service.ts';
import { adapterFor, VintedError } from './vinted-api/index.ts';
import { deleteRule, getRule, listRules, previewRule, saveRule } from './relist/rules.ts';
import { settleAll, toRelist } from './relist/run.ts';
import { listOrders, ORDER_STATES } from './orders/sync.ts';
import { cachedPriceEvidence, cachedStats, statsCsv } from './analytics/stats.ts';
import { withLearned } from './listings/pricing.ts';

const userOf = (req: { user?: unknown }) => (req.user as { id?: string } | null)?.id ?? null;
const Iso = z.string().nullable();
const RuleBody = z.object({
  name: z.string().min(1).max(80).optional(),
  enabled: z.boolean().optional(),
  dry_run: z.boolean().optional(),
  min_age_days: z.number().int().min(0).max(3650).optional(),
  max_views: z.number().int().min(0).nullable().optional(),
  max_favourites: z.number().int().min(0).nullable().optional(),
  catalog_ids: z.array(z.number().int().positive()).max(200).optional(),
  daily_cap: z.number().int().min(1).max(200).optional(),
  cron: z.string().max(100).nullable().optional(),
  acknowledge: z.boolean().optional(),
});
const RuleView = z.object({
  id: z.string(), account_id: z.string(), name: z.string(), enabled: z.boolean(), dry_run: z.boolean(), min_age_days: z.number(), max_views: z.number().nullable(),
  max_favourites: z.number().nullable(), catalog_ids: z.array(z.number()), daily_cap: z.number(), cron: z.string().nullable(), acknowledged_at: Iso, last_run_at: Iso,
  created_at: z.string(), updated_at: z.string(),
});
const Candidate = z.object({
  vinted_id: z.string(), title: z.string(), price: z.number().nullable(), views: z.number().nullable(), favourites: z.number().nullable(), catalog_id: z.number().nullable(),
  age_days: z.number(), publication_id: z.string().nullable(), reason: z.string().nullable(),
});
const PreviewView = z.object({
  ok: z.boolean(), rule: z.object({ id: z.string(), name: z.string(), dry_run: z.boolean(), daily_cap: z.number() }).nullable(), matched: z.number(), will_relist: z.number(),
  caps: z.object({ rule: z.number(), account: z.number(), account_used_24h: z.number(), left: z.number() }), offers_checked: z.boolean(), offers_error: z.string().nullable(),
  items: z.array(Candidate), truncated: z.boolean(),
});
const RelistView = z.object({
  id: z.string(), run_id: z.string(), rule_id: z.string().nullable(), account_id: z.string(), old_vinted_id: z.string(), publication_id: z.string(), state: z.string(),
  new_vinted_id: z.string().nullable(), error_code: z.string().nullable(), error: z.string().nullable(), created_at: z.string(), updated_at: z.string(), done_at: Iso,
});
const OrderView = z.object({
  account_id: z.string(), order_id: z.string(), side: z.string(), source: z.string(), status: z.string(), state: z.string(), item_id: z.string().nullable(), title: z.string(),
  price: z.number().nullable(), currency: z.string().nullable(), counterpart: z.string().nullable(), shipment_id: z.string().nullable(), label_url: z.string().nullable(),
  ship_by: Iso, ordered_at: z.string(), overdue: z.boolean(), first_seen_at: z.string(), updated_at: z.string(),
});
const Group = z.object({ key: z.string(), label: z.string(), listings: z.number(), sales: z.number(), revenue: z.number(), views: z.number(), favourites: z.number(), conversion: z.number() });
const StatsView = z.object({
  ok: z.boolean(),
  totals: z.object({ listings: z.number(), live: z.number(), sales: z.number(), revenue: z.number(), views: z.number(), favourites: z.number(), conversion: z.number(), avg_days_to_sell: z.number().nullable(), median_days_to_sell: z.number().nullable(), currency: z.string() }),
  over_time: z.array(z.object({ period: z.string(), sales: z.number(), revenue: z.number(), listed: z.number() })),
  by_category: z.array(Group), by_brand: z.array(Group), by_price_band: z.array(Group),
});
const StatsQuery = z.object({ account: z.string().max(64).optional(), from: z.iso.date().optional(), to: z.iso.date().optional(), bucket: z.enum(['day', 'week', 'month']).optional() });

/** Waits (up to 60 s) for a job this request started, when this process runs jobs. */
async function waitJob(ctx: CoreContext, id: string): Promise<{ status: string; result: unknown; error: string | null }> {
  if (!ctx.jobs.isWorking) return { status: 'queued', result: null, error: null };
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), 60_000);
  try {
    const done = await ctx.jobs.wait(id, { signal: ac.signal });
    return { status: done.status, result: done.result, error: done.error };
  } catch {
    return { status: 'running', result: null, error: null };
  } finally {
    clearTimeout(t);
  }
}

export async function afterPublishingRoutes(app: App, ctx: CoreContext): Promise<void> {
  // ---- relist rules
  const ruleOr404 = async (id: string) => {
    const r = await getRule(ctx.db, id);
    if (!r) throw notFound(`relist rule ${id}`);
    return r;
  };

  app.get('/relist/rules', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted relist'], summary: 'relist rules (every account, or one)', querystring: z.object({ account: z.string().max(64).optional() }), response: { 200: z.object({ ok: z.boolean(), rules: z.array(RuleView) }) } },
  }, async (req) => {
    const accountId = req.query.account ? (await accountOr404(ctx, req.query.account)).id : undefined;
    return { ok: true, rules: await listRules(ctx.db, accountId) };
  });

  app.post('/relist/rules', {
    config: { role: 'operator' },
    schema: { tags: ['vinted relist'], summary: 'create a relist rule (dry-run until acknowledged and turned off)', body: RuleBody.extend({ account: z.string().min(1).max(64), name: z.string().min(1).max(80) }), response: { 200: z.object({ ok: z.boolean(), rule: RuleView }) } },
  }, async (req) => {
    const a = await accountOr404(ctx, req.body.account);
    const { account: _a, ...input } = req.body;
    return { ok: true, rule: await saveRule(ctx.db, a.id, input) };
  });

  app.patch('/relist/rules/:id', {
    config: { role: 'operator' },
    schema: { tags: ['vinted relist'], summary: 'change a relist rule; `acknowledge: true` accepts the warning (new id, likes lost)', params: z.object({ id: z.uuid() }), body: RuleBody, response: { 200: z.object({ ok: z.boolean(), rule: RuleView }) } },
  }, async (req) => {
    const r = await ruleOr404(req.params.id);
    return { ok: true, rule: await saveRule(ctx.db, r.account_id, req.body, r.id) };
  });

  app.delete('/relist/rules/:id', {
    config: { role: 'operator' },
    schema: { tags: ['vinted relist'], summary: 'delete a relist rule (its history stays)', params: z.object({ id: z.uuid() }), response: { 200: z.object({ ok: z.boolean() }) } },
  }, async (req) => {
    if (!(await deleteRule(ctx.db, req.params.id))) throw notFound(`relist rule ${req.params.id}`);
    return { ok: true };
  });

  app.post('/relist/rules/:id/preview', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted relist'], summary: 'what the rule would relist now, and why the others not (reads the inbox for open offers; changes nothing)',
      params: z.object({ id: z.uuid() }), body: z.object({ check_offers: z.boolean().optional() }).optional(), response: { 200: PreviewView },
    },
  }, async (req) => {
    const r = await ruleOr404(req.params.id);
    const a = await accountOr404(ctx, r.account_id);
    let offers: Set<string> | null = null;
    let offersError: string | null = null;
    if (req.body?.check_offers !== false && a.kind === 'web') {
      try {
        offers = await (adapterFor(ctx, a) as Extract<ReturnType<typeof adapterFor>, { kind: 'web' }>).openOfferItems();
      } catch (e) {
        offersError = e instanceof VintedError ? e.kind : 'failed';
      }
    }
    const pv = await previewRule(ctx.db, r, offers, offersError);
    // the first 500 in the answer: a rule matching thousands still previews at once
    return { ok: true, ...pv, items: pv.items.slice(0, 500), truncated: pv.items.length > 500 };
  });

  app.post('/relist/rules/:id/run', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted relist'], summary: 'run a rule now (a vinted.relist job; refused while the rule is in dry-run)', params: z.object({ id: z.uuid() }),
      response: { 202: z.object({ ok: z.boolean(), job_id: z.string(), run_id: z.string() }) },
    },
  }, async (req, reply) => {
    const r = await ruleOr404(req.params.id);
    if (r.dry_run || !r.acknowledged_at) throw new HttpError(409, 'dry_run', `relist rule "${r.name}" is in dry-run: use the preview, or acknowledge the warning and turn dry-run off`);
    const runId = `manual:${crypto.randomUUID()}`;
    const job = await ctx.jobs.enqueue('vinted.relist', { account_id: r.account_id, rule_id: r.id, run_id: runId }, { title: `Relist · ${r.name}`, createdBy: userOf(req) });
    return reply.code(202).send({ ok: true, job_id: job.id, run_id: runId });
  });

  app.get('/relist/history', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted relist'], summary: 'every relist: old id → new id, or the failure recorded', querystring: z.object({ account: z.string().max(64).optional(), run: z.string().max(80).optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }),
      response: { 200: z.object({ ok: z.boolean(), relists: z.array(RelistView) }) },
    },
  }, async (req) => {
    const accountId = req.query.account ? (await accountOr404(ctx, req.query.account)).id : undefined;
    await settleAll(ctx, accountId);
    let q = ctx.db.withSchema('vinted').selectFrom('relists').selectAll().orderBy('created_at', 'desc').limit(req.query.limit ?? 500);
    if (accountId) q = q.where('account_id', '=', accountId);
    if (req.query.run) q = q.where('run_id', '=', req.query.run);
    return { ok: true, relists: (await q.execute()).map(toRelist) };
  });

  // ---- orders
  app.get('/orders', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted orders'], summary: 'orders as last read from Vinted (overdue: a sale still to ship after its deadline)',
      querystring: z.object({ account: z.string().max(64).optional(), side: z.enum(['sold', 'purchased']).optional() }),
      response: { 200: z.object({ ok: z.boolean(), states: z.array(z.string()), orders: z.array(OrderView) }) },
    },
  }, async (req) => {
    const accountId = req.query.account ? (await accountOr404(ctx, req.query.account)).id : undefined;
    return { ok: true, states: [...ORDER_STATES], orders: await listOrders(ctx.db, { accountId, side: req.query.side }) };
  });

  app.post('/orders/sync', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted orders'], summary: 'read the orders from Vinted now (a job; waits up to 60 s for it)', body: z.object({ account: z.string().max(64).optional() }),
      response: { 200: z.object({ ok: z.boolean(), job_id: z.string(), status: z.string(), result: z.unknown(), error: z.string().nullable() }) },
    },
  }, async (req) => {
    const accountId = req.body.account ? (await accountOr404(ctx, req.body.account)).id : undefined;
    const job = await ctx.jobs.enqueue('vinted.orders', accountId ? { account_id: accountId } : {}, { createdBy: userOf(req) });
    const done = await waitJob(ctx, job.id);
    return { ok: done.status !== 'failed', job_id: job.id, ...done };
  });

  const OrderRef = z.object({ account: z.string().min(1).max(64), order_id: z.string().regex(/^\d{1,20}$/) });
  const orderOr404 = async (account: string, id: string) => {
    const a = await accountOr404(ctx, account);
    const r = await ctx.db.withSchema('vinted').selectFrom('orders').selectAll().where('account_id', '=', a.id).where('order_id', '=', id).where('side', '=', 'sold').executeTakeFirst();
    if (!r) throw notFound(`order ${id} of account ${a.name}`);
    return { a, r };
  };
  const vintedFailure = (e: unknown): never => {
    if (e instanceof VintedError) throw new HttpError(e.kind === 'rate_limited' ? 429 : e.kind === 'not_found' ? 404 : e.kind === 'validation' ? 400 : 502, `vinted_${e.kind}`, e.message);
    throw e;
  };

  app.get('/orders/:account/:order_id/label', {
    config: { role: 'operator' },
    schema: { tags: ['vinted orders'], summary: 'the shipping label: a link from Vinted (web) or the PDF itself (Pro)', params: OrderRef },
  }, async (req, reply) => {
    const { a, r } = await orderOr404(req.params.account, req.params.order_id);
    const adapter = adapterFor(ctx, a);
    try {
      if (adapter.kind === 'pro') {
        const pdf = await adapter.orderLabel(r.order_id);
        return reply.header('content-disposition', `attachment; filename="etiquette-${r.order_id}.pdf"`).type('application/pdf').send(pdf);
      }
      if (!r.shipment_id) throw new HttpError(409, 'no_shipment', 'Vinted has no shipment for this order yet');
      const url = await adapter.labelUrl(r.shipment_id);
      if (!url) throw new HttpError(502, 'vinted_unexpected', 'Vinted gave no label link');
      await ctx.db.withSchema('vinted').updateTable('orders').set({ label_url: url }).where('account_id', '=', a.id).where('order_id', '=', r.order_id).where('side', '=', 'sold').execute();
      return reply.send({ ok: true, label_url: url });
    } catch (e) {
      return vintedFailure(e);
    }
  });

  app.post('/orders/:account/:order_id/cancel', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted orders'], summary: 'cancel a Pro order (asynchronous on Vinted\'s side)', params: OrderRef, body: z.object({ reason: z.string().min(1).max(100) }),
      response: { 200: z.object({ ok: z.boolean() }) },
    },
  }, async (req) => {
    const { a, r } = await orderOr404(req.params.account, req.params.order_id);
    const adapter = adapterFor(ctx, a);
    if (adapter.kind !== 'pro') throw new HttpError(409, 'unsupported', 'only Vinted Pro orders can be cancelled from here: cancel a web order on Vinted');
    try {
      await adapter.cancelOrder(r.order_id, req.body.reason);
    } catch (e) {
      return vintedFailure(e);
    }
    return { ok: true };
  });

  // ---- analytics
  const filterOf = async (q: z.infer<typeof StatsQuery>) => ({
    accountId: q.account ? (await accountOr404(ctx, q.account)).id : undefined,
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined, to: q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000) : undefined, bucket: q.bucket,
  });

  app.get('/analytics', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted analytics'], summary: 'revenue, sales, views, favourites, conversion: totals, over time, by category, brand and price band', querystring: StatsQuery, response: { 200: StatsView } },
  }, async (req) => ({ ok: true, ...(await cachedStats(ctx.db, await filterOf(req.query))) }));

  app.get('/analytics.csv', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted analytics'], summary: 'the analytics as CSV', querystring: StatsQuery },
  }, async (req, reply) => {
    const csv = statsCsv(await cachedStats(ctx.db, await filterOf(req.query)));
    return reply.header('content-disposition', 'attachment; filename="ventes.csv"').type('text/csv; charset=utf-8').send(csv);
  });

  app.get('/analytics/prices', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted analytics'], summary: 'prices learned from the seller\'s own sales, by category, brand and condition, with the evidence',
      querystring: z.object({ account: z.string().max(64).optional(), min_sales: z.coerce.number().int().min(1).max(100).optional() }),
    },
  }, async (req) => {
    const accountId = req.query.account ? (await accountOr404(ctx, req.query.account)).id : undefined;
    const ev = await cachedPriceEvidence(ctx.db, { accountId, minSales: req.query.min_sales ?? 3 });
    const none = { price_min: 0, price_target: 0, price_max: 0, base: 0, brand_tier: null, brand_canonical: null, factor: 1 };
    return {
      ok: true,
      suggestions: ev.map((e) => {
        const p = withLearned(none, e, req.query.min_sales ?? 3);
        return { ...e, price_min: p.price_min, price_target: p.price_target, price_max: p.price_max };
      }),
    };
  });
}
