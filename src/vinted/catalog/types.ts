// The catalog of one ingest job as the Studio edits it: the pipeline's result plus the seller's
// corrections (brand, size, condition, edited category/colours, grouping).
import type { StoredPhoto, Cluster } from '../vision/types.ts';

export interface CatalogPhoto extends StoredPhoto {
  /** capture order index among kept photos (0-based) */
  position: number;
}

export interface CatalogCluster extends Cluster {
  brand: string | null;
  size: string | null;
  condition: string | null;
  /** true once the seller changed the grouping or a field of this article */
  edited: boolean;
}

export interface Catalog {
  job_id: string;
  backend: string | null;
  files: number;
  photos: CatalogPhoto[];
  clusters: CatalogCluster[];
  duplicates: { file: string; of: string }[];
  errors: { file: string; reason: string }[];
  /** bumped by every edit (optimistic concurrency for the UI) */
  version: number;
  updated_at?: string;
}
