// A label close-up → brand and size suggestions (OCR + matching). A label a little askew is first
// turned level by its text's angle (deskew.ts); what that reading misses is looked for again on the
// image binarised; sideways labels (a tag photographed along the collar) are read turned a quarter
// each way when nothing was found. The passes' findings are merged, best score first.
import { COMMON_BRANDS, findBrands, findSizes, type Found } from './parse.ts';
import sharp from 'sharp';
import { OCR_EDGE, readText } from './ocr.ts';
import { textAngle } from './deskew.ts';

export interface LabelReading { brands: Found[]; sizes: Found[]; text: string; ms: number }

export async function readLabel(image: Buffer, brands: string[] = COMMON_BRANDS): Promise<LabelReading> {
  let ms = 0;
  const brandLists: Found[][] = [], sizeLists: Found[][] = [], texts: string[] = [];
  const read = async (rotate: number, binarise: boolean) => {
    const r = await readText(image, rotate, binarise);
    ms += r.ms;
    brandLists.push(findBrands(r.words, brands));
    sizeLists.push(findSizes(r.text, r.confidence));
    if (r.text.trim()) texts.push(r.text.trim());
  };
  const found = () => ({ brand: brandLists.some((l) => l.length), size: sizeLists.some((l) => l.length) });
  // levelled by the text's own angle (labels come ±15° askew); then, for what is still missing, the
  // same binarised; a quarter turn each way only when nothing at all was read
  // a phone photo is decoded once, at the OCR size: every pass turns that copy, not the 12 MP file
  image = await sharp(image).autoOrient().resize(OCR_EDGE, OCR_EDGE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 95 }).toBuffer();
  const angle = await textAngle(image).catch(() => 0);
  await read(angle, false);
  if (!found().brand || !found().size) await read(angle, true);
  for (const rotate of [90, 270]) {
    if (found().brand || found().size) break;
    await read(rotate, false);
  }
  return { brands: mergeFound(brandLists, 5), sizes: mergeFound(sizeLists, 5), text: texts.join('\n'), ms };
}

/** Merges the readings of an article's label photos: the best score per value, best first. */
export function mergeFound(lists: Found[][], limit = 3): Found[] {
  const m = new Map<string, number>();
  for (const l of lists) for (const f of l) m.set(f.value, Math.max(m.get(f.value) ?? 0, f.score));
  return [...m.entries()].map(([value, score]) => ({ value, score })).sort((a, b) => b.score - a.score).slice(0, limit);
}
