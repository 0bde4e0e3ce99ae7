// Small rasters for the analysis, computed in JS from the decoded working raster: an area average
// (each source pixel counted once, in the output cell it falls in) is the right filter for shrinking
// by 2–16×, and doing it here costs ~1 ms where three more sharp pipelines cost ~12 ms per photo.

/** Area-average resize of an interleaved 8-bit raster to exactly dw×dh (aspect not kept: the caller chooses). */
export function areaResize(src: Uint8Array, w: number, h: number, ch: number, dw: number, dh: number): Buffer {
  if (w === 2 * dw && h === 2 * dh) return halve(src, dw, dh, ch);
  const xm = new Int32Array(w);
  for (let x = 0; x < w; x++) xm[x] = Math.min(dw - 1, Math.floor((x * dw) / w));
  // integer sums: 8-bit values, at most (w/dw+1)·(h/dh+1) of them per cell, far below 2^32
  const acc = new Uint32Array(dw * dh * ch);
  const cnt = new Uint32Array(dw * dh);
  for (let y = 0, o = 0; y < h; y++) {
    const row = Math.min(dh - 1, Math.floor((y * dh) / h)) * dw;
    if (ch === 3) {
      for (let x = 0; x < w; x++, o += 3) {
        const cell = row + xm[x]!, d = cell * 3;
        acc[d] += src[o]!; acc[d + 1] += src[o + 1]!; acc[d + 2] += src[o + 2]!;
        cnt[cell]++;
      }
    } else {
      for (let x = 0; x < w; x++, o += ch) {
        const cell = row + xm[x]!, d = cell * ch;
        for (let c = 0; c < ch; c++) acc[d + c] += src[o + c]!;
        cnt[cell]++;
      }
    }
  }
  const out = Buffer.allocUnsafe(dw * dh * ch);
  for (let i = 0, k = 0; i < dw * dh; i++) {
    const n = cnt[i] || 1, half = n >> 1;
    for (let c = 0; c < ch; c++, k++) out[k] = ((acc[k]! + half) / n) | 0;
  }
  return out;
}

/** Output size that fits `edge` on the long side, aspect kept, never enlarged. */
export function fitInside(w: number, h: number, edge: number): { width: number; height: number } {
  const k = Math.min(1, edge / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)) };
}

/** Rec. 709 luma of an interleaved RGB(A) raster. */
export function luma(src: Uint8Array, n: number, ch: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  // weights ×256 (54 + 183 + 19 = 256): integer arithmetic, rounded
  for (let i = 0, o = 0; i < n; i++, o += ch) out[i] = (54 * src[o]! + 183 * src[o + 1]! + 19 * src[o + 2]! + 128) >> 8;
  return out;
}

/** Exact 2× area average (the usual case: 512 → 256 → 128), one output row from two input rows. */
function halve(src: Uint8Array, dw: number, dh: number, ch: number): Buffer {
  const out = Buffer.allocUnsafe(dw * dh * ch);
  const stride = 2 * dw * ch;
  let k = 0;
  for (let y = 0; y < dh; y++) {
    let a = 2 * y * stride, b = a + stride;
    for (let x = 0; x < dw; x++, a += ch, b += ch) {
      for (let c = 0; c < ch; c++, k++) out[k] = (src[a + c]! + src[a + ch + c]! + src[b + c]! + src[b + ch + c]! + 2) >> 2;
      a += ch; b += ch;
    }
  }
  return out;
}
