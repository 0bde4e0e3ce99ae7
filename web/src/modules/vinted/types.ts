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

export interface PhotoView { id: string; file: string; position: number; width: number; height: number; taken_at: string | null; format: string }

export interface CatalogView {
  ok: boolean;
  job_id: string;
  version: number;
  backend: string | null;
  files: number;
  photos: PhotoView[];
  clusters: ClusterView[];
  duplicates: { file: string; of: string }[];
  errors: { file: string; reason: string }[];
  conditions: { label: string; status_id: number }[];
  categories: string[];
}

export interface PlanItem {
  cluster_id: string;
  title: string;
  price: number | null;
  price_min: number | null;
  price_target: number | null;
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
}

export interface Override { title?: string; price?: number }
export interface PlanView {
  ok: boolean; job_id: string; created_at: string; items: PlanItem[]; summary: { items: number; publish_ready: number };
  options: { defaults: { city?: string }; overrides: Record<string, Override> };
}

export interface CatalogRow { job_id: string; status: string; files: number; source: string; clusters: number; created_at: string }

export const COLORS = ['noir', 'blanc', 'gris', 'bleu', 'marine', 'rouge', 'bordeaux', 'vert', 'kaki', 'jaune', 'moutarde', 'beige', 'crème', 'marron', 'rose', 'violet', 'orange', 'multicolore'];

export const photoUrl = (job: string, photo: string, variant: 'thumb' | 'work' | 'listing' = 'thumb') =>
  `/api/vinted/bulk/photos/${encodeURIComponent(job)}/${encodeURIComponent(photo)}/${variant}`;
