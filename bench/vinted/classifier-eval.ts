// The garment classifier measured (part of `npm run bench -- vinted`; also runnable alone:
// `node_modules/.bin/node bench/vinted/classifier-eval.ts`). Reads ../shared/data/clothing-validation,
// which training never reads (scripts/garments/ trains on clothing-train only).
// - per photo: top-1 / top-3 and the confusion matrix over the 341 validation photos, each decoded
//   by the Studio's decoder exactly as at ingest;
// - inference time per photo on one thread (onnxruntime, intra-op 1), at the working size;
// - per garment on generated shoots: the garment's photos (truth grouping) combined as the Studio
//   combines an article's photos, top-1 / top-3.
import fs from 'node:fs';
import path from 'node:path';
import { decodePhoto } from '../../src/vinted/ingest/decode.ts';
import { classLabels, GARMENT_CLASSES } from '../../src/vinted/vision/classes.ts';
import { combineProbs, loadGarmentModel, type GarmentModel } from '../../src/vinted/vision/garments.ts';
import { SOURCE_DIR, type ShootFile } from './generate.ts';

export interface PhotoEval { photos: number; top1: number; top3: number; confusion: number[][]; msMedian: number; msP95: number; labelFalse: number }

const rank = (p: ArrayLike<number>, k: number) => Array.from(p).map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i);

export async function photoAccuracy(model?: GarmentModel, log: (m: string) => void = () => {}): Promise<PhotoEval> {
  const m = model ?? await loadGarmentModel();
  const K = GARMENT_CLASSES.length;
  const confusion = Array.from({ length: K }, () => new Array(K).fill(0));
  let n = 0, top1 = 0, top3 = 0, labelFalse = 0;
  const times: number[] = [];
  for (const [truth, cls] of GARMENT_CLASSES.entries()) {
    const dir = path.join(SOURCE_DIR, cls);
    for (const f of fs.readdirSync(dir).filter((x) => /\.jpe?g$/i.test(x)).sort()) {
      const dec = await decodePhoto(fs.readFileSync(path.join(dir, f)), f);
      const t = performance.now();
      const p = await m.classify(dec.garment);
      times.push(performance.now() - t);
      const r = rank(p.probs, 3);
      confusion[truth]![r[0]!]!++;
      if (r[0] === truth) top1++;
      if (r.includes(truth)) top3++;
      if (p.label >= 0.5) labelFalse++;
      n++;
    }
    log(`classifier: ${cls} done`);
  }
  times.sort((a, b) => a - b);
  return { photos: n, top1: top1 / n, top3: top3 / n, confusion, msMedian: times[Math.floor(n / 2)]!, msP95: times[Math.floor(n * 0.95)]!, labelFalse };
}

export function confusionTable(c: number[][]): string {
  const short = GARMENT_CLASSES.map((x) => x.slice(0, 5));
  const lines = [`truth \\ predicted  ${short.map((s) => s.padStart(5)).join(' ')}`];
  c.forEach((row, i) => lines.push(`${GARMENT_CLASSES[i]!.padEnd(18)} ${row.map((v) => String(v).padStart(5)).join(' ')}`));
  return lines.join('\n');
}

/** Per garment (truth grouping) on a generated shoot: the garment's photos combined like an article's. */
export async function garmentAccuracy(files: ShootFile[], model?: GarmentModel): Promise<{ garments: number; top1: number; top3: number; unsure: number }> {
  const m = model ?? await loadGarmentModel();
  const by = new Map<number, { cls: string; probs: Float32Array[] }>();
  for (const f of files.filter((x) => !x.dupOf)) {
    const dec = await decodePhoto(fs.readFileSync(f.path), f.name);
    const p = await m.classify(dec.garment);
    const g = by.get(f.garment) ?? { cls: f.cls, probs: [] };
    if (p.label < 0.5) g.probs.push(p.probs);
    by.set(f.garment, g);
  }
  let top1 = 0, top3 = 0, unsure = 0;
  for (const g of by.values()) {
    const s = combineProbs(g.probs);
    const r = rank(s, 3), truth = GARMENT_CLASSES.indexOf(g.cls as never);
    if (r[0] === truth) top1++;
    if (r.includes(truth)) top3++;
    if (s[r[0]!]! < 0.5) unsure++;
  }
  return { garments: by.size, top1: top1 / by.size, top3: top3 / by.size, unsure };
}

/** The French label of a shoot file's class (what a correct card shows). */
export const labelOfClass = (cls: string) => classLabels()[cls as keyof ReturnType<typeof classLabels>];

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await photoAccuracy(undefined, (m) => console.error(m));
  console.log(`validation photos: ${r.photos}, top-1 ${r.top1.toFixed(3)}, top-3 ${r.top3.toFixed(3)}, inference median ${r.msMedian.toFixed(1)} ms (p95 ${r.msP95.toFixed(1)}), seen as labels ${r.labelFalse}`);
  console.log(confusionTable(r.confusion));
  // the label head on the bench's generated label close-ups (seed 1)
  const { generatedLabels } = await import('../../scripts/garments/labels-render.ts');
  const m = await loadGarmentModel();
  const labels = await generatedLabels(60, 1);
  let found = 0;
  for (const l of labels) if ((await m.classify((await decodePhoto(fs.readFileSync(l.file), 'label.jpg')).garment)).label >= 0.5) found++;
  console.log(`generated labels (seed 1) seen as labels: ${found}/${labels.length}`);
}
