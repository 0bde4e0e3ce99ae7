// Offline OCR of label close-ups: tesseract.js (WebAssembly) with the English and French LSTM models
// shipped by the npm packages @tesseract.js-data/eng and /fra. The traineddata is read from
// node_modules through a folder of links (tesseract.js reads every language from one `langPath`);
// a local path is never fetched, and cacheMethod 'none' keeps it from writing copies into the
// working directory. One worker per process, created on first use and reused.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { LabelWord } from './parse.ts';

const require = createRequire(import.meta.url);
export const OCR_LANGS = ['eng', 'fra'] as const;
/** LSTM-only integer models: the ones tesseract.js uses with its default engine */
const DATA_VARIANT = '4.0.0_best_int';
/** label text is small on a phone close-up: the long edge is brought to this before OCR */
export const OCR_EDGE = 1600;

export interface OcrResult { text: string; words: LabelWord[]; confidence: number; ms: number }

/** The folder of links to the packaged traineddata (built once per process). */
export function langDir(): string {
  const dir = path.join(os.tmpdir(), `atelier-tessdata-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const lang of OCR_LANGS) {
    const src = path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), DATA_VARIANT, `${lang}.traineddata.gz`);
    if (!fs.existsSync(src)) throw new Error(`OCR: ${src} is missing (npm package @tesseract.js-data/${lang})`);
    const link = path.join(dir, `${lang}.traineddata.gz`);
    if (!fs.existsSync(link)) fs.symlinkSync(src, link);
  }
  return dir;
}

type Worker = import('tesseract.js').Worker;
let worker: Promise<Worker> | null = null;

async function getWorker(): Promise<Worker> {
  if (!worker) {
    worker = (async () => {
      const { createWorker, OEM, PSM } = await import('tesseract.js');
      const w = await createWorker([...OCR_LANGS], OEM.LSTM_ONLY, { langPath: langDir(), cacheMethod: 'none', gzip: true });
      // labels: sparse lines of text in any order
      await w.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT, user_defined_dpi: '300' });
      return w;
    })();
    worker.catch(() => { worker = null; });
  }
  return worker;
}

/** Stops the OCR worker (tests, shutdown). */
export async function closeOcr(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await (await w).terminate().catch(() => {});
}

/**
 * Grey, long edge OCR_EDGE, turned by `rotate` degrees (any angle: deskew): contrast-stretched, or
 * binarised after a local contrast equalisation (CLAHE) — a pale label on a pale backdrop under a
 * light gradient gives tesseract nothing until its text is made black on white.
 */
async function prepare(image: Buffer, rotate = 0, binarise = false): Promise<Buffer> {
  const upright = sharp(image).autoOrient();
  // a grey fill for the corners a free rotation opens (black or white would draw a hard edge)
  const turned = rotate ? sharp(await upright.rotate(rotate, { background: '#808080' }).toBuffer()) : upright;
  const grey = turned.resize(OCR_EDGE, OCR_EDGE, { fit: 'inside' }).greyscale();
  return (binarise ? grey.clahe({ width: 64, height: 64, maxSlope: 3 }).threshold(128) : grey.normalise()).png({ compressionLevel: 1 }).toBuffer();
}

export async function readText(image: Buffer, rotate = 0, binarise = false): Promise<OcrResult> {
  const t = performance.now();
  const w = await getWorker();
  const { data } = await w.recognize(await prepare(image, rotate, binarise), {}, { text: true, blocks: true });
  const words: LabelWord[] = [];
  for (const b of data.blocks ?? []) for (const p of b.paragraphs) for (const l of p.lines) for (const wd of l.words) words.push({ text: wd.text, confidence: wd.confidence });
  return { text: data.text, words, confidence: data.confidence, ms: performance.now() - t };
}
