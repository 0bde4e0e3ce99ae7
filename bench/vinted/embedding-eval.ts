// Does the classifier's embedding help grouping? (issue 13 item 2; reads ../shared/data, not a test)
//   node_modules/.bin/node bench/vinted/embedding-eval.ts [--held-out]
// Same shoots and scoring as grouping-eval.ts. The distance is a mix of the classic one (as the
// pipeline computes it) and the cosine distance of the classifier embeddings, the latter rescaled to
// the classic one's median: d = (1 − w)·d_classic + w·k·d_emb, for a few w; eps unchanged (0.5).
// Result (2026-12-03): it lowers the shuffled ARI at every w > 0 (the embedding is trained to make
// garments of one class alike, which is what grouping must tell apart), so the pipeline does not use it.
// Embeddings are computed from the same 512 px working raster the pipeline classifies and cached
// under bench/.cache/vinted/emb-*.bin. Weights are compared on the shoots from clothing-train;
// --held-out scores the clothing-validation shoots (never used to choose w).
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { garmentRaster } from '../../src/vinted/vision/garment-input.ts';
import { loadGarmentModel } from '../../src/vinted/vision/garments.ts';
import { DEFAULT_CLUSTER_EPS } from '../../src/vinted/vision/pipeline.ts';
import { cosineDistance } from '../../src/vinted/vision/features.ts';
import { buildShoot, CACHE_DIR, SOURCE_DIR, sourceAvailable, TRAIN_DIR } from './generate.ts';
import { distances, HELD_OUT_SHOOTS, loadShoots, pipelineEmbed, pipelineGroup, summary, TUNING_SHOOTS, type LoadedShoot, type ShootSpec } from './grouping-eval.ts';
import { adjustedRandIndex } from './metrics.ts';

function medianPositive(d: Float32Array, n: number): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) xs.push(d[i * n + j]!);
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1] || 1;
}

/** Mixes the embedding's cosine distances into `dist` (in place), rescaled to the classic distances' median. */
function mixEmbedding(dist: Float32Array, emb: Float32Array[], w: number): void {
  const n = emb.length;
  const de = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const d = cosineDistance(emb[i]!, emb[j]!); de[i * n + j] = d; de[j * n + i] = d; }
  const k = medianPositive(dist, n) / medianPositive(de, n);
  for (let i = 0; i < n * n; i++) dist[i] = (1 - w) * dist[i]! + w * k * de[i]!;
}

async function embeddings(spec: ShootSpec): Promise<Map<string, Float32Array>> {
  const shoot = await buildShoot(spec.n, spec.seed, () => {}, spec.size, spec.source === 'train' ? TRAIN_DIR : SOURCE_DIR);
  const file = path.join(CACHE_DIR, `emb-${path.basename(shoot.dir)}.json`);
  if (fs.existsSync(file)) return new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number[]>).map(([k, v]) => [k, Float32Array.from(v)]));
  const model = await loadGarmentModel();
  const out: Record<string, number[]> = {};
  for (const f of shoot.files.filter((x) => !x.dupOf)) {
    const base = await sharp(f.path).rotate().resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const p = await model.classify(garmentRaster(base.data, base.info.width, base.info.height, base.info.channels));
    out[f.name] = Array.from(p.embedding, (x) => Math.round(x * 1e5) / 1e5);
  }
  fs.writeFileSync(file, JSON.stringify(out));
  return new Map(Object.entries(out).map(([k, v]) => [k, Float32Array.from(v)]));
}

function score(shoots: { s: LoadedShoot; emb: Map<string, Float32Array>; names: Map<string, string> }[], w: number) {
  return shoots.map(({ s, emb, names }) => {
    const run = (photos: LoadedShoot['capture'], renamed: boolean) => {
      const dc = distances(photos.map((p) => pipelineEmbed(p.raster)));
      const n = photos.length;
      const e = photos.map((p) => emb.get(renamed ? names.get(p.name)! : p.name)!);
      const d = Float32Array.from(dc);
      mixEmbedding(d, e, w);
      const out = pipelineGroup(n, d, DEFAULT_CLUSTER_EPS.classic, photos.map((p) => p.probs));
      const pred = new Int32Array(n);
      out.groups.forEach((g, gi) => g.members.forEach((i) => (pred[i] = gi)));
      return adjustedRandIndex(photos.map((p) => p.garment), [...pred]);
    };
    return { label: s.spec.label, capture: run(s.capture, false), shuffled: run(s.shuffled, true) };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!sourceAvailable()) { console.log('../shared/data/clothing-validation is absent: skipped'); process.exit(0); }
  const heldOut = process.argv.includes('--held-out');
  const specs: ShootSpec[] = heldOut ? HELD_OUT_SHOOTS : TUNING_SHOOTS;
  const loaded = await loadShoots(specs);
  const shoots = [];
  for (const s of loaded) {
    const shoot = await buildShoot(s.spec.n, s.spec.seed, () => {}, s.spec.size, s.spec.source === 'train' ? TRAIN_DIR : SOURCE_DIR);
    // shuffled photos carry new names: map them back to the file names the embeddings are keyed by
    const { shuffled } = await import('./generate.ts');
    const renamed = shuffled(shoot, s.spec.shuffleSeed);
    const names = new Map(renamed.map((f, i) => [f.name, shoot.files[i]!.name]));
    shoots.push({ s, emb: await embeddings(s.spec), names });
  }
  for (const w of (process.argv.find((a) => a.startsWith('--w='))?.slice(4).split(',').map(Number) ?? [0, 0.2, 0.35, 0.5, 0.7])) {
    const r = score(shoots, w);
    const m = summary(r.map((x) => ({ ...x, photos: 0, garments: 0, capMode: '', shufMode: '', capGroups: 0, shufGroups: 0 })));
    console.log(`w=${w}: ${r.map((x) => `${x.label} ${x.capture.toFixed(3)}/${x.shuffled.toFixed(3)}`).join('  ')}  | mean ${m.capMean.toFixed(3)}/${m.shufMean.toFixed(3)} worst ${m.capMin.toFixed(3)}/${m.shufMin.toFixed(3)}`);
  }
}
