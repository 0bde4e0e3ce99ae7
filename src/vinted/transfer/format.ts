// The Studio's export format (a ZIP): manifest.json, data.json, listings.csv and blobs/<key> for every
// photo blob. Secrets are never part of it: Vinted cookies, tokens and API keys stay in the vault of
// the install they were given to (the seller reconnects the accounts after an import).
//
// data.json is validated with these schemas on import; an unknown FORMAT or VERSION is refused.
//
// Version 2 adds the seller's data of "after publishing": relist rules and their history, orders,
// reply templates, e-mail preferences and webhook endpoints (never their signing secret), and the
// wardrobe's analytics columns. A version 1 archive is still read (the new parts default to empty).
// Logs are not state and are not exported: the events outbox (importing it would fire the
// notifications and webhooks a second time), deliveries and their attempts, in-app notifications,
// sent replies. Conversations and messages are a copy of Vinted's inbox: read again by the inbox
// sync once the account is reconnected.
import { z } from 'zod';

export const FORMAT = 'atelier-vinted-export';
export const VERSION = 2;
/** versions this install can import */
export const READABLE_VERSIONS = [1, 2];

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
  relist_daily_cap: z.number().int().min(0).max(1000).optional(),
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
  // v2: what analytics groups by
  catalog_id: z.number().int().nullable().optional(), brand: z.string().max(200).nullable().optional(), status_id: z.number().int().nullable().optional(),
  sold_at: Stamp.optional(), sold_price: z.number().nullable().optional(), relisted_to: z.string().max(100).nullable().optional(),
});
export type ListingRow = z.infer<typeof ListingRow>;

export const RelistRuleRow = z.object({
  id: z.uuid(), account_id: z.uuid(), name: z.string().min(1).max(200), enabled: z.boolean(), dry_run: z.boolean(),
  min_age_days: z.number().int(), max_views: z.number().int().nullable(), max_favourites: z.number().int().nullable(),
  catalog_ids: z.array(z.number().int()).max(1000), daily_cap: z.number().int(), cron: z.string().max(200).nullable(),
  acknowledged_at: Stamp, last_run_at: Stamp, created_at: z.string(), updated_at: z.string(),
});
export type RelistRuleRow = z.infer<typeof RelistRuleRow>;

export const RelistRow = z.object({
  run_id: z.string().min(1).max(200), rule_id: z.uuid().nullable(), account_id: z.uuid(), old_vinted_id: z.string().max(100), publication_id: z.uuid(),
  state: z.enum(['queued', 'deleting', 'recreating', 'done', 'failed', 'skipped']), new_vinted_id: z.string().max(100).nullable(),
  error_code: z.string().max(200).nullable(), error: z.string().max(5000).nullable(), created_at: z.string(), updated_at: z.string(), done_at: Stamp,
});
export type RelistRow = z.infer<typeof RelistRow>;

export const OrderRow = z.object({
  account_id: z.uuid(), order_id: z.string().min(1).max(100), side: z.enum(['sold', 'purchased']), source: z.string().max(20), status: z.string().max(200),
  state: z.string().max(40), item_id: z.string().max(100).nullable(), title: z.string().max(2000), price: z.number().nullable(), currency: z.string().max(10).nullable(),
  counterpart: z.string().max(200).nullable(), shipment_id: z.string().max(200).nullable(), label_url: z.string().max(2000).nullable(), ship_by: Stamp,
  ordered_at: z.string(), data: Json, first_seen_at: z.string(), updated_at: z.string(),
});
export type OrderRow = z.infer<typeof OrderRow>;

export const ReplyTemplateRow = z.object({
  name: z.string().min(1).max(200), trigger: z.enum(['question', 'offer', 'sale']), body: z.string().max(5000), auto: z.boolean(),
  daily_cap: z.number().int().min(0).max(1000), created_at: z.string(), updated_at: z.string(),
});
export type ReplyTemplateRow = z.infer<typeof ReplyTemplateRow>;

/** e-mail preferences, by the user's e-mail address (user ids are the install's own) */
export const NotifyPrefRow = z.object({ email: z.string().min(3).max(320), email_events: z.array(z.string().max(60)).max(50) });

/** an endpoint without its signing secret: it is imported paused, its secret to be regenerated */
export const WebhookRow = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000), events: z.array(z.string().max(60)).min(1).max(50), active: z.boolean(),
  description: z.string().max(200).nullable(), created_at: z.string(),
});
export type WebhookRow = z.infer<typeof WebhookRow>;

export const Data = z.object({
  catalogs: z.array(CatalogRow),
  accounts: z.array(AccountRow),
  publications: z.array(PublicationRow),
  listings: z.array(ListingRow),
  settings: z.array(z.object({ key: z.string().max(200), value: Json })),
  // v2 (absent from a version 1 archive)
  relist_rules: z.array(RelistRuleRow).default([]),
  relists: z.array(RelistRow).default([]),
  orders: z.array(OrderRow).default([]),
  reply_templates: z.array(ReplyTemplateRow).default([]),
  notify_prefs: z.array(NotifyPrefRow).default([]),
  webhooks: z.array(WebhookRow).default([]),
});
export type Data = z.infer<typeof Data>;
