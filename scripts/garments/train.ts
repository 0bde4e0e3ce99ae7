// `npm run train:garments`: rebuilds src/vinted/vision/models/garments.onnx (+ garments.json) from
// ../shared/data/clothing-train. A development tool, never run by the app: it needs the training
// photos (not part of the project), the npm registry (nsfwjs@4.4.0, the pretrained backbone) and
// Debian's python3-torch + python3-numpy (`apt-get install -y python3-torch python3-numpy`).
// Deterministic (fixed seeds); about 15 minutes on 2 cores (docs/vinted-classifier.md).
// Work files go to bench/.cache/garments/ (reused: delete the folder to start over).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GARMENT_CLASSES } from '../../src/vinted/vision/classes.ts';
import { GARMENT_MODEL, GARMENT_MODEL_INFO, loadGarmentModel } from '../../src/vinted/vision/garments.ts';
import { GARMENT_INPUT } from '../../src/vinted/vision/garment-input.ts';
import { BACKBONE_PACKAGE, prepareBackbone, prepareLabels, prepareTrain, TRAIN_DIR } from './prepare.ts';

const root = path.resolve(import.meta.dirname, '../..');
const work = path.join(root, 'bench/.cache/garments');
const log = (m: string) => console.error(`train:garments: ${m}`);
const started = Date.now();

if (!fs.existsSync(TRAIN_DIR)) {
  log(`the training photos are not here (${TRAIN_DIR}); nothing to do`);
  process.exit(2);
}
const python = '/usr/bin/python3';
try {
  execFileSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
} catch {
  log(`${python} with torch and numpy is needed: apt-get install -y python3-torch python3-numpy`);
  process.exit(2);
}
fs.mkdirSync(work, { recursive: true });
if (!fs.existsSync(path.join(work, 'backbone.bin'))) { log(`backbone from ${BACKBONE_PACKAGE}`); prepareBackbone(work); }
if (!fs.existsSync(path.join(work, 'train.u8'))) { log('decoding the training photos'); await prepareTrain(work, log); }
if (!fs.existsSync(path.join(work, 'labels.u8'))) { log('rendering label close-ups for the label detector'); await prepareLabels(work, 400, log); }
const meta = JSON.parse(fs.readFileSync(path.join(work, 'train.json'), 'utf8')) as { classes: string[] };
if (meta.classes.join() !== GARMENT_CLASSES.join()) throw new Error(`training classes ${meta.classes.join()} ≠ GARMENT_CLASSES ${GARMENT_CLASSES.join()}`);

const onnx = path.join(work, 'garments.onnx');
execFileSync(python, [path.join(import.meta.dirname, 'train.py'), work, onnx], { stdio: 'inherit', env: { ...process.env, PYTHONHASHSEED: '0' } });
const result = JSON.parse(fs.readFileSync(path.join(work, 'train-result.json'), 'utf8'));

// the exported graph must give what PyTorch gave on the same two photos
fs.copyFileSync(onnx, GARMENT_MODEL);
fs.writeFileSync(GARMENT_MODEL_INFO, JSON.stringify({
  ...result, backbone: `${BACKBONE_PACKAGE} (MobileNetV2, MIT), frozen`, input: GARMENT_INPUT,
  trained_on: `${path.relative(root, TRAIN_DIR)} (${(fs.statSync(path.join(work, 'train.u8')).size / (GARMENT_INPUT * GARMENT_INPUT * 3))} photos)`,
  total_seconds: Math.round((Date.now() - started) / 1000),
}, null, 2) + '\n');
const model = await loadGarmentModel(GARMENT_MODEL);
const raw = fs.readFileSync(path.join(work, 'train.u8'));
const size = GARMENT_INPUT * GARMENT_INPUT * 3;
const ref = readNpyFloat32(path.join(work, 'check-probs.npy'));
let maxDiff = 0;
for (let i = 0; i < 2; i++) {
  const { probs } = await model.classify(raw.subarray(i * size, (i + 1) * size));
  for (let k = 0; k < probs.length; k++) maxDiff = Math.max(maxDiff, Math.abs(probs[k]! - ref[i * probs.length + k]!));
}
if (maxDiff > 1e-3) throw new Error(`onnxruntime and PyTorch disagree (max |Δp| ${maxDiff})`);
log(`onnxruntime matches PyTorch (max |Δp| ${maxDiff.toExponential(1)}); wrote ${path.relative(root, GARMENT_MODEL)} (${(fs.statSync(GARMENT_MODEL).size / 1e6).toFixed(1)} MB) in ${Math.round((Date.now() - started) / 1000)} s`);

/** float32 .npy (little-endian, C order) → flat array */
function readNpyFloat32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  const headerLen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${file}: not float32`);
  const body = b.subarray(10 + headerLen);
  return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
}
