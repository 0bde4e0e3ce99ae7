// The angle of a label's text lines (a tag photographed a little askew): tesseract's line
// recogniser reads text within a few degrees of horizontal, and labels come rotated by ±15°.
// Projection profile on the strokes' edges: for each candidate angle the edge points are projected
// on the axis across the lines; at the text's angle the lines and the gaps between them separate
// best (the sum of squared bin counts peaks).
import sharp from 'sharp';

/** degrees tried either side of horizontal */
export const DESKEW_RANGE = 16;
const EDGE = 480; // analysis size (long edge); text lines stay several px tall

/** The rotation (degrees, sharp's sense) that brings the text horizontal; 0 when no angle stands out. */
export async function textAngle(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image).autoOrient().resize(EDGE, EDGE, { fit: 'inside' }).greyscale().normalise().raw().toBuffer({ resolveWithObject: true });
  const w = info.width, h = info.height;
  // stroke edges: strong vertical + horizontal gradient, the top ~8 % of the frame
  const mag = new Float32Array(w * h);
  const hist = new Uint32Array(256);
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    const g = Math.abs(data[i + 1]! - data[i - 1]!) + Math.abs(data[i + w]! - data[i - w]!);
    mag[i] = g;
    hist[Math.min(255, g >> 1)]++;
  }
  let cut = 255, acc = 0;
  const want = 0.08 * w * h;
  while (cut > 4 && acc + hist[cut]! < want) acc += hist[cut--]!;
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < mag.length; i++) if (mag[i]! >> 1 >= cut) { xs.push(i % w - w / 2); ys.push(Math.floor(i / w) - h / 2); }
  if (xs.length < 200) return 0;
  const diag = Math.ceil(Math.hypot(w, h));
  const bins = new Float64Array(diag + 2);
  const score = (deg: number): number => {
    const a = (deg * Math.PI) / 180, s = Math.sin(a), c = Math.cos(a);
    bins.fill(0);
    for (let k = 0; k < xs.length; k++) bins[Math.round(ys[k]! * c - xs[k]! * s + diag / 2)]++;
    let e = 0;
    for (const b of bins) e += b * b;
    return e;
  };
  let best = 0, bestScore = -1, zero = 0;
  for (let d = -DESKEW_RANGE; d <= DESKEW_RANGE; d += 1) {
    const sc = score(d);
    if (d === 0) zero = sc;
    if (sc > bestScore) { bestScore = sc; best = d; }
  }
  // refine to half a degree
  for (const d of [best - 0.5, best + 0.5]) { const sc = score(d); if (sc > bestScore) { bestScore = sc; best = d; } }
  // rows of a tilted frame project best at the tilt: rotating by −tilt levels them
  return bestScore > zero * 1.03 ? -best : 0;
}
