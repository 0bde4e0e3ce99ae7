// A small shoot of the fixture garments (4 garments × 3 shots, a few hundred px): dedup, grouping
// in capture order and shuffled, colours, stored blobs, capture order from EXIF time.
import fsp from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterPhotos, localScale } from '../../../src/vinted/vision/cluster.ts';
import { hamming, phash } from '../../../src/vinted/vision/phash.ts';
import { runPipeline } from '../../../src/vinted/vision/pipeline.ts';
import type { PipelineInput } from '../../../src/vinted/vision/types.ts';
import { dominantColours, garmentPixels, nameColour } from '../../../src/vinted/vision/colors.ts';
import { rgbToLab } from '../../../src/vinted/vision/color.ts';
import { centreCrop, classicEmbedding, cosineDistance, standardise, viewDistances, type Raster } from '../../../src/vinted/vision/features.ts';
import { ari, GARMENT_COLOUR, GARMENTS, options, shot, store, tempDir, type ShotKind } from './helpers.ts';

let dir: string;
const KINDS: ShotKind[] = ['front', 'rotate', 'crop'];
/** capture order: IMG_0001… garment by garment; truth[name] = garment */
const shoot: { name: string; data: Buffer; garment: string }[] = [];

beforeAll(async () => {
  dir = await tempDir();
  let i = 0;
  for (const g of GARMENTS) for (const k of KINDS) shoot.push({ name: `IMG_${String(++i).padStart(4, '0')}.jpg`, data: await shot(g, k, i % 3), garment: g });
});
afterAll(async () => { await fsp.rm(dir, { recursive: true, force: true }); });

function partition(r: Awaited<ReturnType<typeof runPipeline>>): string[][] {
  const byId = new Map(r.photos.map((p) => [p.id, p.file]));
  return r.clusters.map((c) => c.photos.map((id) => byId.get(id)!));
}

describe('pHash', () => {
  it('is stable under re-encoding and resizing, and far apart for different garments', async () => {
    const grey = async (b: Buffer) => sharp(b).greyscale().resize(32, 32, { fit: 'fill' }).raw().toBuffer();
    const a = shoot[0]!.data;
    const re = await sharp(a).resize(270).jpeg({ quality: 60 }).toBuffer();
    expect(hamming(phash(await grey(a)), phash(await grey(re)))).toBeLessThanOrEqual(4);
    expect(hamming(phash(await grey(a)), phash(await grey(shoot[3]!.data)))).toBeGreaterThan(10);
    expect(phash(await grey(a))).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('clusterPhotos, order-free mode', () => {
  // photos as points on a line (distance = gap): three garments of a crowded class (shots within
  // 0.06, garments 0.4 apart) and three garments shot more loosely (shots up to 0.75 apart, 1.5
  // between garments); names shuffled. A single threshold of 0.5 merges the crowded garments.
  const xs: number[] = [], truth: number[] = [];
  [0, 0.4, 0.8].forEach((c, g) => [-0.03, -0.01, 0.01, 0.03].forEach((o) => { xs.push(c + o); truth.push(g); }));
  [3, 4.5, 6].forEach((c, g) => [0, 0.25, 0.5, 0.75].forEach((o) => { xs.push(c + o); truth.push(3 + g); }));
  const n = xs.length;
  const perm = Array.from({ length: n }, (_, i) => (i * 7) % n);
  const dist = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dist[i * n + j] = Math.abs(xs[perm[i]!]! - xs[perm[j]!]!);

  it('scales distances by local density: crowded garments stay apart, loosely shot ones stay whole', () => {
    const out = clusterPhotos({ n, dist, order: perm.map((_, i) => i), times: new Array(n).fill(null), eps: 0.5, minSamples: 1, maxSize: 8 });
    expect(out.mode).toBe('visual');
    const groups = out.groups.map((g) => g.members.map((i) => truth[perm[i]!]!));
    expect(groups).toHaveLength(6);
    for (const g of groups) expect(new Set(g).size).toBe(1);
    for (const g of out.groups) expect(g.joins).toHaveLength(g.members.length - 1);
  });

  it('class veto: two groups of ≥ 3 photos of clearly different classes stay apart; lone photos are not vetoed', () => {
    // two garments of 4 shots each, 0.3 apart (under eps: they merge on distance alone), and a
    // close-up of the first (index 8) that the classifier misreads as the second's class
    const xs = [0, 0.02, 0.04, 0.06, 0.3, 0.32, 0.34, 0.36, 0.05], cls = [0, 0, 0, 0, 1, 1, 1, 1, 1];
    const m = xs.length;
    const d = new Float32Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) d[i * m + j] = Math.abs(xs[i]! - xs[j]!);
    const probs = cls.map((c) => Float32Array.from({ length: 10 }, (_, k) => (k === c ? 0.91 : 0.01)));
    const run = (classProbs?: Float32Array[]) => clusterPhotos({ n: m, dist: d, order: [8, 4, 0, 5, 1, 6, 2, 7, 3], times: new Array(m).fill(null), eps: 0.5, minSamples: 1, maxSize: 10, classProbs })
      .groups.map((g) => g.members.slice().sort((a, b) => a - b));
    expect(run()).toHaveLength(1);
    const vetoed = run(probs);
    expect(vetoed).toHaveLength(2);
    expect(vetoed).toContainEqual([0, 1, 2, 3, 8]);
  });

  it('localScale keeps the distance matrix symmetric with a zero diagonal, and leaves small batches alone', () => {
    const s = localScale(n, dist, 8);
    for (let i = 0; i < n; i++) {
      expect(s[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) expect(s[i * n + j]).toBe(s[j * n + i]);
    }
    const small = dist.subarray(0, 4);
    expect(localScale(2, small, 8)).toBe(small);
  });
});

describe('viewDistances (whole photo and its centre)', () => {
  const raster = async (b: Buffer): Promise<Raster> => {
    const { data, info } = await sharp(b).resize(96, 128, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  };

  it('centreCrop keeps the middle of the raster', () => {
    const w = 20, h = 20, data = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { data[(y * w + x) * 3] = x; data[(y * w + x) * 3 + 1] = y; }
    const c = centreCrop({ data, width: w, height: h, channels: 3 }, 0.6);
    expect([c.width, c.height]).toEqual([12, 12]);
    expect([c.data[0], c.data[1]]).toEqual([4, 4]);
    const last = (12 * 12 - 1) * 3;
    expect([c.data[last], c.data[last + 1]]).toEqual([15, 15]);
  });

  it('brings a close-up nearer to its own garment than the whole views alone do, symmetric with a zero diagonal', async () => {
    // whole views of the four fixture garments (two shots each), plus a close-up of the first
    const photos: Buffer[] = [];
    for (const g of GARMENTS) photos.push(await shot(g, 'front'), await shot(g, 'rotate'));
    photos.push(await shot(GARMENTS[0], 'closeup'));
    const rs = await Promise.all(photos.map(raster));
    const whole = rs.map((r) => classicEmbedding(r)), centre = rs.map((r) => classicEmbedding(centreCrop(r)));
    const n = rs.length, c = n - 1;
    const d = viewDistances(whole, centre);
    for (let i = 0; i < n; i++) {
      expect(d[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) expect(d[i * n + j]).toBe(d[j * n + i]);
    }
    // the same standardisation, whole views only
    const st = standardise([...whole, ...centre]);
    const own = Math.min(d[c * n]!, d[c * n + 1]!);
    expect(own).toBeLessThan(Math.min(cosineDistance(st[c]!, st[0]!), cosineDistance(st[c]!, st[1]!)));
    for (let j = 2; j < c; j++) expect(own).toBeLessThan(d[c * n + j]!);
  });
});

describe('runPipeline on a small shoot', () => {
  it('groups in capture order, drops exact and re-encoded duplicates (keeping the larger copy), names colours', async () => {
    const reencoded = await sharp(shoot[4]!.data).resize(300).jpeg({ quality: 70 }).toBuffer();
    const inputs: PipelineInput[] = [
      ...shoot.map((s) => ({ name: s.name, data: s.data })),
      { name: 'IMG_0013.jpg', data: shoot[1]!.data },       // exact copy of IMG_0002
      { name: 'IMG_0014.jpg', data: reencoded },            // smaller re-encode of IMG_0005
    ];
    // a smaller re-encode placed first must still lose to the larger original
    const progress: string[] = [];
    const files = store(dir);
    const r = await runPipeline(inputs, options({ blobPrefix: 'shoot/' }), files, { progress: (p) => progress.push(p.stage) });
    expect(r.backend).toBe('classic');
    expect(r.errors).toEqual([]);
    expect(r.duplicates).toEqual([{ file: 'IMG_0013.jpg', of: 'IMG_0002.jpg' }, { file: 'IMG_0014.jpg', of: 'IMG_0005.jpg' }]);
    expect(partition(r)).toEqual(GARMENTS.map((_, g) => shoot.slice(g * 3, g * 3 + 3).map((s) => s.name)));
    for (const [k, c] of r.clusters.entries()) {
      expect(c.id).toBe(`c${k + 1}`);
      expect(c.colors[0]).toBe(GARMENT_COLOUR[GARMENTS[k]!]);
      // the shipped classifier names it, or leaves it to the seller with its top 3
      expect(c.suggestions?.category).toHaveLength(3);
      expect([null, c.suggestions!.category![0]!.value]).toContain(c.category);
      expect(c.score).toBeGreaterThan(0.5);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(c.cover).toBe(c.photos[0]);
      expect(c.joins).toHaveLength(c.photos.length - 1);
      for (const j of c.joins) { expect(c.photos).toContain(j.a); expect(c.photos).toContain(j.b); expect(j.distance).toBeGreaterThanOrEqual(0); }
    }
    expect(new Set(progress)).toEqual(new Set(['decode', 'dedup', 'embed', 'cluster', 'recognise']));
    // stored copies exist for kept photos, were removed for near duplicates, and carry no EXIF
    const p = r.photos[0]!;
    expect(p).toMatchObject({ id: 'p0001', file: 'IMG_0001.jpg', format: 'jpeg', width: 360, height: 480, taken_at: null });
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    // JPEG inputs: working copy, thumbnail and the metadata-free original now; the listing copy on first use
    expect(Object.keys(p.blobs).sort()).toEqual(['listing', 'original', 'thumb', 'work']);
    for (const key of [p.blobs.work, p.blobs.thumb, p.blobs.original!]) {
      expect(key.startsWith('shoot/')).toBe(true);
      expect((await sharp(await files.get(key)).metadata()).exif).toBeUndefined();
    }
    expect(await files.stat(p.blobs.listing)).toBeFalsy();
    expect((await files.list('shoot/')).length).toBe(3 * r.photos.length);
  });

  it('still groups correctly when the file names are shuffled', async () => {
    const order = [7, 2, 11, 0, 5, 9, 3, 10, 1, 6, 8, 4];
    const inputs = order.map((from, i) => ({ name: `IMG_${String(i + 1).padStart(4, '0')}.jpg`, data: shoot[from]!.data }));
    const truth = new Map(order.map((from, i) => [inputs[i]!.name, shoot[from]!.garment]));
    const r = await runPipeline(inputs, options({ blobPrefix: 'shuffled/' }), store(dir));
    const names = partition(r);
    const flat = names.flat();
    expect(flat).toHaveLength(12);
    const pred = new Map(names.flatMap((g, k) => g.map((n) => [n, String(k)] as const)));
    expect(ari(flat.map((n) => truth.get(n)!), flat.map((n) => pred.get(n)!))).toBeGreaterThanOrEqual(0.9);
    // clusters in capture order of their first photo, photos in capture order
    for (const g of names) expect(g).toEqual(g.slice().sort());
    expect(names.map((g) => g[0])).toEqual(names.map((g) => g[0]).sort());
  });

  it('groups a bigger shuffled shoot (24 photos, close-ups included) in the order-free mode', async () => {
    // 6 shots per garment, names shuffled: enough photos for the locally scaled distances (≥ 16)
    // mirrored shots stand in for the other side of the garment (and are no near duplicates)
    const kinds: [ShotKind, boolean][] = [['front', false], ['front', true], ['rotate', false], ['crop', false], ['crop', true], ['closeup', false]];
    const photos: { data: Buffer; garment: string }[] = [];
    for (const g of GARMENTS) for (const [k, mirror] of kinds) {
      const b = await shot(g, k, 1);
      photos.push({ data: mirror ? await sharp(b).flop().jpeg({ quality: 88 }).toBuffer() : b, garment: g });
    }
    const order = [13, 2, 20, 7, 17, 0, 23, 10, 5, 15, 1, 19, 8, 12, 22, 3, 16, 9, 6, 21, 14, 4, 18, 11];
    const inputs = order.map((from, i) => ({ name: `DSC${String(i + 1).padStart(3, '0')}.jpg`, data: photos[from]!.data }));
    const truth = new Map(order.map((from, i) => [inputs[i]!.name, photos[from]!.garment]));
    const logs: string[] = [];
    const r = await runPipeline(inputs, options({ blobPrefix: 'shuffled24/' }), store(dir), { log: (_l, m) => logs.push(m) });
    expect(r.duplicates).toEqual([]);
    expect(logs.some((m) => /visual mode/.test(m))).toBe(true);
    const names = partition(r);
    const flat = names.flat();
    expect(flat).toHaveLength(24);
    const pred = new Map(names.flatMap((g, k) => g.map((n) => [n, String(k)] as const)));
    expect(ari(flat.map((n) => truth.get(n)!), flat.map((n) => pred.get(n)!))).toBeGreaterThanOrEqual(0.9);
    for (const c of r.clusters) {
      expect(c.photos.length).toBeLessThanOrEqual(8);
      expect(c.score).toBeGreaterThan(0);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(c.joins).toHaveLength(c.photos.length - 1);
    }
  });

  it('orders by EXIF DateTimeOriginal when every photo has one, and respects maxPerArticle', async () => {
    const withTime = async (b: Buffer, t: string) => sharp(b).withExif({ IFD2: { DateTimeOriginal: t } }).jpeg().toBuffer();
    // names in reverse, times forward: capture order must follow the times
    const inputs = await Promise.all(shoot.slice(0, 6).map(async (s, i) => ({ name: `IMG_${String(60 - i)}.jpg`, data: await withTime(s.data, `2025:03:0${1} 10:0${i}:00`) })));
    const r = await runPipeline(inputs, options({ blobPrefix: 'timed/', maxPerArticle: 2 }), store(dir));
    expect(r.photos.map((p) => p.taken_at)).toEqual(inputs.map((_, i) => `2025-03-01T10:0${i}:00`));
    expect(r.clusters.every((c) => c.photos.length <= 2)).toBe(true);
    expect(r.photos.find((p) => p.id === r.clusters[0]!.photos[0])?.file).toBe('IMG_60.jpg'); // the earliest shot, though last by name
  });
});

describe('colours', () => {
  it('names Lab colours with the French labels', () => {
    const name = (hex: string) => nameColour(...rgbToLab(parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)));
    expect(name('#111111')).toBe('noir');
    expect(name('#fafafa')).toBe('blanc');
    expect(name('#808080')).toBe('gris');
    expect(name('#1b2a4e')).toBe('marine');
    expect(name('#c8102e')).toBe('rouge');
    expect(name('#6b1a2b')).toBe('bordeaux');
    expect(name('#2e8b57')).toBe('vert');
    expect(name('#d7c4a0')).toBe('beige');
  });

  it('ignores the background: a black garment on a blue backdrop is "noir", not "bleu"', async () => {
    const garment = await sharp({ create: { width: 60, height: 90, channels: 3, background: '#151515' } }).png().toBuffer();
    const stripe = await sharp({ create: { width: 60, height: 25, channels: 3, background: '#f2f2f0' } }).png().toBuffer();
    const { data, info } = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#3060c0' } })
      .composite([{ input: garment, left: 34, top: 19 }, { input: stripe, left: 34, top: 60 }]).raw().toBuffer({ resolveWithObject: true });
    const colours = dominantColours(garmentPixels({ data, width: info.width, height: info.height, channels: info.channels }));
    expect(colours[0]).toBe('noir');
    expect(colours).not.toContain('bleu');
    expect(colours).toEqual(['noir', 'blanc']);
  });
});
