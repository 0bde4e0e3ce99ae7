// Dominant garment colours: the background is estimated from the image border (the colour most
// border pixels share) and pixels close to it are discounted; the rest is centre-weighted,
// clustered by k-means in Lab, and each centre is named with the nearest French colour label.
import { hexToLab, toLabPlanes } from './color.ts';
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
const CHROMATIC = COLOUR_LABELS.filter((c) => !['noir', 'gris', 'blanc'].includes(c.name)).map((c) => ({ name: c.name, lab: hexToLab(c.hex) }));

export function nameColour(L: number, a: number, b: number): string {
  const C = Math.hypot(a, b);
  // near-neutral colours are named by lightness; dark low-chroma blues still read as "marine"
  if (C < 10 || (L < 22 && C < 16 && !(b < -6 && a < 10))) {
    if (L < 28) return 'noir';
    if (L > 86) return C > 6 && b > 4 ? 'crème' : 'blanc';
    return 'gris';
  }
  let best = '', bd = Infinity;
  for (const c of CHROMATIC) {
    // lightness differences matter less than hue/chroma for naming
    const d = 0.5 * (L - c.lab[0]) ** 2 + (a - c.lab[1]) ** 2 + (b - c.lab[2]) ** 2;
    if (d < bd) { bd = d; best = c.name; }
  }
  return best;
}

interface Px { L: number; a: number; b: number; w: number }

function kmeans(px: Px[], k: number, iters = 12): { L: number; a: number; b: number; w: number }[] {
  // deterministic init: farthest-point from the heaviest pixel
  const sorted = px.slice().sort((x, y) => y.w - x.w);
  const cs: { L: number; a: number; b: number; w: number }[] = [{ ...sorted[0]!, w: 0 }];
  while (cs.length < k) {
    let far: Px | null = null, fd = -1;
    for (const p of px) {
      let m = Infinity;
      for (const c of cs) m = Math.min(m, (p.L - c.L) ** 2 + (p.a - c.a) ** 2 + (p.b - c.b) ** 2);
      if (m * p.w > fd) { fd = m * p.w; far = p; }
    }
    if (!far || fd <= 0) break;
    cs.push({ ...far, w: 0 });
  }
  const assign = new Int32Array(px.length);
  for (let it = 0; it < iters; it++) {
    px.forEach((p, i) => {
      let bi = 0, bd = Infinity;
      cs.forEach((c, ci) => { const d = (p.L - c.L) ** 2 + (p.a - c.a) ** 2 + (p.b - c.b) ** 2; if (d < bd) { bd = d; bi = ci; } });
      assign[i] = bi;
    });
    const acc = cs.map(() => ({ L: 0, a: 0, b: 0, w: 0 }));
    px.forEach((p, i) => { const c = acc[assign[i]!]!; c.L += p.L * p.w; c.a += p.a * p.w; c.b += p.b * p.w; c.w += p.w; });
    acc.forEach((c, ci) => { if (c.w > 0) cs[ci] = { L: c.L / c.w, a: c.a / c.w, b: c.b / c.w, w: c.w }; else cs[ci]!.w = 0; });
  }
  return cs;
}

/** Weighted garment pixels of one photo (background discounted, centre favoured), subsampled. */
export function garmentPixels(r: Raster, step = 2): Px[] {
  const { width: w, height: h } = r;
  const n = w * h;
  const { L, A, B } = toLabPlanes(r.data, n, r.channels ?? 3);
  // background: the mean of the densest bin of the border pixels
  const border: number[] = [];
  const bw = Math.max(1, Math.round(Math.min(w, h) * 0.04));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (x < bw || y < bw || x >= w - bw || y >= h - bw) border.push(y * w + x);
  const bins = new Map<string, number[]>();
  for (const i of border) {
    const key = `${Math.round(L[i]! / 10)}:${Math.round(A[i]! / 10)}:${Math.round(B[i]! / 10)}`;
    let l = bins.get(key);
    if (!l) bins.set(key, (l = []));
    l.push(i);
  }
  let top: number[] = [];
  for (const l of bins.values()) if (l.length > top.length) top = l;
  const bgShare = top.length / border.length;
  let bL = 0, bA = 0, bB = 0;
  for (const i of top) { bL += L[i]!; bA += A[i]!; bB += B[i]!; }
  bL /= top.length || 1; bA /= top.length || 1; bB /= top.length || 1;
  const out: Px[] = [];
  for (let y = 0; y < h; y += step) for (let x = 0; x < w; x += step) {
    const i = y * w + x;
    const dx = (x + 0.5) / w - 0.5, dy = (y + 0.5) / h - 0.5;
    let wgt = Math.exp(-(dx * dx + dy * dy) / (2 * 0.22 * 0.22));
    // only trust the background estimate when the border is fairly uniform (a real backdrop)
    if (bgShare > 0.3) {
      const d = Math.sqrt((L[i]! - bL) ** 2 + (A[i]! - bA) ** 2 + (B[i]! - bB) ** 2);
      wgt *= d < 10 ? 0.02 : d < 20 ? 0.3 : 1;
    }
    out.push({ L: L[i]!, a: A[i]!, b: B[i]!, w: wgt });
  }
  return out;
}

/** Up to `max` French colour labels, dominant first, for the pixels of one or several photos. */
export function dominantColours(px: Px[], max = 2): string[] {
  if (!px.length) return [];
  const centres = kmeans(px, 4).filter((c) => c.w > 0).sort((x, y) => y.w - x.w);
  const total = centres.reduce((s, c) => s + c.w, 0) || 1;
  const named = new Map<string, number>();
  for (const c of centres) {
    const name = nameColour(c.L, c.a, c.b);
    named.set(name, (named.get(name) ?? 0) + c.w / total);
  }
  const ranked = [...named.entries()].sort((x, y) => y[1] - x[1]);
  const out = [ranked[0]![0]];
  // a second colour only when it covers a real share of the garment
  for (const [name, share] of ranked.slice(1)) if (out.length < max && share >= 0.25) out.push(name);
  return out;
}
