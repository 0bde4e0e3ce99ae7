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
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../core/files.ts';
import { makeTempDir } from '../../core/tmp.ts';
import { extractZip, safeEntryName, ZipError, type ZipLimits } from '../ingest/zip.ts';
import { webVaultName, proVaultName } from '../accounts/store.ts';
import { FORMAT, VERSION, Manifest, Data } from './format.ts';

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
  counts: { catalogs: number; photos: number; blobs: number; accounts: number; accounts_existing: number; publications: number; listings: number; settings: number };
  /** old job id → new job id */
  jobs: Record<string, string>;
  /** old account id → id on this install */
  accounts: Record<string, string>;
}

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
    if (rawManifest.version !== VERSION) {
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

    const counts = { catalogs: 0, photos: 0, blobs, accounts: 0, accounts_existing: 0, publications: 0, listings: 0, settings: 0 };
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
    }).catch((e) => {
      // rows the archive repeats (two photos or articles with one id): the transaction is rolled back
      if ((e as { code?: string }).code === '23505') throw new ImportError('import_invalid', `the archive repeats a row (${(e as { detail?: string }).detail ?? (e as Error).message}): nothing was imported`);
      throw e;
    });
    written.length = 0;
    return { scope: manifest.data.scope, counts, jobs: Object.fromEntries(jobMap), accounts: Object.fromEntries(accMap) };
  } finally {
    for (const prefix of written) await files.deletePrefix(prefix).catch(() => 0);
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}
