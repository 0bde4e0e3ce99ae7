// The `classic` embedding: handcrafted, offline, computed from the small analysis raster.
// Blocks (each L2-normalised, then weighted):
//  - colour: soft Lab histogram (5×7×7 bins), square-rooted (Hellinger), centre-weighted
//  - layout: 4×4 grid of mean Lab (spatial colour layout)
//  - texture: gradient-orientation histograms (whole + 2×2) and gradient-magnitude histogram
import { toLabPlanes } from './color.ts';

export interface Raster { data: Buffer | Uint8Array; width: number; height: number; channels?: number }

const LB = 5, AB = 7, BB = 7;
export const CLASSIC_WEIGHTS = { colour: 1.0, layout: 0.55, texture: 1.0 };

function l2(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

/** Soft binning of v into n bins over [lo, hi]: writes the two bins and the weight of the upper one into out[k..k+2]. */
function softBin(v: number, lo: number, hi: number, n: number, out: Float64Array, k: number): void {
  const t = Math.min(Math.max(((v - lo) / (hi - lo)) * n - 0.5, 0), n - 1);
  const i0 = Math.floor(t);
  out[k] = i0;
  out[k + 1] = Math.min(i0 + 1, n - 1);
  out[k + 2] = t - i0;
}

/**
 * Grey-world white balance and exposure normalisation: scales each channel so its mean matches a
 * fixed grey. Shots of one garment differ mostly by exposure and white balance; this removes both.
 */
export function normaliseColour(r: Raster, mode = NORMALISE): Raster {
  if (mode === 'none') return r;
  const ch = r.channels ?? 3;
  const n = r.width * r.height;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c]! += r.data[i * ch + c]!;
  for (let c = 0; c < 3; c++) mean[c]! /= n;
  const grey = (mean[0]! + mean[1]! + mean[2]!) / 3;
  const target = mode === 'wb' ? grey : 128;
  const k = mean.map((m) => (m > 1 ? target / m : 1));
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.min(255, Math.round(r.data[i * ch + c]! * k[c]!));
  return { data: out, width: r.width, height: r.height, channels: 3 };
}
// measured on the benchmark shoots: normalising colour loses more (garment colour) than it gains
export const NORMALISE: 'none' | 'wb' | 'wb+exposure' = 'none';

export function classicEmbedding(input: Raster, weights = CLASSIC_WEIGHTS): Float32Array {
  const r = normaliseColour(input);
  const { width: w, height: h } = r;
  const ch = r.channels ?? 3;
  const n = w * h;
  const { L, A, B } = toLabPlanes(r.data, n, ch);
  // centre weight: a broad Gaussian, the garment is usually in the middle of the frame
  const cw = new Float32Array(n);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const dx = (x + 0.5) / w - 0.5, dy = (y + 0.5) / h - 0.5;
    cw[y * w + x] = 0.35 + Math.exp(-(dx * dx + dy * dy) / (2 * 0.25 * 0.25));
  }
  // colour histogram (trilinear soft binning; no allocation per pixel: this runs for every photo)
  const hist = new Float32Array(LB * AB * BB);
  const sb = new Float64Array(9);
  for (let i = 0; i < n; i++) {
    softBin(L[i]!, 0, 100, LB, sb, 0);
    softBin(A[i]!, -60, 60, AB, sb, 3);
    softBin(B[i]!, -60, 60, BB, sb, 6);
    const wgt = cw[i]!;
    const lw = sb[2]!, aw = sb[5]!, bw = sb[8]!;
    for (let li = 0; li < 2; li++) {
      const lbin = sb[li]!, lf = li ? lw : 1 - lw;
      for (let ai = 0; ai < 2; ai++) {
        const abin = sb[3 + ai]!, af = ai ? aw : 1 - aw;
        const row = (lbin * AB + abin) * BB;
        hist[row + sb[6]!]! += wgt * lf * af * (1 - bw);
        hist[row + sb[7]!]! += wgt * lf * af * bw;
      }
    }
  }
  let hs = 0;
  for (const v of hist) hs += v;
  for (let i = 0; i < hist.length; i++) hist[i] = Math.sqrt(hist[i]! / (hs || 1));
  // layout: 4×4 mean Lab
  const G = 4;
  const layout = new Float32Array(G * G * 3);
  const cnt = new Float32Array(G * G);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const c = Math.min(G - 1, Math.floor((y * G) / h)) * G + Math.min(G - 1, Math.floor((x * G) / w));
    const i = y * w + x;
    layout[c * 3]! += L[i]! / 100; layout[c * 3 + 1]! += A[i]! / 60; layout[c * 3 + 2]! += B[i]! / 60;
    cnt[c]! += 1;
  }
  for (let c = 0; c < G * G; c++) for (let k = 0; k < 3; k++) layout[c * 3 + k]! /= cnt[c] || 1;
  // texture: Sobel on L
  const O = 8, M = 6;
  const tex = new Float32Array(O * 5 + M);
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    const gx = L[i - w + 1]! + 2 * L[i + 1]! + L[i + w + 1]! - L[i - w - 1]! - 2 * L[i - 1]! - L[i + w - 1]!;
    const gy = L[i + w - 1]! + 2 * L[i + w]! + L[i + w + 1]! - L[i - w - 1]! - 2 * L[i - w]! - L[i - w + 1]!;
    const mag = Math.hypot(gx, gy);
    if (mag < 4) { tex[O * 5]! += 1; continue; }
    let ang = Math.atan2(gy, gx);
    if (ang < 0) ang += Math.PI;
    const ob = Math.min(O - 1, Math.floor((ang / Math.PI) * O));
    const q = (y * 2 >= h ? 2 : 0) + (x * 2 >= w ? 1 : 0);
    const m = Math.sqrt(mag);
    tex[ob]! += m;
    tex[O * (1 + q) + ob]! += m;
    const mb = Math.min(M - 1, Math.floor(Math.log2(mag / 4) * 1.2));
    tex[O * 5 + mb]! += 1;
  }
  // magnitude histogram as fractions (sqrt), orientation histograms normalised per block
  const ori = l2(tex.slice(0, O * 5));
  const mags = tex.slice(O * 5);
  let ms = 0;
  for (const v of mags) ms += v;
  for (let i = 0; i < mags.length; i++) mags[i] = Math.sqrt(mags[i]! / (ms || 1));
  const texture = l2(Float32Array.from([...ori, ...mags, ...lbp(L, w, h, 1), ...lbp(L, w, h, 2)]));
  l2(hist); l2(layout);
  const out = new Float32Array(hist.length + layout.length + texture.length);
  out.set(hist.map((v) => v * weights.colour), 0);
  out.set(layout.map((v) => v * weights.layout), hist.length);
  out.set(texture.map((v) => v * weights.texture), hist.length + layout.length);
  return l2(out);
}

/** Rotation-invariant uniform LBP histogram (10 bins, square-rooted fractions) at radius r on the L plane. */
function lbp(L: Float32Array, w: number, h: number, r: number): Float32Array {
  const hist = new Float32Array(10);
  const dx = [r, r, 0, -r, -r, -r, 0, r], dy = [0, r, r, r, 0, -r, -r, -r];
  let n = 0;
  for (let y = r; y < h - r; y++) for (let x = r; x < w - r; x++) {
    const c = L[y * w + x]! + 2; // small tolerance: flat areas (backdrops) read as uniform, not noise
    let bits = 0, ones = 0, trans = 0, prev = 0, first = 0;
    for (let k = 0; k < 8; k++) {
      const b = L[(y + dy[k]!) * w + x + dx[k]!]! >= c ? 1 : 0;
      if (k === 0) first = b; else if (b !== prev) trans++;
      prev = b; ones += b; bits |= b << k;
    }
    if (prev !== first) trans++;
    hist[trans <= 2 ? ones : 9]! += 1;
    n++;
  }
  for (let i = 0; i < 10; i++) hist[i] = Math.sqrt(hist[i]! / (n || 1));
  return hist;
}

export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { s += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
  return 1 - s / (Math.sqrt(na * nb) || 1);
}

/**
 * Batch standardisation: centre every dimension on the batch mean and scale by its spread, so the
 * dimensions that actually vary between the photos of this session dominate the distance
 * (a white backdrop shared by every photo stops counting). `floor` bounds the scaling of
 * near-constant dimensions. Re-normalised to unit length.
 */
export const CLASSIC_BLOCKS: [number, number][] = [[0, LB * AB * BB], [LB * AB * BB, LB * AB * BB + 48], [LB * AB * BB + 48, LB * AB * BB + 48 + 66]];
/** block weights after standardisation (colour, layout, texture), tuned on the benchmark shoots */
export const BLOCK_WEIGHTS = [1.5, 0.5, 1];

export function standardise(vs: Float32Array[], floor = 0.5, blocks = CLASSIC_BLOCKS, weights = BLOCK_WEIGHTS): Float32Array[] {
  if (vs.length < 2) return vs;
  const d = vs[0]!.length, n = vs.length;
  const mean = new Float64Array(d), sd = new Float64Array(d);
  for (const v of vs) for (let i = 0; i < d; i++) mean[i]! += v[i]! / n;
  for (const v of vs) for (let i = 0; i < d; i++) sd[i]! += (v[i]! - mean[i]!) ** 2 / n;
  let avg = 0;
  for (let i = 0; i < d; i++) { sd[i] = Math.sqrt(sd[i]!); avg += sd[i]! / d; }
  // each block ends with the same total variance (times its weight), whatever its number of dimensions
  const scale = new Float64Array(d).fill(1);
  blocks.forEach(([a, b], k) => { for (let i = a; i < b; i++) scale[i] = (weights[k] ?? 1) / Math.sqrt(b - a); });
  return vs.map((v) => l2(Float32Array.from(v, (x, i) => ((x - mean[i]!) / Math.max(sd[i]!, floor * avg)) * scale[i]!)));
}
