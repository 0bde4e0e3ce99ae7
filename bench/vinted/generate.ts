// Benchmark "shoots" built from the real CC0 clothing photos (../shared/data/clothing-validation):
// each garment photo becomes 3–6 phone shots (crops, small rotations, exposure and white-balance
// shifts, close-ups, zoomed-out shots) upscaled to 12 MP (3024×4032 JPEG) with sensor-like noise,
// garments of the same class next to each other, plus exact and re-encoded duplicates.
// Deterministic (seeded); generated sets are cached under bench/.cache/.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

export const SOURCE_DIR = path.resolve(import.meta.dirname, '../../../shared/data/clothing-validation');
/** training photos: only for shoots that choose settings (never for the figures reported as accuracy) */
export const TRAIN_DIR = path.resolve(import.meta.dirname, '../../../shared/data/clothing-train');
export const CACHE_DIR = path.resolve(import.meta.dirname, '../.cache/vinted');
const GEN_VERSION = 3;

export interface ShootFile { name: string; path: string; garment: number; cls: string; dupOf?: string }
export interface Shoot { dir: string; files: ShootFile[]; garments: number }

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(a: T[], r: () => number): T[] {
  const out = a.slice();
  for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [out[i], out[j]] = [out[j]!, out[i]!]; }
  return out;
}

export function sourceAvailable(): boolean {
  return fs.existsSync(SOURCE_DIR) && fs.readdirSync(SOURCE_DIR).some((d) => fs.statSync(path.join(SOURCE_DIR, d)).isDirectory());
}

async function pool<T>(items: T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (i < items.length) await fn(items[i++]!); }));
}

let noiseTile: Buffer | null = null;
/** a grey tile with Gaussian-ish noise; blended in soft-light it adds sensor-like grain (JPEG size and decode cost like a real photo) */
async function noise(): Promise<Buffer> {
  if (noiseTile) return noiseTile;
  const r = rng(99);
  const S = 256;
  const px = Buffer.alloc(S * S * 3);
  for (let i = 0; i < px.length; i++) px[i] = Math.max(0, Math.min(255, Math.round(128 + (r() + r() + r() - 1.5) * 28)));
  noiseTile = await sharp(px, { raw: { width: S, height: S, channels: 3 } }).png().toBuffer();
  return noiseTile;
}

type ShotKind = 'main' | 'angle' | 'closeup' | 'zoomout';

async function makeShot(src: Buffer, kind: ShotKind, r: () => number, W: number, H: number): Promise<Buffer> {
  const meta = await sharp(src).metadata();
  const w = meta.width!, h = meta.height!;
  const stats = await sharp(src).extract({ left: 0, top: 0, width: Math.min(8, w), height: Math.min(8, h) }).stats();
  const bg = { r: Math.round(stats.channels[0]!.mean), g: Math.round(stats.channels[1]!.mean), b: Math.round(stats.channels[2]!.mean) };
  const u = (a: number, b: number) => a + (b - a) * r();
  const rot = kind === 'main' ? u(-2, 2) : kind === 'closeup' ? u(-4, 4) : u(-7, 7);
  const exposure = kind === 'main' ? u(0.94, 1.06) : u(0.8, 1.2);
  const wb = kind === 'main' ? [1, 1, 1] : [u(0.93, 1.07), 1, u(0.93, 1.07)];
  let img = await sharp(src).rotate(rot, { background: bg }).toBuffer();
  const m2 = await sharp(img).metadata();
  // crop back to the source framing (rotation grows the canvas), then the shot's own framing
  const cw = Math.round(w), ch = Math.round(h);
  img = await sharp(img).extract({ left: Math.round((m2.width! - cw) / 2), top: Math.round((m2.height! - ch) / 2), width: cw, height: ch }).toBuffer();
  let frac = kind === 'main' ? u(0.9, 1) : kind === 'angle' ? u(0.72, 0.92) : kind === 'closeup' ? u(0.4, 0.55) : 1;
  if (kind === 'zoomout') {
    const pad = Math.round(u(0.08, 0.2) * w);
    img = await sharp(img).extend({ top: pad, bottom: pad, left: pad, right: pad, background: bg }).toBuffer();
    frac = 1;
  }
  const m3 = await sharp(img).metadata();
  const ew = Math.round(m3.width! * frac), eh = Math.round(m3.height! * frac);
  const slack = kind === 'closeup' ? 0.3 : 1;
  const left = Math.round(((m3.width! - ew) / 2) * (1 + (r() * 2 - 1) * slack));
  const top = Math.round(((m3.height! - eh) / 2) * (1 + (r() * 2 - 1) * slack));
  img = await sharp(img).extract({ left: Math.max(0, Math.min(m3.width! - ew, left)), top: Math.max(0, Math.min(m3.height! - eh, top)), width: ew, height: eh })
    .linear(wb.map((x) => x * exposure), [0, 0, 0]).toBuffer();
  return sharp(img)
    .resize(W, H, { fit: 'cover', kernel: 'lanczos3' })
    .composite([{ input: await noise(), tile: true, blend: 'soft-light' }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * Builds (or loads from cache) a shoot of about `target` photos. Names IMG_0001.jpg… follow the
 * capture order; `files` lists them with their garment (ground truth) and duplicate source.
 */
export async function buildShoot(target: number, seed: number, log: (m: string) => void, size = { w: 3024, h: 4032 }, source = SOURCE_DIR): Promise<Shoot> {
  const from = source === SOURCE_DIR ? '' : `${path.basename(source)}-`;
  const dir = path.join(CACHE_DIR, `${from}shoot-${target}-${seed}-${size.w}x${size.h}-v${GEN_VERSION}`);
  const truthFile = path.join(dir, 'truth.json');
  if (fs.existsSync(truthFile)) {
    const t = JSON.parse(await fsp.readFile(truthFile, 'utf8'));
    return { dir, files: t.files.map((f: ShootFile) => ({ ...f, path: path.join(dir, f.name) })), garments: t.garments };
  }
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.mkdir(dir, { recursive: true });
  const r = rng(seed);
  const classes = fs.readdirSync(source).filter((d) => fs.statSync(path.join(source, d)).isDirectory()).sort();
  const byClass = new Map(classes.map((c) => [c, shuffle(fs.readdirSync(path.join(source, c)).filter((f) => /\.jpe?g$/i.test(f)).sort(), r)]));
  // pick garments round-robin over classes, then emit them class by class (similar garments adjacent)
  const picked: { cls: string; file: string; shots: number }[] = [];
  let count = 0;
  for (let round = 0; count < target; round++) {
    let any = false;
    for (const c of classes) {
      const f = byClass.get(c)![round];
      if (!f || count >= target) continue;
      const shots = 3 + Math.floor(r() * 4);
      picked.push({ cls: c, file: f, shots });
      count += shots;
      any = true;
    }
    if (!any) break;
  }
  const ordered = shuffle(classes, r).flatMap((c) => picked.filter((p) => p.cls === c));
  const plan: { garment: number; cls: string; file: string; kind: ShotKind; dup?: 'exact' | 'reencode' }[] = [];
  const dupEvery = Math.max(8, Math.round(ordered.length / Math.max(2, Math.round(target / 40))));
  ordered.forEach((g, gi) => {
    const kinds: ShotKind[] = ['main'];
    let closeups = 0;
    while (kinds.length < g.shots) {
      const x = r();
      const k: ShotKind = x < 0.5 ? 'angle' : x < 0.75 && closeups < 2 ? 'closeup' : 'zoomout';
      if (k === 'closeup') closeups++;
      kinds.push(k);
    }
    for (const k of shuffle(kinds.slice(1), r)) kinds.splice(kinds.indexOf(k), 1), kinds.push(k);
    kinds.forEach((k) => plan.push({ garment: gi, cls: g.cls, file: g.file, kind: k }));
    if (gi % dupEvery === 3) plan.push({ garment: gi, cls: g.cls, file: g.file, kind: 'main', dup: 'exact' });
    if (gi % dupEvery === 7) plan.push({ garment: gi, cls: g.cls, file: g.file, kind: 'main', dup: 'reencode' });
  });
  const files: ShootFile[] = plan.map((p, i) => ({ name: `IMG_${String(i + 1).padStart(4, '0')}.jpg`, path: '', garment: p.garment, cls: p.cls }));
  // duplicates copy the photo just before them
  plan.forEach((p, i) => { if (p.dup) files[i]!.dupOf = files[i - 1]!.dupOf ?? files[i - 1]!.name; });
  const seeds = plan.map(() => Math.floor(r() * 2 ** 31));
  log(`generating ${files.length} phone photos (${ordered.length} garments) into ${path.relative(process.cwd(), dir)}`);
  let done = 0;
  const idx = plan.map((_, i) => i).filter((i) => !plan[i]!.dup);
  await pool(idx, Math.max(1, os.availableParallelism()), async (i) => {
    const p = plan[i]!;
    const src = await fsp.readFile(path.join(source, p.cls, p.file));
    await fsp.writeFile(path.join(dir, files[i]!.name), await makeShot(src, p.kind, rng(seeds[i]!), size.w, size.h));
    if (++done % 50 === 0) log(`  ${done}/${idx.length}`);
  });
  for (const [i, p] of plan.entries()) {
    if (!p.dup) continue;
    const orig = await fsp.readFile(path.join(dir, files[i]!.dupOf!));
    const out = p.dup === 'exact' ? orig : await sharp(orig).resize(Math.round(size.w * 0.75)).jpeg({ quality: 72 }).toBuffer();
    await fsp.writeFile(path.join(dir, files[i]!.name), out);
  }
  for (const f of files) f.path = path.join(dir, f.name);
  await fsp.writeFile(truthFile, JSON.stringify({ garments: ordered.length, files: files.map(({ path: _p, ...f }) => f) }, null, 1));
  return { dir, files, garments: ordered.length };
}

/** Same photos, capture order destroyed: names IMG_xxxx reassigned at random. */
export function shuffled(s: Shoot, seed: number): ShootFile[] {
  const r = rng(seed);
  const names = shuffle(s.files.map((f) => f.name), r);
  const rename = new Map(s.files.map((f, i) => [f.name, names[i]!]));
  return s.files.map((f, i) => ({ ...f, name: names[i]!, dupOf: f.dupOf ? rename.get(f.dupOf) : undefined }));
}

/** HEIC copies of the first `count` photos (heif-enc, x265 ultrafast preset), cached next to the JPEGs. */
export async function heicVariant(s: Shoot, count: number, log: (m: string) => void): Promise<ShootFile[] | null> {
  try { await run('heif-enc', ['--help']); } catch (e) { if ((e as { code?: string }).code === 'ENOENT') return null; }
  const dir = path.join(s.dir, 'heic');
  await fsp.mkdir(dir, { recursive: true });
  const chosen = s.files.filter((f) => !f.dupOf).slice(0, count);
  const todo = chosen.filter((f) => !fs.existsSync(path.join(dir, f.name.replace(/\.jpg$/, '.HEIC'))));
  if (todo.length) log(`encoding ${todo.length} HEIC files with heif-enc (slow: ~1.5 s each)`);
  await pool(todo, Math.max(1, os.availableParallelism()), async (f) => {
    const out = path.join(dir, f.name.replace(/\.jpg$/, '.HEIC'));
    await run('heif-enc', ['-q', '60', '-p', 'preset=ultrafast', '-o', `${out}.tmp`, f.path]);
    await fsp.rename(`${out}.tmp`, out);
  });
  return chosen.map((f) => ({ ...f, name: f.name.replace(/\.jpg$/, '.HEIC'), path: path.join(dir, f.name.replace(/\.jpg$/, '.HEIC')) }));
}

/**
 * `count` inputs for the memory run built from a shoot without re-rendering 12 MP images (which
 * takes ~2–30 s each on a shared machine): the originals, then byte variants of them — a JPEG
 * comment segment inserted after SOI, so every file has its own SHA-256 and is fully decoded,
 * stored and analysed (they are caught later as near duplicates, after the memory-heavy stages).
 */
export async function byteVariants(s: Shoot, count: number): Promise<{ name: string; path: string }[]> {
  const dir = path.join(s.dir, `variants-${count}`);
  await fsp.mkdir(dir, { recursive: true });
  const out: { name: string; path: string }[] = s.files.slice(0, count).map((f) => ({ name: f.name, path: f.path }));
  for (let k = 0; out.length < count; k++) {
    const f = s.files[k % s.files.length]!;
    const name = `VAR_${String(out.length + 1).padStart(4, '0')}.jpg`;
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      const buf = await fsp.readFile(f.path);
      const text = Buffer.from(`variant ${out.length + 1} of ${f.name}`);
      const com = Buffer.alloc(4); com.writeUInt16BE(0xfffe, 0); com.writeUInt16BE(text.length + 2, 2);
      await fsp.writeFile(file, Buffer.concat([buf.subarray(0, 2), com, text, buf.subarray(2)]));
    }
    out.push({ name, path: file });
  }
  return out;
}
