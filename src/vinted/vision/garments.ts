// The garment classifier, shipped with the project (models/garments.onnx, trained by
// `npm run train:garments`, see docs/vinted-classifier.md): a photo's GARMENT_INPUT² raster →
// probabilities over GARMENT_CLASSES, an embedding (the head's standardised input, unit length)
// (measured not to help grouping: bench/vinted/embedding-eval.ts), and the probability that the
// photo is a label close-up. Runs on onnxruntime-node with one intra-op thread; the pipeline sends
// its decoded photos in batches.
import fs from 'node:fs';
import path from 'node:path';
import { GARMENT_CLASSES, type GarmentClass } from './classes.ts';
import { GARMENT_INPUT } from './garment-input.ts';

export const GARMENT_MODEL = path.join(import.meta.dirname, 'models', 'garments.onnx');
export const GARMENT_MODEL_INFO = path.join(import.meta.dirname, 'models', 'garments.json');

export interface GarmentPrediction {
  probs: Float32Array;
  embedding: Float32Array;
  /** probability that the photo is a label / tag close-up (not a view of the garment) */
  label: number;
}

export interface GarmentModel {
  classes: readonly GarmentClass[];
  embeddingDim: number;
  classify(raster: Uint8Array): Promise<GarmentPrediction>;
  /** several photos in one run (cheaper per photo than one run each) */
  classifyBatch(rasters: Uint8Array[]): Promise<GarmentPrediction[]>;
}

let loading: Promise<GarmentModel> | null = null;

/** The shared model (loaded once per process). Rejects with a clear message when the file is missing or unreadable. */
export function loadGarmentModel(file = GARMENT_MODEL): Promise<GarmentModel> {
  if (file !== GARMENT_MODEL) return load(file);
  if (!loading) {
    loading = load(file);
    loading.catch(() => { loading = null; });
  }
  return loading;
}

async function load(file: string): Promise<GarmentModel> {
  if (!fs.existsSync(file)) throw new Error(`garment classifier: ${file} is missing (it ships with the project; run npm run train:garments to rebuild it)`);
  const ort = await import('onnxruntime-node');
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new Error(`garment classifier: cannot load ${file}: ${(e as Error).message}`);
  }
  const info = JSON.parse(fs.readFileSync(path.join(path.dirname(file), path.basename(file, '.onnx') + '.json'), 'utf8')) as { classes: string[]; embedding_dim: number; input: number };
  if (info.input !== GARMENT_INPUT || info.classes.join() !== GARMENT_CLASSES.join()) {
    throw new Error(`garment classifier: ${file} was trained for other classes or input size (${info.classes.join(',')} @ ${info.input}px)`);
  }
  const S = GARMENT_INPUT, N = S * S * 3, K = GARMENT_CLASSES.length, D = info.embedding_dim;
  const classifyBatch = async (rasters: Uint8Array[]): Promise<GarmentPrediction[]> => {
    if (!rasters.length) return [];
    const input = new Float32Array(rasters.length * N);
    rasters.forEach((r, b) => {
      if (r.length !== N) throw new Error(`garment classifier: input must be ${S}×${S} RGB`);
      for (let i = 0, o = b * N; i < N; i++) input[o + i] = r[i]!;
    });
    const out = await session.run({ image: new ort.Tensor('float32', input, [rasters.length, S, S, 3]) });
    const probs = out.probs!.data as Float32Array, emb = out.embedding!.data as Float32Array, label = out.label!.data as Float32Array;
    return rasters.map((_, b) => ({ probs: probs.slice(b * K, (b + 1) * K), embedding: emb.slice(b * D, (b + 1) * D), label: Number(label[b]) }));
  };
  return {
    classes: GARMENT_CLASSES,
    embeddingDim: D,
    classifyBatch,
    async classify(raster) {
      return (await classifyBatch([raster]))[0]!;
    },
  };
}

/**
 * An article's class scores from its photos' probabilities: the normalised geometric mean (each
 * photo is evidence; one confident close-up does not outvote three plain views the way a max would).
 */
export function combineProbs(photos: Float32Array[]): number[] {
  const K = GARMENT_CLASSES.length;
  if (!photos.length) return new Array(K).fill(1 / K);
  const logs = new Array(K).fill(0);
  for (const p of photos) for (let k = 0; k < K; k++) logs[k] += Math.log(Math.max(1e-6, p[k]!)) / photos.length;
  const mx = Math.max(...logs);
  const ex = logs.map((l) => Math.exp(l - mx));
  const sum = ex.reduce((a, b) => a + b, 0);
  return ex.map((e) => e / sum);
}

export interface CategorySuggestion { category: string; score: number; class: GarmentClass }

/**
 * Category of an article: the best label when its score reaches `minScore`, else null (the card
 * shows "à choisir"); always the top 3 suggestions.
 */
export function categoryFromScores(scores: number[], labels: Record<GarmentClass, string>, minScore: number): { category: string | null; score: number; suggestions: CategorySuggestion[] } {
  const ranked = GARMENT_CLASSES.map((c, k) => ({ category: labels[c], score: Math.round(scores[k]! * 1000) / 1000, class: c }))
    .sort((a, b) => b.score - a.score);
  const best = ranked[0]!;
  return { category: best.score >= minScore ? best.category : null, score: best.score, suggestions: ranked.slice(0, 3) };
}
