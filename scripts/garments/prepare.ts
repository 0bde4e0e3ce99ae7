// Training data for the garment classifier (dev tool, run by scripts/garments/train.ts):
// 1. the pretrained backbone: MobileNetV2 (Keras) weights shipped inside the npm package nsfwjs@4.4.0
//    (MIT), fetched with `npm pack` and checked against its registry integrity; its Keras topology
//    and dequantised float32 weights are written for the Python side;
// 2. the training photos of ../shared/data/clothing-train decoded by the Studio's own decoder
//    (decodePhoto → the same GARMENT_INPUT² raster the pipeline classifies at run time).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { decodePhoto } from '../../src/vinted/ingest/decode.ts';
import { GARMENT_INPUT } from '../../src/vinted/vision/garment-input.ts';
import { renderLabel } from './labels-render.ts';

export const BACKBONE_PACKAGE = 'nsfwjs@4.4.0';
const BACKBONE_INTEGRITY = 'sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==';
export const TRAIN_DIR = path.resolve(import.meta.dirname, '../../../shared/data/clothing-train');

interface WeightSpec { name: string; shape: number[]; dtype: string; quantization?: { min: number; scale: number; dtype: 'uint8' | 'uint16' } }

/** Keras topology + float32 weights of the backbone → work/backbone.json, work/backbone.bin */
export function prepareBackbone(work: string): void {
  const pk = path.join(work, 'pack');
  fs.mkdirSync(pk, { recursive: true });
  const tgz = path.join(pk, 'nsfwjs-4.4.0.tgz');
  if (!fs.existsSync(tgz)) execFileSync('npm', ['pack', BACKBONE_PACKAGE, '--pack-destination', pk, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const digest = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tgz)).digest('base64')}`;
  if (digest !== BACKBONE_INTEGRITY) throw new Error(`${tgz}: integrity ${digest} is not the registry's ${BACKBONE_INTEGRITY}`);
  execFileSync('tar', ['xzf', tgz, '-C', pk]);
  const dir = path.join(pk, 'package/dist/models/mobilenet_v2');
  const req = createRequire(import.meta.url);
  const model = req(path.join(dir, 'model.min.js')) as { modelTopology: unknown; weightsManifest: { paths: string[]; weights: WeightSpec[] }[] };
  const floats: number[][] = [];
  const index: { name: string; shape: number[]; offset: number }[] = [];
  let offset = 0;
  for (const group of model.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => Buffer.from(req(path.join(dir, `${p}.min.js`)) as string, 'base64')));
    let at = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      const out = new Float32Array(n);
      if (q?.dtype === 'uint8') { for (let i = 0; i < n; i++) out[i] = q.min + q.scale * bytes[at + i]!; at += n; }
      else if (q?.dtype === 'uint16') { for (let i = 0; i < n; i++) out[i] = q.min + q.scale * bytes.readUInt16LE(at + 2 * i); at += 2 * n; }
      else if (!q && w.dtype === 'float32') { for (let i = 0; i < n; i++) out[i] = bytes.readFloatLE(at + 4 * i); at += 4 * n; }
      else throw new Error(`weight ${w.name}: unsupported ${w.dtype}/${q?.dtype}`);
      index.push({ name: w.name, shape: w.shape, offset });
      floats.push(Array.from(out));
      offset += n;
    }
    if (at !== bytes.length) throw new Error(`weights: read ${at} of ${bytes.length} bytes`);
  }
  const all = new Float32Array(offset);
  let o = 0;
  for (const f of floats) { all.set(f, o); o += f.length; }
  fs.writeFileSync(path.join(work, 'backbone.bin'), Buffer.from(all.buffer));
  fs.writeFileSync(path.join(work, 'backbone.json'), JSON.stringify({ source: BACKBONE_PACKAGE, topology: model.modelTopology, weights: index }));
}

/** Decode every training photo → work/train.u8 (N × S × S × 3) + work/train.json (classes, labels, files). */
export async function prepareTrain(work: string, log: (m: string) => void): Promise<void> {
  if (!fs.existsSync(TRAIN_DIR)) throw new Error(`training photos not found at ${TRAIN_DIR} (../shared/data/clothing-train is not part of the project)`);
  const classes = fs.readdirSync(TRAIN_DIR).filter((d) => fs.statSync(path.join(TRAIN_DIR, d)).isDirectory()).sort();
  const items = classes.flatMap((c, k) => fs.readdirSync(path.join(TRAIN_DIR, c)).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => ({ file: `${c}/${f}`, label: k })));
  const S = GARMENT_INPUT, size = S * S * 3;
  const out = Buffer.alloc(items.length * size);
  const ok: boolean[] = new Array(items.length).fill(false);
  let next = 0, done = 0;
  await Promise.all(Array.from({ length: os.availableParallelism() * 2 }, async () => {
    while (next < items.length) {
      const i = next++;
      try {
        const dec = await decodePhoto(fs.readFileSync(path.join(TRAIN_DIR, items[i]!.file)), items[i]!.file);
        dec.garment.copy(out, i * size);
        ok[i] = true;
      } catch (e) { log(`skipped ${items[i]!.file}: ${(e as Error).message}`); }
      if (++done % 500 === 0) log(`decoded ${done}/${items.length}`);
    }
  }));
  const keep = items.map((_, i) => i).filter((i) => ok[i]);
  const packed = Buffer.alloc(keep.length * size);
  keep.forEach((i, j) => out.copy(packed, j * size, i * size, (i + 1) * size));
  fs.writeFileSync(path.join(work, 'train.u8'), packed);
  fs.writeFileSync(path.join(work, 'train.json'), JSON.stringify({ size: S, classes, files: keep.map((i) => items[i]!.file), labels: keep.map((i) => items[i]!.label) }));
}

/** seeds of the labels shown in training: far from the bench's (seed × 100 000 + i, seeds 1–9) */
export const TRAIN_LABEL_SEED = 50_000_000;

/** Generated label close-ups through the Studio's decoder → work/labels.u8 (the label detector's positives). */
export async function prepareLabels(work: string, count: number, log: (m: string) => void): Promise<void> {
  const S = GARMENT_INPUT, size = S * S * 3;
  const out = Buffer.alloc(count * size);
  for (let i = 0; i < count; i++) {
    const l = await renderLabel(TRAIN_LABEL_SEED + i);
    (await decodePhoto(l.jpeg, `label-${i}.jpg`)).garment.copy(out, i * size);
    if ((i + 1) % 100 === 0) log(`labels ${i + 1}/${count}`);
  }
  fs.writeFileSync(path.join(work, 'labels.u8'), out);
}
