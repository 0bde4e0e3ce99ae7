// Dominant garment colours. Sellers shoot a garment flat on a floor, a bed or a rug, or hanging in
// front of a wall or a door: whatever touches the frame is mostly background, but it is seldom one
// flat colour (wood grain, a patterned rug, a light falloff, shadows) and the garment itself may reach
// the edge. So, on a grid of the analysis raster (every `step` px):
//   1. background model: up to 4 colour modes of the outer ring of the grid (mode seeking in Lab);
//   2. region growing from the frame: a cell joins the background when its colour is near a mode
//      and near the neighbour it grows from (no jump across a garment edge);
//   3. a mode whose region covers most of the middle of the frame is the garment itself (a close-up,
//      or a garment touching the border) and is given back;
//   4. the remaining cells are centre-weighted (cells of a background colour enclosed by the garment,
//      e.g. between the legs of trousers, count less), clustered by k-means in Lab, and each centre is
//      named with the nearest French colour label.
// Everything runs on typed arrays: it is called for every photo on the pipeline's main thread.
import { hexToLab, rgbToLab, toLabPlanes } from './color.ts';
import type { Raster } from './features.ts';

/** Vinted-style French colour names and a representative sRGB value for each. */
export const COLOUR_LABELS: { name: string; hex: string }[] = [
  { name: 'noir', hex: '#1c1c1e' },
  { name: 'gris', hex: '#8a8a8a' },
  { name: 'blanc', hex: '#f4f4f2' },
  { name: 'crème', hex: '#efe6cf' },
  { name: 'beige', hex: '#d2bc96' },
  { name: 'marron', hex: '#6e4a2e' },
  { name: 'kaki', hex: '#6b6a3c' },
  { name: 'vert', hex: '#2f8a4a' },
  { name: 'bleu', hex: '#2f64c2' },
  { name: 'bleu clair', hex: '#9cc4e8' },
  { name: 'marine', hex: '#1f2b4a' },
  { name: 'violet', hex: '#6e3f96' },
  { name: 'rose', hex: '#ee9ab8' },
  { name: 'rouge', hex: '#c42a2a' },
  { name: 'bordeaux', hex: '#6a1c2c' },
  { name: 'orange', hex: '#ec7d22' },
  { name: 'jaune', hex: '#f2d22a' },
  { name: 'moutarde', hex: '#c39a26' },
];
const CHROMATIC = COLOUR_LABELS.filter((c) => !['noir', 'gris', 'blanc'].includes(c.name));
const CHROMA_NAMES = CHROMATIC.map((c) => c.name);
const CHROMA_LAB = Float64Array.from(CHROMATIC.flatMap((c) => hexToLab(c.hex)));

export function nameColour(L: number, a: number, b: number): string {
  const C = Math.sqrt(a * a + b * b);
  // near-neutral colours are named by lightness; dark low-chroma blues still read as "marine"
  if (C < 10 || (L < 22 && C < 16 && !(b < -6 && a < 10))) {
    if (L < 28) return 'noir';
    if (L > 86) return C > 6 && b > 4 ? 'crème' : 'blanc';
    return 'gris';
  }
  let best = 0, bd = Infinity;
  for (let k = 0, o = 0; k < CHROMA_NAMES.length; k++, o += 3) {
    // lightness differences matter less than hue/chroma for naming
    const dL = L - CHROMA_LAB[o]!, da = a - CHROMA_LAB[o + 1]!, db = b - CHROMA_LAB[o + 2]!;
    const d = 0.5 * dL * dL + da * da + db * db;
    if (d < bd) { bd = d; best = k; }
  }
  return CHROMA_NAMES[best]!;
}

/**
 * Garment pixels of one or several photos: a flat array of [L, a, b, weight] quadruples, so that
 * the pixels of an article's photos are joined with a plain `flatMap` and no per-pixel object exists.
 */
export type GarmentPixels = number[];

// background model and region growing, distances in Lab with lightness counted at half weight:
// a shadow on the floor mostly changes lightness, a garment of another colour changes hue or chroma
const MAX_MODES = 4;
const RING = 0.06; // outer ring of the grid, share of the short side (at least one cell)
const MODE_RADIUS = 12; // a mode gathers the ring cells within this distance of its centre
const MODE_MIN_SHARE = 0.08; // of the ring: smaller groups are garment bits or clutter at the edge
const GROW_MIN = 10, GROW_MAX = 20, SPREAD_K = 2.5; // per-mode tolerance: 2.5 × the spread of its ring cells, clamped
const STEP_MAX = 9; // largest colour step between neighbouring cells inside the background
const CENTRE_MAX = 0.6; // a mode covering more of the middle window (30–70 % of each side) is the garment
const KEEP_MIN = 0.1; // if less of the frame than this is left, the mode weighing most on the centre is the garment
const NEAR_BG_WEIGHT = 0.3; // enclosed cells of a background colour (between legs, under straps)
const SIGMA = 0.22; // centre prior, in frame units
const EXPOSURE_PCT = 0.99, EXPOSURE_WHITE = 245, EXPOSURE_MAX_GAIN = 1.3; // see exposeWhitePatch

const L_W = 0.25; // (½ ΔL)²
const dist2 = (L1: number, a1: number, b1: number, L2: number, a2: number, b2: number): number => {
  const dL = L1 - L2, da = a1 - a2, db = b1 - b2;
  return L_W * dL * dL + da * da + db * db;
};

/** Weighted garment pixels of one photo (background removed, centre favoured), subsampled every `step` px. */
export function garmentPixels(r: Raster, step = 2): GarmentPixels {
  const { width: w, height: h } = r;
  const { rgb, gw, gh, n } = grid(r, step);
  let { L, A, B } = toLabPlanes(rgb, n, 3);
  const bg = backgroundMask(L, A, B, gw, gh);
  // a camera cast seen on the backdrop is taken out of the whole grid (the mask stays as found)
  const cast = backdropCast(rgb, bg.label, n);
  if (cast) ({ L, A, B } = toLabPlanes(balance(rgb, n, cast.gains), n, 3));
  const out: number[] = [];
  // centre prior, separable: exp(−(dx² + dy²)/2σ²) = exp(−dx²/2σ²)·exp(−dy²/2σ²)
  const s2 = 2 * SIGMA * SIGMA;
  const ex = new Float64Array(gw);
  for (let gx = 0; gx < gw; gx++) { const dx = (gx * step + 0.5) / w - 0.5; ex[gx] = Math.exp(-(dx * dx) / s2); }
  let total = 0;
  for (let gy = 0, i = 0; gy < gh; gy++) {
    const dy = (gy * step + 0.5) / h - 0.5, ey = Math.exp(-(dy * dy) / s2);
    for (let gx = 0; gx < gw; gx++, i++) {
      const m = bg.label[i]!;
      if (m > 0) continue;
      let wgt = ex[gx]! * ey;
      if (m < 0) wgt *= NEAR_BG_WEIGHT;
      out.push(L[i]!, A[i]!, B[i]!, wgt);
      total += wgt;
    }
  }
  if (total > 0) return out;
  // nothing left (should not happen: the centre check gives a mode back): fall back to the whole frame
  for (let gy = 0, i = 0; gy < gh; gy++) {
    const dy = (gy * step + 0.5) / h - 0.5, ey = Math.exp(-(dy * dy) / s2);
    for (let gx = 0; gx < gw; gx++, i++) out.push(L[i]!, A[i]!, B[i]!, ex[gx]! * ey);
  }
  return out;
}

/** The grid cells' RGB (every `step` px), exposure-corrected (exposeWhitePatch). */
function grid(r: Raster, step: number): { rgb: Uint8Array; gw: number; gh: number; n: number } {
  const { width: w, height: h } = r;
  const ch = r.channels ?? 3;
  const gw = Math.ceil(w / step), gh = Math.ceil(h / step), n = gw * gh;
  const rgb = new Uint8Array(n * 3);
  for (let gy = 0, k = 0; gy < gh; gy++) {
    for (let gx = 0, o = gy * step * w * ch; gx < gw; gx++, k += 3, o += step * ch) {
      rgb[k] = r.data[o]!; rgb[k + 1] = r.data[o + 1]!; rgb[k + 2] = r.data[o + 2]!;
    }
  }
  exposeWhitePatch(rgb, n);
  return { rgb, gw, gh, n };
}

interface Modes { n: number; L: Float64Array; A: Float64Array; B: Float64Array; tol2: Float64Array }

/**
 * Colour modes of some cells (mode seeking): start from the densest coarse Lab bin of the cells not
 * yet explained, move to the mean of the cells within MODE_RADIUS (twice), take them, repeat while a
 * mode gathers at least `minShare` of the cells. Each mode's tolerance comes from its spread.
 */
function seekModes(L: Float32Array, A: Float32Array, B: Float32Array, cells: Int32Array, nc: number, minShare: number, max: number): Modes {
  const md: Modes = { n: 0, L: new Float64Array(max), A: new Float64Array(max), B: new Float64Array(max), tol2: new Float64Array(max) };
  const taken = new Uint8Array(nc);
  const bins = new Uint16Array(11 * 27 * 27);
  const binOf = (i: number): number => {
    const qL = Math.min(10, Math.max(0, Math.round(L[i]! / 10)));
    const qa = Math.min(26, Math.max(0, Math.round(A[i]! / 10) + 13)), qb = Math.min(26, Math.max(0, Math.round(B[i]! / 10) + 13));
    return (qL * 27 + qa) * 27 + qb;
  };
  const r2 = MODE_RADIUS * MODE_RADIUS;
  let left = nc;
  while (md.n < max && left >= minShare * nc) {
    bins.fill(0);
    let topBin = -1, topCount = 0;
    for (let k = 0; k < nc; k++) {
      if (taken[k]) continue;
      const b = binOf(cells[k]!), c = ++bins[b]!;
      if (c > topCount) { topCount = c; topBin = b; }
    }
    let cL = 0, cA = 0, cB = 0;
    for (let k = 0; k < nc; k++) if (!taken[k] && binOf(cells[k]!) === topBin) { const i = cells[k]!; cL += L[i]!; cA += A[i]!; cB += B[i]!; }
    cL /= topCount; cA /= topCount; cB /= topCount;
    let cnt = 0, spread = 0;
    for (let pass = 0; pass < 3; pass++) {
      let sL = 0, sA = 0, sB = 0, sd = 0;
      cnt = 0;
      for (let k = 0; k < nc; k++) {
        if (taken[k]) continue;
        const i = cells[k]!, d = dist2(L[i]!, A[i]!, B[i]!, cL, cA, cB);
        if (d < r2) { sL += L[i]!; sA += A[i]!; sB += B[i]!; sd += d; cnt++; }
      }
      if (!cnt) break;
      if (pass < 2) { cL = sL / cnt; cA = sA / cnt; cB = sB / cnt; } else spread = Math.sqrt(sd / cnt);
    }
    if (cnt < minShare * nc) break;
    for (let k = 0; k < nc; k++) {
      if (taken[k]) continue;
      const i = cells[k]!;
      if (dist2(L[i]!, A[i]!, B[i]!, cL, cA, cB) < r2) { taken[k] = 1; left--; }
    }
    const t = Math.min(GROW_MAX, Math.max(GROW_MIN, SPREAD_K * spread));
    md.L[md.n] = cL; md.A[md.n] = cA; md.B[md.n] = cB; md.tol2[md.n] = t * t;
    md.n++;
  }
  return md;
}

/** Nearest mode of each cell within that mode's tolerance, −1 for none. */
function nearestMode(L: Float32Array, A: Float32Array, B: Float32Array, n: number, md: Modes): Int8Array {
  const near = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1, bd = Infinity;
    for (let m = 0; m < md.n; m++) {
      const d = dist2(L[i]!, A[i]!, B[i]!, md.L[m]!, md.A[m]!, md.B[m]!);
      if (d < md.tol2[m]! && d < bd) { bd = d; best = m; }
    }
    near[i] = best;
  }
  return near;
}

/**
 * Region growing over the cells still labelled 0: from the seeds whose nearest mode is allowed, a
 * neighbour joins with label `base + mode` when it is near an allowed mode and within STEP_MAX of
 * the cell it grows from.
 */
function grow(L: Float32Array, A: Float32Array, B: Float32Array, gw: number, n: number, label: Int8Array, near: Int8Array, dropped: number, base: number, seeds: Int32Array, ns: number, queue: Int32Array): void {
  const step2 = STEP_MAX * STEP_MAX;
  let qh = 0, qt = 0;
  for (let k = 0; k < ns; k++) {
    const i = seeds[k]!, m = near[i]!;
    if (label[i] === 0 && m >= 0 && !(dropped & (1 << m))) { label[i] = base + m; queue[qt++] = i; }
  }
  while (qh < qt) {
    const p = queue[qh++]!, px = p % gw;
    const pL = L[p]!, pA = A[p]!, pB = B[p]!;
    for (let e = 0; e < 4; e++) {
      let q: number;
      if (e === 0) { if (px === 0) continue; q = p - 1; } else if (e === 1) { if (px === gw - 1) continue; q = p + 1; } else if (e === 2) { if (p < gw) continue; q = p - gw; } else { q = p + gw; if (q >= n) continue; }
      if (label[q] !== 0) continue;
      const m = near[q]!;
      if (m < 0 || dropped & (1 << m)) continue;
      if (dist2(L[q]!, A[q]!, B[q]!, pL, pA, pB) > step2) continue;
      label[q] = base + m; queue[qt++] = q;
    }
  }
}

/**
 * Exposure: phone photos of clothes are mostly under-exposed (a white T-shirt at L 75–83 reads
 * "gris", yellow "moutarde", jeans "noir"), so the cells are brightened until the 99th percentile of
 * their brightest channel reaches 245, by at most EXPOSURE_MAX_GAIN (a dark photo stays dark: black
 * stays "noir"). Same gain on the three channels: hues are kept.
 */
function exposeWhitePatch(rgb: Uint8Array, n: number): void {
  const hist = new Uint32Array(256);
  for (let k = 0; k < n * 3; k += 3) hist[Math.max(rgb[k]!, rgb[k + 1]!, rgb[k + 2]!)]++;
  let acc = 0, p = 255;
  for (let v = 0; v < 256; v++) { acc += hist[v]!; if (acc >= EXPOSURE_PCT * n) { p = v; break; } }
  const g = Math.min(EXPOSURE_MAX_GAIN, EXPOSURE_WHITE / Math.max(1, p));
  if (g > 1) for (let k = 0; k < n * 3; k++) rgb[k] = Math.min(255, Math.round(rgb[k]! * g));
}

/**
 * Camera casts (tungsten, shade) tint the garment and the backdrop alike, along the warm (yellow,
 * Lab hue ≈ 75–90°) or the cool (blue, ≈ −105°) direction. Sellers' backdrops are often coloured for
 * real (a beige floor, wood: warm hues too), so a backdrop counts as cast only when its hue is in one
 * of these bands and its chroma is beyond what 95 % of the uncast training photos' backdrops in that
 * band show; only the excess is removed. Measured on clothing-train only (bench/vinted/cast-gate.ts,
 * 512 photos): warm band, 325 backdrops, 95 % under chroma 36; cool band, 12 backdrops, all under 7.2.
 */
export const CAST_BANDS: { hue: [number, number]; minChroma: number }[] = [
  { hue: [50, 110], minChroma: 36 },
  { hue: [-135, -75], minChroma: 7.2 },
];
const CAST_MIN_SHARE = 0.15; // of the grid: less backdrop than this says nothing reliable
const CAST_MIN_L = 35; // a dark backdrop's hue is mostly noise

const SRGB_LIN = Float64Array.from({ length: 256 }, (_, i) => { const c = i / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
const encode = (v: number): number => Math.max(0, Math.min(255, Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055))));

/**
 * The backdrop's colour (mean linear RGB of the cells grown from the frame) and, when it reads as a
 * cast (CAST_BANDS), the per-channel gains (von Kries, in linear light) that bring its chroma down to
 * the band's limit: the gains to a neutral backdrop of the same mean, raised to the excess share.
 */
export function backdropCast(rgb: Uint8Array, label: Int8Array, n: number): { chroma: number; lightness: number; gains: [number, number, number] } | null {
  const bd = backdropMean(rgb, label, n);
  if (!bd || bd.lightness < CAST_MIN_L) return null;
  const band = CAST_BANDS.find((b) => bd.hue >= b.hue[0] && bd.hue <= b.hue[1]);
  if (!band || bd.chroma <= band.minChroma) return null;
  const { mean } = bd;
  const grey = (mean[0] + mean[1] + mean[2]) / 3;
  const f = 1 - band.minChroma / bd.chroma;
  return { chroma: bd.chroma, lightness: bd.lightness, gains: mean.map((v) => (grey / Math.max(v, 1e-4)) ** f) as [number, number, number] };
}

/** Mean linear RGB of the backdrop cells (grown from the frame) and its Lab lightness and chroma; null when too little backdrop. */
function backdropMean(rgb: Uint8Array, label: Int8Array, n: number): { mean: [number, number, number]; lightness: number; chroma: number; hue: number } | null {
  const m = [0, 0, 0];
  let count = 0;
  for (let i = 0, k = 0; i < n; i++, k += 3) {
    if (label[i]! <= 0) continue;
    m[0]! += SRGB_LIN[rgb[k]!]!; m[1]! += SRGB_LIN[rgb[k + 1]!]!; m[2]! += SRGB_LIN[rgb[k + 2]!]!;
    count++;
  }
  if (count < CAST_MIN_SHARE * n) return null;
  const mean = m.map((v) => v / count) as [number, number, number];
  const [L, a, b] = rgbToLab(encode(mean[0]), encode(mean[1]), encode(mean[2]));
  return { mean, lightness: L, chroma: Math.sqrt(a * a + b * b), hue: (Math.atan2(b, a) * 180) / Math.PI };
}

/** The backdrop's lightness and chroma as garmentPixels sees it (before any correction), null when too little backdrop. */
export function backdropColour(r: Raster, step = 3): { lightness: number; chroma: number; hue: number } | null {
  const { rgb, gw, gh, n } = grid(r, step);
  const { L, A, B } = toLabPlanes(rgb, n, 3);
  const bd = backdropMean(rgb, backgroundMask(L, A, B, gw, gh).label, n);
  return bd && { lightness: bd.lightness, chroma: bd.chroma, hue: bd.hue };
}

/** The grid with per-channel gains applied in linear light (a new array). */
function balance(rgb: Uint8Array, n: number, gains: [number, number, number]): Uint8Array {
  const lut = gains.map((g) => Uint8Array.from({ length: 256 }, (_, v) => encode(SRGB_LIN[v]! * g)));
  const out = new Uint8Array(n * 3);
  for (let k = 0; k < n * 3; k += 3) { out[k] = lut[0]![rgb[k]!]!; out[k + 1] = lut[1]![rgb[k + 1]!]!; out[k + 2] = lut[2]![rgb[k + 2]!]!; }
  return out;
}

/**
 * Background of a gw×gh Lab grid: `label[i]` > 0 for cells grown from the frame (1 + mode index),
 * −1 for cells of a background colour not connected to the frame, 0 for garment.
 */
export function backgroundMask(L: Float32Array, A: Float32Array, B: Float32Array, gw: number, gh: number): { label: Int8Array; modes: number } {
  const n = gw * gh;
  const label = new Int8Array(n);
  // 1. the outer ring of the grid (about 6 % of the short side, at least one cell)
  const ring = Math.max(1, Math.round(Math.min(gw, gh) * RING));
  const rc = new Int32Array(n);
  let nr = 0;
  for (let y = 0, i = 0; y < gh; y++) for (let x = 0; x < gw; x++, i++) if (x < ring || y < ring || x >= gw - ring || y >= gh - ring) rc[nr++] = i;
  if (nr === n) return { label, modes: 0 }; // too small to have a border and a middle
  const md = seekModes(L, A, B, rc, nr, MODE_MIN_SHARE, MAX_MODES);
  if (!md.n) return { label, modes: 0 };
  const near = nearestMode(L, A, B, n, md);
  // 2–3. grow from the ring; a mode that floods the middle is dropped and the growth redone
  const queue = new Int32Array(n);
  const x0 = Math.floor(gw * 0.3), x1 = Math.ceil(gw * 0.7), y0 = Math.floor(gh * 0.3), y1 = Math.ceil(gh * 0.7);
  const mid = (x1 - x0) * (y1 - y0);
  const centreCount = new Int32Array(MAX_MODES);
  let dropped = 0;
  for (;;) {
    label.fill(0);
    grow(L, A, B, gw, n, label, near, dropped, 1, rc, nr, queue);
    centreCount.fill(0);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { const m = label[y * gw + x]!; if (m > 0) centreCount[m - 1]++; }
    let worst = -1;
    for (let m = 0; m < md.n; m++) if (centreCount[m]! > CENTRE_MAX * mid && (worst < 0 || centreCount[m]! > centreCount[worst]!)) worst = m;
    if (worst < 0) {
      let keep = 0;
      for (let i = 0; i < n; i++) if (label[i] === 0) keep++;
      if (keep < KEEP_MIN * n) {
        // the growth ate nearly everything: give back the mode with the most centre-weighted mass
        const mass = new Float64Array(MAX_MODES);
        for (let y = 0, i = 0; y < gh; y++) for (let x = 0; x < gw; x++, i++) {
          const m = label[i]!;
          if (m > 0) { const dx = (x + 0.5) / gw - 0.5, dy = (y + 0.5) / gh - 0.5; mass[m - 1] += Math.exp(-(dx * dx + dy * dy) / (2 * SIGMA * SIGMA)); }
        }
        for (let m = 0; m < md.n; m++) if (!(dropped & (1 << m)) && mass[m]! > 0 && (worst < 0 || mass[m]! > mass[worst]!)) worst = m;
      }
    }
    if (worst < 0) break;
    dropped |= 1 << worst;
  }
  // cells of a kept background colour that the growth did not reach
  for (let i = 0; i < n; i++) if (label[i] === 0 && near[i]! >= 0 && !(dropped & (1 << near[i]!))) label[i] = -1;
  return { label, modes: md.n };
}

/** k-means in Lab over weighted quadruples; returns k centres as [L, a, b, weight] (weight 0: empty). */
function kmeans(px: ArrayLike<number>, k: number, iters = 12, assignOut?: Int32Array): Float64Array {
  const n = px.length >> 2;
  const cs = new Float64Array(k * 4);
  // deterministic init: the heaviest pixel, then farthest-point (distance × weight)
  let h = 0;
  for (let i = 1; i < n; i++) if (px[i * 4 + 3]! > px[h * 4 + 3]!) h = i;
  cs[0] = px[h * 4]!; cs[1] = px[h * 4 + 1]!; cs[2] = px[h * 4 + 2]!;
  let nc = 1;
  while (nc < k) {
    let far = -1, fd = -1;
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const pL = px[o]!, pA = px[o + 1]!, pB = px[o + 2]!;
      let m = Infinity;
      for (let c = 0, co = 0; c < nc; c++, co += 4) {
        const dL = pL - cs[co]!, da = pA - cs[co + 1]!, db = pB - cs[co + 2]!;
        const d = dL * dL + da * da + db * db;
        if (d < m) m = d;
      }
      const s = m * px[o + 3]!;
      if (s > fd) { fd = s; far = i; }
    }
    if (far < 0 || fd <= 0) break;
    cs[nc * 4] = px[far * 4]!; cs[nc * 4 + 1] = px[far * 4 + 1]!; cs[nc * 4 + 2] = px[far * 4 + 2]!;
    nc++;
  }
  const assign = assignOut ?? new Int32Array(n);
  const acc = new Float64Array(nc * 4);
  for (let it = 0; it < iters; it++) {
    let changed = it === 0;
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const pL = px[o]!, pA = px[o + 1]!, pB = px[o + 2]!;
      let bi = 0, bd = Infinity;
      for (let c = 0, co = 0; c < nc; c++, co += 4) {
        const dL = pL - cs[co]!, da = pA - cs[co + 1]!, db = pB - cs[co + 2]!;
        const d = dL * dL + da * da + db * db;
        if (d < bd) { bd = d; bi = c; }
      }
      if (assign[i] !== bi) { assign[i] = bi; changed = true; }
    }
    // same assignment as the last pass: the centres would not move again (converged)
    if (!changed) break;
    acc.fill(0);
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const co = assign[i]! * 4, wt = px[o + 3]!;
      acc[co] += px[o]! * wt; acc[co + 1] += px[o + 1]! * wt; acc[co + 2] += px[o + 2]! * wt; acc[co + 3] += wt;
    }
    for (let c = 0, co = 0; c < nc; c++, co += 4) {
      const wt = acc[co + 3]!;
      if (wt > 0) { cs[co] = acc[co]! / wt; cs[co + 1] = acc[co + 1]! / wt; cs[co + 2] = acc[co + 2]! / wt; cs[co + 3] = wt; } else cs[co + 3] = 0;
    }
  }
  return cs.subarray(0, nc * 4);
}

/** Up to `max` French colour labels, dominant first, for the pixels of one or several photos. */
export function dominantColours(px: GarmentPixels, max = 2): string[] {
  if (px.length < 4) return [];
  const assign = new Int32Array(px.length >> 2);
  const cs = kmeans(px, 4, 12, assign);
  // each cluster is named from its lit half (pixels at or above its mean lightness): folds, shadows
  // and a dim room darken a garment's mean colour (white read "gris", yellow "moutarde", red
  // "bordeaux"); the weights (shares) stay those of the whole cluster
  const lit = new Float64Array(cs.length);
  for (let i = 0, o = 0; i < assign.length; i++, o += 4) {
    const co = assign[i]! * 4;
    if (px[o]! >= cs[co]!) { const wt = px[o + 3]!; lit[co] += px[o]! * wt; lit[co + 1] += px[o + 1]! * wt; lit[co + 2] += px[o + 2]! * wt; lit[co + 3] += wt; }
  }
  for (let co = 0; co < cs.length; co += 4) if (lit[co + 3]! > 0) { cs[co] = lit[co]! / lit[co + 3]!; cs[co + 1] = lit[co + 1]! / lit[co + 3]!; cs[co + 2] = lit[co + 2]! / lit[co + 3]!; }
  const order: number[] = [];
  for (let c = 0; c < cs.length >> 2; c++) if (cs[c * 4 + 3]! > 0) order.push(c);
  order.sort((x, y) => cs[y * 4 + 3]! - cs[x * 4 + 3]!);
  let total = 0;
  for (const c of order) total += cs[c * 4 + 3]!;
  total ||= 1;
  const names: string[] = [], shares: number[] = [];
  for (const c of order) {
    const name = nameColour(cs[c * 4]!, cs[c * 4 + 1]!, cs[c * 4 + 2]!);
    const j = names.indexOf(name);
    if (j >= 0) shares[j] += cs[c * 4 + 3]! / total;
    else { names.push(name); shares.push(cs[c * 4 + 3]! / total); }
  }
  const rank = names.map((_, j) => j).sort((x, y) => shares[y]! - shares[x]!);
  const out = [names[rank[0]!]!];
  // a second colour only when it covers a real share of the garment
  for (const j of rank.slice(1)) if (out.length < max && shares[j]! >= 0.25) out.push(names[j]!);
  return out;
}
