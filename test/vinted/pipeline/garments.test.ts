// The shipped garment classifier (src/vinted/vision/models/garments.onnx) at work: loaded with no
// download and no configuration, an article's category from its photos, "à choisir" with the top 3
// when unsure, label close-ups detected and read, and a broken model never losing the photos.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../src/vinted/ingest/decode.ts';
import { closeOcr } from '../../../src/vinted/labels/ocr.ts';
import { classLabels, GARMENT_CLASSES } from '../../../src/vinted/vision/classes.ts';
import { categoryFromScores, combineProbs, GARMENT_MODEL, loadGarmentModel } from '../../../src/vinted/vision/garments.ts';
import { runPipeline } from '../../../src/vinted/vision/pipeline.ts';
import { options, store, tempDir } from './helpers.ts';

const FIX = path.resolve(import.meta.dirname, '../../fixtures/vinted');
const GARMENT_DIR = path.join(FIX, 'garments');
afterAll(() => closeOcr());

describe('garment classifier', () => {
  it('ships inside the project (≤ 20 MB) and loads offline', async () => {
    expect(fs.statSync(GARMENT_MODEL).size).toBeLessThanOrEqual(20 * 1024 * 1024);
    const m = await loadGarmentModel();
    expect(m.classes).toEqual(GARMENT_CLASSES);
    const dec = await decodePhoto(fs.readFileSync(path.join(GARMENT_DIR, 'IMG_0101.jpg')), 'IMG_0101.jpg');
    const a = await m.classify(dec.garment), b = await m.classify(dec.garment);
    expect(Array.from(a.probs)).toEqual(Array.from(b.probs)); // deterministic
    expect(a.probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 4);
    expect(Math.hypot(...a.embedding)).toBeCloseTo(1, 3);
    expect(a.embedding.length).toBe(m.embeddingDim);
    expect(a.label).toBeLessThan(0.5);
  });

  it('refuses a missing model with a message that says what to do', async () => {
    await expect(loadGarmentModel('/nonexistent/garments.onnx')).rejects.toThrow(/missing.*train:garments/);
  });

  it('sees a label close-up as a label, not as a garment', async () => {
    const m = await loadGarmentModel();
    const dec = await decodePhoto(fs.readFileSync(path.join(FIX, 'labels/label-7001.jpg')), 'label.jpg');
    expect((await m.classify(dec.garment)).label).toBeGreaterThanOrEqual(0.5);
  });

  it('combines an article’s photos and leaves an unsure one to the seller with the top 3', () => {
    const K = GARMENT_CLASSES.length;
    const p = (k: number, v: number) => Float32Array.from({ length: K }, (_, i) => (i === k ? v : (1 - v) / (K - 1)));
    // two confident "pants" views outweigh one "shorts" view (a geometric mean: the disagreement
    // lowers the score, 0.47 here, so this article is "à choisir" at 0.5 and named at 0.4)
    const s = combineProbs([p(4, 0.8), p(4, 0.7), p(7, 0.6)]);
    expect(s.indexOf(Math.max(...s))).toBe(4);
    const labels = classLabels();
    expect(categoryFromScores(s, labels, 0.5).category).toBeNull();
    expect(categoryFromScores(s, labels, 0.4).category).toBe('pantalon');
    const unsure = categoryFromScores(combineProbs([p(0, 0.35)]), labels, 0.5);
    expect(unsure.category).toBeNull();
    expect(unsure.suggestions).toHaveLength(3);
    expect(unsure.suggestions[0]!.category).toBe('robe');
    // the labels are the seller's when configured
    expect(categoryFromScores(s, classLabels({ pants: 'jean' }), 0.4).category).toBe('jean');
  });
});

describe('pipeline with the classifier', () => {
  it('gives each article of the 20-photo fixture a category and its top 3 (no model download, no setting)', async () => {
    const dir = await tempDir();
    const inputs = fs.readdirSync(GARMENT_DIR).sort().map((name) => ({ name, path: path.join(GARMENT_DIR, name) }));
    const r = await runPipeline(inputs, options({ categories: [], blobPrefix: 'g/' }), store(dir));
    // 5 garments; grouping may set a close-up apart (measured: 8 articles, the three 50 % close-ups alone)
    expect(r.clusters.length).toBeGreaterThanOrEqual(5);
    for (const c of r.clusters) {
      expect(c.suggestions?.category).toHaveLength(3);
      expect(c.suggestions!.category![0]!.source).toBe('classifier');
      if (c.category) expect(c.category).toBe(c.suggestions!.category![0]!.value);
    }
    // per garment: the category of the article holding most of its 4 photos
    const expected = ['robe', 'pantalon', 'chaussures', 'short', 't-shirt'];
    const fileOf = new Map(r.photos.map((p) => [p.id, p.file]));
    let right = 0;
    for (const [g, want] of expected.entries()) {
      const names = [0, 1, 2, 3].map((k) => `IMG_0${101 + 4 * g + k}.jpg`);
      const home = r.clusters.map((c) => ({ c, hits: c.photos.filter((p) => names.includes(fileOf.get(p)!)).length })).sort((a, b) => b.hits - a.hits)[0]!;
      if (home.c.category === want) right++;
    }
    expect(right).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('reads the brand and size on a label photo of an article, and the label does not vote on the category', async () => {
    const dir = await tempDir();
    const inputs = [
      ...['IMG_0105.jpg', 'IMG_0106.jpg', 'IMG_0107.jpg'].map((name) => ({ name, path: path.join(GARMENT_DIR, name) })),
      { name: 'IMG_0108.jpg', path: path.join(FIX, 'labels/label-7002.jpg') },
    ];
    const logs: string[] = [];
    const r = await runPipeline(inputs, options({ categories: [], blobPrefix: 'l/' }), store(dir), { log: (_l, m) => logs.push(m) });
    const withLabel = r.clusters.find((c) => c.suggestions?.label_photos?.length);
    expect(withLabel, logs.join('\n')).toBeDefined();
    const truth = JSON.parse(fs.readFileSync(path.join(FIX, 'labels/truth.json'), 'utf8')).find((t: { file: string }) => t.file === 'label-7002.jpg');
    expect(withLabel!.suggestions!.brand?.[0]).toMatchObject({ value: truth.brand, source: 'ocr' });
    expect(withLabel!.suggestions!.size?.[0]).toMatchObject({ value: truth.size, source: 'ocr' });
    expect(logs.some((l) => l.startsWith('label read on IMG_0108.jpg'))).toBe(true);
  }, 120_000);

  it('without the classifier the photos are still grouped, with no category', async () => {
    const dir = await tempDir();
    const inputs = fs.readdirSync(GARMENT_DIR).sort().slice(0, 8).map((name) => ({ name, path: path.join(GARMENT_DIR, name) }));
    const r = await runPipeline(inputs, options({ categories: [], classifier: false, blobPrefix: 'n/' }), store(dir));
    expect(r.clusters.length).toBeGreaterThanOrEqual(2);
    expect(r.clusters.every((c) => c.category === null && !c.suggestions?.category)).toBe(true);
  }, 60_000);
});
