// Where the backdrop-cast gate (colors.ts CAST_MIN) comes from, on the TRAINING photos only
// (../shared/data/clothing-train; no colour labels needed, so nothing is chosen on the validation set):
//   node_modules/.bin/node bench/vinted/cast-gate.ts [--every K]
// Every K-th training photo (default 6) is rastered as the pipeline does and its backdrop's chroma
// measured as garmentPixels sees it, plain and under the camera casts of colours-eval.ts, overall and
// within the warm and cool hue bands. colors.ts CAST_BANDS takes, per band, the 95th percentile of
// the plain photos' backdrop chroma: a backdrop more coloured than 95 % of uncast backdrops of that
// hue is more likely a cast than a coloured floor.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { areaResize, fitInside } from '../../src/vinted/ingest/raster.ts';
import { backdropColour } from '../../src/vinted/vision/colors.ts';
import type { Raster } from '../../src/vinted/vision/features.ts';
import { TRAIN_DIR } from './generate.ts';

const CASTS: Record<string, [number, number, number]> = { plain: [1, 1, 1], warm: [1.1, 0.98, 0.76], cool: [0.84, 0.97, 1.1], dim: [0.62, 0.62, 0.62], 'dim warm': [0.72, 0.6, 0.46] };

async function analysisRaster(file: string): Promise<Raster> {
  const { data, info } = await sharp(file).rotate().resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const g = fitInside(info.width, info.height, 256);
  const r256 = areaResize(data, info.width, info.height, info.channels, g.width, g.height);
  const a = fitInside(g.width, g.height, 128);
  return { data: areaResize(r256, g.width, g.height, info.channels, a.width, a.height), width: a.width, height: a.height, channels: info.channels };
}

if (!fs.existsSync(TRAIN_DIR)) { console.log(`${TRAIN_DIR} is absent: nothing measured`); process.exit(0); }
const every = process.argv.includes('--every') ? Number(process.argv[process.argv.indexOf('--every') + 1]) : 6;
const files = fs.readdirSync(TRAIN_DIR).filter((d) => fs.statSync(path.join(TRAIN_DIR, d)).isDirectory()).sort()
  .flatMap((c) => fs.readdirSync(path.join(TRAIN_DIR, c)).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => path.join(TRAIN_DIR, c, f)))
  .filter((_, i) => i % every === 0);
const chroma: Record<string, number[]> = Object.fromEntries(Object.keys(CASTS).map((k) => [k, []]));
const hue: Record<string, number[]> = Object.fromEntries(Object.keys(CASTS).map((k) => [k, []]));
let none = 0;
for (const f of files) {
  const r = await analysisRaster(f);
  for (const [k, g] of Object.entries(CASTS)) {
    const d = Buffer.alloc(r.data.length);
    for (let i = 0; i < d.length; i++) d[i] = Math.min(255, Math.round(r.data[i]! * g[i % 3]!));
    const bd = backdropColour({ ...r, data: d });
    if (!bd) { if (k === 'plain') none++; continue; }
    chroma[k]!.push(bd.chroma); hue[k]!.push(bd.hue);
  }
}
const q = (xs: number[], p: number) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };
console.log(`${files.length} training photos (every ${every}th), ${none} with too little backdrop; backdrop chroma (Lab) quantiles 50/75/90/95/99 %:`);
for (const [k, xs] of Object.entries(chroma)) {
  console.log(`  ${k.padEnd(8)} ${[0.5, 0.75, 0.9, 0.95, 0.99].map((p) => q(xs, p).toFixed(1).padStart(5)).join(' ')}`);
}
// by hue: casts push a backdrop along the warm (yellow, hue ≈ 75–90°) or cool (blue, hue ≈ −105°) direction
const bands: Record<string, [number, number]> = { warm: [50, 110], cool: [-135, -75] };
for (const [band, [lo, hi]] of Object.entries(bands)) {
  const inBand = (k: string) => chroma[k]!.filter((_, i) => hue[k]![i]! >= lo && hue[k]![i]! <= hi);
  const plain = inBand('plain');
  console.log(`${band} band (hue ${lo}…${hi}°): plain backdrops in it ${plain.length}/${chroma.plain!.length}, chroma 50/75/90/95/99 % ${[0.5, 0.75, 0.9, 0.95, 0.99].map((p) => plain.length ? q(plain, p).toFixed(1) : '-').join(' ')}`);
  for (const k of Object.keys(CASTS)) { const xs = inBand(k); console.log(`  ${k.padEnd(8)} in band ${xs.length}, chroma median ${xs.length ? q(xs, 0.5).toFixed(1) : '-'}`); }
}
