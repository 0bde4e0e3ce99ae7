// HTTP API of publishing (under /api/vinted): Vinted accounts, Vinted's catalogue, prepare / publish /
// execute (two-phase, dry-run by default), the per-account queue, the wardrobe and its actions, and
// two public routes whose access is decided by a signature: the photo URLs given to Vinted Pro and
// Vinted Pro's webhook. No answer ever carries a cookie, a token or a key.
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, notFound, badRequest } from '../core/errors.ts';
import { registerSecret } from '../core/log.ts';
import { settingsOf } from './catalog/runtime.ts';
import { AccountInputError, deleteAccount, getAccount, listAccounts, publicAccount, saveAccount, setQueue, updateAccount, webhookVaultName, type Account } from './accounts/store.ts';
import { checkAccount } from './accounts/check.ts';
import { loadTaxonomy } from './catalogue/taxonomy.ts';
import { refreshTaxonomy } from './catalogue/refresh.ts';
import { catalogForLabel, labelForCatalog, GENDERS } from './catalogue/studio-map.ts';
import { parseActiveHours } from './settings.ts';
import { accountOr404, execute, kick, kickAll, prepare, publicationView, publishConfirmed, queueView } from './publish/service.ts';
import { getPublication, step, steps, update, ACTIVE } from './publish/store.ts';
import { checkPhotoSignature } from './publish/tokens.ts';
import { photoUrlKey } from './publish/photo-urls.ts';
import { verifyWebhook } from './vinted-api/hmac.ts';
import { readProStatus } from './vinted-api/pro.ts';
import { listListings, setListingState, upsertListing } from './wardrobe/store.ts';
import { listingAction } from './wardrobe/sync.ts';
import { listingCopy, type PhotoBlobs } from './ingest/listing.ts';
import { message } from './publish/messages.ts';

const Ok = z.object({ ok: z.boolean() });
const AccountRef = z.object({ account: z.string().min(1).max(64) });
const Iso = z.string().nullable();
const AccountView = z.object({
  id: z.string(), name: z.string(), kind: z.enum(['web', 'pro']), login: z.string().nullable(), vinted_user_id: z.string().nullable(),
  status: z.string(), status_code: z.string().nullable(), checked_at: Iso, session_expires_at: Iso, queue_state: z.string(), queue_code: z.string().nullable(),
  queue_message: z.string().nullable(), queue_changed_at: Iso, writes_per_hour: z.number().nullable(), active_hours: z.string().nullable(), next_write_at: Iso,
  circuit_until: Iso, slots_used: z.number().nullable(), slots_total: z.number().nullable(), synced_at: Iso, created_at: Iso,
  effective: z.object({ writes_per_hour: z.number(), active_hours: z.string() }),
  queue: z.record(z.string(), z.number()),
});
const PublicationView = z.object({
  id: z.string(), account_id: z.string(), job_id: z.string(), cluster_id: z.string(), state: z.string(), title: z.string(), price: z.number().nullable(),
  photos: z.number(), uploaded: z.number(), vinted_id: z.string().nullable(), url: z.string().nullable(), error_code: z.string().nullable(), error: z.string().nullable(),
  error_params: z.record(z.string(), z.unknown()).nullable(), field_errors: z.array(z.object({ field: z.string(), message: z.string() })).nullable(),
  manual_url: z.string().nullable(), attempts: z.number(), wasted: z.number(), next_at: z.string(), expected_at: Iso, created_at: z.string(), published_at: Iso,
});
const Prepared = z.object({
  cluster_id: z.string(), ready: z.boolean(), missing: z.array(z.string()), warnings: z.array(z.string()), title: z.string(), price: z.number().nullable(),
  catalog_path: z.array(z.string()), photos: z.array(z.object({ photo: z.string(), file: z.string() })), payload: z.unknown(), content_hash: z.string(),
  confirm_token: z.string().nullable(), expires_at: Iso, existing: z.object({ id: z.string(), state: z.string(), vinted_id: z.string().nullable(), url: z.string().nullable() }).nullable(),
  error: z.string().nullable(),
});
const ExecItem = z.object({
  cluster_id: z.string(), publication_id: z.string().nullable(), state: z.string(), outcome: z.string(), vinted_id: z.string().nullable(), url: z.string().nullable(),
  error: z.string().nullable(), payload: z.unknown().optional(), expected_at: Iso.optional(),
});
const ListingView = z.object({
  account_id: z.string(), vinted_id: z.string(), title: z.string(), price: z.number().nullable(), currency: z.string().nullable(), url: z.string().nullable(),
  photo_url: z.string().nullable(), state: z.string(), publication_id: z.string().nullable(), job_id: z.string().nullable(), cluster_id: z.string().nullable(),
  views: z.number().nullable(), favourites: z.number().nullable(), first_seen_at: z.string(), seen_at: z.string(), updated_at: z.string(),
  thumb: z.string().nullable().optional(),
});
const Queue = z.object({
  ok: z.boolean(), account_id: z.string(), queue_state: z.string(), queue_code: z.string().nullable(), queue_message: z.string().nullable(), circuit_until: Iso,
  writes_per_hour: z.number(), active_hours: z.string(), counts: z.record(z.string(), z.number()), items: z.array(PublicationView),
});

const userOf = (req: { user?: unknown }) => (req.user as { id?: string } | null)?.id ?? null;

export async function publishRoutes(app: App, ctx: CoreContext): Promise<void> {
  // a server that starts (after a crash too) resumes the queues with work left at once, instead of
  // at the next VINTED_QUEUE_CRON tick
  if (ctx.jobs.isWorking) {
    setTimeout(() => void kickAll(ctx).catch((e) => ctx.log.warn({ err: (e as Error).message }, 'vinted: resuming the publish queues failed')), 1000).unref();
  }
  const lang = () => ctx.config.lang;
  const s = () => settingsOf(ctx).publish;

  const view = async (a: Account) => {
    const counts = (await ctx.db.withSchema('vinted').selectFrom('publications').select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', a.id).groupBy('state').execute()).map((r) => [r.state, Number(r.n)]);
    return {
      ...publicAccount(a),
      queue_message: a.queue_code ? message(lang(), a.queue_code, { at: a.circuit_until?.toISOString() ?? '' }) : null,
      effective: { writes_per_hour: Math.min(a.writes_per_hour ?? Infinity, s().writesPerHour), active_hours: a.active_hours ?? s().activeHoursText },
      queue: Object.fromEntries(counts),
    };
  };
  const load = async (id: string) => {
    const a = await getAccount(ctx, id);
    if (!a) throw notFound(`Vinted account ${id}`);
    return a;
  };
  const inputError = (e: unknown): never => {
    if (e instanceof AccountInputError) throw badRequest(e.message);
    throw e;
  };

  // ---- accounts
  app.get('/accounts', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted publish'], summary: 'Vinted accounts (web sessions and Pro), their status and queues', response: { 200: z.object({ ok: z.boolean(), accounts: z.array(AccountView) }) } },
  }, async () => ({ ok: true, accounts: await Promise.all((await listAccounts(ctx)).map(view)) }));

  app.post('/accounts', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'connect (or reconnect) an account: web = the browser\'s cookies + user agent, pro = "<access_key>,<signing_key>"; the secret goes to the vault, then the account is checked',
      body: z.object({
        name: z.string().min(1).max(64), kind: z.enum(['web', 'pro']), cookies: z.string().max(65536).optional(), user_agent: z.string().max(1024).optional(), token: z.string().max(1024).optional(),
      }),
      response: { 200: z.object({ ok: z.boolean(), account: AccountView }) },
    },
  }, async (req) => {
    const b = req.body;
    const a = await saveAccount(ctx, { name: b.name, kind: b.kind, cookies: b.cookies, userAgent: b.user_agent, token: b.token, by: userOf(req) }).catch(inputError);
    req.log.info({ account: a.name, kind: a.kind }, 'vinted account saved');
    const checked = await checkAccount(ctx, a);
    if (checked.status === 'ok') await kick(ctx, checked.id).catch(() => null);
    return { ok: checked.status === 'ok', account: await view(checked) };
  });

  app.get('/accounts/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted publish'], params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ ok: z.boolean(), account: AccountView }) } },
  }, async (req) => ({ ok: true, account: await view(await load(req.params.id)) }));

  app.post('/accounts/:id/check', {
    config: { role: 'operator' },
    schema: { tags: ['vinted publish'], summary: 'call Vinted with the account: login, session expiry; à reconnecter when refused', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ ok: z.boolean(), account: AccountView }) } },
  }, async (req) => {
    const a = await checkAccount(ctx, await load(req.params.id));
    if (a.status === 'ok') await kick(ctx, a.id).catch(() => null);
    return { ok: a.status === 'ok', account: await view(a) };
  });

  app.patch('/accounts/:id', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'pacing of one account: a lower write budget, other active hours (null = the defaults)',
      params: z.object({ id: z.string().min(1).max(64) }),
      body: z.object({ writes_per_hour: z.number().int().min(1).max(100000).nullable().optional(), active_hours: z.string().max(20).nullable().optional() }),
      response: { 200: z.object({ ok: z.boolean(), account: AccountView }) },
    },
  }, async (req) => {
    const a = await load(req.params.id);
    if (req.body.active_hours) {
      try { parseActiveHours(req.body.active_hours); } catch (e) { throw badRequest((e as Error).message.replace('VINTED_ACTIVE_HOURS', 'active_hours')); }
    }
    await updateAccount(ctx, a.id, { ...(req.body.writes_per_hour !== undefined ? { writes_per_hour: req.body.writes_per_hour } : {}), ...(req.body.active_hours !== undefined ? { active_hours: req.body.active_hours || null } : {}) });
    return { ok: true, account: await view((await getAccount(ctx, a.id))!) };
  });

  app.delete('/accounts/:id', {
    config: { role: 'operator' },
    schema: { tags: ['vinted publish'], summary: 'forget an account and its secrets (what was published stays on Vinted)', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: Ok } },
  }, async (req) => {
    await deleteAccount(ctx, await load(req.params.id));
    return { ok: true };
  });

  app.post('/accounts/:id/queue', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'pause or resume the account\'s queue (resume after a captcha you solved yourself, or a reconnection)',
      params: z.object({ id: z.string().min(1).max(64) }), body: z.object({ action: z.enum(['pause', 'resume']) }),
      response: { 200: z.object({ ok: z.boolean(), account: AccountView }) },
    },
  }, async (req) => {
    const a = await load(req.params.id);
    if (req.body.action === 'pause') await setQueue(ctx, a.id, 'paused', 'user');
    else {
      if (a.status === 'reconnect') throw new HttpError(409, 'reconnect', message(lang(), 'reconnect'));
      await setQueue(ctx, a.id, 'running', null);
      await updateAccount(ctx, a.id, { circuit_until: null, failures: 0 });
      await kick(ctx, a.id);
    }
    return { ok: true, account: await view((await getAccount(ctx, a.id))!) };
  });

  // ---- Vinted's catalogue
  app.get('/catalogue', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted publish'], summary: 'the catalogue in use (snapshot or refreshed from an account); ?label=&gender= → the catalog of a Studio label; ?catalog_id= → its path and label',
      querystring: z.object({ label: z.string().max(100).optional(), gender: z.enum(GENDERS).optional(), catalog_id: z.coerce.number().int().optional() }),
      response: { 200: z.object({ ok: z.boolean(), source: z.string(), refreshed_at: Iso, catalogs: z.number(), colors: z.array(z.object({ id: z.number(), title: z.string() })), match: z.object({ id: z.number(), path: z.array(z.string()), label: z.string().nullable() }).nullable() }) },
    },
  }, async (req) => {
    const t = await loadTaxonomy(ctx.db);
    let match = null;
    if (req.query.label) {
      const m = catalogForLabel(t, req.query.label, req.query.gender ?? settingsOf(ctx).defaultGender);
      match = m ? { id: m.id, path: m.path, label: labelForCatalog(t, m.id) } : null;
    } else if (req.query.catalog_id !== undefined && t.catalog(req.query.catalog_id)) {
      match = { id: req.query.catalog_id, path: t.pathOf(req.query.catalog_id), label: labelForCatalog(t, req.query.catalog_id) };
    }
    let n = 0;
    const walk = (ns: { catalogs: any[] }[]) => ns.forEach((x) => { n++; walk(x.catalogs ?? []); });
    walk(t.data.catalogs);
    return { ok: true, source: t.source, refreshed_at: t.data.refreshed_at ?? null, catalogs: n, colors: t.data.colors.map((c) => ({ id: c.id, title: c.title })), match };
  });

  app.post('/accounts/:id/catalogue/refresh', {
    config: { role: 'operator' },
    schema: { tags: ['vinted publish'], summary: 'refresh Vinted\'s catalogue (tree, colours, conditions, sizes) from this account', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: z.object({ ok: z.boolean(), source: z.string(), kept: z.array(z.string()) }) } },
  }, async (req) => {
    const a = await load(req.params.id);
    try {
      const r = await refreshTaxonomy(ctx, a);
      return { ok: true, source: r.taxonomy.source, kept: r.kept };
    } catch (e) {
      throw new HttpError(502, 'vinted_unavailable', `catalogue refresh failed: ${(e as Error).message}`);
    }
  });

  // ---- prepare / publish / execute
  app.post('/listings/prepare', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'the exact payload of each article and a confirm token bound to its content (no call to Vinted except lookups)',
      body: z.object({ job: z.uuid(), account: z.string().min(1).max(64), clusters: z.array(z.string().min(1).max(40)).max(500).optional(), draft_id: z.string().max(100).optional() }),
      response: { 200: z.object({ ok: z.boolean(), account: z.string(), taxonomy_source: z.string(), items: z.array(Prepared) }) },
    },
  }, async (req) => {
    // draft_id "<job>:<cluster>" (spec §6) or the article ids
    const clusters = req.body.draft_id ? [req.body.draft_id.split(':').pop()!] : req.body.clusters;
    const r = await prepare(ctx, { job: req.body.job, account: req.body.account, clusters });
    return { ok: true, account: r.account.id, taxonomy_source: r.taxonomy_source, items: r.items.map(({ fields: _f, ...i }) => i) };
  });

  app.post('/listings/publish', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'publish one prepared article: header Idempotency-Key, {confirm_token, dry_run}; dry_run defaults to true; a repeat returns the first result, a concurrent duplicate gets 409',
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
      body: z.object({ confirm_token: z.string().min(10).max(4096), dry_run: z.boolean().default(true) }),
      response: { 200: z.record(z.string(), z.unknown()), 202: z.record(z.string(), z.unknown()) },
    },
  }, async (req, reply) => {
    const r = await publishConfirmed(ctx, { token: req.body.confirm_token, key: req.headers['idempotency-key'] as string | undefined, dryRun: req.body.dry_run, by: userOf(req) });
    const body = r.body.item ? { ...r.body, item: (({ fields: _f, ...i }) => i)(r.body.item as any) } : r.body;
    return reply.code(r.status as 200).send(body);
  });

  app.post('/bulk/listings/execute', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'prepare and (dry_run:false + Idempotency-Key) queue a batch: the confirm tokens of a preview, or `only` article ids; dry_run defaults to true',
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
      body: z.object({
        job: z.uuid(), account: z.string().min(1).max(64), only: z.array(z.string().min(1).max(40)).max(500).optional(),
        confirm_tokens: z.array(z.string().min(10).max(4096)).max(500).optional(), dry_run: z.boolean().default(true),
      }),
      response: { 200: z.object({ ok: z.boolean(), dry_run: z.boolean(), account: z.string(), items: z.array(ExecItem) }) },
    },
  }, async (req) => {
    const r = await execute(ctx, { job: req.body.job, account: req.body.account, only: req.body.only, tokens: req.body.confirm_tokens, dryRun: req.body.dry_run, key: req.headers['idempotency-key'] as string | undefined, by: userOf(req) });
    return { ok: r.items.every((i) => !['not_ready', 'stale'].includes(i.state)), dry_run: r.dry_run, account: r.account.id, items: r.items };
  });

  app.get('/publish/queue', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted publish'], summary: 'an account\'s queue: each article\'s state and expected time', querystring: AccountRef.extend({ job: z.string().max(64).optional() }), response: { 200: Queue } },
  }, async (req) => {
    const a = await accountOr404(ctx, req.query.account);
    const q = await queueView(ctx, a, req.query.job);
    return { ok: true, ...q, queue_message: a.queue_code ? message(lang(), a.queue_code, { at: a.circuit_until?.toISOString() ?? '' }) : null };
  });

  app.get('/publish/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted publish'], summary: 'one publication and every step recorded', params: z.object({ id: z.uuid() }), response: { 200: z.object({ ok: z.boolean(), publication: PublicationView, steps: z.array(z.object({ at: z.string(), step: z.string(), detail: z.unknown() })) }) } },
  }, async (req) => {
    const p = await getPublication(ctx.db, req.params.id);
    if (!p) throw notFound(`publication ${req.params.id}`);
    return { ok: true, publication: publicationView(p), steps: (await steps(ctx.db, p.id)).map((x) => ({ ...x, at: x.at.toISOString() })) };
  });

  app.post('/publish/:id/retry', {
    config: { role: 'operator' },
    schema: { tags: ['vinted publish'], summary: 'put a dead-letter or manual article back in the queue (same content; what was already sent is not sent again)', params: z.object({ id: z.uuid() }), response: { 200: z.object({ ok: z.boolean(), publication: PublicationView }) } },
  }, async (req) => {
    const p = await getPublication(ctx.db, req.params.id);
    if (!p) throw notFound(`publication ${req.params.id}`);
    if (!['dead', 'needs_manual', 'cancelled'].includes(p.state)) throw new HttpError(409, 'conflict', `publication is ${p.state}: only dead, manual or cancelled articles can be retried (fix an article in review, then publish it again)`);
    await update(ctx.db, p.id, { state: 'queued', attempts: 0, next_at: new Date(), error_code: null, error: null, error_params: null, manual_url: null });
    await step(ctx.db, p.id, 'retry asked', { by: userOf(req), from: p.state });
    await kick(ctx, p.account_id);
    return { ok: true, publication: publicationView((await getPublication(ctx.db, p.id))!) };
  });

  app.post('/publish/:id/cancel', {
    config: { role: 'operator' },
    schema: { tags: ['vinted publish'], summary: 'take an article out of the queue before its creation is sent', params: z.object({ id: z.uuid() }), response: { 200: z.object({ ok: z.boolean(), publication: PublicationView }) } },
  }, async (req) => {
    const p = await getPublication(ctx.db, req.params.id);
    if (!p) throw notFound(`publication ${req.params.id}`);
    const r = await ctx.db.withSchema('vinted').updateTable('publications').set({ state: 'cancelled', updated_at: new Date() })
      .where('id', '=', p.id).where('state', 'in', ['queued', 'uploading']).where((eb) => eb.or([eb('pending_step', 'is', null), eb('pending_step', 'like', 'photo:%')]))
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', new Date())])).returning('id').executeTakeFirst();
    if (!r) throw new HttpError(409, 'conflict', `publication is ${p.state}${ACTIVE.includes(p.state) ? ' and being worked on' : ''}: it cannot be cancelled now`);
    await step(ctx.db, p.id, 'cancelled', { by: userOf(req) });
    return { ok: true, publication: publicationView((await getPublication(ctx.db, p.id))!) };
  });

  // ---- wardrobe
  app.get('/listings', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted publish'], summary: 'the wardrobe as last synced (every account, or one)', querystring: z.object({ account: z.string().max(64).optional() }), response: { 200: z.object({ ok: z.boolean(), listings: z.array(ListingView) }) } },
  }, async (req) => {
    const accountId = req.query.account ? (await accountOr404(ctx, req.query.account)).id : undefined;
    const listings = await listListings(ctx.db, { accountId });
    // our own thumbnail of the article's cover (the page does not load images from Vinted's hosts)
    const ids = listings.map((l) => l.publication_id).filter((x): x is string => !!x);
    const covers = new Map<string, string>();
    if (ids.length) {
      for (const r of await ctx.db.withSchema('vinted').selectFrom('publications').select(['id', 'job_id', 'photos']).where('id', 'in', ids).execute()) {
        const photos = (typeof r.photos === 'string' ? JSON.parse(r.photos) : r.photos) as { photo: string }[];
        if (photos[0]) covers.set(r.id, `/api/vinted/bulk/photos/${r.job_id}/${encodeURIComponent(photos[0].photo)}/thumb`);
      }
    }
    return { ok: true, listings: listings.map((l) => ({ ...l, thumb: l.publication_id ? covers.get(l.publication_id) ?? null : null })) };
  });

  app.post('/listings/sync', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'read the wardrobe back from Vinted now (a job; waits up to 60 s for it)', body: z.object({ account: z.string().max(64).optional() }),
      response: { 200: z.object({ ok: z.boolean(), job_id: z.string(), status: z.string(), result: z.unknown(), error: z.string().nullable() }) },
    },
  }, async (req) => {
    const accountId = req.body.account ? (await accountOr404(ctx, req.body.account)).id : undefined;
    const job = await ctx.jobs.enqueue('vinted.sync', accountId ? { account_id: accountId } : {}, { createdBy: userOf(req) });
    // no worker in this process (ATELIER_WORKERS=false): answer at once, the job runs elsewhere
    if (!ctx.jobs.isWorking) return { ok: true, job_id: job.id, status: job.status, result: null, error: null };
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 60_000);
    try {
      const done = await ctx.jobs.wait(job.id, { signal: ac.signal });
      return { ok: done.status === 'completed', job_id: job.id, status: done.status, result: done.result, error: done.error };
    } catch {
      return { ok: true, job_id: job.id, status: 'running', result: null, error: null };
    } finally {
      clearTimeout(t);
    }
  });

  const Target = z.object({ account: z.string().min(1).max(64), vinted_id: z.string().regex(/^\d{1,20}$/) });
  for (const action of ['hide', 'unhide', 'delete'] as const) {
    app.post(`/listings/:account/:vinted_id/${action}`, {
      config: { role: 'operator' },
      schema: { tags: ['vinted publish'], summary: `${action} a listing on Vinted (counts in the account's write budget)`, params: Target, response: { 200: z.object({ ok: z.boolean(), listing: ListingView.nullable() }) } },
    }, async (req) => {
      const a = await accountOr404(ctx, req.params.account);
      await listingAction(ctx, a, req.params.vinted_id, { action });
      return { ok: true, listing: (await listListings(ctx.db, { accountId: a.id })).find((l) => l.vinted_id === req.params.vinted_id) ?? null };
    });
  }

  app.patch('/listings/:account/:vinted_id', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted publish'], summary: 'edit a listing on Vinted (title, description, price)', params: Target,
      body: z.object({ title: z.string().min(5).max(100).optional(), description: z.string().min(5).max(2000).optional(), price: z.number().min(1).max(100000).optional() }),
      response: { 200: z.object({ ok: z.boolean(), listing: ListingView.nullable() }) },
    },
  }, async (req) => {
    const a = await accountOr404(ctx, req.params.account);
    await listingAction(ctx, a, req.params.vinted_id, { action: 'edit', ...req.body });
    return { ok: true, listing: (await listListings(ctx.db, { accountId: a.id })).find((l) => l.vinted_id === req.params.vinted_id) ?? null };
  });

  // ---- public: signed photo URLs (Vinted Pro fetches them) and Vinted Pro's webhook
  app.get('/public/photos/:job/:photo', {
    config: { role: 'public' },
    schema: {
      tags: ['vinted publish'], summary: 'a listing copy behind a signed, expiring URL (what Vinted Pro fetches); 403 when the signature is wrong, 410 when expired',
      params: z.object({ job: z.uuid(), photo: z.string().regex(/^[\w-]{1,40}$/) }), querystring: z.object({ e: z.coerce.number().int(), s: z.string().min(20).max(100) }),
    },
  }, async (req, reply) => {
    const v = checkPhotoSignature(photoUrlKey(ctx), req.params.job, req.params.photo, req.query.e, req.query.s);
    if (v !== 'ok') return reply.code(v === 'expired' ? 410 : 403).send({ error: { code: v === 'expired' ? 'expired' : 'forbidden', message: v === 'expired' ? 'this photo link expired' : 'invalid photo link' } });
    const row = await ctx.db.withSchema('vinted').selectFrom('photos').select(['blobs']).where('job_id', '=', req.params.job).where('id', '=', req.params.photo).executeTakeFirst();
    if (!row) throw notFound('photo');
    const blobs = (typeof row.blobs === 'string' ? JSON.parse(row.blobs) : row.blobs) as PhotoBlobs;
    const data = await listingCopy(ctx.files, blobs);
    if (!data) throw notFound('photo');
    return reply.header('cache-control', 'private, max-age=300').type('image/jpeg').send(data);
  });

  await app.register(async (scope) => {
    // the signature covers the raw bytes: keep them as they came
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/pro/webhook/:account', {
      config: { role: 'public' },
      schema: { tags: ['vinted publish'], summary: 'Vinted Pro webhook (X-Vpi-Webhook-Hmac-Sha256, ±300 s)', params: z.object({ account: z.uuid() }), response: { 200: Ok, 401: z.object({ error: z.object({ code: z.string(), message: z.string() }) }) } },
    }, async (req, reply) => {
      const raw = req.body as unknown as Buffer;
      const account = (req.params as { account: string }).account;
      const stored = await ctx.vault.get(webhookVaultName(account));
      const key = stored ? (JSON.parse(stored).signing_key as string) : null;
      registerSecret(key);
      if (!key || !Buffer.isBuffer(raw) || !verifyWebhook(key, req.headers['x-vpi-webhook-hmac-sha256'] as string | undefined, raw)) {
        return reply.code(401).send({ error: { code: 'bad_signature', message: 'webhook signature missing, wrong or too old' } });
      }
      let ev: any;
      try {
        ev = JSON.parse(raw.toString('utf8'));
      } catch {
        throw badRequest('webhook body is not JSON');
      }
      await onWebhook(ctx, account, ev);
      return { ok: true };
    });
  });
}

/** A Vinted Pro event: the result of an item creation (or a sale, a deletion) reaches the publication and the wardrobe. */
async function onWebhook(ctx: CoreContext, accountId: string, ev: any): Promise<void> {
  const type = String(ev?.event ?? ev?.event_type ?? ev?.type ?? '').toUpperCase();
  const p = ev?.payload ?? ev?.data ?? ev;
  const ref = String(p?.item_id ?? p?.uuid ?? '');
  const reference = String(p?.item_reference ?? '');
  const V = ctx.db.withSchema('vinted');
  const row = await V.selectFrom('publications').select(['id']).where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('remote_ref', '=', ref), ...( /^[0-9a-f-]{36}$/i.test(reference) ? [eb('id', '=', reference)] : [])])).executeTakeFirst();
  const pub = row ? await getPublication(ctx.db, row.id) : null;
  if (type === 'CREATE_ITEM_SUCCESS' || type === 'ITEM_PUBLISHED') {
    const st = readProStatus({ ...p, status: 'success' });
    if (pub && pub.state !== 'published' && st.vintedId) {
      await update(ctx.db, pub.id, { state: 'published', vinted_id: st.vintedId, url: st.url, published_at: new Date(), remote_ref: pub.remote_ref ?? ref, error_code: null, error: null });
      await step(ctx.db, pub.id, 'published (webhook)', { vinted_id: st.vintedId });
      await upsertListing(ctx.db, { account_id: accountId, vinted_id: st.vintedId, title: pub.payload.title, price: pub.payload.price, currency: pub.payload.currency, url: st.url, state: 'live', publication_id: pub.id, job_id: pub.job_id, cluster_id: pub.cluster_id });
    }
  } else if (type === 'CREATE_ITEM_FAILURE') {
    const st = readProStatus({ ...p, status: 'failure' });
    if (pub && ACTIVE.includes(pub.state)) {
      const fields = st.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      await update(ctx.db, pub.id, { state: 'needs_review', error_code: 'pro_failure', field_errors: st.errors, error_params: { fields }, error: message(ctx.config.lang, 'pro_failure', { fields }) });
      await step(ctx.db, pub.id, 'refused by Vinted Pro (webhook)', { errors: st.errors });
    }
  } else if (type === 'ITEM_SOLD' || type === 'ITEM_DELETED' || type === 'DELETE_ITEM_SUCCESS') {
    const vid = String(p?.vinted_item_id ?? pub?.vinted_id ?? '');
    if (vid) await setListingState(ctx.db, accountId, vid, type === 'ITEM_SOLD' ? 'sold' : 'deleted');
  }
}
