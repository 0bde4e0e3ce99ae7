// EspoCRM sink (REST /api/v1/, header X-Api-Key of an API user). Entity CJeanbrunProgramme:
// lotsDetails is a TEXT field holding the JSON *string* of the lots; typesLots a multiEnum; the city
// is the link villeId → CJeanbrunVille, looked up by postcode (then slug) and cached. Lists use
// where[n][…] filters and maxSize ≤ 200; updates PUT only the fields that differ from the CRM record.
// Errors carry their reason in X-Status-Reason. EspoCRM has no rate limit of its own: we space our
// requests (PROMOTEURS_ESPOCRM_MIN_INTERVAL_MS). Dry-run: reads only, reports what it would write.
// Images are attachments (espocrm-images.ts): `images` an attachment-multiple field (imagesIds),
// `imagePrincipale` an image field (imagePrincipaleId); the developers' own image URLs are not sent.
import type { HttpClient, HttpResponse } from '../../core/http.ts';
import type { Programme } from '../types.ts';
import { Pacer } from '../crawl/pacer.ts';

export const PROGRAMME_ENTITY = 'CJeanbrunProgramme';
export const VILLE_ENTITY = 'CJeanbrunVille';
export const MAX_SIZE = 200;

export class EspoError extends Error {
  readonly status: number;
  readonly reason: string | null;
  constructor(method: string, path: string, status: number, reason: string | null) {
    super(`EspoCRM ${method} ${path} → ${status}${reason ? `: ${reason}` : ''}`);
    this.name = 'EspoError';
    this.status = status;
    this.reason = reason;
  }
}

export type EspoFields = Record<string, string | number | string[] | null>;

/** The attachment ids of a programme's stored images; absent: the image fields are left as they are. */
export interface EspoMedia { imagesIds: string[]; imagePrincipaleId: string | null }

/** The CRM record of a programme (field names of the spec). */
export function toEspoFields(p: Programme, villeId: string | null, media?: EspoMedia): EspoFields {
  return {
    name: p.name,
    slug: p.slug,
    promoteur: p.promoteur,
    sourceApi: p.sourceApi,
    idExterne: p.idExterne,
    urlExterne: p.urlExterne,
    villeId,
    zoneFiscale: p.zoneFiscale ?? null,
    adresse: p.adresse ?? null,
    dateLivraison: p.dateLivraison ?? null,
    livraison: p.livraison ?? null,
    statut: p.statut,
    description: p.description ?? null,
    ...(media ? { imagesIds: media.imagesIds, imagePrincipaleId: media.imagePrincipaleId } : {}),
    imageAlt: p.imageAlt,
    // TEXT field: the JSON string, never the array itself
    lotsDetails: JSON.stringify(p.lotsDetails),
    prixMin: p.prixMin,
    prixMax: p.prixMax,
    surfaceMin: p.surfaceMin,
    surfaceMax: p.surfaceMax,
    nbLotsDisponibles: p.nbLotsDisponibles,
    typesLots: p.typesLots,
    prixM2Moyen: p.prixM2Moyen,
  };
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (field === 'lotsDetails' && typeof a === 'string' && typeof b === 'string') {
    try { return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b)); } catch { return a === b; }
  }
  if ((a === null || a === undefined || a === '') && (b === null || b === undefined || b === '')) return true;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

/** Fields of `want` that differ from the CRM record `have`. */
export function changedFields(want: EspoFields, have: Record<string, unknown>): EspoFields {
  const out: EspoFields = {};
  for (const [k, v] of Object.entries(want)) if (!sameValue(k, v, have[k])) out[k] = v;
  return out;
}

export interface PushResult { action: 'created' | 'updated' | 'unchanged'; id: string | null; fields: string[] }

export interface EspoSinkOptions {
  http: HttpClient;
  url: string;
  apiKey: string;
  minIntervalMs: number;
  dryRun: boolean;
  allowPrivate?: boolean;
  signal?: AbortSignal;
}

export class EspoCrmSink {
  private o: EspoSinkOptions;
  private pacer = new Pacer();
  private villeCache = new Map<string, string | null>();
  stats = { requests: 0, created: 0, updated: 0, unchanged: 0, errors: 0, villeLookups: 0, uploads: 0 };

  constructor(o: EspoSinkOptions) {
    this.o = { ...o, url: o.url.replace(/\/+$/, '') };
  }

  private async call(method: string, path: string, body?: unknown, retries = 2): Promise<HttpResponse> {
    return this.pacer.run(this.o.minIntervalMs, 0, async () => {
      this.stats.requests++;
      const res = await this.o.http.request(`${this.o.url}/api/v1/${path}`, {
        method,
        headers: { 'x-api-key': this.o.apiKey, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        // POST is not idempotent: never retried blindly (a 409 on the next run resolves duplicates)
        retries: method === 'POST' ? 0 : retries,
        allowPrivate: this.o.allowPrivate,
        signal: this.o.signal,
      });
      if (res.status >= 400) throw new EspoError(method, path.split('?')[0], res.status, res.headers['x-status-reason'] ?? null);
      return res;
    }, this.o.signal);
  }

  /** GET a list with equals-filters; maxSize is clamped to 200 (EspoCRM's limit). */
  async list(entity: string, where: Record<string, string>, opts: { maxSize?: number; offset?: number; select?: string[] } = {}): Promise<{ total: number; list: Record<string, unknown>[] }> {
    const q = new URLSearchParams();
    Object.entries(where).forEach(([attr, value], i) => {
      q.set(`where[${i}][type]`, 'equals');
      q.set(`where[${i}][attribute]`, attr);
      q.set(`where[${i}][value]`, value);
    });
    q.set('maxSize', String(Math.min(opts.maxSize ?? MAX_SIZE, MAX_SIZE)));
    if (opts.offset) q.set('offset', String(opts.offset));
    if (opts.select) q.set('select', opts.select.join(','));
    const res = await this.call('GET', `${entity}?${q}`);
    return res.json();
  }

  /** Checks the key (401 → clear error) before a batch. */
  async check(): Promise<void> {
    await this.list(PROGRAMME_ENTITY, {}, { maxSize: 1 });
  }

  /** villeId of a city, by postcode then slug; cached for the sink's lifetime (null: not in the CRM). */
  async villeId(codePostal: string | null, slug: string | null): Promise<string | null> {
    const key = `${codePostal ?? ''}|${slug ?? ''}`;
    if (this.villeCache.has(key)) return this.villeCache.get(key)!;
    this.stats.villeLookups++;
    let id: string | null = null;
    if (codePostal) id = ((await this.list(VILLE_ENTITY, { codePostal }, { maxSize: 1, select: ['id'] })).list[0]?.id as string) ?? null;
    // arrondissement postcodes (69007) map to the commune's main one (69000) in most CRMs
    if (!id && codePostal && /^(75|69|13)\d{3}$/.test(codePostal)) {
      const main = { '75': '75000', '69': '69000', '13': '13000' }[codePostal.slice(0, 2)]!;
      if (main !== codePostal) id = ((await this.list(VILLE_ENTITY, { codePostal: main }, { maxSize: 1, select: ['id'] })).list[0]?.id as string) ?? null;
    }
    if (!id && slug) id = ((await this.list(VILLE_ENTITY, { slug }, { maxSize: 1, select: ['id'] })).list[0]?.id as string) ?? null;
    this.villeCache.set(key, id);
    return id;
  }

  /**
   * Creates or updates one programme. `knownId`: the CRM id stored in our DB from an earlier push
   * (skips the lookup). Unchanged → no write at all.
   */
  async push(p: Programme, knownId: string | null, citySlug: string | null, media?: EspoMedia): Promise<PushResult> {
    const villeId = await this.villeId(p.codePostal, citySlug);
    const want = toEspoFields(p, villeId, media);
    let existing: Record<string, unknown> | null = null;
    if (knownId) {
      try { existing = (await this.call('GET', `${PROGRAMME_ENTITY}/${encodeURIComponent(knownId)}`)).json(); } catch (e) {
        if (!(e instanceof EspoError && e.status === 404)) throw e; // deleted in the CRM: recreate
      }
    }
    if (!existing) existing = (await this.list(PROGRAMME_ENTITY, { sourceApi: p.sourceApi, idExterne: p.idExterne }, { maxSize: 2 })).list[0] ?? null;
    if (!existing) {
      if (this.o.dryRun) { this.stats.created++; return { action: 'created', id: null, fields: Object.keys(want) }; }
      try {
        const rec = (await this.call('POST', PROGRAMME_ENTITY, want)).json();
        this.stats.created++;
        return { action: 'created', id: String(rec.id), fields: Object.keys(want) };
      } catch (e) {
        // 409: created meanwhile (e.g. a POST whose answer was lost): update it instead
        if (!(e instanceof EspoError && e.status === 409)) throw e;
        existing = (await this.list(PROGRAMME_ENTITY, { sourceApi: p.sourceApi, idExterne: p.idExterne }, { maxSize: 2 })).list[0] ?? null;
        if (!existing) throw e;
      }
    }
    const diff = changedFields(want, existing);
    const fields = Object.keys(diff);
    const id = String(existing.id);
    if (fields.length === 0) { this.stats.unchanged++; return { action: 'unchanged', id, fields }; }
    if (!this.o.dryRun) await this.call('PUT', `${PROGRAMME_ENTITY}/${encodeURIComponent(id)}`, diff);
    this.stats.updated++;
    return { action: 'updated', id, fields };
  }

  /**
   * Uploads one file (POST Attachment, the file as a base64 data URI) for a field of the programme
   * entity and returns its id. `images` is attachment-multiple (parentType), `imagePrincipale` an
   * image field (relatedType). Never retried blindly: a lost answer would leave a twin upload.
   */
  async uploadAttachment(field: 'images' | 'imagePrincipale', file: { name: string; type: string; data: Buffer }): Promise<string> {
    const owner = field === 'images' ? { parentType: PROGRAMME_ENTITY } : { relatedType: PROGRAMME_ENTITY };
    const res = await this.call('POST', 'Attachment', { name: file.name, type: file.type, role: 'Attachment', ...owner, field, file: `data:${file.type};base64,${file.data.toString('base64')}` });
    const id = (res.json() as { id?: unknown }).id;
    if (typeof id !== 'string' || !id) throw new EspoError('POST', 'Attachment', res.status, 'no attachment id in the answer');
    this.stats.uploads++;
    return id;
  }

  /** Marks a programme sold in the CRM (PUT statut only). */
  async markSold(espoId: string): Promise<void> {
    if (this.o.dryRun) return;
    await this.call('PUT', `${PROGRAMME_ENTITY}/${encodeURIComponent(espoId)}`, { statut: 'vendu' });
  }
}
