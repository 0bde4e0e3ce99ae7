// The photo pipeline: files → decoded, stored copies → duplicates removed → embeddings →
// articles (clusters) → category and colours. Per-file failures are collected, never thrown.
import crypto from 'node:crypto';
import os from 'node:os';
import type { BlobStore } from '../../core/files.ts';
import { decodePhoto, PhotoError, readInput, type DecodedPhoto } from '../ingest/decode.ts';
import { clusterPhotos } from './cluster.ts';
import { dominantColours, garmentPixels } from './colors.ts';
import { centreCrop, classicEmbedding, cosineDistance, viewDistances } from './features.ts';
import { hamming, phash } from './phash.ts';
import { classLabels } from './classes.ts';
import { categoryFromScores, combineProbs, loadGarmentModel, type GarmentModel, type GarmentPrediction } from './garments.ts';
import { COMMON_BRANDS } from '../labels/parse.ts';
import type { LabelReading } from '../labels/read.ts';
import { refusalOf } from '../ingest/refusal.ts';
import type { Cluster, PipelineHooks, PipelineInput, PipelineOptions, PipelineResult, StoredPhoto } from './types.ts';

/**
 * Default cosine-distance thresholds. classic: on batch-standardised features (batches of
 * STANDARDISE_MIN photos or more); smaller batches use raw features and RAW_EPS_FACTOR × eps.
 */
export const DEFAULT_CLUSTER_EPS = { classic: 0.5, clip: 0.16 };
export const STANDARDISE_MIN = 8;
export const RAW_EPS_FACTOR = 0.35;
/** near-duplicate confirmation: raw classic-signature distance under which a pHash match is a duplicate */
export const DUP_SIGNATURE_MAX = 0.004;
export const DEFAULT_MIN_SAMPLES = 1;
/** an article whose best class scores under this is left to the seller ("à choisir", top 3 suggested) */
export const DEFAULT_CATEGORY_MIN_SCORE = 0.5;
/** a photo the classifier sees as a label / tag close-up at or above this does not vote on the category */
export const LABEL_PHOTO_MIN = 0.5;
/**
 * ... and at or above this it is read by the label OCR (seconds per photo: a garment close-up taken
 * for a label costs as much as the rest of a shoot). Generated labels score ≥ 0.999; garment photos
 * of a shoot generated from the training photos reach 0.86 (bench/vinted/combine-eval.ts' cache).
 */
export const LABEL_READ_MIN = 0.9;

interface Rec {
  index: number;
  photo: StoredPhoto;
  analysis: DecodedPhoto['analysis'];
  signature: Float32Array; // raw classic embedding (dedup confirmation, classic clustering)
  centre: Float32Array;    // classic embedding of the photo's centre (classic clustering: close-ups)
  work: Buffer | null;   // kept in memory only for the CLIP backend
  garment: GarmentPrediction | null;
  label: LabelReading | null;
  time: number | null;
}

/** Natural order of file names: IMG_2.jpg before IMG_10.jpg. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (signal?.aborted) return;
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function keyFor(prefix: string, id: string, kind: string): string {
  const sep = prefix === '' || prefix.endsWith('/') ? '' : '/';
  return `${prefix}${sep}${id}.${kind}.jpg`;
}

function parseTime(iso: string | null): number | null {
  if (!iso) return null;
  const t = Date.parse(/[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(t) ? null : t;
}

function cosineDistances(emb: Float32Array[]): Float32Array {
  const n = emb.length;
  const dist = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const d = cosineDistance(emb[i]!, emb[j]!);
    dist[i * n + j] = d; dist[j * n + i] = d;
  }
  return dist;
}

export function resolveBackend(opts: Pick<PipelineOptions, 'backend' | 'modelsDir'>, clipAvailable: (dir: string) => boolean): 'clip' | 'classic' {
  if (opts.backend === 'classic') return 'classic';
  if (opts.backend === 'clip') return 'clip';
  return clipAvailable(opts.modelsDir) ? 'clip' : 'classic';
}

export async function runPipeline(given: PipelineInput[], opts: PipelineOptions, files: BlobStore, hooks: PipelineHooks = {}): Promise<PipelineResult> {
  // processed in natural name order, whatever order the files arrived in (a dropped folder comes in
  // directory order): photo ids follow the names, and of two identical files the first name is kept
  const inputs = [...given].sort((a, b) => collator.compare(a.name, b.name));
  const signal = opts.signal;
  const { clipModelPresent, loadClip } = await import('./clip.ts');
  const backend = resolveBackend(opts, clipModelPresent);
  // load the model before decoding: a missing/broken model fails the job early, not after minutes of work
  const clip = backend === 'clip' ? await loadClip(opts.modelsDir) : null;
  // the shipped classifier: a broken install loses the categories (said in the job log), never the photos
  let garments: GarmentModel | null = null;
  if (opts.classifier !== false) {
    try {
      garments = await loadGarmentModel();
    } catch (e) {
      hooks.log?.('warn', `categories unavailable: ${(e as Error).message}`, { code: 'ingest.no_categories', error: (e as Error).message });
    }
  }
  const brandList = [...new Set([...COMMON_BRANDS, ...(opts.brands ?? [])])];
  let ocrUsed = false;
  const total = inputs.length;
  const errors: PipelineResult['errors'] = [];
  const duplicates: PipelineResult['duplicates'] = [];
  const bySha = new Map<string, number>();
  const recs: (Rec | undefined)[] = new Array(total);
  let done = 0;
  // two photos per core: a JPEG decode is mostly one thread, and while one photo is in JS (features,
  // hashes) or being encoded, another's decode keeps the core busy. Memory stays small (a file and a
  // 512 px raster per photo in flight).
  const concurrency = Math.max(1, opts.concurrency ?? 2 * os.availableParallelism());

  await pool(inputs, concurrency, async (input, i) => {
    try {
      const buf = await readInput(input);
      // exact byte duplicates: claimed by SHA-256 before decoding, so a copy costs a hash, not a decode
      // WebCrypto hashes on the libuv thread pool: the event loop stays free for the analysis of the previous photo
      const sha = Buffer.from(await crypto.subtle.digest('SHA-256', buf as Uint8Array<ArrayBuffer>)).toString('hex');
      const first = bySha.get(sha);
      if (first !== undefined) {
        duplicates.push({ file: input.name, of: inputs[first]!.name });
        return;
      }
      bySha.set(sha, i);
      const dec = await decodePhoto(buf, input.name, { sha256: sha });
      // classified here, one run per photo, while the other decoders keep the cores busy: run after
      // the decoding, as one stage, the classifier had one core of two and was starved under load;
      // batches were no cheaper per photo (docs/vinted-classifier.md, "Speed")
      // (a classifier failure loses this photo's vote, never the photo)
      const garment = garments ? await garments.classify(dec.garment).catch((e: Error) => {
        hooks.log?.('warn', `category not computed for ${input.name}: ${e.message}`, { code: 'ingest.no_category', file: input.name, error: e.message });
        return null;
      }) : null;

      const id = `p${String(i + 1).padStart(4, '0')}`;
      const blobs: StoredPhoto['blobs'] = { listing: keyFor(opts.blobPrefix, id, 'listing'), work: keyFor(opts.blobPrefix, id, 'work'), thumb: keyFor(opts.blobPrefix, id, 'thumb') };
      if (dec.original) blobs.original = keyFor(opts.blobPrefix, id, 'original');
      await Promise.all([
        files.put(blobs.work, dec.work), files.put(blobs.thumb, dec.thumb),
        dec.listing ? files.put(blobs.listing, dec.listing) : null,
        dec.original ? files.put(blobs.original!, dec.original) : null,
      ]);
      recs[i] = {
        index: i,
        photo: {
          id, file: input.name, sha256: dec.sha256, phash: phash(dec.grey32), width: dec.width, height: dec.height,
          taken_at: dec.takenAt, format: dec.format, blobs, sharpness: Math.round(dec.sharpness * 10) / 10,
        },
        analysis: dec.analysis,
        signature: classicEmbedding(dec.analysis),
        centre: classicEmbedding(centreCrop(dec.analysis)),
        work: clip ? dec.work : null,
        garment,
        label: null,
        time: parseTime(dec.takenAt),
      };
    } catch (e) {
      const reason = e instanceof PhotoError ? e.message : `unexpected error: ${(e as Error).message ?? e}`;
      errors.push({ file: input.name, reason });
      hooks.log?.('warn', `photo rejected: ${input.name}: ${reason}`, { code: 'ingest.rejected', file: input.name, reason: { ...refusalOf(reason), code: `refused.${refusalOf(reason).code}` } });
    } finally {
      done++;
      hooks.progress?.({ stage: 'decode', done, total });
    }
  }, signal);
  // label close-ups only, once every photo is decoded: read at full resolution (the file is read
  // again; a second or more each)
  if (garments) {
    for (const r of recs) {
      if (!r) continue;
      if (signal?.aborted || opts.readLabels === false || !r.garment || r.garment.label < LABEL_READ_MIN) continue;
      const input = inputs[r.index]!;
      try {
        ocrUsed = true;
        const { readLabel } = await import('../labels/read.ts');
        r.label = await readLabel(await readInput(input), brandList);
        hooks.log?.('info', `label read on ${input.name}: ${r.label.brands[0]?.value ?? 'no brand'}, ${r.label.sizes[0]?.value ?? 'no size'} (${Math.round(r.label.ms)} ms)`, { code: 'ingest.label', file: input.name, brand: r.label.brands[0]?.value ?? '—', size: r.label.sizes[0]?.value ?? '—', ms: Math.round(r.label.ms) });
      } catch (e) {
        hooks.log?.('warn', `label not read on ${input.name}: ${(e as Error).message}`, { code: 'ingest.label_failed', file: input.name, error: (e as Error).message });
      }
    }
  }
  // the OCR worker thread would keep a CLI process (or a bench child) alive: stop it once the photos are read
  if (ocrUsed) await (await import('../labels/ocr.ts')).closeOcr();
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('pipeline aborted');
  // an exact copy of a file that failed to decode fails the same way
  const failed = new Map(errors.map((e) => [e.file, e.reason]));
  for (let k = duplicates.length - 1; k >= 0; k--) {
    const reason = failed.get(duplicates[k]!.of);
    if (reason !== undefined) { errors.push({ file: duplicates[k]!.file, reason }); duplicates.splice(k, 1); }
  }

  // near duplicates: pHash Hamming ≤ dupHamming, confirmed by the colour/texture signature (two
  // distinct shots of a garment on a plain backdrop can share a grey pHash); a signature that is
  // practically identical tolerates up to 2 × dupHamming (heavy re-compression). Union-find; keep
  // the largest, then sharpest copy.
  let kept = recs.filter((r): r is Rec => !!r);
  hooks.progress?.({ stage: 'dedup', done: 0, total: kept.length });
  const parent = kept.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let a = 0; a < kept.length; a++) for (let b = a + 1; b < kept.length; b++) {
    const h = hamming(kept[a]!.photo.phash, kept[b]!.photo.phash);
    if (h > 2 * opts.dupHamming) continue;
    const sig = cosineDistance(kept[a]!.signature, kept[b]!.signature);
    if ((h <= opts.dupHamming && sig <= DUP_SIGNATURE_MAX) || sig <= DUP_SIGNATURE_MAX / 4) parent[find(b)] = find(a);
  }
  const comps = new Map<number, Rec[]>();
  kept.forEach((r, i) => { const k = find(i); comps.set(k, [...(comps.get(k) ?? []), r]); });
  const dropped = new Set<Rec>();
  for (const group of comps.values()) {
    if (group.length < 2) continue;
    const best = group.slice().sort((x, y) => y.photo.width * y.photo.height - x.photo.width * x.photo.height || y.photo.sharpness - x.photo.sharpness || x.index - y.index)[0]!;
    for (const r of group) {
      if (r === best) continue;
      dropped.add(r);
      duplicates.push({ file: r.photo.file, of: best.photo.file });
      await Promise.all(Object.values(r.photo.blobs).map((k) => files.delete(k).catch(() => {})));
    }
  }
  kept = kept.filter((r) => !dropped.has(r));
  // exact duplicates may point at a copy that was itself a near duplicate: point them at the keeper
  const keeperOf = new Map(duplicates.map((d) => [d.file, d.of]));
  for (const d of duplicates) { let of = d.of; for (let g = 0; g < 10 && keeperOf.has(of); g++) of = keeperOf.get(of)!; d.of = of; }
  hooks.progress?.({ stage: 'dedup', done: kept.length, total: kept.length });

  // capture order: EXIF time when every photo has one, else the file name sequence
  const allTimed = kept.length > 0 && kept.every((r) => r.time != null);
  kept.sort((x, y) => (allTimed ? x.time! - y.time! : 0) || collator.compare(x.photo.file, y.photo.file) || x.index - y.index);

  // embeddings
  const n = kept.length;
  let dist: Float32Array;
  const emb: Float32Array[] = []; // CLIP embeddings (zero-shot category below)
  if (clip) {
    const B = 8;
    for (let s = 0; s < n; s += B) {
      if (signal?.aborted) throw new Error('pipeline aborted');
      emb.push(...(await clip.embedImages(kept.slice(s, s + B).map((r) => r.work!))));
      hooks.progress?.({ stage: 'embed', done: Math.min(n, s + B), total: n });
    }
    dist = cosineDistances(emb);
  } else {
    // batch standardisation needs a batch: below STANDARDISE_MIN photos the raw whole views are used
    dist = n >= STANDARDISE_MIN ? viewDistances(kept.map((r) => r.signature), kept.map((r) => r.centre)) : cosineDistances(kept.map((r) => r.signature));
    hooks.progress?.({ stage: 'embed', done: n, total: n });
  }
  hooks.progress?.({ stage: 'cluster', done: 0, total: n });
  const eps = (opts.clusterEps ?? DEFAULT_CLUSTER_EPS[backend]) * (backend === 'classic' && n < STANDARDISE_MIN ? RAW_EPS_FACTOR : 1);
  const cl = clusterPhotos({
    n, dist, order: kept.map((_, i) => i), times: kept.map((r) => r.time),
    eps, minSamples: opts.minSamples ?? DEFAULT_MIN_SAMPLES, maxSize: Math.max(1, opts.maxPerArticle || 8),
    // a label close-up says nothing of the garment's class (as for the category below)
    classProbs: garments ? kept.map((r) => (r.garment && r.garment.label < LABEL_PHOTO_MIN ? r.garment.probs : null)) : undefined,
  });
  hooks.log?.('info', `grouped ${n} photos into ${cl.groups.length} articles (${cl.mode} mode, contiguity ${cl.contiguity})`, { code: 'ingest.grouped', count: n, articles: cl.groups.length, mode: cl.mode, eps });
  hooks.progress?.({ stage: 'cluster', done: n, total: n });

  // recognise
  const textEmb = clip && opts.categories.length ? await clip.embedLabels(opts.categories) : null;
  const labels = classLabels(opts.classLabels);
  const clusters: Cluster[] = [];
  for (const [k, g] of cl.groups.entries()) {
    const photos = g.members.map((i) => kept[i]!);
    const px = photos.flatMap((r) => garmentPixels(r.analysis, 3));
    let category: string | null = null, categoryScore: number | null = null;
    const suggestions: Cluster['suggestions'] = {};
    if (clip && textEmb) {
      const z = clip.zeroShot(g.members.map((i) => emb[i]!), textEmb);
      category = opts.categories[z.index]!;
      categoryScore = Math.round(z.score * 1000) / 1000;
      suggestions.category = z.scores.map((score, k) => ({ value: opts.categories[k]!, score: Math.round(score * 1000) / 1000, source: 'clip' as const }))
        .sort((a, b) => b.score - a.score).slice(0, 3);
    } else if (garments) {
      const seen = photos.filter((r) => r.garment);
      const views = seen.filter((r) => r.garment!.label < LABEL_PHOTO_MIN);
      const labelPhotos = seen.filter((r) => r.garment!.label >= LABEL_PHOTO_MIN);
      if (labelPhotos.length) suggestions.label_photos = labelPhotos.map((r) => r.photo.id);
      // a label close-up says nothing of the garment's shape: it votes only when nothing else does
      const probs = (views.length ? views : seen).map((r) => r.garment!.probs);
      const c = categoryFromScores(combineProbs(probs), labels, opts.categoryMinScore ?? DEFAULT_CATEGORY_MIN_SCORE);
      category = c.category;
      categoryScore = c.score;
      suggestions.category = c.suggestions.map((x) => ({ value: x.category, score: x.score, source: 'classifier' as const, class: x.class }));
    }
    const readings = photos.flatMap((r) => (r.label ? [r.label] : []));
    if (readings.length) {
      const { mergeFound } = await import('../labels/read.ts');
      const brand = mergeFound(readings.map((x) => x.brands), 2), size = mergeFound(readings.map((x) => x.sizes), 2);
      if (brand.length) suggestions.brand = brand.map((f) => ({ ...f, source: 'ocr' as const }));
      if (size.length) suggestions.size = size.map((f) => ({ ...f, source: 'ocr' as const }));
    }
    clusters.push({
      id: `c${k + 1}`,
      photos: photos.map((r) => r.photo.id),
      cover: photos[0]!.photo.id,
      category,
      category_score: categoryScore,
      suggestions,
      colors: dominantColours(px, 2),
      score: g.score,
      joins: g.joins.map((j) => ({ a: kept[j.a]!.photo.id, b: kept[j.b]!.photo.id, distance: j.distance })),
    });
    hooks.progress?.({ stage: 'recognise', done: k + 1, total: cl.groups.length });
  }
  const fileOrder = new Map(given.map((inp, i) => [inp.name, i]));
  errors.sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)!);
  duplicates.sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)!);
  return { backend, photos: kept.map((r) => r.photo), duplicates, errors, clusters };
}
