// Contract between the photo pipeline (ingest/ + vision/) and the rest of the Studio (catalog/, listings/, routes, CLI).
export interface PipelineInput {
  /** the name the user knows the file by: path relative to the given directory, or the upload's file name */
  name: string;
  /** either a file on disk or the bytes */
  path?: string;
  data?: Buffer;
}

export interface PipelineOptions {
  backend: 'auto' | 'clip' | 'classic';
  /** Hamming distance on the 64-bit pHash at or under which two photos are duplicates (default 5) */
  dupHamming: number;
  /** clustering: cosine-distance threshold (BULK_CLUSTER_EPS) and min photos (BULK_MIN_SAMPLES) */
  clusterEps?: number;
  minSamples?: number;
  maxPerArticle: number; // 8
  /** French category labels for zero-shot (CLIP only) */
  categories: string[];
  /** the shipped garment classifier (default on): categories with no model to download */
  classifier?: boolean;
  /** class → French label (classes.ts; VINTED_CLASS_LABELS_JSON) */
  classLabels?: Record<string, string>;
  /** an article's best class score under this leaves its category to the seller (top 3 suggested) */
  categoryMinScore?: number;
  /** read brand and size on the photos detected as label close-ups (default on) */
  readLabels?: boolean;
  /** brands the label reader matches, besides its built-in list (the price tiers' brands) */
  brands?: string[];
  modelsDir: string;
  /** where working copies / thumbnails / listing copies are written (blob keys are prefix + name) */
  blobPrefix: string;
  signal?: AbortSignal;
  /** photos decoded at once (default: 2 per core) */
  concurrency?: number;
}

export interface StoredPhoto {
  id: string;              // stable id within the job, e.g. "p0007"
  file: string;            // PipelineInput.name
  sha256: string;
  phash: string;           // 16 hex chars
  width: number;           // after orientation
  height: number;
  taken_at: string | null; // EXIF DateTimeOriginal, ISO
  format: 'jpeg' | 'png' | 'webp' | 'heic';
  /** blob keys, all without EXIF/GPS; `listing` is made on first use from `original` (JPEG inputs) */
  blobs: { listing: string; work: string; thumb: string; original?: string };
  sharpness: number;
}

export interface Cluster {
  id: string;              // "c1", "c2", … in capture order of their first photo
  photos: string[];        // photo ids, in capture order
  cover: string;           // photo id
  category: string | null; // French label; null when unsure (the card shows "à choisir" and the suggestions)
  category_score: number | null;
  /** suggestions the seller can accept with one click (classifier, label OCR, vision LLM) */
  suggestions?: ClusterSuggestions;
  colors: string[];        // up to 2 French colour labels, dominant first
  score: number;           // confidence 0–1
  joins: { a: string; b: string; distance: number }[]; // the distances that joined the photos
}

export interface Suggestion {
  value: string;
  /** 0–1 */
  score: number;
  source: 'classifier' | 'clip' | 'ocr' | 'llm';
  /** a classifier's category: its class (GARMENT_CLASSES), which fixes the Vinted catalog whatever the label shown */
  class?: string;
}

export interface ClusterSuggestions {
  category?: Suggestion[];
  brand?: Suggestion[];
  size?: Suggestion[];
  material?: Suggestion[];
  colors?: Suggestion[];
  defects?: Suggestion[];
  description?: Suggestion[];
  /** photo ids detected as label / tag close-ups */
  label_photos?: string[];
}

export interface PipelineResult {
  backend: 'clip' | 'classic';
  photos: StoredPhoto[];                                 // kept photos (not duplicates, not errors)
  duplicates: { file: string; of: string }[];             // file names (PipelineInput.name)
  errors: { file: string; reason: string }[];
  clusters: Cluster[];
}

export interface PipelineHooks {
  /** called as files are processed: scanned/total and counters */
  progress?(p: { stage: 'decode' | 'dedup' | 'embed' | 'cluster' | 'recognise'; done: number; total: number }): void;
  log?(level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
}
