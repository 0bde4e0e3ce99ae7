// HTTP API of the promoteurs module, under /api/promoteurs: stats, programmes (filters) and their
// lots, runs (per source / per city), start a run, sources, cities (list, import), alerts, EspoCRM key.
import { z } from 'zod';
import { sql } from 'kysely';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, badRequest, notFound } from '../core/errors.ts';
import { mask } from '../core/vault.ts';
import { describeSource, listSources } from './sources/index.ts';
import { effectiveSettings, loadStored, saveStored, sourceState, splitWebhookUrl, WEBHOOK_SECRET_NAME } from './run/settings-store.ts';
import { EspoCrmSink, VILLE_ENTITY } from './sinks/espocrm.ts';
import { espoApiKey } from './run/espo-key.ts';
import { parseZonageCsvDetailed } from './rules/zonage.ts';
import { slugify } from './parse/text.ts';
import { rowToProgramme } from './sync/store.ts';
import { readSettings } from './settings.ts';
import { importCitiesCsv } from './run/cities.ts';
import { ESPO_KEY_NAME } from './run/espo-key.ts';
import { TYPES_LOTS } from './types.ts';
import { DEFAULT_ZONES, isInScope } from './rules/cities.ts';

const num = (v: unknown) => (v == null ? null : Number(v));
const Any = z.any();

export const ScrapeBody = z.object({
  promoteurs: z.union([z.string(), z.array(z.string())]).optional(),
  cities: z.union([z.string(), z.array(z.string())]).optional(),
  dryRun: z.boolean().optional(),
  skipImages: z.boolean().optional(),
  verbose: z.boolean().optional(),
  /** with "all": also the sources that are off (unverified ones are off by default) */
  includeDisabled: z.boolean().optional(),
});

export async function enqueueScrape(ctx: CoreContext, body: z.infer<typeof ScrapeBody>, createdBy: string | null) {
  const { resolveSources } = await import('./sources/index.ts');
  try { resolveSources(body.promoteurs ?? 'all'); } catch (e) { throw badRequest((e as Error).message); }
  const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v) || 'all';
  const title = `Scrape ${list(body.promoteurs)} · ${list(body.cities)}${body.dryRun ? ' (dry-run)' : ''}`;
  return ctx.jobs.enqueue('promoteurs.scrape', body, { title, createdBy });
}


/** source_runs.reason_detail as an object (PGlite and pg may hand JSON back as text) */
function reasonDetailOf(s: { reason_detail?: unknown }): unknown {
  return typeof s.reason_detail === 'string' ? JSON.parse(s.reason_detail) : s.reason_detail ?? null;
}

export async function promoteursRoutes(app: App, ctx: CoreContext): Promise<void> {
  const db = () => ctx.db.withSchema('promoteurs');

  app.get('/stats', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'per source: success rate, active programmes, last run, last error; totals', response: { 200: Any } },
  }, async () => {
    const active = await db().selectFrom('programmes').select(['source_api', 'statut', sql<number>`count(*)`.as('n')]).groupBy(['source_api', 'statut']).execute();
    const runs = await db().selectFrom('source_runs').innerJoin('runs', 'runs.id', 'source_runs.run_id')
      .select(['source_runs.source', 'source_runs.healthy', 'source_runs.complete', 'source_runs.finished_at', 'source_runs.started_at', 'source_runs.reason', 'source_runs.last_error', 'source_runs.counters', 'source_runs.run_id'])
      .where('runs.dry_run', '=', false).orderBy('source_runs.started_at', 'desc').limit(2000).execute();
    const sources = listSources().map((s) => {
      const mine = runs.filter((r: any) => r.source === s.key && r.finished_at);
      const ok = mine.filter((r: any) => r.healthy).length;
      const last = mine[0] as any;
      const lastErr = mine.find((r: any) => r.last_error || r.reason) as any;
      const count = (st: string) => Number(active.find((a: any) => a.source_api === s.key && a.statut === st)?.n ?? 0);
      return {
        source: s.key, name: s.name, runs: mine.length, successRate: mine.length ? ok / mine.length : null,
        active: count('disponible'), sold: count('vendu'),
        lastRun: last ? { runId: last.run_id, at: last.finished_at, healthy: last.healthy, reason: last.reason, counters: typeof last.counters === 'string' ? JSON.parse(last.counters) : last.counters } : null,
        lastError: lastErr ? { at: lastErr.finished_at, message: lastErr.reason ?? lastErr.last_error } : null,
      };
    });
    const totals = {
      programmes: active.reduce((a: number, r: any) => a + Number(r.n), 0),
      active: active.filter((r: any) => r.statut === 'disponible').reduce((a: number, r: any) => a + Number(r.n), 0),
      sold: active.filter((r: any) => r.statut === 'vendu').reduce((a: number, r: any) => a + Number(r.n), 0),
      lots: Number((await db().selectFrom('programmes').select(sql<number>`coalesce(sum(nb_lots_disponibles),0)`.as('n')).where('statut', '=', 'disponible').executeTakeFirst())?.n ?? 0),
      cities: Number((await db().selectFrom('cities').select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0),
      // no import yet: a scrape uses the built-in default table (rules/cities.ts), say how many
      builtinCities: DEFAULT_ZONES.filter((r) => isInScope(r.zone)).length,
      lastRun: (await db().selectFrom('runs').selectAll().where('dry_run', '=', false).orderBy('started_at', 'desc').executeTakeFirst()) ?? null,
    };
    return { sources, totals };
  });

  const ListQuery = z.object({
    city: z.string().max(100).optional(), zone: z.enum(['A_bis', 'A', 'B1']).optional(), promoteur: z.string().max(50).optional(),
    prixMin: z.coerce.number().optional(), prixMax: z.coerce.number().optional(), surfaceMin: z.coerce.number().optional(), surfaceMax: z.coerce.number().optional(),
    type: z.enum(TYPES_LOTS as unknown as [string, ...string[]]).optional(), statut: z.enum(['disponible', 'vendu', 'all']).optional(),
    q: z.string().max(100).optional(), sort: z.enum(['name', 'prix', 'updated', 'ville']).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional(),
  });

  app.get('/programmes', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'programmes with filters (city, zone, promoteur, price, surface, type)', querystring: ListQuery, response: { 200: Any } },
  }, async (req) => {
    const f = req.query;
    let q = db().selectFrom('programmes');
    if (f.statut !== 'all') q = q.where('statut', '=', f.statut ?? 'disponible');
    if (f.city) {
      const c = f.city.trim();
      q = /^\d{5}$/.test(c) ? q.where('code_postal', '=', c) : q.where(sql`lower(ville)`, 'like', `%${c.toLowerCase()}%`);
    }
    if (f.zone) q = q.where('zone_fiscale', '=', f.zone);
    if (f.promoteur) q = q.where('source_api', '=', f.promoteur);
    // a programme matches a price/surface window when its range overlaps it
    if (f.prixMin != null) q = q.where('prix_max', '>=', f.prixMin);
    if (f.prixMax != null) q = q.where('prix_min', '<=', f.prixMax);
    if (f.surfaceMin != null) q = q.where('surface_max', '>=', f.surfaceMin);
    if (f.surfaceMax != null) q = q.where('surface_min', '<=', f.surfaceMax);
    if (f.type) q = q.where(sql<boolean>`types_lots @> ${JSON.stringify([f.type])}::jsonb`);
    if (f.q) q = q.where(sql`lower(name)`, 'like', `%${f.q.toLowerCase()}%`);
    const total = Number((await q.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
    const order = { name: 'name', prix: 'prix_min', updated: 'updated_at', ville: 'ville' }[f.sort ?? 'ville'] as string;
    const rows = await q.selectAll().orderBy(order as any).orderBy('name').limit(f.limit ?? 50).offset(f.offset ?? 0).execute();
    return {
      total,
      programmes: rows.map((r: any) => {
        const { lotsDetails: _l, ...p } = rowToProgramme(r);
        return { id: Number(r.id), ...p, nbLots: (typeof r.lots_details === 'string' ? JSON.parse(r.lots_details) : r.lots_details).length, sansImage: r.sans_image, updatedAt: r.updated_at, lastSeenAt: r.last_seen_at, espoId: r.espo_id };
      }),
    };
  });

  app.get('/programmes/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'one programme with its lots and images', params: z.object({ id: z.coerce.number().int() }), response: { 200: Any } },
  }, async (req) => {
    const r: any = await db().selectFrom('programmes').selectAll().where('id', '=', req.params.id).executeTakeFirst();
    if (!r) throw notFound(`programme ${req.params.id}`);
    const images = await db().selectFrom('images').select(['url', 'position', 'blob_key', 'error']).where('programme_id', '=', r.id).orderBy('position').execute();
    const p = rowToProgramme(r);
    return {
      programme: { id: Number(r.id), ...p, sansImage: r.sans_image, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, updatedAt: r.updated_at, soldAt: r.sold_at, espoId: r.espo_id, espoError: r.espo_error },
      lots: p.lotsDetails,
      images: images.map((i: any) => ({ url: i.url, position: i.position, stored: !!i.blob_key, src: i.blob_key ? `/api/promoteurs/programmes/${r.id}/images/${i.position}` : null, error: i.error })),
    };
  });

  app.get('/runs', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'scrape runs, newest first, with per-source verdicts', querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }), response: { 200: Any } },
  }, async (req) => {
    const runs = await db().selectFrom('runs').selectAll().orderBy('started_at', 'desc').limit(req.query.limit ?? 50).execute();
    const ids = runs.map((r: any) => r.id);
    const srs = ids.length ? await db().selectFrom('source_runs').select(['run_id', 'source', 'complete', 'healthy', 'reason', 'reason_detail', 'counters', 'finished_at']).where('run_id', 'in', ids).execute() : [];
    const jobs = await Promise.all(ids.map((id: string) => ctx.jobs.get(id)));
    return {
      runs: runs.map((r: any, i: number) => ({
        id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, dryRun: r.dry_run, scheduled: r.scheduled, status: jobs[i]?.status ?? r.status, outcome: r.status,
        progress: jobs[i]?.progress ?? null, counters: jobs[i]?.counters ?? r.counters, error: r.error ?? jobs[i]?.error ?? null, options: r.options, title: jobs[i]?.title ?? null,
        sources: srs.filter((s: any) => s.run_id === r.id).map((s: any) => ({ source: s.source, complete: s.complete, healthy: s.healthy, reason: s.reason, reasonDetail: reasonDetailOf(s), finished: !!s.finished_at, counters: typeof s.counters === 'string' ? JSON.parse(s.counters) : s.counters })),
      })),
    };
  });

  app.get('/runs/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'one run: per source and per city progress and counters; dry-run preview', params: z.object({ id: z.string().max(64) }), response: { 200: Any } },
  }, async (req) => {
    const run: any = await db().selectFrom('runs').selectAll().where('id', '=', req.params.id).executeTakeFirst();
    const job = await ctx.jobs.get(req.params.id);
    if (!run && !job) throw notFound(`run ${req.params.id}`);
    const srs = await db().selectFrom('source_runs').selectAll().where('run_id', '=', req.params.id).orderBy('source').execute();
    let preview: unknown[] | null = null;
    if (run?.dry_run) {
      const art = (await ctx.jobs.artifacts(req.params.id)).find((a) => a.name === 'preview.json');
      if (art) preview = JSON.parse((await ctx.files.get(art.blob_key)).toString('utf8')).programmes;
    }
    const alerts = await db().selectFrom('alerts').selectAll().where('run_id', '=', req.params.id).orderBy('id').execute();
    return {
      run: run ?? null, job: job ?? null, alerts,
      sources: srs.map((s: any) => ({
        source: s.source, complete: s.complete, healthy: s.healthy, reason: s.reason,
        reasonDetail: reasonDetailOf(s), lastError: s.last_error, startedAt: s.started_at, finishedAt: s.finished_at,
        counters: typeof s.counters === 'string' ? JSON.parse(s.counters) : s.counters,
        cities: Object.values(typeof s.cities === 'string' ? JSON.parse(s.cities) : s.cities),
      })),
      preview,
    };
  });

  app.post('/runs', {
    config: { role: 'operator' },
    schema: { tags: ['promoteurs'], summary: 'start a scrape run (a job of kind promoteurs.scrape)', body: ScrapeBody, response: { 202: Any } },
  }, async (req, reply) => {
    const job = await enqueueScrape(ctx, req.body, req.user?.id ?? null);
    reply.code(202);
    return { job };
  });

  app.get('/sources', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'configured sources', response: { 200: Any } },
  }, async () => {
    const s = readSettings(ctx.config);
    return {
      sources: listSources().map((x) => ({
        key: x.key, name: x.name, baseUrl: s.sourceUrls[x.key] ?? x.baseUrl, listing: x.listing, detail: x.detail, fetch: x.fetch, politeness: x.politeness,
      })),
    };
  });

  app.get('/cities', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'imported cities (zonage ABC); empty = built-in default', querystring: z.object({ zone: z.string().optional(), q: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), response: { 200: Any } },
  }, async (req) => {
    let q = db().selectFrom('cities');
    if (req.query.zone) q = q.where('zone', '=', req.query.zone);
    if (req.query.q) q = q.where(sql`lower(nom)`, 'like', `%${req.query.q.toLowerCase()}%`);
    const byZone = await db().selectFrom('cities').select(['zone', sql<number>`count(*)`.as('n')]).groupBy('zone').execute();
    const rows = await q.selectAll().orderBy('nom').limit(req.query.limit ?? 200).execute();
    return { byZone: Object.fromEntries(byZone.map((r: any) => [r.zone, Number(r.n)])), cities: rows };
  });

  app.post('/cities/import', {
    config: { role: 'operator' },
    schema: { tags: ['promoteurs'], summary: 'import the national zonage ABC CSV (body: {csv})', body: z.object({ csv: z.string().min(1) }), response: { 200: Any } },
  }, async (req) => importCitiesCsv(ctx, Buffer.from(req.body.csv, 'utf8')));

  app.get('/alerts', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'alerts raised by runs', response: { 200: Any } },
  }, async () => ({ alerts: await db().selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(100).execute() }));

  app.get('/espocrm', {
    config: { role: 'admin' },
    schema: { tags: ['promoteurs'], summary: 'EspoCRM sink configuration (the key is masked)', response: { 200: Any } },
  }, async () => {
    const s = readSettings(ctx.config);
    const key = s.espo.apiKeyEnv ?? (await ctx.vault.get(ESPO_KEY_NAME));
    return { url: s.espo.url ?? null, apiKey: mask(key), minIntervalMs: s.espo.minIntervalMs };
  });

  app.put('/espocrm/key', {
    config: { role: 'admin' },
    schema: { tags: ['promoteurs'], summary: 'store the EspoCRM API key in the vault', body: z.object({ apiKey: z.string().min(8).max(200) }), response: { 200: Any } },
  }, async (req) => {
    if (/\s/.test(req.body.apiKey)) throw new HttpError(400, 'bad_key', 'an API key has no spaces');
    await ctx.vault.set(ESPO_KEY_NAME, req.body.apiKey);
    return { ok: true, apiKey: mask(req.body.apiKey) };
  });

  // ---------------------------------------------------------------------------------------------
  // settings page: sources, EspoCRM, alerts (secrets in the vault, only ever shown masked)

  app.get('/settings', {
    config: { role: 'operator' },
    schema: { tags: ['promoteurs'], summary: 'settings: sources (status, on/off, delays), EspoCRM, alerts; secrets masked', response: { 200: Any } },
  }, async () => {
    const eff = await effectiveSettings(ctx);
    const webhookSecret = await ctx.vault.get(WEBHOOK_SECRET_NAME);
    const envHook = eff.alerts.webhookUrl ? splitWebhookUrl(eff.alerts.webhookUrl) : null;
    return {
      sources: listSources().map((x) => {
        const st = sourceState(x, eff.stored);
        const o = eff.stored.sources[x.key] ?? {};
        return { ...describeSource(x), enabled: st.enabled, offReason: st.reason, notes: (x as { notes?: string }).notes ?? null,
          delayBetweenCitiesSec: o.delayBetweenCitiesSec ?? x.politeness.delayBetweenCitiesSec, delayBetweenDetailsSec: o.delayBetweenDetailsSec ?? x.politeness.delayBetweenDetailsSec };
      }),
      espocrm: { url: eff.espo.url ?? null, apiKey: mask(await espoApiKey(ctx, eff)) },
      alerts: {
        emailTo: eff.alerts.to, emailFrom: eff.alerts.from, smtpConfigured: !!eff.alerts.smtpUrl,
        webhookUrl: envHook?.url ?? null,
        webhookSecret: envHook?.secret ? '****' : webhookSecret ? mask(Object.values(JSON.parse(webhookSecret) as Record<string, string>).join(':')) : null,
      },
    };
  });

  app.put('/settings/sources/:key', {
    config: { role: 'admin' },
    schema: {
      tags: ['promoteurs'], summary: 'turn a source on/off, set its delays',
      params: z.object({ key: z.string().max(50) }),
      body: z.object({ enabled: z.boolean().nullable().optional(), delayBetweenCitiesSec: z.number().min(1).max(600).nullable().optional(), delayBetweenDetailsSec: z.number().min(1).max(600).nullable().optional() }),
      response: { 200: Any },
    },
  }, async (req) => {
    if (!listSources().some((x) => x.key === req.params.key)) throw notFound(`source ${req.params.key}`);
    const stored = await loadStored(ctx.db);
    const cur = { ...(stored.sources[req.params.key] ?? {}) } as Record<string, unknown>;
    for (const [k, v] of Object.entries(req.body)) { if (v === null) delete cur[k]; else if (v !== undefined) cur[k] = v; }
    stored.sources[req.params.key] = cur;
    await saveStored(ctx.db, 'sources', stored.sources, req.user?.id ?? null);
    return { ok: true, source: req.params.key, settings: cur };
  });

  app.put('/settings/espocrm', {
    config: { role: 'admin' },
    schema: { tags: ['promoteurs'], summary: 'EspoCRM URL (null: none) and API key (stored in the vault)', body: z.object({ url: z.string().url().max(300).nullable().optional(), apiKey: z.string().min(8).max(200).optional() }), response: { 200: Any } },
  }, async (req) => {
    if (req.body.url !== undefined) {
      if (req.body.url && !/^https?:\/\//.test(req.body.url)) throw badRequest('the EspoCRM URL must be http(s)');
      await saveStored(ctx.db, 'espocrm', { url: req.body.url ? req.body.url.replace(/\/+$/, '') : null }, req.user?.id ?? null);
    }
    if (req.body.apiKey !== undefined) {
      if (/\s/.test(req.body.apiKey)) throw new HttpError(400, 'bad_key', 'an API key has no spaces');
      await ctx.vault.set(ESPO_KEY_NAME, req.body.apiKey);
    }
    const eff = await effectiveSettings(ctx);
    return { ok: true, url: eff.espo.url ?? null, apiKey: mask(await espoApiKey(ctx, eff)) };
  });

  app.post('/settings/espocrm/test', {
    config: { role: 'admin' },
    schema: { tags: ['promoteurs'], summary: 'try the EspoCRM URL and key (one list request)', response: { 200: Any } },
  }, async () => {
    const eff = await effectiveSettings(ctx);
    const apiKey = await espoApiKey(ctx, eff);
    if (!eff.espo.url) return { ok: false, error: 'no EspoCRM URL' };
    if (!apiKey) return { ok: false, error: 'no API key' };
    const sink = new EspoCrmSink({ http: ctx.http, url: eff.espo.url, apiKey, minIntervalMs: 0, dryRun: true, allowPrivate: ctx.config.http.allowPrivate });
    try {
      await sink.check();
      const villes = await sink.list(VILLE_ENTITY, {}, { maxSize: 1 });
      return { ok: true, villes: villes.total };
    } catch (e) {
      return { ok: false, error: (e as Error).message.split(apiKey).join('****') };
    }
  });

  app.put('/settings/alerts', {
    config: { role: 'admin' },
    schema: {
      tags: ['promoteurs'], summary: 'alert e-mail recipients and webhook (its credentials go to the vault)',
      body: z.object({ emailTo: z.array(z.string().email()).max(20).optional(), emailFrom: z.string().email().optional(), webhookUrl: z.string().url().max(1000).nullable().optional() }),
      response: { 200: Any },
    },
  }, async (req) => {
    const stored = await loadStored(ctx.db);
    const next = { ...stored.alerts };
    if (req.body.emailTo !== undefined) next.emailTo = req.body.emailTo;
    if (req.body.emailFrom !== undefined) next.emailFrom = req.body.emailFrom;
    if (req.body.webhookUrl !== undefined) {
      if (req.body.webhookUrl === null) { next.webhookUrl = null; await ctx.vault.delete?.(WEBHOOK_SECRET_NAME); } else {
        let split;
        try { split = splitWebhookUrl(req.body.webhookUrl); } catch (e) { throw badRequest((e as Error).message); }
        next.webhookUrl = split.url;
        if (split.secret) await ctx.vault.set(WEBHOOK_SECRET_NAME, JSON.stringify(split.secret));
        else await ctx.vault.delete?.(WEBHOOK_SECRET_NAME);
      }
    }
    await saveStored(ctx.db, 'alerts', next, req.user?.id ?? null);
    const secret = await ctx.vault.get(WEBHOOK_SECRET_NAME);
    return { ok: true, emailTo: next.emailTo ?? null, emailFrom: next.emailFrom ?? null, webhookUrl: next.webhookUrl ?? null, webhookSecret: secret ? mask(Object.values(JSON.parse(secret) as Record<string, string>).join(':')) : null };
  });

  app.post('/cities/import-espocrm', {
    config: { role: 'operator' },
    schema: { tags: ['promoteurs'], summary: 'import the city list from EspoCRM\'s city entity (CJeanbrunVille: codeInsee, zone)', response: { 200: Any } },
  }, async () => {
    const eff = await effectiveSettings(ctx);
    const apiKey = await espoApiKey(ctx, eff);
    if (!eff.espo.url || !apiKey) throw badRequest('EspoCRM is not configured (URL and API key)');
    const sink = new EspoCrmSink({ http: ctx.http, url: eff.espo.url, apiKey, minIntervalMs: eff.espo.minIntervalMs, dryRun: true, allowPrivate: ctx.config.http.allowPrivate });
    const rows: { codeInsee: string; nom: string; zone: string }[] = [];
    for (let offset = 0; offset < 100_000; offset += 200) {
      const page = await sink.list(VILLE_ENTITY, {}, { maxSize: 200, offset, select: ['name', 'codeInsee', 'zone', 'codePostal'] });
      for (const v of page.list) rows.push({ codeInsee: String(v.codeInsee ?? ''), nom: String(v.name ?? ''), zone: String(v.zone ?? '') });
      if (page.list.length < 200 || offset + 200 >= page.total) break;
    }
    // the same checks as the CSV import (codes, zones), through its parser
    const csv = ['code_insee;nom;zonage abc', ...rows.map((r) => `${r.codeInsee};${r.nom.replace(/;/g, ' ')};${r.zone}`)].join('\n');
    const parsed = parseZonageCsvDetailed(Buffer.from(csv, 'utf8'));
    if (!parsed.rows.length) throw badRequest(`no usable city in EspoCRM (${rows.length} records; ${parsed.errors.slice(0, 3).join('; ') || 'no codeInsee/zone'})`);
    const r = await importCitiesCsv(ctx, Buffer.from(csv, 'utf8'));
    await db().updateTable('cities').set({ source: 'crm' }).execute();
    return { ...r, records: rows.length, slug: slugify('crm') };
  });

  // ---------------------------------------------------------------------------------------------
  // stored images, served to signed-in users (never the developer's URL to the browser)

  app.get('/programmes/:id/images/:position', {
    config: { role: 'viewer' },
    schema: { tags: ['promoteurs'], summary: 'a stored image of a programme (from the blob store)', params: z.object({ id: z.coerce.number().int(), position: z.coerce.number().int().min(0).max(20) }) },
  }, async (req, reply) => {
    const img: any = await db().selectFrom('images').select(['blob_key', 'content_type']).where('programme_id', '=', req.params.id).where('position', '=', req.params.position).where('blob_key', 'is not', null).executeTakeFirst();
    if (!img) throw notFound(`image ${req.params.position} of programme ${req.params.id}`);
    const body = await ctx.files.get(img.blob_key);
    const type = /^image\/(jpeg|png|webp|gif|avif)$/.test(img.content_type ?? '') ? img.content_type : 'application/octet-stream';
    reply.header('content-type', type).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=86400').header('content-disposition', 'inline');
    return reply.send(body);
  });
}
