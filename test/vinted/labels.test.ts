// Reading labels offline: brand and size found in OCR text (with OCR's usual slips), and the whole
// reader (tesseract.js with the packaged eng/fra models, no network) on generated label photos
// (test/fixtures/vinted/labels, made by scripts/garments/labels-render.ts; label-300003 is one the
// reader missed before it levelled the text by its angle, label-300007 one it missed before the
// binarised pass).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMON_BRANDS, findBrands, findSizes } from '../../src/vinted/labels/parse.ts';
import { closeOcr, langDir } from '../../src/vinted/labels/ocr.ts';
import { readLabel } from '../../src/vinted/labels/read.ts';
import { textAngle } from '../../src/vinted/labels/deskew.ts';
import sharp from 'sharp';

const DIR = path.resolve(import.meta.dirname, '../fixtures/vinted/labels');
const words = (s: string, c = 90) => s.split(/\s+/).filter(Boolean).map((text) => ({ text, confidence: c }));

afterAll(() => closeOcr());

describe('sizes on a label', () => {
  it.each([
    ['TAILLE M\n100% COTON', 'M'],
    ['SIZE XL', 'XL'],
    ['M\nEU 40 / UK 12 / US 8', 'M'],
    ['EU 40 / UK 12 / US 8', '40'],
    ['W32 L34', 'W32 L34'],
    ['W 30 [32', 'W30 L32'],
    ['W31/L30', 'W31 L30'],
    ['w30 130', 'W30 L30'],
    ['T. 38', '38'],
    ['FR 42\nMADE IN PORTUGAL', '42'],
    ['EUR 43', '43'],
    ['8 ANS', '8 ans'],
  ])('%j → %s', (text, size) => {
    expect(findSizes(text)[0]?.value).toBe(size);
  });

  it('finds no size in text without one', () => {
    expect(findSizes('100% COTTON\nMADE IN CHINA\nLAVAGE 30°')).toEqual([]);
  });
});

describe('brands on a label', () => {
  it('matches whole brand names, also with an OCR slip, and not inside other words', () => {
    expect(findBrands(words("LEVI'S"), COMMON_BRANDS)[0]?.value).toBe("Levi's");
    expect(findBrands(words('TOMMY HILFIGEB'), COMMON_BRANDS)[0]?.value).toBe('Tommy Hilfiger');
    expect(findBrands(words('Pull & Bear'), COMMON_BRANDS)[0]?.value).toBe('Pull&Bear');
    expect(findBrands(words('MADE IN PORTUGAL 100% COTON'), COMMON_BRANDS)).toEqual([]);
    // 3 letters must be exact: "GAB" is not Gap
    expect(findBrands(words('GAB'), COMMON_BRANDS).map((b) => b.value)).not.toContain('Gap');
  });

  it('scores by the words’ OCR confidence', () => {
    const sure = findBrands(words('ZARA', 95), COMMON_BRANDS)[0]!;
    const unsure = findBrands(words('ZARA', 40), COMMON_BRANDS)[0]!;
    expect(sure.score).toBeGreaterThan(unsure.score);
  });
});

describe('deskew', () => {
  it('finds the angle that levels a label\'s text lines, and 0 on a level one', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420"><rect width="640" height="420" fill="#f7f4ee"/>'
      + '<text x="320" y="110" font-family="DejaVu Sans" font-size="64" text-anchor="middle">LACOSTE</text>'
      + '<text x="320" y="210" font-family="DejaVu Sans" font-size="42" text-anchor="middle">TAILLE M</text>'
      + '<text x="320" y="300" font-family="DejaVu Sans" font-size="24" text-anchor="middle">100% COTON</text></svg>';
    const level = await sharp(Buffer.from(svg)).png().toBuffer();
    for (const tilt of [-12, -6, 0, 8, 14]) {
      const photo = await sharp(level).rotate(tilt, { background: '#2b4c7e' }).jpeg().toBuffer();
      expect(Math.abs(await textAngle(photo) + tilt), `tilt ${tilt}°`).toBeLessThanOrEqual(1.5);
    }
  });
});

describe('label reader (tesseract.js, offline)', () => {
  const truth = JSON.parse(fs.readFileSync(path.join(DIR, 'truth.json'), 'utf8')) as { file: string; brand: string; size: string }[];

  it('reads the packaged traineddata from node_modules, not from a CDN', () => {
    const dir = langDir();
    for (const lang of ['eng', 'fra']) {
      const target = fs.realpathSync(path.join(dir, `${lang}.traineddata.gz`));
      expect(target).toContain(`node_modules/@tesseract.js-data/${lang}/`);
    }
  });

  it.each(truth.map((t) => [t.file, t] as const))('reads brand and size on %s', async (_f, t) => {
    const cwdBefore = new Set(fs.readdirSync(process.cwd()));
    const r = await readLabel(fs.readFileSync(path.join(DIR, t.file)));
    expect(r.brands[0]?.value, r.text).toBe(t.brand);
    expect(r.sizes[0]?.value, r.text).toBe(t.size);
    expect(r.brands[0]!.score).toBeGreaterThan(0.5);
    // cacheMethod 'none': no traineddata copy left in the working directory
    expect(fs.readdirSync(process.cwd()).filter((f) => !cwdBefore.has(f))).toEqual([]);
  }, 60_000);
});
