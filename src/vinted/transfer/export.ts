// Export of the Studio (every batch, the Vinted accounts' metadata, publications, wardrobe and
// settings) or of one batch: a ZIP streamed to the client, photos read from the blob store one at a
// time. Nothing from the vault goes in (see format.ts).
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../core/files.ts';
import { FORMAT, VERSION, type Data, type Manifest, type CatalogRow } from './format.ts';

type Db = Kysely<any>;
const V = (db: Db) => db.withSchema('vinted');
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const iso = (v: unknown): string => new Date(v as string).toISOString();
const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));
const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

export interface ExportScope { kind: 'account' | 'batch'; job?: string }

export async function collect(db: Db, scope: ExportScope): Promise<Data> {
  const jobs = scope.kind === 'batch' ? [scope.job!] : (await V(db).selectFrom('catalogs').select('job_id').orderBy('created_at').execute()).map((r) => r.job_id as string);
  const catalogs: CatalogRow[] = [];
  for (const job of jobs) {
    const c = await V(db).selectFrom('catalogs').selectAll().where('job_id', '=', job).executeTakeFirst();
    if (!c) continue;
    const [photos, clusters, dups, errors, plan] = await Promise.all([
      V(db).selectFrom('photos').selectAll().where('job_id', '=', job).orderBy('position').execute(),
      V(db).selectFrom('clusters').selectAll().where('job_id', '=', job).orderBy('position').execute(),
      V(db).selectFrom('duplicates').selectAll().where('job_id', '=', job).orderBy('file').execute(),
      V(db).selectFrom('file_errors').selectAll().where('job_id', '=', job).orderBy('seq').execute(),
      V(db).selectFrom('plans').selectAll().where('job_id', '=', job).executeTakeFirst(),
    ]);
    catalogs.push({
      job_id: job, status: c.status, backend: c.backend, files: c.files, source: c.source, version: c.version,
      created_at: iso(c.created_at), updated_at: iso(c.updated_at),
      photos: photos.map((p) => ({
        id: p.id, position: p.position, file: p.file, sha256: p.sha256, phash: p.phash, width: p.width, height: p.height,
        taken_at: p.taken_at, format: p.format, blobs: parse(p.blobs), sharpness: Number(p.sharpness), edits: p.edits == null ? null : parse(p.edits),
      })),
      clusters: clusters.map((k) => ({
        id: k.id, position: k.position, photos: parse(k.photos), cover: k.cover, category: k.category, category_score: numOrNull(k.category_score),
        colors: parse(k.colors), score: Number(k.score), joins: parse(k.joins), brand: k.brand, size: k.size, condition: k.condition,
        edited: k.edited, suggestions: parse(k.suggestions ?? {}),
      })),
      duplicates: dups.map((d) => ({ file: d.file, of: d.of })),
      errors: errors.map((e) => ({ file: e.file, reason: e.reason })),
      plan: plan ? { options: parse(plan.options), templates: parse(plan.templates), items: parse(plan.items), created_at: iso(plan.created_at) } : null,
    });
  }
  let pubQ = V(db).selectFrom('publications').selectAll().orderBy('position');
  if (scope.kind === 'batch') pubQ = pubQ.where('job_id', '=', scope.job!);
  const pubs = await pubQ.execute();
  const accountIds = scope.kind === 'batch' ? [...new Set(pubs.map((p) => p.account_id as string))] : null;
  let accQ = V(db).selectFrom('accounts').selectAll().orderBy('name');
  if (accountIds) accQ = accountIds.length ? accQ.where('id', 'in', accountIds) : accQ.where(({ lit }) => lit(false));
  const accounts = await accQ.execute();
  let lstQ = V(db).selectFrom('listings').selectAll().orderBy('first_seen_at');
  if (scope.kind === 'batch') lstQ = lstQ.where('job_id', '=', scope.job!);
  const listings = await lstQ.execute();
  // the purge's last report is this install's history, not a setting
  const settings = scope.kind === 'account' ? await V(db).selectFrom('settings').select(['key', 'value']).where('key', '!=', 'purge.last').orderBy('key').execute() : [];
  const after = scope.kind === 'account' ? await collectAfterPublishing(db) : { relist_rules: [], relists: [], orders: [], reply_templates: [], notify_prefs: [], webhooks: [] };
  return {
    catalogs,
    // the queue state, leases and the session's details are this install's business: not exported
    accounts: accounts.map((a) => ({
      id: a.id, name: a.name, kind: a.kind, login: a.login, vinted_user_id: a.vinted_user_id, active: a.active,
      writes_per_hour: a.writes_per_hour, active_hours: a.active_hours, slots_used: a.slots_used, slots_total: a.slots_total,
      synced_at: isoOrNull(a.synced_at), created_at: iso(a.created_at), relist_daily_cap: a.relist_daily_cap,
    })),
    publications: pubs.map((p) => ({
      id: p.id, idempotency_key: p.idempotency_key, account_id: p.account_id, job_id: p.job_id, cluster_id: p.cluster_id, content_hash: p.content_hash,
      payload: parse(p.payload), photos: parse(p.photos), state: p.state, position: Number(p.position), vinted_id: p.vinted_id, url: p.url,
      remote_ref: p.remote_ref, error_code: p.error_code, error: p.error, field_errors: p.field_errors == null ? null : parse(p.field_errors),
      error_params: p.error_params == null ? null : parse(p.error_params), manual_url: p.manual_url, attempts: p.attempts,
      created_at: iso(p.created_at), updated_at: iso(p.updated_at), published_at: isoOrNull(p.published_at),
    })),
    listings: listings.map((l) => ({
      account_id: l.account_id, vinted_id: l.vinted_id, title: l.title, price: numOrNull(l.price), currency: l.currency, url: l.url,
      photo_url: l.photo_url, state: l.state, publication_id: l.publication_id, job_id: l.job_id, cluster_id: l.cluster_id,
      views: l.views, favourites: l.favourites, first_seen_at: iso(l.first_seen_at), seen_at: iso(l.seen_at), updated_at: iso(l.updated_at),
      catalog_id: l.catalog_id, brand: l.brand, status_id: l.status_id, sold_at: isoOrNull(l.sold_at), sold_price: numOrNull(l.sold_price), relisted_to: l.relisted_to,
    })),
    settings: settings.map((r) => ({ key: r.key, value: parse(r.value) })),
    ...after,
  };
}

/**
 * The seller's data of "after publishing" (whole-account export only). State, not logs: the events
 * outbox, deliveries and their attempts, notifications and sent replies stay behind (see format.ts);
 * webhook endpoints go without their secret, which is in the vault.
 */
async function collectAfterPublishing(db: Db): Promise<Pick<Data, 'relist_rules' | 'relists' | 'orders' | 'reply_templates' | 'notify_prefs' | 'webhooks'>> {
  const [rules, relists, orders, templates, prefs, hooks] = await Promise.all([
    V(db).selectFrom('relist_rules').selectAll().orderBy('created_at').orderBy('id').execute(),
    V(db).selectFrom('relists').selectAll().orderBy('created_at').orderBy('id').execute(),
    V(db).selectFrom('orders').selectAll().orderBy('ordered_at').orderBy('order_id').execute(),
    V(db).selectFrom('reply_templates').selectAll().orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('vinted.notify_prefs as p').innerJoin('core.users as u', 'u.id', 'p.user_id').select(['u.email', 'p.email_events']).orderBy('u.email').execute(),
    V(db).selectFrom('webhook_endpoints').select(['url', 'events', 'active', 'description', 'created_at']).orderBy('created_at').execute(),
  ]);
  return {
    relist_rules: rules.map((r) => ({
      id: r.id, account_id: r.account_id, name: r.name, enabled: r.enabled, dry_run: r.dry_run, min_age_days: r.min_age_days, max_views: r.max_views,
      max_favourites: r.max_favourites, catalog_ids: parse(r.catalog_ids), daily_cap: r.daily_cap, cron: r.cron, acknowledged_at: isoOrNull(r.acknowledged_at),
      last_run_at: isoOrNull(r.last_run_at), created_at: iso(r.created_at), updated_at: iso(r.updated_at),
    })),
    relists: relists.map((r) => ({
      run_id: r.run_id, rule_id: r.rule_id, account_id: r.account_id, old_vinted_id: r.old_vinted_id, publication_id: r.publication_id, state: r.state,
      new_vinted_id: r.new_vinted_id, error_code: r.error_code, error: r.error, created_at: iso(r.created_at), updated_at: iso(r.updated_at), done_at: isoOrNull(r.done_at),
    })),
    orders: orders.map((o) => ({
      account_id: o.account_id, order_id: o.order_id, side: o.side, source: o.source, status: o.status, state: o.state, item_id: o.item_id, title: o.title,
      price: numOrNull(o.price), currency: o.currency, counterpart: o.counterpart, shipment_id: o.shipment_id, label_url: o.label_url, ship_by: isoOrNull(o.ship_by),
      ordered_at: iso(o.ordered_at), data: parse(o.data), first_seen_at: iso(o.first_seen_at), updated_at: iso(o.updated_at),
    })),
    reply_templates: templates.map((t) => ({ name: t.name, trigger: t.trigger, body: t.body, auto: t.auto, daily_cap: t.daily_cap, created_at: iso(t.created_at), updated_at: iso(t.updated_at) })),
    notify_prefs: prefs.map((p) => ({ email: p.email, email_events: parse(p.email_events) })),
    webhooks: hooks.map((h) => ({ url: h.url, events: parse(h.events), active: h.active, description: h.description, created_at: iso(h.created_at) })),
  };
}

// A cell that starts with = + - @ (or a tab/CR) is a formula to a spreadsheet: prefix it with '
// so a title chosen by anyone never runs in the seller's Excel.
function cell(v: unknown): string {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ['lot', 'article', 'titre', 'prix', 'prix_min', 'catégorie', 'marque', 'taille', 'état', 'couleur', 'photos', 'publication', 'vinted_id', 'url', 'description'];

/** One row per drafted listing (the batch's plan), with its publication state when there is one. */
export function listingsCsv(data: Data): string {
  const pubs = new Map(data.publications.map((p) => [`${p.job_id}/${p.cluster_id}`, p]));
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of data.catalogs) {
    for (const it of c.plan?.items ?? []) {
      const i = it as Record<string, any>;
      const pub = pubs.get(`${c.job_id}/${i.cluster_id}`);
      lines.push([
        c.job_id, i.cluster_id, i.title, i.price, i.price_min, i.category, i.brand, i.size, i.condition, i.color,
        Array.isArray(i.photos) ? i.photos.length : '', pub?.state ?? '', pub?.vinted_id ?? '', pub?.url ?? '', i.description,
      ].map(cell).join(','));
    }
  }
  // UTF-8 BOM: Excel opens accents right
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export function blobKeys(data: Data): string[] {
  const keys = new Set<string>();
  for (const c of data.catalogs) for (const p of c.photos) for (const k of Object.values(p.blobs)) keys.add(k);
  return [...keys];
}

/** The export as a ZIP stream; blobs missing from the store are listed in the manifest, not fatal. */
export async function exportZip(db: Db, files: BlobStore, scope: ExportScope): Promise<{ stream: Readable; manifest: Manifest }> {
  const data = await collect(db, scope);
  const present: string[] = [];
  const missing: string[] = [];
  for (const k of blobKeys(data)) ((await files.stat(k)) ? present : missing).push(k);
  const manifest: Manifest & { missing_blobs?: string[] } = {
    format: FORMAT, version: VERSION, exported_at: new Date().toISOString(),
    scope: { kind: scope.kind, job: scope.job ?? null },
    counts: {
      catalogs: data.catalogs.length, photos: data.catalogs.reduce((n, c) => n + c.photos.length, 0), blobs: present.length,
      accounts: data.accounts.length, publications: data.publications.length, listings: data.listings.length, settings: data.settings.length,
      relist_rules: data.relist_rules.length, relists: data.relists.length, orders: data.orders.length, reply_templates: data.reply_templates.length,
      notify_prefs: data.notify_prefs.length, webhooks: data.webhooks.length,
    },
    secrets: 'not_included',
    ...(missing.length ? { missing_blobs: missing } : {}),
  };
  const z = new yazl.ZipFile();
  z.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), 'manifest.json');
  z.addBuffer(Buffer.from(JSON.stringify(data)), 'data.json');
  z.addBuffer(Buffer.from(listingsCsv(data)), 'listings.csv');
  // photos are already compressed: stored, and opened only when the zip writer reaches them
  for (const k of present) {
    z.addReadStreamLazy(`blobs/${k}`, { compress: false }, (cb) => {
      files.stream(k).then((s) => cb(null, s), (e) => cb(e, undefined as never));
    });
  }
  z.end();
  return { stream: z.outputStream as unknown as Readable, manifest };
}
