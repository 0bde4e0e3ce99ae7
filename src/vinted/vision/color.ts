// sRGB ↔ CIE Lab (D65). Lab is used wherever colours are compared: distances there follow perception.
const LIN = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  LIN[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);

export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = LIN[r]!, G = LIN[g]!, B = LIN[b]!;
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = f(x), fy = f(y), fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** Converts an interleaved RGB(A) buffer to three Float32 planes L, a, b (same arithmetic as rgbToLab, inlined: it runs on every analysis pixel). */
export function toLabPlanes(data: Buffer | Uint8Array, n: number, channels: number): { L: Float32Array; A: Float32Array; B: Float32Array } {
  const L = new Float32Array(n), A = new Float32Array(n), B = new Float32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += channels) {
    const R = LIN[data[o]!]!, G = LIN[data[o + 1]!]!, Bl = LIN[data[o + 2]!]!;
    const fx = f((0.4124564 * R + 0.3575761 * G + 0.1804375 * Bl) / 0.95047);
    const fy = f(0.2126729 * R + 0.7151522 * G + 0.072175 * Bl);
    const fz = f((0.0193339 * R + 0.119192 * G + 0.9503041 * Bl) / 1.08883);
    L[i] = 116 * fy - 16; A[i] = 500 * (fx - fy); B[i] = 200 * (fy - fz);
  }
  return { L, A, B };
}

export function hexToLab(hex: string): [number, number, number] {
  const v = parseInt(hex.replace('#', ''), 16);
  return rgbToLab((v >> 16) & 255, (v >> 8) & 255, v & 255);
}
