// Grouping quality on several generated shoots, in seconds (not a unit test: it reads ../shared/data).
//   node_modules/.bin/node bench/vinted/grouping-eval.ts [--held-out] [--quick] [--reshuffle K]
// Settings are chosen on TUNING_SHOOTS, generated from clothing-train; --held-out reports the
// shoots generated from clothing-validation (the benchmark's main and second shoots, seeds 3–6),
// which are for measuring only. Each shoot (bench/vinted/generate.ts, built from the real CC0
// photos) is decoded once exactly as
// the pipeline does (sharp rotate + resize inside 512 without enlargement, flattened sRGB raw, then
// area average to 256 and 128 px long edge: src/vinted/ingest/decode.ts) and the 128 px rasters are
// cached under bench/.cache/vinted/rasters-*. Then, per shoot, in capture order and with shuffled
// names: classic embeddings of the whole photo and its centre → batch standardisation → view
// distances (features.ts viewDistances) → clusterPhotos (with the garment classifier's class
// probabilities for the class veto, cached under bench/.cache/vinted/probs-*), scored with
// the Adjusted Rand Index against the generator's garments. Duplicates are left out (the pipeline
// removes them before grouping; their detection is scored by the main benchmark).
// The figure to watch is the mean and the worst shuffled ARI across shoots, not one shoot.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { areaResize, fitInside } from '../../src/vinted/ingest/raster.ts';
import { clusterPhotos, type ClusterOutput } from '../../src/vinted/vision/cluster.ts';
import { centreCrop, classicEmbedding, cosineDistance, viewDistances, type Raster } from '../../src/vinted/vision/features.ts';
import { DEFAULT_CLUSTER_EPS, DEFAULT_MIN_SAMPLES, LABEL_PHOTO_MIN, STANDARDISE_MIN } from '../../src/vinted/vision/pipeline.ts';
import { buildShoot, CACHE_DIR, shuffled, SOURCE_DIR, sourceAvailable, TRAIN_DIR, type ShootFile } from './generate.ts';
import { adjustedRandIndex } from './metrics.ts';
import { garmentRaster } from '../../src/vinted/vision/garment-input.ts';
import { loadGarmentModel } from '../../src/vinted/vision/garments.ts';

export interface ShootSpec { label: string; n: number; seed: number; size: { w: number; h: number }; shuffleSeed: number; source?: 'train' | 'validation' }

const S756 = { w: 756, h: 1008 };
/**
 * Tuning shoots: generated from clothing-train (photos allowed for choosing settings). Several
 * seeds, sizes and lengths, one of 500 photos. Every grouping setting is chosen on these only.
 */
export const TUNING_SHOOTS: ShootSpec[] = [
  { label: 'train t101 150', n: 150, seed: 101, size: S756, shuffleSeed: 7, source: 'train' },
  { label: 'train t102 150', n: 150, seed: 102, size: S756, shuffleSeed: 11, source: 'train' },
  { label: 'train t103 100 1512', n: 100, seed: 103, size: { w: 1512, h: 2016 }, shuffleSeed: 13, source: 'train' },
  { label: 'train t104 60', n: 60, seed: 104, size: S756, shuffleSeed: 17, source: 'train' },
  { label: 'train t105 250', n: 250, seed: 105, size: S756, shuffleSeed: 19, source: 'train' },
  { label: 'train t106 500', n: 500, seed: 106, size: S756, shuffleSeed: 23, source: 'train' },
];
/**
 * Held-out shoots: generated from clothing-validation (photos for measuring only): the benchmark's
 * main and second shoots and seeds 3–6. Reported, never used to choose anything.
 */
export const HELD_OUT_SHOOTS: ShootSpec[] = [
  { label: 'main s1 3024', n: 150, seed: 1, size: { w: 3024, h: 4032 }, shuffleSeed: 7 },
  { label: 'second s2 500', n: 500, seed: 2, size: S756, shuffleSeed: 11 },
  { label: 's2 150', n: 150, seed: 2, size: S756, shuffleSeed: 11 },
  { label: 's3 150', n: 150, seed: 3, size: S756, shuffleSeed: 13 },
  { label: 's4 150', n: 150, seed: 4, size: S756, shuffleSeed: 17 },
  { label: 's5 150', n: 150, seed: 5, size: S756, shuffleSeed: 105 },
  { label: 's6 150', n: 150, seed: 6, size: S756, shuffleSeed: 106 },
];
/** `probs`: the garment classifier's class probabilities, null for a label close-up (as in the pipeline). */
export interface Photo { name: string; garment: number; raster: Raster; probs: Float32Array | null }
export interface LoadedShoot { spec: ShootSpec; capture: Photo[]; shuffled: Photo[] }

/** The pipeline's analysis raster: working raster ≤ 512 px, then 256, then 128 (area averages). */
async function analysisRaster(file: string): Promise<Raster> {
  const base = await sharp(file).rotate().resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h, channels: c } = base.info;
  const g = fitInside(w, h, 256);
  const r256 = areaResize(base.data, w, h, c, g.width, g.height);
  const a = fitInside(g.width, g.height, 128);
  return { data: areaResize(r256, g.width, g.height, c, a.width, a.height), width: a.width, height: a.height, channels: c };
}

/** 128 px rasters of the non-duplicate photos of a shoot, decoded once and cached (one binary file per shoot). */
async function rasters(files: ShootFile[], key: string, log: (m: string) => void): Promise<Map<string, Raster>> {
  const file = path.join(CACHE_DIR, `rasters-${key}.bin`);
  const out = new Map<string, Raster>();
  if (fs.existsSync(file)) {
    const buf = fs.readFileSync(file);
    const hl = buf.readUInt32LE(0);
    const index = JSON.parse(buf.subarray(4, 4 + hl).toString('utf8')) as { name: string; width: number; height: number; channels: number; offset: number }[];
    const body = buf.subarray(4 + hl);
    for (const e of index) out.set(e.name, { data: body.subarray(e.offset, e.offset + e.width * e.height * e.channels), width: e.width, height: e.height, channels: e.channels });
    return out;
  }
  log(`decoding ${files.length} photos → ${path.relative(process.cwd(), file)}`);
  const index: { name: string; width: number; height: number; channels: number; offset: number }[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const r = await analysisRaster(f.path);
    out.set(f.name, r);
    index.push({ name: f.name, width: r.width, height: r.height, channels: r.channels ?? 3, offset });
    parts.push(Buffer.from(r.data)); offset += r.data.length;
  }
  const head = Buffer.from(JSON.stringify(index));
  const len = Buffer.alloc(4); len.writeUInt32LE(head.length, 0);
  fs.writeFileSync(`${file}.tmp`, Buffer.concat([len, head, ...parts]));
  fs.renameSync(`${file}.tmp`, file);
  return out;
}

/**
 * The garment classifier's class probabilities per photo (null for a label close-up), from the same
 * 512 px working raster the pipeline classifies; cached under bench/.cache/vinted/probs-*.
 */
async function classifierProbs(shoot: { dir: string }, files: ShootFile[], log: (m: string) => void): Promise<Map<string, Float32Array | null>> {
  const file = path.join(CACHE_DIR, `probs-${path.basename(shoot.dir)}.json`);
  const back = (o: Record<string, number[] | null>) => new Map(Object.entries(o).map(([k, v]) => [k, v && Float32Array.from(v)]));
  if (fs.existsSync(file)) return back(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number[] | null>);
  log(`classifying ${files.length} photos → ${path.relative(process.cwd(), file)}`);
  const model = await loadGarmentModel();
  const out: Record<string, number[] | null> = {};
  for (const f of files) {
    const base = await sharp(f.path).rotate().resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const p = await model.classify(garmentRaster(base.data, base.info.width, base.info.height, base.info.channels));
    out[f.name] = p.label < LABEL_PHOTO_MIN ? Array.from(p.probs, (x) => Math.round(x * 1e5) / 1e5) : null;
  }
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(out));
  fs.renameSync(`${file}.tmp`, file);
  return back(out);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export async function loadShoots(specs = TUNING_SHOOTS, log: (m: string) => void = (m) => console.error(m)): Promise<LoadedShoot[]> {
  const out: LoadedShoot[] = [];
  for (const spec of specs) {
    const shoot = await buildShoot(spec.n, spec.seed, log, spec.size, spec.source === 'train' ? TRAIN_DIR : SOURCE_DIR);
    const kept = shoot.files.filter((f) => !f.dupOf);
    const rs = await rasters(kept, path.basename(shoot.dir), log);
    const ps = await classifierProbs(shoot, kept, log);
    const photo = (f: ShootFile, name: string): Photo => ({ name, garment: f.garment, raster: rs.get(f.name)!, probs: ps.get(f.name) ?? null });
    const capture = kept.map((f) => photo(f, f.name)).sort((a, b) => collator.compare(a.name, b.name));
    // shuffled names: the same photos renamed at random, then taken in (new) name order like the pipeline does
    const renamed = shuffled(shoot, spec.shuffleSeed);
    const shuf = renamed.map((f, i) => ({ f, orig: shoot.files[i]! })).filter(({ f }) => !f.dupOf)
      .map(({ f, orig }) => photo(orig, f.name)).sort((a, b) => collator.compare(a.name, b.name));
    out.push({ spec, capture, shuffled: shuf });
  }
  return out;
}

/** A photo's classic embeddings: the whole view and its centre (src/vinted/vision/features.ts). */
export interface Views { whole: Float32Array; centre: Float32Array }
export type Embed = (r: Raster) => Views;
export type Group = (n: number, dist: Float32Array, eps: number, probs: (Float32Array | null)[]) => ClusterOutput;

export const pipelineEmbed: Embed = (r) => ({ whole: classicEmbedding(r), centre: classicEmbedding(centreCrop(r)) });
export const pipelineGroup: Group = (n, dist, eps, probs) => clusterPhotos({
  n, dist, order: Array.from({ length: n }, (_, i) => i), times: new Array(n).fill(null), eps, minSamples: DEFAULT_MIN_SAMPLES, maxSize: 8, classProbs: probs,
});

/** Same path as runPipeline for the classic backend: from STANDARDISE_MIN photos, standardised whole and centre views; else raw whole views. */
export function distances(views: Views[]): Float32Array {
  const n = views.length;
  if (n >= STANDARDISE_MIN) return viewDistances(views.map((v) => v.whole), views.map((v) => v.centre));
  const dist = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const d = cosineDistance(views[i]!.whole, views[j]!.whole);
    dist[i * n + j] = d; dist[j * n + i] = d;
  }
  return dist;
}

export interface Score { label: string; photos: number; garments: number; capture: number; shuffled: number; capMode: string; shufMode: string; capGroups: number; shufGroups: number }

export function evaluate(shoots: LoadedShoot[], embed: Embed = pipelineEmbed, group: Group = pipelineGroup, eps = DEFAULT_CLUSTER_EPS.classic): Score[] {
  return shoots.map(({ spec, capture, shuffled: shuf }) => {
    const sigs = new Map(capture.map((p) => [p.raster, embed(p.raster)]));
    const run = (photos: Photo[]) => {
      const dist = distances(photos.map((p) => sigs.get(p.raster)!));
      const out = group(photos.length, dist, eps, photos.map((p) => p.probs));
      const pred = new Int32Array(photos.length);
      out.groups.forEach((g, k) => g.members.forEach((i) => (pred[i] = k)));
      return { ari: adjustedRandIndex(photos.map((p) => p.garment), [...pred]), mode: out.mode, groups: out.groups.length };
    };
    const c = run(capture), s = run(shuf);
    return {
      label: spec.label, photos: capture.length, garments: new Set(capture.map((p) => p.garment)).size,
      capture: c.ari, shuffled: s.ari, capMode: c.mode, shufMode: s.mode, capGroups: c.groups, shufGroups: s.groups,
    };
  });
}

export function summary(scores: Score[]): { capMean: number; capMin: number; shufMean: number; shufMin: number } {
  const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    capMean: m(scores.map((s) => s.capture)), capMin: Math.min(...scores.map((s) => s.capture)),
    shufMean: m(scores.map((s) => s.shuffled)), shufMin: Math.min(...scores.map((s) => s.shuffled)),
  };
}

export function table(scores: Score[]): string {
  const f = (x: number) => x.toFixed(3);
  const lines = ['shoot              photos garments  capture (mode, groups)   shuffled (mode, groups)'];
  for (const s of scores) lines.push(`${s.label.padEnd(18)} ${String(s.photos).padStart(6)} ${String(s.garments).padStart(8)}  ${f(s.capture)} (${s.capMode}, ${s.capGroups})`.padEnd(60) + `${f(s.shuffled)} (${s.shufMode}, ${s.shufGroups})`);
  const m = summary(scores);
  lines.push(`mean / worst: capture ${f(m.capMean)} / ${f(m.capMin)}, shuffled ${f(m.shufMean)} / ${f(m.shufMin)}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // --held-out: the shoots from clothing-validation (reported, never used to choose a setting)
  const heldOut = process.argv.includes('--held-out');
  if (heldOut ? !sourceAvailable() : !fs.existsSync(TRAIN_DIR)) {
    console.log(`${heldOut ? SOURCE_DIR : TRAIN_DIR} is absent: grouping evaluation skipped`);
    process.exit(0);
  }
  const quick = process.argv.includes('--quick');
  const base = heldOut ? HELD_OUT_SHOOTS : TUNING_SHOOTS;
  // --reshuffle K: other random names (shuffle seed + K), to check the order-free mode does not depend on them
  const k = Number(process.argv[process.argv.indexOf('--reshuffle') + 1] ?? 0);
  const specs = (quick ? base.filter((s) => s.n <= 150) : base).map((s) => ({ ...s, shuffleSeed: s.shuffleSeed + (process.argv.includes('--reshuffle') ? k : 0) }));
  const shoots = await loadShoots(specs);
  const t = performance.now();
  const scores = evaluate(shoots);
  console.log(table(scores));
  console.log(`evaluated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
