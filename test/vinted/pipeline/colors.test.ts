// Garment colours on generated scenes: drawn at 384×512 and area-averaged to 96×128 with the
// pipeline's own resize (so edges are soft like in a real analysis raster), then named as the
// pipeline does (garmentPixels(r, 3) → dominantColours(px, 2)).
import { describe, expect, it } from 'vitest';
import { areaResize } from '../../../src/vinted/ingest/raster.ts';
import { toLabPlanes } from '../../../src/vinted/vision/color.ts';
import { backgroundMask, COLOUR_LABELS, dominantColours, garmentPixels } from '../../../src/vinted/vision/colors.ts';
import type { Raster } from '../../../src/vinted/vision/features.ts';

type RGB = [number, number, number];
const W = 384, H = 512;
const hex = (s: string): RGB => [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16)];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/** Paints `pixel(x, y)` (in 0..1 frame units) at 384×512 and area-averages to the 96×128 analysis raster. */
function scene(pixel: (x: number, y: number) => RGB): Raster {
  const big = new Uint8Array(W * H * 3);
  for (let y = 0, o = 0; y < H; y++) for (let x = 0; x < W; x++, o += 3) {
    const [r, g, b] = pixel((x + 0.5) / W, (y + 0.5) / H);
    big[o] = Math.max(0, Math.min(255, Math.round(r))); big[o + 1] = Math.max(0, Math.min(255, Math.round(g))); big[o + 2] = Math.max(0, Math.min(255, Math.round(b)));
  }
  return { data: areaResize(big, W, H, 3, 96, 128), width: 96, height: 128, channels: 3 };
}

/** Trousers laid flat: a waistband and two legs with a gap between them. */
const trousers = (x: number, y: number): boolean => y > 0.12 && y < 0.9 && x > 0.28 && x < 0.72 && !(y > 0.42 && x > 0.47 && x < 0.53);
/** A T-shirt laid flat: body and two sleeves. */
const tshirt = (x: number, y: number): boolean => (x > 0.3 && x < 0.7 && y > 0.22 && y < 0.8) || (y > 0.22 && y < 0.38 && x > 0.15 && x < 0.85 && Math.abs(x - 0.5) - (y - 0.22) * 0.6 < 0.35);

const colours = (r: Raster): string[] => dominantColours(garmentPixels(r, 3), 2);

describe('garment colours', () => {
  it('a camera cast seen on a near-white backdrop is taken out: a pale pink T-shirt under cool shade light stays "rose"', () => {
    // cool cast as in bench/vinted/colours-eval.ts (R×0.84, G×0.97, B×1.1) on a white wall
    const cool = (c: RGB): RGB => [c[0] * 0.84, c[1] * 0.97, c[2] * 1.1];
    const plain = scene((x, y) => (tshirt(x, y) ? hex('#eeb4c4') : hex('#ececea')));
    const cast = scene((x, y) => cool(tshirt(x, y) ? hex('#eeb4c4') : hex('#ececea')));
    expect(colours(plain)[0]).toBe('rose');
    expect(colours(cast)[0]).toBe('rose');
  });

  it('a coloured backdrop outside the cast bands (a blue-green rug) is left alone: no correction, the garment keeps its colour', () => {
    const r = scene((x, y) => (tshirt(x, y) ? hex('#f2d22a') : hex('#3f8f8a')));
    expect(colours(r)[0]).toBe('jaune');
  });

  it('keeps the French label set', () => {
    expect(COLOUR_LABELS.map((c) => c.name)).toEqual(['noir', 'gris', 'blanc', 'crème', 'beige', 'marron', 'kaki', 'vert', 'bleu', 'bleu clair', 'marine', 'violet', 'rose', 'rouge', 'bordeaux', 'orange', 'jaune', 'moutarde']);
  });

  it('navy trousers on a plain beige floor (strong light falloff, grain): "marine" alone, the floor does not leak', () => {
    const rnd = rng(1), floor = hex('#e0cdaa'), navy = hex('#1f2b4a');
    const r = scene((x, y) => {
      if (trousers(x, y)) return navy;
      // window light from the top left: no single shade covers much of the border
      const s = 1.02 - 0.45 * Math.hypot(x, y) / 1.4 + (rnd() - 0.5) * 0.06;
      return [floor[0] * s, floor[1] * s, floor[2] * s];
    });
    expect(colours(r)).toEqual(['marine']);
  });

  it('a red T-shirt on wood planks (several browns, grain, dark seams): "rouge" alone', () => {
    const rnd = rng(2);
    const planks: RGB[] = [hex('#a0714a'), hex('#6e4326'), hex('#c09060'), hex('#7b4e2e'), hex('#b07d4f'), hex('#855533'), hex('#caa070'), hex('#94643f')];
    const r = scene((x, y) => {
      if (tshirt(x, y)) return hex('#c42a2a');
      const k = Math.floor(x * 8), p = planks[k]!, seam = x * 8 - k < 0.03 ? 0.55 : 1;
      const g = (1.05 - 0.25 * y + 0.1 * Math.sin(y * 60 + k * 2) + (rnd() - 0.5) * 0.08) * seam;
      return [p[0] * g, p[1] * g, p[2] * g];
    });
    expect(colours(r)).toEqual(['rouge']);
  });

  it('a green dress hanging in front of a white wall above a grey floor (two backdrop colours): "vert" alone', () => {
    const r = scene((x, y) => {
      if (y > 0.08 && y < 0.85 && Math.abs(x - 0.5) < 0.12 + 0.15 * y) return hex('#2f8a4a');
      if (y > 0.72) return hex('#7d7d80'); // floor
      return [236 - 30 * x, 236 - 30 * x, 232 - 30 * x]; // wall, lit from the left
    });
    expect(colours(r)).toEqual(['vert']);
  });

  it('a soft shadow next to a black garment on a white floor is not a garment colour', () => {
    const r = scene((x, y) => {
      if (tshirt(x, y)) return hex('#161618');
      // shadow: the floor darkens smoothly towards the garment's lower right edge
      const d = Math.max(0, 1 - Math.hypot(x - 0.62, y - 0.62) / 0.35);
      const v = 240 - 70 * d;
      return [v, v, v - 4];
    });
    expect(colours(r)).toEqual(['noir']);
  });

  it('an under-exposed white T-shirt (RGB 200, L ≈ 81) on a grey floor is "blanc"; a black one in a dim room stays "noir"', () => {
    expect(colours(scene((x, y) => (tshirt(x, y) ? [200, 200, 198] : [120, 118, 115])))).toEqual(['blanc']);
    expect(colours(scene((x, y) => (tshirt(x, y) ? [24, 24, 26] : [70, 64, 58])))).toEqual(['noir']);
  });

  it('a garment touching the border (hanging shirt cut by the top and bottom edges) is not taken for background', () => {
    const r = scene((x, y) => (Math.abs(x - 0.5) < 0.22 + 0.08 * y ? hex('#2f64c2') : hex('#e9e6df')));
    expect(colours(r)).toEqual(['bleu']);
    // and the blue cells are garment (label 0) in the mask
    const gw = 32, gh = 43, rgb = new Uint8Array(gw * gh * 3);
    for (let gy = 0, k = 0; gy < gh; gy++) for (let gx = 0; gx < gw; gx++, k += 3) rgb.set(r.data.subarray((gy * 3 * 96 + gx * 3) * 3, (gy * 3 * 96 + gx * 3) * 3 + 3), k);
    const { L, A, B } = toLabPlanes(rgb, gw * gh, 3);
    const { label } = backgroundMask(L, A, B, gw, gh);
    expect(label[0 * gw + 16]).toBe(0); // top edge, middle: the shirt
    expect(label[(gh - 1) * gw + 16]).toBe(0); // bottom edge, middle
    expect(label[20 * gw + 1]).toBeGreaterThan(0); // left edge: the wall
  });

  it('a close-up filling the frame (the whole border is garment) still names the garment', () => {
    const rnd = rng(3);
    const r = scene(() => { const s = 1 + (rnd() - 0.5) * 0.1; return [0x6a * s, 0x1c * s, 0x2c * s]; });
    expect(colours(r)).toEqual(['bordeaux']);
  });

  it('a beige garment on a cream floor (close colours) is "beige", the floor does not count', () => {
    const r = scene((x, y) => (trousers(x, y) ? hex('#b89a6e') : hex('#ece4d2')));
    expect(colours(r)).toEqual(['beige']);
  });

  it('a striped two-colour garment on a grey floor gives both labels and not the floor', () => {
    const r = scene((x, y) => (tshirt(x, y) ? (Math.floor(y * 20) % 2 ? hex('#c42a2a') : hex('#f4f4f2')) : hex('#8a8a8c')));
    const c = colours(r);
    expect(c).toHaveLength(2);
    expect([...c].sort()).toEqual(['blanc', 'rouge']);
  });

  it('a small garment on a large patterned rug: the rug (modes: red ground, cream and blue motifs) does not leak', () => {
    const rnd = rng(4);
    const r = scene((x, y) => {
      if (Math.hypot((x - 0.5) * 0.75, y - 0.5) < 0.12) return hex('#f2d22a'); // a yellow cap
      const u = Math.floor(x * 12) + Math.floor(y * 16), fx = (x * 12) % 1 - 0.5, fy = (y * 16) % 1 - 0.5;
      if (fx * fx + fy * fy < 0.06) return u % 2 ? hex('#e6d7b4') : hex('#283c78');
      return [150 + (rnd() - 0.5) * 20, 30, 40];
    });
    expect(colours(r)[0]).toBe('jaune');
    expect(colours(r)).not.toContain('rouge');
  });

  it('reads RGBA rasters like RGB ones, and tiny rasters (no border/middle split) still give a colour', () => {
    const rgb = scene((x, y) => (tshirt(x, y) ? hex('#2f8a4a') : hex('#d6c3a2')));
    const rgba = new Uint8Array(96 * 128 * 4);
    for (let i = 0; i < 96 * 128; i++) { rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4); rgba[i * 4 + 3] = 255; }
    expect(garmentPixels({ data: rgba, width: 96, height: 128, channels: 4 }, 3)).toEqual(garmentPixels(rgb, 3));
    for (const [w, h] of [[1, 1], [2, 3], [5, 5]] as const) {
      const data = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) data.set(hex('#c42a2a'), i * 3);
      expect(colours({ data, width: w, height: h, channels: 3 })).toEqual(['rouge']);
    }
  });

  it('pixels of several photos join with flatMap (as the pipeline does) and name the article', () => {
    const a = scene((x, y) => (tshirt(x, y) ? hex('#2f8a4a') : hex('#d6c3a2')));
    const b = scene((x, y) => (trousers(x, y) ? hex('#2f8a4a') : hex('#7d7d80')));
    const px = [a, b].flatMap((r) => garmentPixels(r, 3));
    expect(px.length % 4).toBe(0);
    expect(dominantColours(px, 2)).toEqual(['vert']);
    expect(dominantColours([], 2)).toEqual([]);
  });
});
