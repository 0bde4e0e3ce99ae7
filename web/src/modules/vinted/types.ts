// Shapes of the Studio API (src/vinted/routes.ts) as the page uses them.
export interface ClusterView {
  id: string;
  photos: string[];
  photo_ids: string[];
  cover: string;
  category: string | null;
  color: string | null;
  colors: string[];
  score: number;
  brand: string | null;
  size: string | null;
  condition: string | null;
  edited: boolean;
  suggestions: Suggestions;
}

export interface SuggestionItem { value: string; score: number; source: 'classifier' | 'clip' | 'ocr' | 'llm' }
export interface Suggestions {
  category?: SuggestionItem[];
  brand?: SuggestionItem[];
  size?: SuggestionItem[];
  material?: SuggestionItem[];
  colors?: SuggestionItem[];
  defects?: SuggestionItem[];
  description?: SuggestionItem[];
  label_photos?: string[];
}

export interface PhotoView { id: string; file: string; position: number; width: number; height: number; taken_at: string | null; format: string; edit?: string | null }

export interface CatalogView {
  ok: boolean;
  job_id: string;
  version: number;
  backend: string | null;
  files: number;
  photos: PhotoView[];
  clusters: ClusterView[];
  duplicates: { file: string; of: string }[];
  errors: { file: string; reason: string; code?: string; params?: Record<string, string | number> }[];
  conditions: { label: string; status_id: number }[];
  categories: string[];
}

export interface PlanItem {
  cluster_id: string;
  title: string;
  price: number | null;
  price_min: number | null;
  price_target: number | null;
  /** the seller's own sales behind the price */
  price_learned?: { sales: number; median: number; p25: number; p75: number } | null;
  price_max: number | null;
  description: string;
  condition: string | null;
  status_id: number | null;
  brand: string;
  brand_tier: string | null;
  size: string | null;
  category: string | null;
  color: string | null;
  photos: string[];
  cover: string;
  publish: boolean;
  publish_ready: boolean;
  missing_fields: string[];
  gender: 'femmes' | 'hommes';
  vinted: {
    catalog_id: number | null; catalog_path: string[]; size_id: number | null; size_title: string | null; status_id: number | null;
    color_ids: number[]; package_size_id: number | null; brand_id: number; brand_title: string | null; missing: string[]; warnings: string[];
  };
}

export interface Override { title?: string; price?: number }
export interface PlanView {
  ok: boolean; job_id: string; created_at: string; items: PlanItem[]; summary: { items: number; publish_ready: number };
  options: { defaults: { city?: string; gender?: 'femmes' | 'hommes' }; overrides: Record<string, Override> };
}

// ---- publishing (src/vinted/routes-publish.ts)
export interface AccountView {
  id: string; name: string; kind: 'web' | 'pro'; login: string | null; status: 'unchecked' | 'ok' | 'reconnect' | 'error'; status_code: string | null;
  checked_at: string | null; session_expires_at: string | null; queue_state: 'running' | 'paused' | 'stopped'; queue_code: string | null;
  queue_message: string | null; writes_per_hour: number | null; active_hours: string | null; next_write_at: string | null; circuit_until: string | null;
  slots_used: number | null; slots_total: number | null; synced_at: string | null; effective: { writes_per_hour: number; active_hours: string };
  queue: Record<string, number>;
}

export interface PreparedItem {
  cluster_id: string; ready: boolean; missing: string[]; warnings: string[]; title: string; price: number | null; catalog_path: string[];
  photos: { photo: string; file: string }[]; payload: unknown; content_hash: string; confirm_token: string | null; expires_at: string | null;
  existing: { id: string; state: string; vinted_id: string | null; url: string | null } | null; error: string | null;
}

export interface PublicationView {
  id: string; account_id: string; job_id: string; cluster_id: string; state: string; title: string; price: number | null; photos: number; uploaded: number;
  vinted_id: string | null; url: string | null; error_code: string | null; error: string | null; error_params: Record<string, unknown> | null;
  field_errors: { field: string; message: string }[] | null; manual_url: string | null; attempts: number; wasted: number; next_at: string;
  expected_at: string | null; created_at: string; published_at: string | null;
}

export interface QueueView {
  ok: boolean; account_id: string; queue_state: string; queue_code: string | null; queue_message: string | null; circuit_until: string | null;
  writes_per_hour: number; active_hours: string; counts: Record<string, number>; items: PublicationView[];
}

export interface ListingView {
  account_id: string; vinted_id: string; title: string; price: number | null; currency: string | null; url: string | null; photo_url: string | null;
  state: 'live' | 'hidden' | 'reserved' | 'sold' | 'deleted' | 'draft'; publication_id: string | null; job_id: string | null; cluster_id: string | null;
  views: number | null; favourites: number | null; first_seen_at: string; seen_at: string; updated_at: string;
  /** our thumbnail of the article's cover, when we published it */
  thumb?: string | null;
}

export const ACTIVE_STATES = ['queued', 'uploading', 'creating', 'submitted'];

export interface CatalogRow { job_id: string; status: string; files: number; source: string; clusters: number; created_at: string }

export const COLORS = ['noir', 'blanc', 'gris', 'bleu', 'marine', 'rouge', 'bordeaux', 'vert', 'kaki', 'jaune', 'moutarde', 'beige', 'crème', 'marron', 'rose', 'violet', 'orange', 'multicolore'];

export const photoUrl = (job: string, photo: string, variant: 'thumb' | 'work' | 'listing' = 'thumb') =>
  `/api/vinted/bulk/photos/${encodeURIComponent(job)}/${encodeURIComponent(photo)}/${variant}`;
