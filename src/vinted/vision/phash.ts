// 64-bit perceptual hash (pHash): 32×32 grey → 2-D DCT-II → the 8×8 lowest frequencies (DC excluded
// from the median) → one bit per coefficient above the median. Robust to re-encoding and resizing.
const N = 32;
const COS = (() => {
  const t = new Float64Array(N * N);
  for (let k = 0; k < N; k++) for (let n = 0; n < N; n++) t[k * N + n] = Math.cos((Math.PI / N) * (n + 0.5) * k);
  return t;
})();

/** grey: 32×32 = 1024 luminance values, row-major. Returns 16 hex chars. */
export function phash(grey: Uint8Array | Buffer): string {
  if (grey.length !== N * N) throw new Error(`phash wants ${N}×${N} grey pixels`);
  // separable DCT, only the first 8 output rows/columns are needed
  const rows = new Float64Array(N * 8);
  for (let y = 0; y < N; y++) for (let k = 0; k < 8; k++) {
    let s = 0;
    for (let x = 0; x < N; x++) s += grey[y * N + x]! * COS[k * N + x]!;
    rows[y * 8 + k] = s;
  }
  const coef = new Float64Array(64);
  for (let ky = 0; ky < 8; ky++) for (let kx = 0; kx < 8; kx++) {
    let s = 0;
    for (let y = 0; y < N; y++) s += rows[y * 8 + kx]! * COS[ky * N + y]!;
    coef[ky * 8 + kx] = s;
  }
  const sorted = Array.from(coef.subarray(1)).sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hi = 0, lo = 0;
  for (let i = 0; i < 64; i++) {
    if (coef[i]! > median) {
      if (i < 32) hi |= 1 << (31 - i);
      else lo |= 1 << (63 - i);
    }
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

export function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) { x &= x - 1; d++; }
  }
  return d;
}
