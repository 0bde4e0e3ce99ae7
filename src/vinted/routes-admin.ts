// Quotas and the admin view of the Studio: the user's own usage (/quota), the admin page
// (/admin/overview: every user's usage and limits, platform totals, recent errors) and limits
// (/admin/quotas/:user). Suspending a user is core's (PATCH /api/users/:id {suspended}).
// Limits are enforced before the routes that add: a publish (articles), a new account, a new batch.
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { notFound } from '../core/errors.ts';
import { enforce, limitsOf, setLimits, usageOf } from './quotas/quotas.ts';
import { loadPlan } from './catalog/store.ts';

const Limits = z.object({ articles_per_month: z.number(), accounts: z.number(), storage_mb: z.number() });
const Usage = z.object({ articles_this_month: z.number(), accounts: z.number(), storage_bytes: z.number() });
const LimitPatch = z.object({
  articles_per_month: z.number().int().min(0).max(1_000_000).nullable().optional(),
  accounts: z.number().int().min(0).max(1000).nullable().optional(),
  storage_mb: z.number().int().min(0).max(10_000_000).nullable().optional(),
});

export async function adminRoutes(app: App, ctx: CoreContext): Promise<void> {
  const userId = (req: { user?: unknown }) => (req.user as { id?: string } | undefined)?.id ?? null;

  // enforcement, before the handlers (the body is parsed, the user known)
  app.addHook('preHandler', async (req) => {
    const me = userId(req);
    if (!me || req.method !== 'POST') return;
    const url = req.routeOptions.url ?? '';
    const body = (req.body ?? {}) as Record<string, any>;
    if (url.endsWith('/bulk/listings/execute') && body.dry_run === false) {
      const plan = typeof body.job === 'string' ? await loadPlan(ctx.db, body.job).catch(() => null) : null;
      const adding = Array.isArray(body.only) ? body.only.length : Array.isArray(body.confirm_tokens) ? body.confirm_tokens.length
        : (plan?.items ?? []).length; // every article of the batch: an upper bound, never below what is queued
      await enforce(ctx, me, 'articles', Math.max(1, adding));
    } else if (url.endsWith('/vinted/listings/publish') && body.dry_run === false) {
      await enforce(ctx, me, 'articles', 1);
    } else if (url.endsWith('/vinted/accounts') && typeof body.name === 'string') {
      // reconnecting an account adds none
      const exists = await ctx.db.withSchema('vinted').selectFrom('accounts').select('id').where('name', '=', body.name).executeTakeFirst();
      if (!exists) await enforce(ctx, me, 'accounts');
    } else if (url.endsWith('/bulk/ingest/photos') || url.endsWith('/bulk/ingest/zip') || url.endsWith('/transfer/import')) {
      await enforce(ctx, me, 'storage');
    }
  });

  app.get('/quota', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'my limits and usage (0 = unlimited)', response: { 200: z.object({ ok: z.boolean(), limits: Limits, usage: Usage }) } },
  }, async (req) => {
    const me = userId(req)!;
    const { own: _o, ...limits } = await limitsOf(ctx, me);
    return { ok: true, limits, usage: await usageOf(ctx, me) };
  });

  app.get('/admin/overview', {
    config: { role: 'admin' },
    schema: {
      tags: ['vinted'], summary: 'every user\'s usage and limits, platform totals (listings published, sales, active users over 7 days), recent errors',
      response: {
        200: z.object({
          ok: z.boolean(),
          users: z.array(z.object({ id: z.string(), email: z.string(), role: z.string(), suspended: z.boolean(), last_seen_at: z.string().nullable(), limits: Limits, own: LimitPatch, usage: Usage })),
          totals: z.object({ listings_published: z.number(), sales: z.number(), active_users_7d: z.number(), users: z.number() }),
          errors: z.array(z.object({ at: z.string(), kind: z.string(), title: z.string().nullable(), error: z.string().nullable(), user: z.string().nullable() })),
        }),
      },
    },
  }, async () => {
    const core = ctx.db.withSchema('core');
    const rows = await core.selectFrom('users').select(['id', 'email', 'role', 'disabled', 'created_at']).orderBy('created_at').execute();
    const since = new Date(Date.now() - 7 * 86_400_000);
    // last seen: a session started or refreshed, or an API token used
    const seen = new Map<string, number>();
    for (const r of await core.selectFrom('refresh_tokens').select(['user_id', 'created_at']).where('created_at', '>=', since).execute()) seen.set(r.user_id, Math.max(seen.get(r.user_id) ?? 0, new Date(r.created_at).getTime()));
    for (const r of await core.selectFrom('api_tokens').select(['user_id', 'last_used_at']).where('last_used_at', '>=', since).execute()) seen.set(r.user_id, Math.max(seen.get(r.user_id) ?? 0, new Date(r.last_used_at).getTime()));
    const users = [];
    for (const u of rows) {
      const { own, ...limits } = await limitsOf(ctx, u.id);
      users.push({ id: u.id, email: u.email, role: u.role, suspended: !!u.disabled, last_seen_at: seen.has(u.id) ? new Date(seen.get(u.id)!).toISOString() : null, limits, own, usage: await usageOf(ctx, u.id) });
    }
    const n = async (q: any) => Number((await q.select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
    const V = ctx.db.withSchema('vinted');
    const totals = {
      listings_published: await n(V.selectFrom('publications').where('state', '=', 'published')),
      sales: await n(V.selectFrom('listings').where('state', '=', 'sold')),
      active_users_7d: seen.size,
      users: rows.length,
    };
    const emails = new Map(rows.map((u) => [u.id, u.email]));
    const failedJobs = await core.selectFrom('jobs').select(['finished_at', 'kind', 'title', 'error', 'created_by']).where('module', '=', 'vinted').where('status', '=', 'failed')
      .orderBy('finished_at', 'desc').limit(20).execute();
    const failedPubs = await V.selectFrom('publications').select(['updated_at', 'state', 'cluster_id', 'error', 'created_by']).where('state', 'in', ['dead', 'needs_review', 'needs_manual'])
      .orderBy('updated_at', 'desc').limit(20).execute();
    const errors = [
      ...failedJobs.map((j) => ({ at: new Date(j.finished_at ?? Date.now()).toISOString(), kind: `job:${j.kind}`, title: j.title, error: j.error, user: j.created_by ? emails.get(j.created_by) ?? null : null })),
      ...failedPubs.map((p) => ({ at: new Date(p.updated_at).toISOString(), kind: `publication:${p.state}`, title: p.cluster_id, error: p.error, user: p.created_by ? emails.get(p.created_by) ?? null : null })),
    ].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 30);
    return { ok: true, users, totals, errors };
  });

  app.put('/admin/quotas/:user', {
    config: { role: 'admin' },
    schema: {
      tags: ['vinted'], summary: 'set a user\'s limits (0 = unlimited, null = back to the env default)',
      params: z.object({ user: z.uuid() }), body: LimitPatch, response: { 200: z.object({ ok: z.boolean(), limits: Limits }) },
    },
  }, async (req) => {
    const u = await ctx.db.withSchema('core').selectFrom('users').select('id').where('id', '=', req.params.user).executeTakeFirst();
    if (!u) throw notFound(`user ${req.params.user}`);
    await setLimits(ctx, req.params.user, req.body, userId(req));
    const { own: _o, ...limits } = await limitsOf(ctx, req.params.user);
    return { ok: true, limits };
  });
}
