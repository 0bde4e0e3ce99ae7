// A label close-up → brand and size suggestions (OCR + matching). Sideways labels are common (a
// tag photographed along the collar): when the upright reading finds neither, the photo is read
// again turned a quarter each way and the best reading is kept. A label a little askew is first
// turned level by its text's angle (deskew.ts).
import { COMMON_BRANDS, findBrands, findSizes, type Found } from './parse.ts';
import { readText } from './ocr.ts';
import { textAngle } from './deskew.ts';

export interface LabelReading { brands: Found[]; sizes: Found[]; text: string; ms: number }

export async function readLabel(image: Buffer, brands: string[] = COMMON_BRANDS): Promise<LabelReading> {
  let best: LabelReading | null = null;
  let ms = 0;
  // the text's own angle first (labels come ±15° askew), then a quarter turn each way
  const angle = await textAngle(image).catch(() => 0);
  for (const rotate of [angle, 90, 270]) {
    const r = await readText(image, rotate);
    ms += r.ms;
    const reading = { brands: findBrands(r.words, brands), sizes: findSizes(r.text, r.confidence), text: r.text.trim(), ms };
    const weight = (x: LabelReading) => (x.brands[0]?.score ?? 0) + (x.sizes[0]?.score ?? 0);
    if (!best || weight(reading) > weight(best)) best = reading;
    if (best.brands.length || best.sizes.length) break;
  }
  return { ...best!, ms };
}

/** Merges the readings of an article's label photos: the best score per value, best first. */
export function mergeFound(lists: Found[][], limit = 3): Found[] {
  const m = new Map<string, number>();
  for (const l of lists) for (const f of l) m.set(f.value, Math.max(m.get(f.value) ?? 0, f.score));
  return [...m.entries()].map(([value, score]) => ({ value, score })).sort((a, b) => b.score - a.score).slice(0, limit);
}
