// The garment classifier's input: the decoded working raster squashed to a fixed square (the whole
// garment stays in view; the classifier was trained on exactly this, see scripts/garments/).
// Kept apart from the ONNX runtime so that decoding and training import no native module.
import { areaResize } from '../ingest/raster.ts';

/** edge of the square input (px) */
export const GARMENT_INPUT = 224;

/** Bilinear resize (used only when the source is smaller than the target: an area average would leave holes). */
function bilinear(src: Uint8Array, w: number, h: number, ch: number, dw: number, dh: number): Buffer {
  const out = Buffer.allocUnsafe(dw * dh * 3);
  for (let y = 0, k = 0; y < dh; y++) {
    const fy = Math.max(0, Math.min(h - 1, ((y + 0.5) * h) / dh - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(h - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.max(0, Math.min(w - 1, ((x + 0.5) * w) / dw - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(w - 1, x0 + 1), wx = fx - x0;
      for (let c = 0; c < 3; c++, k++) {
        const a = src[(y0 * w + x0) * ch + c]!, b = src[(y0 * w + x1) * ch + c]!;
        const d = src[(y1 * w + x0) * ch + c]!, e = src[(y1 * w + x1) * ch + c]!;
        out[k] = Math.round((a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy);
      }
    }
  }
  return out;
}

/** RGB raster (3 or 4 channels) → GARMENT_INPUT² × 3 bytes, aspect not kept. */
export function garmentRaster(src: Uint8Array, w: number, h: number, ch: number): Buffer {
  const S = GARMENT_INPUT;
  if (w >= S && h >= S) {
    const r = areaResize(src, w, h, ch, S, S);
    if (ch === 3) return r;
    const out = Buffer.allocUnsafe(S * S * 3);
    for (let i = 0; i < S * S; i++) { out[i * 3] = r[i * ch]!; out[i * 3 + 1] = r[i * ch + 1]!; out[i * 3 + 2] = r[i * ch + 2]!; }
    return out;
  }
  return bilinear(src, w, h, ch, S, S);
}
