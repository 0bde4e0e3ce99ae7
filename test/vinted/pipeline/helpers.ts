// Small generated inputs for the pipeline tests: "shots" of the fixture garments (crops, small
// rotations, exposure shifts, a close-up), a few hundred px, made with sharp at test time.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { LocalBlobStore } from '../../../src/core/files.ts';
import type { PipelineOptions } from '../../../src/vinted/vision/types.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/vinted');
export const GARMENTS = ['dress-rose', 'pants-vert', 'outwear-rouge', 'tshirt-noir'] as const;
export const GARMENT_COLOUR: Record<string, string> = { 'dress-rose': 'rose', 'pants-vert': 'vert', 'outwear-rouge': 'rouge', 'tshirt-noir': 'noir' };

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export type ShotKind = 'front' | 'crop' | 'rotate' | 'closeup';

/** One shot of a fixture garment. */
export async function shot(garment: string, kind: ShotKind, seed = 0): Promise<Buffer> {
  const src = fixture(`${garment}.jpg`);
  const { width: w = 300, height: h = 400 } = await sharp(src).metadata();
  let img = sharp(src);
  if (kind === 'crop') img = img.extract({ left: Math.round(w * 0.08), top: Math.round(h * (0.05 + seed * 0.02)), width: Math.round(w * 0.84), height: Math.round(h * 0.85) });
  if (kind === 'closeup') img = img.extract({ left: Math.round(w * 0.22), top: Math.round(h * 0.25), width: Math.round(w * 0.56), height: Math.round(h * 0.5) });
  if (kind === 'rotate') {
    const rotated = await sharp(src).rotate(5 + seed, { background: '#d8d4cc' }).linear(1.1, 0).toBuffer();
    const m = await sharp(rotated).metadata();
    img = sharp(rotated).extract({ left: Math.round((m.width! - w) / 2), top: Math.round((m.height! - h) / 2), width: w, height: h });
  }
  if (kind === 'front') img = img.linear(0.93, 4);
  return img.resize(360, 480, { fit: 'cover' }).jpeg({ quality: 88 }).toBuffer();
}

export async function tempDir(prefix = 'vinted-pipeline-'): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function store(dir: string): LocalBlobStore {
  return new LocalBlobStore(path.join(dir, 'blobs'));
}

export function options(over: Partial<PipelineOptions> = {}): PipelineOptions {
  return { backend: 'classic', dupHamming: 5, maxPerArticle: 8, categories: ['robe', 'pantalon', 'veste', 't-shirt'], modelsDir: '', blobPrefix: 'job-test/', ...over };
}

/** Adjusted Rand Index (for grouping assertions on shuffled input). */
export function ari(truth: string[], pred: string[]): number {
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const count = (xs: string[]) => { const m = new Map<string, number>(); for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1); return m; };
  const joint = count(truth.map((t, i) => `${t}|${pred[i]}`));
  let idx = 0, sa = 0, sb = 0;
  for (const v of joint.values()) idx += c2(v);
  for (const v of count(truth).values()) sa += c2(v);
  for (const v of count(pred).values()) sb += c2(v);
  const exp = (sa * sb) / c2(truth.length);
  return (idx - exp) / ((sa + sb) / 2 - exp);
}
