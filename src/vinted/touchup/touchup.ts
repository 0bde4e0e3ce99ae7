// Photo touch-ups before publishing: an edit is a recipe (rotate, straighten, crop, brightness,
// contrast, white balance) applied with sharp to the ORIGINAL, which is never changed. The recipe is
// stored in the photo's row (vinted.photos.edits) and its renditions beside the original
// (…-edited-<hash>.jpg for the listing, …-edited-<hash>-thumb.jpg for the Studio): `listingCopy`
// hands the edited one to the publish step and the photo routes. Resetting removes them.
//
// Auto-enhance reads the backdrop with the colour step's background model (vision/colors.ts): the
// backdrop's mean colour is brought to neutral (white balance) and its lightness towards a clean
// light grey (brightness), within bounds, so a yellowish evening photo on a white sheet comes back.
import crypto from 'node:crypto';
import sharp from 'sharp';
import { z } from 'zod';
import type { BlobStore } from '../../core/files.ts';
import { backgroundMask } from '../vision/colors.ts';
import { toLabPlanes } from '../vision/color.ts';
import { LISTING_EDGE, LISTING_QUALITY } from '../ingest/decode.ts';
import type { PhotoBlobs } from '../ingest/listing.ts';

export const Recipe = z.object({
  /** quarter turns, clockwise */
  rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).default(0),
  /** small tilt correction in degrees, the corners cropped away */
  straighten: z.number().min(-15).max(15).default(0),
  /** fractions of the (rotated, straightened) frame */
  crop: z.object({ left: z.number().min(0).max(0.9), top: z.number().min(0).max(0.9), width: z.number().min(0.1).max(1), height: z.number().min(0.1).max(1) })
    .refine((c) => c.left + c.width <= 1.0001 && c.top + c.height <= 1.0001, 'the crop must stay inside the photo').nullable().default(null),
  /** multipliers, 1 = unchanged */
  brightness: z.number().min(0.5).max(1.8).default(1),
  contrast: z.number().min(0.5).max(1.8).default(1),
  /** per-channel gains (white balance), 1 = unchanged */
  white_balance: z.object({ r: z.number().min(0.5).max(2), g: z.number().min(0.5).max(2), b: z.number().min(0.5).max(2) }).default({ r: 1, g: 1, b: 1 }),
});
export type Recipe = z.infer<typeof Recipe>;

export const IDENTITY: Recipe = Recipe.parse({});

export function isIdentity(r: Recipe): boolean {
  return JSON.stringify(Recipe.parse(r)) === JSON.stringify(IDENTITY);
}

/** The edited photo as JPEG (listing size, or thumb size), from the original's bytes. */
export async function render(original: Buffer, recipe: Recipe, edge = LISTING_EDGE): Promise<Buffer> {
  // EXIF orientation first, so that "rotate 90" means what the seller sees
  let img = sharp(await sharp(original, { failOn: 'none' }).rotate().toBuffer(), { failOn: 'none' });
  if (recipe.rotate || recipe.straighten) {
    const angle = recipe.rotate + recipe.straighten;
    const meta = await img.metadata();
    const turned = sharp(await img.rotate(angle, { background: '#ffffff' }).toBuffer());
    if (recipe.straighten) {
      // the largest upright rectangle inside the tilted frame: no white corners
      const w0 = recipe.rotate % 180 ? meta.height! : meta.width!;
      const h0 = recipe.rotate % 180 ? meta.width! : meta.height!;
      const t = Math.abs(recipe.straighten) * Math.PI / 180;
      const { w, h } = innerRect(w0, h0, t);
      const m = await turned.metadata();
      img = sharp(await turned.extract({ left: Math.max(0, Math.floor((m.width! - w) / 2)), top: Math.max(0, Math.floor((m.height! - h) / 2)), width: Math.min(w, m.width!), height: Math.min(h, m.height!) }).toBuffer());
    } else img = turned;
  }
  if (recipe.crop) {
    const m = await img.metadata();
    const c = recipe.crop;
    const left = Math.round(c.left * m.width!), top = Math.round(c.top * m.height!);
    img = sharp(await img.extract({ left, top, width: Math.max(1, Math.min(m.width! - left, Math.round(c.width * m.width!))), height: Math.max(1, Math.min(m.height! - top, Math.round(c.height * m.height!))) }).toBuffer());
  }
  const wb = recipe.white_balance;
  const b = recipe.brightness, k = recipe.contrast;
  // out = k·(gain·b·in − 128) + 128, per channel, in one linear step
  const mul = [wb.r, wb.g, wb.b].map((g) => k * g * b);
  const add = [128 * (1 - k), 128 * (1 - k), 128 * (1 - k)];
  if (mul.some((x) => Math.abs(x - 1) > 1e-6) || k !== 1) img = img.removeAlpha().linear(mul, add);
  return img
    .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .jpeg({ quality: LISTING_QUALITY })
    .toBuffer();
}

/** Largest axis-aligned rectangle of the same aspect inside a w×h frame turned by t radians. */
function innerRect(w: number, h: number, t: number): { w: number; h: number } {
  const s = Math.sin(t), c = Math.cos(t);
  const scale = Math.min(w / (w * c + h * s), h / (w * s + h * c));
  return { w: Math.max(1, Math.floor(w * scale)), h: Math.max(1, Math.floor(h * scale)) };
}

const AUTO_TARGET = 232; // the backdrop's brightest channel after enhancing: light, not blown out
const AUTO_MAX_GAIN = 1.6;

/** A recipe that neutralises and lightens the backdrop; null when no backdrop is found. */
export async function autoEnhance(original: Buffer): Promise<{ recipe: Recipe; backdrop: { r: number; g: number; b: number } } | null> {
  const { data, info } = await sharp(original, { failOn: 'none' }).rotate().resize({ width: 96, height: 96, fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const { L, A, B } = toLabPlanes(data, n, 3);
  const bg = backgroundMask(L, A, B, info.width, info.height);
  let r = 0, g = 0, bl = 0, cnt = 0;
  for (let i = 0; i < n; i++) {
    if (bg.label[i]! <= 0) continue;
    r += data[i * 3]!; g += data[i * 3 + 1]!; bl += data[i * 3 + 2]!; cnt++;
  }
  if (cnt < n * 0.1) return null;
  r /= cnt; g /= cnt; bl /= cnt;
  // grey-world on the backdrop only: each channel brought to the backdrop's mean grey
  const grey = (r + g + bl) / 3;
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const white_balance = { r: clamp(grey / Math.max(1, r), 0.6, 1.6), g: clamp(grey / Math.max(1, g), 0.6, 1.6), b: clamp(grey / Math.max(1, bl), 0.6, 1.6) };
  const brightness = clamp(AUTO_TARGET / Math.max(1, grey), 0.8, AUTO_MAX_GAIN);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    recipe: Recipe.parse({ brightness: round(brightness), white_balance: { r: round(white_balance.r), g: round(white_balance.g), b: round(white_balance.b) } }),
    backdrop: { r: Math.round(r), g: Math.round(g), b: Math.round(bl) },
  };
}

export const recipeHash = (r: Recipe) => crypto.createHash('sha256').update(JSON.stringify(Recipe.parse(r))).digest('hex').slice(0, 12);

/** Where the renditions of an edit go: beside the original (same folder, same stem). */
function editedKeys(blobs: PhotoBlobs, hash: string): { listing: string; thumb: string } {
  const base = (blobs.original ?? blobs.listing).replace(/(-original|-listing)?\.[^./]+$/, '');
  return { listing: `${base}-edited-${hash}.jpg`, thumb: `${base}-edited-${hash}-thumb.jpg` };
}

/** The source of every edit: the original when kept, else the listing copy made at ingest. */
export async function sourceOf(files: BlobStore, blobs: PhotoBlobs): Promise<Buffer | null> {
  for (const k of [blobs.original, blobs.listing, blobs.work]) if (k && (await files.stat(k))) return files.get(k);
  return null;
}

/** Applies a recipe: writes the renditions and returns the photo's new blobs (old renditions removed). */
export async function applyEdit(files: BlobStore, blobs: PhotoBlobs, recipe: Recipe): Promise<PhotoBlobs> {
  const { edited: _e, edited_thumb: _t, ...plain } = blobs;
  const drop = [blobs.edited, blobs.edited_thumb].filter((k): k is string => !!k);
  if (isIdentity(recipe)) {
    for (const k of drop) await files.delete(k).catch(() => {});
    return plain;
  }
  const src = await sourceOf(files, blobs);
  if (!src) throw new Error('the original of this photo is missing');
  const keys = editedKeys(blobs, recipeHash(recipe));
  const [listing, thumb] = await Promise.all([render(src, recipe), render(src, recipe, 320)]);
  await files.put(keys.listing, listing);
  await files.put(keys.thumb, thumb);
  for (const k of drop) if (k !== keys.listing && k !== keys.thumb) await files.delete(k).catch(() => {});
  return { ...plain, edited: keys.listing, edited_thumb: keys.thumb };
}
