// The app's own database sink (promoteurs.programmes): dedup by (sourceApi, idExterne); create;
// update only the fields that changed; leave unchanged rows untouched (but note they were seen);
// mark sold only when told (after a complete and healthy run). Dry-run: compute the same answers,
// write nothing.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Lot, Programme, TypeLot, TypologiesSummary, ZoneFiscale } from '../types.ts';

const T = 'programmes';

/** JSON with sorted keys: equal objects give equal strings whatever the key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).filter((k) => (v as any)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function hashOf(v: unknown): string {
  return crypto.createHash('sha256').update(stableJson(v)).digest('hex').slice(0, 32);
}

/** Programme field ↔ column, with how to compare/serialise it. */
const FIELDS: { key: keyof Programme; col: string; json?: boolean; num?: boolean; date?: boolean }[] = [
  { key: 'name', col: 'name' },
  { key: 'slug', col: 'slug' },
  { key: 'promoteur', col: 'promoteur' },
  { key: 'urlExterne', col: 'url_externe' },
  { key: 'ville', col: 'ville' },
  { key: 'codePostal', col: 'code_postal' },
  { key: 'codeInsee', col: 'code_insee' },
  { key: 'zoneFiscale', col: 'zone_fiscale' },
  { key: 'adresse', col: 'adresse' },
  { key: 'dateLivraison', col: 'date_livraison' },
  { key: 'livraison', col: 'livraison', date: true },
  { key: 'statut', col: 'statut' },
  { key: 'description', col: 'description' },
  { key: 'images', col: 'images', json: true },
  { key: 'imagePrincipale', col: 'image_principale' },
  { key: 'imageAlt', col: 'image_alt' },
  { key: 'lotsDetails', col: 'lots_details', json: true },
  { key: 'parTypologie', col: 'par_typologie', json: true },
  { key: 'prixMin', col: 'prix_min', num: true },
  { key: 'prixMax', col: 'prix_max', num: true },
  { key: 'surfaceMin', col: 'surface_min', num: true },
  { key: 'surfaceMax', col: 'surface_max', num: true },
  { key: 'nbLotsDisponibles', col: 'nb_lots_disponibles', num: true },
  { key: 'typesLots', col: 'types_lots', json: true },
  { key: 'prixM2Moyen', col: 'prix_m2_moyen', num: true },
];

function isoDate(v: unknown): string | null {
  if (v == null) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

export interface StoredRow {
  id: number;
  card_hash: string | null;
  detail_fetched_at: Date | null;
  statut: string;
  content_hash: string | null;
  espo_id: string | null;
  espo_hash: string | null;
  last_seen_run: string | null;
  listing_city: string | null;
  [col: string]: unknown;
}

/** A DB row back into the Programme shape. */
export function rowToProgramme(r: Record<string, any>): Programme {
  const p: Record<string, unknown> = { sourceApi: r.source_api, idExterne: r.id_externe };
  for (const f of FIELDS) {
    const v = r[f.col];
    if (f.json) p[f.key] = typeof v === 'string' ? JSON.parse(v) : v;
    else if (f.num) p[f.key] = v == null ? null : Number(v);
    else if (f.date) p[f.key] = isoDate(v);
    else p[f.key] = v ?? null;
  }
  return p as unknown as Programme;
}

function toColumn(f: (typeof FIELDS)[number], v: unknown): unknown {
  if (f.json) return JSON.stringify(v ?? (f.key === 'parTypologie' ? {} : []));
  if (f.num) return v == null ? null : Number(v);
  return v ?? null;
}

function sameField(f: (typeof FIELDS)[number], a: unknown, b: unknown): boolean {
  if (f.json) return stableJson(a ?? null) === stableJson(b ?? null);
  if (f.num) return (a == null ? null : Number(a)) === (b == null ? null : Number(b));
  if (f.date) return isoDate(a) === isoDate(b);
  return (a ?? null) === (b ?? null);
}

export function diffProgramme(stored: Programme, next: Programme): string[] {
  return FIELDS.filter((f) => !sameField(f, stored[f.key], next[f.key])).map((f) => f.key);
}

export function contentHash(p: Programme): string {
  const o: Record<string, unknown> = {};
  for (const f of FIELDS) o[f.key] = f.num ? (p[f.key] == null ? null : Number(p[f.key])) : f.date ? isoDate(p[f.key]) : p[f.key] ?? null;
  return hashOf(o);
}

export type UpsertAction = 'created' | 'updated' | 'unchanged';

export class ProgrammeStore {
  private db: Kysely<any>;
  readonly dryRun: boolean;

  constructor(db: Kysely<any>, dryRun: boolean) {
    this.db = db;
    this.dryRun = dryRun;
  }

  private t() {
    return this.db.withSchema('promoteurs');
  }

  async get(source: string, idExterne: string): Promise<StoredRow | undefined> {
    return this.t().selectFrom(T).selectAll().where('source_api', '=', source).where('id_externe', '=', idExterne).executeTakeFirst() as Promise<StoredRow | undefined>;
  }

  /** Stores a freshly fetched programme; returns what happened and which fields changed. */
  async upsert(p: Programme, o: { cardHash: string; runId: string; listingCity: string | null; sansImage: boolean; existing?: StoredRow | null }): Promise<{ action: UpsertAction; fields: string[]; id: number | null }> {
    const now = new Date();
    // the caller usually read the row a moment ago (card hash check): null = known absent
    const existing = o.existing !== undefined ? (o.existing ?? undefined) : await this.get(p.sourceApi, p.idExterne);
    const hash = contentHash(p);
    if (!existing) {
      if (this.dryRun) return { action: 'created', fields: FIELDS.map((f) => f.key), id: null };
      const values: Record<string, unknown> = { source_api: p.sourceApi, id_externe: p.idExterne };
      for (const f of FIELDS) values[f.col] = toColumn(f, p[f.key]);
      Object.assign(values, {
        card_hash: o.cardHash, detail_fetched_at: now, content_hash: hash, last_seen_at: now, last_seen_run: o.runId,
        listing_city: o.listingCity, sans_image: o.sansImage, first_seen_at: now, created_at: now, updated_at: now,
      });
      const row = await this.t().insertInto(T).values(values).returning('id').executeTakeFirstOrThrow();
      return { action: 'created', fields: FIELDS.map((f) => f.key), id: Number(row.id) };
    }
    const changed = diffProgramme(rowToProgramme(existing), p);
    if (this.dryRun) return { action: changed.length ? 'updated' : 'unchanged', fields: changed, id: Number(existing.id) };
    const set: Record<string, unknown> = {
      card_hash: o.cardHash, detail_fetched_at: now, last_seen_at: now, last_seen_run: o.runId,
      listing_city: existing.listing_city ?? o.listingCity, sans_image: o.sansImage,
    };
    if (changed.length) {
      for (const key of changed) { const f = FIELDS.find((x) => x.key === key)!; set[f.col] = toColumn(f, p[f.key]); }
      set.content_hash = hash;
      set.updated_at = now;
      if (p.statut === 'disponible') set.sold_at = null;
    }
    await this.t().updateTable(T).set(set).where('id', '=', existing.id).execute();
    return { action: changed.length ? 'updated' : 'unchanged', fields: changed, id: Number(existing.id) };
  }

  /** Seen in this run without a detail fetch (card unchanged): record the sighting only. */
  async touch(id: number, runId: string): Promise<void> {
    if (this.dryRun) return;
    await this.t().updateTable(T).set({ last_seen_at: new Date(), last_seen_run: runId }).where('id', '=', id).execute();
  }

  /** Programmes of `source` listed in one of `cities` and not seen by run `runId` (they would be sold). */
  async unseen(source: string, runId: string, cities: string[], seenIds?: Set<string>): Promise<{ id: number; id_externe: string; espo_id: string | null }[]> {
    if (cities.length === 0) return [];
    const rows = await this.t().selectFrom(T).select(['id', 'id_externe', 'espo_id', 'last_seen_run'])
      .where('source_api', '=', source).where('statut', '=', 'disponible').where('listing_city', 'in', cities).execute();
    return rows
      .filter((r: any) => (seenIds ? !seenIds.has(r.id_externe) : r.last_seen_run !== runId))
      .map((r: any) => ({ id: Number(r.id), id_externe: r.id_externe, espo_id: r.espo_id }));
  }

  async markSold(ids: number[]): Promise<void> {
    if (this.dryRun || ids.length === 0) return;
    const now = new Date();
    for (const id of ids) {
      const row = await this.t().selectFrom(T).selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) continue;
      const p = { ...rowToProgramme(row), statut: 'vendu' as const };
      await this.t().updateTable(T).set({ statut: 'vendu', sold_at: now, updated_at: now, content_hash: contentHash(p) }).where('id', '=', id).execute();
    }
  }
}

export type { Lot, TypeLot, TypologiesSummary, ZoneFiscale };
