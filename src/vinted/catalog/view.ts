// The shapes the API and the CLI show: spec §4 status (photos named by file, in capture order).
import type { Catalog } from './types.ts';

export function clusterSummaries(c: Catalog) {
  const file = new Map(c.photos.map((p) => [p.id, p.file]));
  return c.clusters.map((x) => ({
    id: x.id,
    photos: x.photos.map((id) => file.get(id) ?? id),
    photo_ids: x.photos,
    cover: x.cover,
    category: x.category,
    color: x.colors[0] ?? null,
    colors: x.colors,
    score: Math.round(x.score * 1000) / 1000,
    brand: x.brand,
    size: x.size,
    condition: x.condition,
    edited: x.edited,
    suggestions: x.suggestions ?? {},
  }));
}

/** catalog.json: everything needed to review or re-plan the catalog elsewhere, no blob internals. */
export function catalogExport(c: Catalog) {
  return {
    job_id: c.job_id,
    backend: c.backend,
    files: c.files,
    version: c.version,
    photos: c.photos.map((p) => ({
      id: p.id, file: p.file, sha256: p.sha256, phash: p.phash, width: p.width, height: p.height, taken_at: p.taken_at, format: p.format,
    })),
    clusters: c.clusters.map((x) => ({
      id: x.id, photos: x.photos, cover: x.cover, category: x.category, category_score: x.category_score, colors: x.colors, score: x.score,
      joins: x.joins, brand: x.brand, size: x.size, condition: x.condition, edited: x.edited, suggestions: x.suggestions ?? {},
    })),
    duplicates: c.duplicates,
    errors: c.errors,
  };
}
