// The Studio's export format (a ZIP): manifest.json, data.json, listings.csv and blobs/<key> for every
// photo blob. Secrets are never part of it: Vinted cookies, tokens and API keys stay in the vault of
// the install they were given to (the seller reconnects the accounts after an import).
//
// data.json is validated with these schemas on import; an unknown FORMAT or VERSION is refused.
import { z } from 'zod';

export const FORMAT = 'atelier-vinted-export';
export const VERSION = 1;

const Json = z.unknown();
const Stamp = z.string().nullable();

export const Manifest = z.object({
  format: z.literal(FORMAT),
  version: z.number().int(),
  exported_at: z.string(),
  scope: z.object({ kind: z.enum(['account', 'batch']), job: z.string().nullable() }),
  counts: z.record(z.string(), z.number()),
  secrets: z.literal('not_included'),
});
export type Manifest = z.infer<typeof Manifest>;

const Id = z.string().min(1).max(100);
const BlobKey = z.string().min(1).max(400);

export const PhotoRow = z.object({
  id: Id, position: z.number().int(), file: z.string().max(1000), sha256: z.string().max(128), phash: z.string().max(128),
  width: z.number().int(), height: z.number().int(), taken_at: z.string().nullable(), format: z.string().max(40),
  blobs: z.record(z.string().max(40), BlobKey), sharpness: z.number(),
  /** touch-up recipe (validated again when applied) */
  edits: Json.optional(),
});

export const ClusterRow = z.object({
  id: Id, position: z.number().int(), photos: z.array(Id), cover: Id, category: z.string().nullable(), category_score: z.number().nullable(),
  colors: Json, score: z.number(), joins: Json, brand: z.string().nullable(), size: z.string().nullable(), condition: z.string().nullable(),
  edited: z.boolean(), suggestions: Json,
});

// a job id becomes part of blob keys and paths: letters, digits and dashes only
const JobId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a job id (letters, digits, dashes)');

export const CatalogRow = z.object({
  job_id: JobId,
  status: z.enum(['processing', 'ready', 'failed']), backend: z.string().nullable(), files: z.number().int(), source: z.string().max(40),
  version: z.number().int(), created_at: z.string(), updated_at: z.string(),
  photos: z.array(PhotoRow), clusters: z.array(ClusterRow),
  duplicates: z.array(z.object({ file: z.string(), of: z.string() })),
  errors: z.array(z.object({ file: z.string(), reason: z.string() })),
  plan: z.object({ options: Json, templates: Json, items: z.array(z.record(z.string(), z.unknown())), created_at: z.string() }).nullable(),
});
export type CatalogRow = z.infer<typeof CatalogRow>;

export const AccountRow = z.object({
  id: z.uuid(), name: z.string().regex(/^[\w.-]{1,64}$/), kind: z.enum(['web', 'pro']), login: z.string().nullable(), vinted_user_id: z.string().nullable(),
  active: z.boolean(), writes_per_hour: z.number().int().nullable(), active_hours: z.string().nullable(),
  slots_used: z.number().int().nullable(), slots_total: z.number().int().nullable(), synced_at: Stamp, created_at: z.string(),
});
export type AccountRow = z.infer<typeof AccountRow>;

export const PublicationRow = z.object({
  id: z.uuid(), idempotency_key: z.string().max(300), account_id: z.uuid(), job_id: JobId, cluster_id: Id, content_hash: z.string().max(200),
  payload: Json, photos: Json, state: z.enum(['queued', 'uploading', 'creating', 'submitted', 'published', 'needs_review', 'needs_manual', 'dead', 'cancelled']),
  position: z.number(), vinted_id: z.string().nullable(), url: z.string().nullable(), remote_ref: z.string().nullable(),
  error_code: z.string().nullable(), error: z.string().nullable(), field_errors: Json, error_params: Json, manual_url: z.string().nullable(),
  attempts: z.number().int(), created_at: z.string(), updated_at: z.string(), published_at: Stamp,
});
export type PublicationRow = z.infer<typeof PublicationRow>;

export const ListingRow = z.object({
  account_id: z.uuid(), vinted_id: z.string().max(100), title: z.string(), price: z.number().nullable(), currency: z.string().nullable(),
  url: z.string().nullable(), photo_url: z.string().nullable(), state: z.string().max(20), publication_id: z.uuid().nullable(),
  job_id: JobId.nullable(), cluster_id: z.string().nullable(), views: z.number().int().nullable(), favourites: z.number().int().nullable(),
  first_seen_at: z.string(), seen_at: z.string(), updated_at: z.string(),
});
export type ListingRow = z.infer<typeof ListingRow>;

export const Data = z.object({
  catalogs: z.array(CatalogRow),
  accounts: z.array(AccountRow),
  publications: z.array(PublicationRow),
  listings: z.array(ListingRow),
  settings: z.array(z.object({ key: z.string().max(200), value: Json })),
});
export type Data = z.infer<typeof Data>;
