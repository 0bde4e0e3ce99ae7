// Import of an export ZIP (format.ts) — hostile input. The archive is extracted with the same guards
// as a photo ZIP (zip-slip, absolute paths, symlinks, ratio and total-size caps, streamed), but here
// ANY unsafe entry refuses the whole import. The JSON is validated, the references checked, then the
// photos are written under new keys and the rows inserted in one transaction: on any error the
// written blobs are deleted and nothing is left half-imported.
//
// Ids: every batch gets a new job id (the blob keys vinted/<job>/… follow it), every publication a
// new id; a Vinted account keeps its id unless this install already has an account of that name
// (then the existing one is used and left as it is). Imported accounts have no session (secrets are
// never exported): they are marked "reconnect" and their queue paused, so nothing is published
// twice from two installs; a publication caught in flight is put aside for review.
//
// The same rule for everything that would act on its own (format version 2): relist rules come in
// dry-run, automatic replies switched off, webhook endpoints paused — an endpoint's signing secret
// never leaves the vault of the install it was made on, so it must be regenerated here before the
// endpoint is resumed. Each is reported in `warnings`. Nothing is written to the events outbox: an
// import fires no notification, e-mail or webhook.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../core/files.ts';
import { makeTempDir } from '../../core/tmp.ts';
import { extractZip, safeEntryName, ZipError, type ZipLimits } from '../ingest/zip.ts';
import { webVaultName, proVaultName } from '../accounts/store.ts';
import { checkCron } from '../relist/rules.ts';
import { checkReplyTemplate } from '../inbox/replies.ts';
import { EVENT_TYPES } from '../events/outbox.ts';
import { NOTIFY_TYPES } from '../notify/deliver.ts';
import { FORMAT, VERSION, READABLE_VERSIONS, Manifest, Data } from './format.ts';

type Db = Kysely<any>;
const V = (db: Db) => db.withSchema('vinted');
const j = (v: unknown) => JSON.stringify(v);

export class ImportError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export interface ImportResult {
  scope: Manifest['scope'];
  counts: {
    catalogs: number; photos: number; blobs: number; accounts: number; accounts_existing: number; publications: number; listings: number; settings: number;
    relist_rules: number; relists: number; orders: number; reply_templates: number; notify_prefs: number; webhooks: number;
  };
  /** what was imported switched off, and why (codes for the UI's messages) */
  warnings: ImportWarning[];
  /** old job id → new job id */
  jobs: Record<string, string>;
  /** old account id → id on this install */
  accounts: Record<string, string>;
}

export interface ImportWarning { code: 'relist_rule_dry_run' | 'reply_auto_off' | 'webhook_secret_required'; name: string }

export const IMPORT_LIMITS: ZipLimits = { maxEntries: 50_000, maxTotalBytes: 8 * 1024 ** 3, maxRatio: 100, maxEntryBytes: 200 * 1024 ** 2 };
/** manifest.json and data.json are read whole: a cap well above any real Studio */
const MAX_JSON_BYTES = 256 * 1024 ** 2;

async function readJson(file: string, name: string): Promise<unknown> {
  const st = await fsp.stat(file);
  if (st.size > MAX_JSON_BYTES) throw new ImportError('import_too_large', `${name} is larger than ${MAX_JSON_BYTES / 1024 ** 2} MB`);
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (e) {
    throw new ImportError('import_bad_json', `${name} is not valid JSON (${(e as Error).message}): the archive is damaged or was edited by hand`);
  }
}

function issues(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return e.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** The part of a photo blob key after its batch's folder (vinted/…/<job>/), checked: it becomes part of a new key. */
function blobRest(key: string, job: string): string {
  const parts = key.split('/');
  const at = parts.indexOf(job);
  if (parts[0] !== 'vinted' || at < 1) throw new ImportError('import_invalid', `photo blob "${key}" is not in the folder of batch ${job}`);
  const rest = safeEntryName(parts.slice(at + 1).join('/'));
  if (!rest.ok) throw new ImportError('import_invalid', `photo blob "${key}": ${rest.reason}`);
  return rest.name;
}

export async function importZip(db: Db, files: BlobStore, zipPath: string, o: { userId?: string | null; isAdmin?: boolean; limits?: Partial<ZipLimits> } = {}): Promise<ImportResult> {
  const tmp = await makeTempDir('vinted-import');
  const written: string[] = [];
  try {
    const root = path.join(tmp, 'x');
    let z;
    try {
      z = await extractZip(zipPath, root, { ...IMPORT_LIMITS, ...o.limits });
    } catch (e) {
      if (e instanceof ZipError) throw new ImportError(e.code === 'zip_invalid' ? 'import_not_zip' : 'import_too_large', e.message, e.code === 'zip_invalid' ? 400 : 413);
      throw e;
    }
    if (z.errors.length) {
      const first = z.errors.slice(0, 3).map((x) => `${x.file}: ${x.reason}`).join('; ');
      throw new ImportError('import_unsafe', `the archive holds ${z.errors.length} unsafe or unreadable entr${z.errors.length > 1 ? 'ies' : 'y'} and was refused as a whole (${first})`);
    }
    const names = new Set(z.files.map((f) => f.name));
    for (const n of names) {
      if (!['manifest.json', 'data.json', 'listings.csv'].includes(n) && !n.startsWith('blobs/')) throw new ImportError('import_invalid', `unexpected file in the archive: ${n}`);
    }
    if (!names.has('manifest.json')) throw new ImportError('import_not_export', 'manifest.json is missing: this ZIP is not an atelier Studio export');
    const rawManifest = await readJson(path.join(root, 'manifest.json'), 'manifest.json') as Record<string, unknown>;
    if (rawManifest?.format !== FORMAT) throw new ImportError('import_not_export', 'manifest.json does not describe an atelier Studio export');
    if (!READABLE_VERSIONS.includes(rawManifest.version as number)) {
      throw new ImportError('import_version', `export format version ${String(rawManifest.version)} is not supported by this install (it reads version ${VERSION}): update atelier or export again`);
    }
    const manifest = Manifest.safeParse(rawManifest);
    if (!manifest.success) throw new ImportError('import_invalid', `manifest.json: ${issues(manifest.error)}`);
    if (!names.has('data.json')) throw new ImportError('import_invalid', 'data.json is missing from the archive');
    const parsed = Data.safeParse(await readJson(path.join(root, 'data.json'), 'data.json'));
    if (!parsed.success) throw new ImportError('import_invalid', `data.json does not match the export format: ${issues(parsed.error)}`);
    const data = parsed.data;

    // references inside the archive
    const accountIds = new Set(data.accounts.map((a) => a.id));
    const seenJobs = new Set<string>();
    for (const c of data.catalogs) {
      if (seenJobs.has(c.job_id)) throw new ImportError('import_invalid', `batch ${c.job_id} appears twice`);
      seenJobs.add(c.job_id);
      const photoIds = new Set(c.photos.map((p) => p.id));
      for (const k of c.clusters) {
        const bad = [...k.photos, k.cover].find((p) => !photoIds.has(p));
        if (bad) throw new ImportError('import_invalid', `batch ${c.job_id}: article ${k.id} names photo ${bad}, which is not in the batch`);
      }
      for (const p of c.photos) for (const key of Object.values(p.blobs)) blobRest(key, c.job_id);
    }
    for (const p of data.publications) {
      if (!accountIds.has(p.account_id)) throw new ImportError('import_invalid', `publication ${p.id} names account ${p.account_id}, which is not in the archive`);
    }
    for (const l of data.listings) {
      if (!accountIds.has(l.account_id)) throw new ImportError('import_invalid', `listing ${l.vinted_id} names account ${l.account_id}, which is not in the archive`);
    }
    const ruleIds = new Set(data.relist_rules.map((r) => r.id));
    const pubIds = new Set(data.publications.map((p) => p.id));
    for (const r of data.relist_rules) {
      if (!accountIds.has(r.account_id)) throw new ImportError('import_invalid', `relist rule "${r.name}" names account ${r.account_id}, which is not in the archive`);
    }
    for (const r of data.relists) {
      if (!accountIds.has(r.account_id)) throw new ImportError('import_invalid', `relist of ${r.old_vinted_id} names account ${r.account_id}, which is not in the archive`);
      if (!pubIds.has(r.publication_id)) throw new ImportError('import_invalid', `relist of ${r.old_vinted_id} names publication ${r.publication_id}, which is not in the archive`);
      if (r.rule_id && !ruleIds.has(r.rule_id)) throw new ImportError('import_invalid', `relist of ${r.old_vinted_id} names rule ${r.rule_id}, which is not in the archive`);
    }
    // user-written text and schedules are checked as the API checks them
    for (const r of data.relist_rules) {
      if (r.cron) try { checkCron(r.cron); } catch (e) { throw new ImportError('import_invalid', `relist rule "${r.name}": ${(e as Error).message}`); }
    }
    for (const h of data.webhooks) {
      const u = new URL(h.url);
      if (u.username || u.password) throw new ImportError('import_invalid', `webhook endpoint ${u.host}: no user or password in the URL`);
    }
    for (const t of data.reply_templates) {
      try { checkReplyTemplate(t.body); } catch (e) { throw new ImportError('import_invalid', `reply template "${t.name}": ${(e as Error).message}`); }
    }
    for (const o of data.orders) {
      if (!accountIds.has(o.account_id)) throw new ImportError('import_invalid', `order ${o.order_id} names account ${o.account_id}, which is not in the archive`);
    }

    // id mapping
    const jobMap = new Map(data.catalogs.map((c) => [c.job_id, crypto.randomUUID()]));
    const existing = new Map<string, string>();
    if (data.accounts.length) {
      const rows = await V(db).selectFrom('accounts').select(['id', 'name']).where('name', 'in', data.accounts.map((a) => a.name)).execute();
      for (const r of rows) existing.set(r.name, r.id);
    }
    const takenIds = data.accounts.length
      ? new Set((await V(db).selectFrom('accounts').select('id').where('id', 'in', data.accounts.map((a) => a.id)).execute()).map((r) => r.id as string))
      : new Set<string>();
    const accMap = new Map(data.accounts.map((a) => [a.id, existing.get(a.name) ?? (takenIds.has(a.id) ? crypto.randomUUID() : a.id)]));
    const pubMap = new Map(data.publications.map((p) => [p.id, crypto.randomUUID()]));
    const newJob = (old: string | null) => (old ? jobMap.get(old) ?? old : null);

    // photos first (outside the transaction; removed again if anything fails)
    let blobs = 0;
    const photoBlobs = new Map<string, Record<string, string>>();
    for (const c of data.catalogs) {
      const nj = jobMap.get(c.job_id)!;
      written.push(`vinted/${nj}/`);
      for (const p of c.photos) {
        const out: Record<string, string> = {};
        for (const [variant, key] of Object.entries(p.blobs)) {
          const nk = `vinted/${nj}/${blobRest(key, c.job_id)}`;
          out[variant] = nk;
          if (names.has(`blobs/${key}`)) {
            await files.put(nk, fs.createReadStream(path.join(root, 'blobs', key)));
            blobs++;
          }
        }
        photoBlobs.set(`${c.job_id}/${p.id}`, out);
      }
    }

    const counts: ImportResult['counts'] = {
      catalogs: 0, photos: 0, blobs, accounts: 0, accounts_existing: 0, publications: 0, listings: 0, settings: 0,
      relist_rules: 0, relists: 0, orders: 0, reply_templates: 0, notify_prefs: 0, webhooks: 0,
    };
    const warnings: ImportWarning[] = [];
    await db.transaction().execute(async (tx) => {
      const now = new Date();
      for (const c of data.catalogs) {
        const nj = jobMap.get(c.job_id)!;
        // the batch's job, so that the Studio's job views show it like any other batch
        await tx.withSchema('core').insertInto('jobs').values({
          id: nj, module: 'vinted', kind: 'ingest', status: 'completed', title: `Import: ${c.photos.length} photos`,
          payload: j({ source: 'import', imported_from: c.job_id }), progress: 100, counters: j({ total: c.files, clusters: c.clusters.length }),
          result: j({ imported_from: c.job_id }), created_by: o.userId ?? null, created_at: new Date(c.created_at), started_at: now, finished_at: now, updated_at: now,
        }).execute();
        await V(tx).insertInto('catalogs').values({
          job_id: nj, status: c.status, backend: c.backend, files: c.files, source: c.source, version: Math.max(1, c.version),
          created_by: o.userId ?? null, created_at: new Date(c.created_at), updated_at: new Date(c.updated_at),
        }).execute();
        for (const p of c.photos) {
          await V(tx).insertInto('photos').values({
            job_id: nj, id: p.id, position: p.position, file: p.file, sha256: p.sha256, phash: p.phash, width: p.width, height: p.height,
            taken_at: p.taken_at, format: p.format, blobs: j(photoBlobs.get(`${c.job_id}/${p.id}`)), sharpness: p.sharpness,
            edits: p.edits == null ? null : j(p.edits),
          }).execute();
        }
        for (const k of c.clusters) {
          await V(tx).insertInto('clusters').values({
            job_id: nj, id: k.id, position: k.position, photos: j(k.photos), cover: k.cover, category: k.category, category_score: k.category_score,
            colors: j(k.colors ?? []), score: k.score, joins: j(k.joins ?? []), brand: k.brand, size: k.size, condition: k.condition, edited: k.edited,
            suggestions: j(k.suggestions ?? {}),
          }).execute();
        }
        for (const d of c.duplicates) await V(tx).insertInto('duplicates').values({ job_id: nj, file: d.file, of: d.of }).onConflict((oc) => oc.doNothing()).execute();
        for (const [i, e] of c.errors.entries()) await V(tx).insertInto('file_errors').values({ job_id: nj, seq: i, file: e.file, reason: e.reason }).execute();
        if (c.plan) {
          await V(tx).insertInto('plans').values({
            job_id: nj, options: j(c.plan.options ?? {}), templates: j(c.plan.templates), items: j(c.plan.items), created_by: o.userId ?? null,
            created_at: new Date(c.plan.created_at),
          }).execute();
        }
        counts.catalogs++;
        counts.photos += c.photos.length;
      }
      for (const a of data.accounts) {
        if (existing.has(a.name)) { counts.accounts_existing++; continue; }
        await V(tx).insertInto('accounts').values({
          id: accMap.get(a.id), name: a.name, kind: a.kind, vault_name: a.kind === 'pro' ? proVaultName(a.name) : webVaultName(a.name),
          login: a.login, vinted_user_id: a.vinted_user_id, active: a.active, writes_per_hour: a.writes_per_hour, active_hours: a.active_hours,
          slots_used: a.slots_used, slots_total: a.slots_total, synced_at: a.synced_at ? new Date(a.synced_at) : null, created_at: new Date(a.created_at),
          ...(a.relist_daily_cap === undefined ? {} : { relist_daily_cap: a.relist_daily_cap }),
          created_by: o.userId ?? null,
          // no session came with it: reconnect before anything is sent to Vinted
          status: 'reconnect', status_code: 'imported', queue_state: 'paused', queue_code: 'reconnect', queue_changed_at: now,
        }).execute();
        counts.accounts++;
      }
      for (const p of data.publications) {
        const nid = pubMap.get(p.id)!;
        const inFlight = ['uploading', 'creating', 'submitted'].includes(p.state);
        await V(tx).insertInto('publications').values({
          id: nid, idempotency_key: `import:${nid}`, account_id: accMap.get(p.account_id), job_id: newJob(p.job_id), cluster_id: p.cluster_id,
          content_hash: p.content_hash, payload: j(p.payload), photos: j(p.photos), state: inFlight ? 'needs_review' : p.state, position: p.position,
          temp_uuid: crypto.randomUUID(), vinted_id: p.vinted_id, url: p.url, remote_ref: p.remote_ref,
          error_code: inFlight ? 'imported_in_flight' : p.error_code, error: inFlight ? `was "${p.state}" when exported: check on Vinted before publishing again` : p.error,
          field_errors: p.field_errors == null ? null : j(p.field_errors), error_params: p.error_params == null ? null : j(p.error_params),
          manual_url: p.manual_url, attempts: p.attempts, created_by: o.userId ?? null, created_at: new Date(p.created_at), updated_at: new Date(p.updated_at),
          published_at: p.published_at ? new Date(p.published_at) : null,
        }).execute();
        counts.publications++;
      }
      for (const l of data.listings) {
        const r = await V(tx).insertInto('listings').values({
          account_id: accMap.get(l.account_id), vinted_id: l.vinted_id, title: l.title, price: l.price, currency: l.currency, url: l.url,
          photo_url: l.photo_url, state: l.state, publication_id: l.publication_id ? pubMap.get(l.publication_id) ?? null : null,
          job_id: newJob(l.job_id), cluster_id: l.cluster_id, views: l.views, favourites: l.favourites,
          first_seen_at: new Date(l.first_seen_at), seen_at: new Date(l.seen_at), updated_at: new Date(l.updated_at),
          catalog_id: l.catalog_id ?? null, brand: l.brand ?? null, status_id: l.status_id ?? null, sold_at: l.sold_at ? new Date(l.sold_at) : null,
          sold_price: l.sold_price ?? null, relisted_to: l.relisted_to ?? null,
        }).onConflict((oc) => oc.columns(['account_id', 'vinted_id']).doNothing()).executeTakeFirst();
        // a listing this install already follows keeps its own (fresher) state
        counts.listings += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      for (const s of data.settings) {
        // the purge's delays are an admin's to set: an operator's import leaves them as they are
        if (s.key === 'purge' && !o.isAdmin) continue;
        // the purge stays off on a new install until its own dry run has been seen
        const value = s.key === 'purge' && s.value && typeof s.value === 'object' ? { ...s.value, enabled: false } : s.value;
        const row = { key: s.key, value: j(value), updated_by: o.userId ?? null, updated_at: now };
        await V(tx).insertInto('settings').values(row).onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_by: row.updated_by, updated_at: now })).execute();
        counts.settings++;
      }
      await importAfterPublishing(tx, data, { accMap, pubMap, counts, warnings, now });
    }).catch((e) => {
      // rows the archive repeats (two photos or articles with one id): the transaction is rolled back
      if ((e as { code?: string }).code === '23505') throw new ImportError('import_invalid', `the archive repeats a row (${(e as { detail?: string }).detail ?? (e as Error).message}): nothing was imported`);
      throw e;
    });
    written.length = 0;
    return { scope: manifest.data.scope, counts, warnings, jobs: Object.fromEntries(jobMap), accounts: Object.fromEntries(accMap) };
  } finally {
    for (const prefix of written) await files.deletePrefix(prefix).catch(() => 0);
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Relist rules and history, orders, reply templates, e-mail preferences and webhook endpoints, in the
 * import's transaction. Rows this install already has (same rule name on the account, same order,
 * same template, same endpoint URL, a user's own preferences) are kept as they are.
 */
async function importAfterPublishing(tx: Db, data: Data, m: {
  accMap: Map<string, string>; pubMap: Map<string, string>; counts: ImportResult['counts']; warnings: ImportWarning[]; now: Date;
}): Promise<void> {
  const date = (v: string | null) => (v ? new Date(v) : null);
  const ruleMap = new Map<string, string>();
  for (const r of data.relist_rules) {
    const account = m.accMap.get(r.account_id)!;
    const ins = await V(tx).insertInto('relist_rules').values({
      account_id: account, name: r.name, enabled: r.enabled, dry_run: true, min_age_days: r.min_age_days, max_views: r.max_views,
      max_favourites: r.max_favourites, catalog_ids: j(r.catalog_ids), daily_cap: r.daily_cap, cron: r.cron,
      // the "new id, likes lost" warning is accepted again on this install before the rule acts
      acknowledged_at: null, last_run_at: date(r.last_run_at), created_at: new Date(r.created_at), updated_at: m.now,
    }).onConflict((oc) => oc.columns(['account_id', 'name']).doNothing()).returning('id').executeTakeFirst();
    if (ins) {
      ruleMap.set(r.id, ins.id as string);
      m.counts.relist_rules++;
      if (!r.dry_run) m.warnings.push({ code: 'relist_rule_dry_run', name: r.name });
    } else {
      const cur = await V(tx).selectFrom('relist_rules').select('id').where('account_id', '=', account).where('name', '=', r.name).executeTakeFirstOrThrow();
      ruleMap.set(r.id, cur.id as string);
    }
  }
  for (const r of data.relists) {
    // a relist caught halfway (listing deleted, re-create not yet sent) is for the seller to check on Vinted
    const inFlight = ['queued', 'deleting', 'recreating'].includes(r.state);
    const ins = await V(tx).insertInto('relists').values({
      run_id: r.run_id, rule_id: r.rule_id ? ruleMap.get(r.rule_id) ?? null : null, account_id: m.accMap.get(r.account_id), old_vinted_id: r.old_vinted_id,
      publication_id: m.pubMap.get(r.publication_id), state: inFlight ? 'failed' : r.state, new_vinted_id: r.new_vinted_id,
      error_code: inFlight ? 'imported_in_flight' : r.error_code, error: inFlight ? `was "${r.state}" when exported: check the listing on Vinted` : r.error,
      created_at: new Date(r.created_at), updated_at: new Date(r.updated_at), done_at: date(r.done_at),
    }).onConflict((oc) => oc.columns(['run_id', 'old_vinted_id']).doNothing()).executeTakeFirst();
    m.counts.relists += Number(ins.numInsertedOrUpdatedRows ?? 0);
  }
  for (const o of data.orders) {
    const ins = await V(tx).insertInto('orders').values({
      account_id: m.accMap.get(o.account_id), order_id: o.order_id, side: o.side, source: o.source, status: o.status, state: o.state, item_id: o.item_id,
      title: o.title, price: o.price, currency: o.currency, counterpart: o.counterpart, shipment_id: o.shipment_id, label_url: o.label_url,
      ship_by: date(o.ship_by), ordered_at: new Date(o.ordered_at), data: j(o.data ?? {}), first_seen_at: new Date(o.first_seen_at), updated_at: new Date(o.updated_at),
    }).onConflict((oc) => oc.columns(['account_id', 'side', 'order_id']).doNothing()).executeTakeFirst();
    // an order this install already follows keeps its own (fresher) state
    m.counts.orders += Number(ins.numInsertedOrUpdatedRows ?? 0);
  }
  for (const t of data.reply_templates) {
    const same = await V(tx).selectFrom('reply_templates').select('id').where('name', '=', t.name).where('trigger', '=', t.trigger).where('body', '=', t.body).executeTakeFirst();
    if (same) continue;
    await V(tx).insertInto('reply_templates').values({
      name: t.name, trigger: t.trigger, body: t.body, auto: false, daily_cap: t.daily_cap, created_at: new Date(t.created_at), updated_at: m.now,
    }).execute();
    m.counts.reply_templates++;
    if (t.auto) m.warnings.push({ code: 'reply_auto_off', name: t.name });
  }
  if (data.notify_prefs.length) {
    const users = await tx.selectFrom('core.users').select(['id', 'email']).where('email', 'in', data.notify_prefs.map((p) => p.email)).execute();
    const byEmail = new Map(users.map((u) => [String(u.email).toLowerCase(), u.id as string]));
    for (const p of data.notify_prefs) {
      const user = byEmail.get(p.email.toLowerCase());
      if (!user) continue; // no such user here: the preferences of someone who is not on this install
      // an event type this version does not know (an archive from a newer one) is left out
      const events = p.email_events.filter((e) => (NOTIFY_TYPES as readonly string[]).includes(e));
      const ins = await tx.insertInto('vinted.notify_prefs').values({ user_id: user, email_events: j(events), updated_at: m.now })
        .onConflict((oc) => oc.column('user_id').doNothing()).executeTakeFirst();
      m.counts.notify_prefs += Number(ins.numInsertedOrUpdatedRows ?? 0);
    }
  }
  for (const h of data.webhooks) {
    const same = await V(tx).selectFrom('webhook_endpoints').select('id').where('url', '=', h.url).executeTakeFirst();
    const events = h.events.filter((e) => (EVENT_TYPES as readonly string[]).includes(e));
    if (same || !events.length) continue;
    // no secret came with it (it stays in the other install's vault): paused until one is generated here
    await V(tx).insertInto('webhook_endpoints').values({ url: h.url, events: j(events), active: false, description: h.description, created_at: new Date(h.created_at) }).execute();
    m.counts.webhooks++;
    m.warnings.push({ code: 'webhook_secret_required', name: h.url });
  }
}
