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

/** Soft binning of v into n bins over [lo, hi]: the position between bin centres, in [0, n-1]. */
function binPos(v: number, lo: number, hi: number, n: number): number {
  return Math.min(Math.max(((v - lo) / (hi - lo)) * n - 0.5, 0), n - 1);
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

const O_BINS = 8, M_BINS = 6;
const EDGE_COS = Float64Array.from({ length: O_BINS }, (_, k) => Math.cos((k * Math.PI) / O_BINS));
const EDGE_SIN = Float64Array.from({ length: O_BINS }, (_, k) => Math.sin((k * Math.PI) / O_BINS));
/** gradient magnitude where bin k starts: 1.2·log2(mag/4) ≥ k */
const MAG_EDGES = Float64Array.from({ length: M_BINS }, (_, k) => 4 * 2 ** (k / 1.2));

export function classicEmbedding(input: Raster, weights = CLASSIC_WEIGHTS): Float32Array {
  const r = normaliseColour(input);
  const { width: w, height: h } = r;
  const ch = r.channels ?? 3;
  const n = w * h;
  const { L, A, B } = toLabPlanes(r.data, n, ch);
  const cw = centreWeights(w, h);
  // colour histogram (trilinear soft binning; no allocation per pixel: this runs for every photo)
  const hist = new Float32Array(LB * AB * BB);
  for (let i = 0; i < n; i++) {
    const tl = binPos(L[i]!, 0, 100, LB), ta = binPos(A[i]!, -60, 60, AB), tb = binPos(B[i]!, -60, 60, BB);
    const l0 = Math.floor(tl), a0 = Math.floor(ta), b0 = Math.floor(tb);
    const l1 = Math.min(l0 + 1, LB - 1), a1 = Math.min(a0 + 1, AB - 1), b1 = Math.min(b0 + 1, BB - 1);
    const lw = tl - l0, aw = ta - a0, bw = tb - b0;
    const wgt = cw[i]!;
    for (let li = 0; li < 2; li++) {
      const lbin = li ? l1 : l0, lf = li ? lw : 1 - lw;
      for (let ai = 0; ai < 2; ai++) {
        const abin = ai ? a1 : a0, af = ai ? aw : 1 - aw;
        const row = (lbin * AB + abin) * BB;
        hist[row + b0]! += wgt * lf * af * (1 - bw);
        hist[row + b1]! += wgt * lf * af * bw;
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
  const colCell = new Int32Array(w);
  for (let x = 0; x < w; x++) colCell[x] = Math.min(G - 1, Math.floor((x * G) / w));
  for (let y = 0; y < h; y++) {
    const rowCell = Math.min(G - 1, Math.floor((y * G) / h)) * G;
    for (let x = 0; x < w; x++) {
      const c = rowCell + colCell[x]!;
      const i = y * w + x;
      layout[c * 3]! += L[i]! / 100; layout[c * 3 + 1]! += A[i]! / 60; layout[c * 3 + 2]! += B[i]! / 60;
      cnt[c]! += 1;
    }
  }
  for (let c = 0; c < G * G; c++) for (let k = 0; k < 3; k++) layout[c * 3 + k]! /= cnt[c] || 1;
  // texture: Sobel on L
  const O = O_BINS, M = M_BINS;
  const tex = new Float32Array(O * 5 + M);
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    const gx = L[i - w + 1]! + 2 * L[i + 1]! + L[i + w + 1]! - L[i - w - 1]! - 2 * L[i - 1]! - L[i + w - 1]!;
    const gy = L[i + w - 1]! + 2 * L[i + w]! + L[i + w + 1]! - L[i - w - 1]! - 2 * L[i - w]! - L[i - w + 1]!;
    const mag = Math.sqrt(gx * gx + gy * gy); // Math.hypot is several times slower in V8
    if (mag < 4) { tex[O * 5]! += 1; continue; }
    // orientation bin of the angle in [0, π) without atan2: count the bin edges the vector is past
    const ux = gy < 0 || (gy === 0 && gx < 0) ? -gx : gx, uy = gy < 0 || (gy === 0 && gx < 0) ? -gy : gy;
    let ob = 0;
    for (let k = 1; k < O; k++) if (EDGE_COS[k]! * uy - EDGE_SIN[k]! * ux >= 0) ob = k; else break;
    const q = (y * 2 >= h ? 2 : 0) + (x * 2 >= w ? 1 : 0);
    const m = Math.sqrt(mag);
    tex[ob]! += m;
    tex[O * (1 + q) + ob]! += m;
    let mb = 0; // = min(M-1, floor(1.2·log2(mag/4))), by thresholds
    while (mb < M - 1 && mag >= MAG_EDGES[mb + 1]!) mb++;
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
  // the 8 neighbours in circular order, as offsets in the plane
  const off = Int32Array.from([[r, 0], [r, r], [0, r], [-r, r], [-r, 0], [-r, -r], [0, -r], [r, -r]], ([dx, dy]) => dy! * w + dx!);
  const o0 = off[0]!, o1 = off[1]!, o2 = off[2]!, o3 = off[3]!, o4 = off[4]!, o5 = off[5]!, o6 = off[6]!, o7 = off[7]!;
  let n = 0;
  for (let y = r; y < h - r; y++) for (let x = r, i = y * w + r; x < w - r; x++, i++) {
    const c = L[i]! + 2; // small tolerance: flat areas (backdrops) read as uniform, not noise
    const b0 = L[i + o0]! >= c ? 1 : 0, b1 = L[i + o1]! >= c ? 1 : 0, b2 = L[i + o2]! >= c ? 1 : 0, b3 = L[i + o3]! >= c ? 1 : 0;
    const b4 = L[i + o4]! >= c ? 1 : 0, b5 = L[i + o5]! >= c ? 1 : 0, b6 = L[i + o6]! >= c ? 1 : 0, b7 = L[i + o7]! >= c ? 1 : 0;
    const ones = b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7;
    const trans = (b0 ^ b1) + (b1 ^ b2) + (b2 ^ b3) + (b3 ^ b4) + (b4 ^ b5) + (b5 ^ b6) + (b6 ^ b7) + (b7 ^ b0);
    hist[trans <= 2 ? ones : 9]! += 1;
    n++;
  }
  for (let i = 0; i < 10; i++) hist[i] = Math.sqrt(hist[i]! / (n || 1));
  return hist;
}

/** Centre weight: a broad Gaussian, the garment is usually in the middle of the frame (cached per size: a batch has one or two). */
const centreCache = new Map<string, Float32Array>();
function centreWeights(w: number, h: number): Float32Array {
  const key = `${w}x${h}`;
  let cw = centreCache.get(key);
  if (cw) return cw;
  cw = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const dx = (x + 0.5) / w - 0.5, dy = (y + 0.5) / h - 0.5;
    cw[y * w + x] = 0.35 + Math.exp(-(dx * dx + dy * dy) / (2 * 0.25 * 0.25));
  }
  if (centreCache.size > 16) centreCache.clear();
  centreCache.set(key, cw);
  return cw;
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

/**
 * The second view of a photo: its centre, CENTRE_VIEW of each side. A close-up or a zoomed-in shot
 * shows about the middle of the garment enlarged, so it matches the centre of a whole view of the
 * same garment far better than the whole view (chosen on shoots from clothing-train: 0.5–0.7 all
 * gain, bench/vinted/grouping-eval.md).
 */
export const CENTRE_VIEW = 0.6;
/** a match through a centre view counts at this factor (a whole-to-whole match is the stronger evidence) */
export const CENTRE_VIEW_FACTOR = 1.2;

export function centreCrop(r: Raster, frac = CENTRE_VIEW): Raster {
  const ch = r.channels ?? 3;
  const w = Math.max(8, Math.round(r.width * frac)), h = Math.max(8, Math.round(r.height * frac));
  const x0 = Math.max(0, Math.floor((r.width - w) / 2)), y0 = Math.max(0, Math.floor((r.height - h) / 2));
  const cw = Math.min(w, r.width), chh = Math.min(h, r.height);
  const out = Buffer.allocUnsafe(cw * chh * 3);
  for (let y = 0, k = 0; y < chh; y++) {
    for (let x = 0, o = ((y + y0) * r.width + x0) * ch; x < cw; x++, k += 3, o += ch) {
      out[k] = r.data[o]!; out[k + 1] = r.data[o + 1]!; out[k + 2] = r.data[o + 2]!;
    }
  }
  return { data: out, width: cw, height: chh, channels: 3 };
}

/**
 * Grouping distances from the whole views and the centre views (classicEmbedding of centreCrop) of a
 * batch: both standardised together, then d(i, j) = min(d(whole i, whole j),
 * CENTRE_VIEW_FACTOR × d(centre i, whole j), CENTRE_VIEW_FACTOR × d(whole i, centre j)).
 * Returns the symmetric n×n matrix, row-major.
 */
export function viewDistances(whole: Float32Array[], centre: Float32Array[]): Float32Array {
  const n = whole.length;
  const st = standardise([...whole, ...centre]);
  const dist = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const d = Math.min(
      cosineDistance(st[i]!, st[j]!),
      CENTRE_VIEW_FACTOR * cosineDistance(st[n + i]!, st[j]!),
      CENTRE_VIEW_FACTOR * cosineDistance(st[i]!, st[n + j]!),
    );
    dist[i * n + j] = d; dist[j * n + i] = d;
  }
  return dist;
}
