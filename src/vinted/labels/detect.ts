// Is this photo a label or tag close-up? A cheap text detector on a small grey raster: locally
// thresholded (both polarities), connected components shaped like characters (size, aspect, fill),
// and how many of them sit in rows with neighbours of the same height. A garment photo has a few
// such blobs (buttons, a print); a label close-up has dozens in lines. Only photos that pass go to
// the OCR (seconds each), so this decides how much the label reading costs.
export const DETECT_EDGE = 384;

export interface TextScore { characters: number; inRows: number; score: number }

function integral(g: Uint8Array, w: number, h: number): Float64Array {
  const s = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) { row += g[y * w + x]!; s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1]! + row; }
  }
  return s;
}

interface Box { x0: number; y0: number; x1: number; y1: number; n: number }

function components(mask: Uint8Array, w: number, h: number): Box[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const out: Box[] = [];
  for (let i = 0; i < w * h; i++) {
    if (!mask[i] || seen[i]) continue;
    let sp = 0; stack[sp++] = i; seen[i] = 1;
    const b: Box = { x0: w, y0: h, x1: 0, y1: 0, n: 0 };
    while (sp) {
      const p = stack[--sp]!, x = p % w, y = (p - x) / w;
      b.n++; if (x < b.x0) b.x0 = x; if (x > b.x1) b.x1 = x; if (y < b.y0) b.y0 = y; if (y > b.y1) b.y1 = y;
      if (x > 0 && mask[p - 1] && !seen[p - 1]) { seen[p - 1] = 1; stack[sp++] = p - 1; }
      if (x < w - 1 && mask[p + 1] && !seen[p + 1]) { seen[p + 1] = 1; stack[sp++] = p + 1; }
      if (y > 0 && mask[p - w] && !seen[p - w]) { seen[p - w] = 1; stack[sp++] = p - w; }
      if (y < h - 1 && mask[p + w] && !seen[p + w]) { seen[p + w] = 1; stack[sp++] = p + w; }
    }
    out.push(b);
  }
  return out;
}

/** Text-likeness of a grey raster (long edge about DETECT_EDGE). */
export function textScore(grey: Uint8Array, w: number, h: number): TextScore {
  const s = integral(grey, w, h);
  const R = Math.max(6, Math.round(Math.max(w, h) / 40));
  const dark = new Uint8Array(w * h), light = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const x0 = Math.max(0, x - R), x1 = Math.min(w, x + R + 1), y0 = Math.max(0, y - R), y1 = Math.min(h, y + R + 1);
    const mean = (s[y1 * (w + 1) + x1]! - s[y0 * (w + 1) + x1]! - s[y1 * (w + 1) + x0]! + s[y0 * (w + 1) + x0]!) / ((x1 - x0) * (y1 - y0));
    const v = grey[y * w + x]!;
    if (v < mean - 18) dark[y * w + x] = 1;
    else if (v > mean + 18) light[y * w + x] = 1;
  }
  const minH = Math.max(4, h * 0.012), maxH = h * 0.12;
  const chars = [...components(dark, w, h), ...components(light, w, h)].filter((b) => {
    const bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;
    const fill = b.n / (bw * bh);
    return bh >= minH && bh <= maxH && bw / bh >= 0.15 && bw / bh <= 1.6 && fill >= 0.15 && fill <= 0.9 && b.n >= 10;
  });
  // a character with a neighbour of similar height on the same line, within 1.5 heights
  let inRows = 0;
  for (const a of chars) {
    const ah = a.y1 - a.y0 + 1, acy = (a.y0 + a.y1) / 2;
    if (chars.some((b) => b !== a && Math.abs((b.y0 + b.y1) / 2 - acy) < ah * 0.35 && Math.abs((b.y1 - b.y0 + 1) / ah - 1) < 0.4
      && Math.min(Math.abs(b.x0 - a.x1), Math.abs(a.x0 - b.x1)) < ah * 1.5)) inRows++;
  }
  return { characters: chars.length, inRows, score: inRows };
}

/** photos scoring at least this many characters in rows are read by the OCR */
export const LABEL_MIN_SCORE = 12;
