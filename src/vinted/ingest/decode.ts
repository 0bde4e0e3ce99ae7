// One photo in → the stored copies (working copy, thumbnail; EXIF/GPS stripped) and the small
// rasters the analysis needs. JPEGs — nearly every phone photo — are decoded once, straight to the
// working size with libjpeg's shrink-on-load (the cost of a bare decode), and their original bytes
// are kept with the metadata removed losslessly: the 1600 px listing copy is made from them only when
// it is needed (listing.ts). HEIC, PNG and WebP have to be decoded whole anyway, so their listing copy
// is made right away from that decode.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import exifr from 'exifr';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { sniffImage, type ImageFormat } from './detect.ts';
import { decodeHeic, PixelLimitError } from './heic.ts';
import { areaResize, fitInside, luma } from './raster.ts';
import { garmentRaster } from '../vision/garment-input.ts';
import { jpegFrame, JpegStructureError, stripJpegMetadata } from './strip.ts';

export const LISTING_EDGE = 1600;
export const WORK_EDGE = 512;
export const THUMB_EDGE = 256;
export const LISTING_QUALITY = 85;
/** analysis raster (features, colours): long edge in px */
export const ANALYSIS_EDGE = 128;
/** decoding refuses images above this many pixels (a 200 MP phone sensor still passes) */
export const DEFAULT_MAX_PIXELS = 200_000_000;

export interface DecodedPhoto {
  sha256: string;
  format: ImageFormat;
  width: number;      // after orientation, original resolution
  height: number;
  takenAt: string | null;
  /** JPEG input: the file's own bytes without metadata (orientation kept); the listing copy is made from it later */
  original: Buffer | null;
  /** other inputs: the listing copy (JPEG, long edge ≤ 1600, no metadata), made from the full decode */
  listing: Buffer | null;
  work: Buffer;       // JPEG, long edge ≤ 512
  thumb: Buffer;      // JPEG, long edge ≤ 256
  /** RGB raster (flattened: 3 channels), long edge ANALYSIS_EDGE, aspect kept */
  analysis: { data: Buffer; width: number; height: number; channels: number };
  /** 32×32 grey for pHash */
  grey32: Buffer;
  /** the garment classifier's input: the working raster squashed to GARMENT_INPUT² RGB */
  garment: Buffer;
  sharpness: number;
}

export class PhotoError extends Error {}

// One libvips thread per image: photos are processed several at a time (pipeline.ts), which keeps
// the cores busy with less thread hand-over than splitting each small image across threads
// (measured on 12 MP JPEGs: −20 % CPU per photo, bare decodes included). Process-wide setting.
sharp.concurrency(1);

function pad(n: number): string { return String(n).padStart(2, '0'); }

interface ExifFacts { orientation: number; takenAt: string | null }

/**
 * From EXIF: the orientation (1–8) and DateTimeOriginal as an ISO 8601 local time (with the EXIF
 * offset when the camera wrote one). No or unreadable EXIF is not an error: upright, no time (the
 * capture order then falls back to the file name).
 */
async function readExif(buf: Buffer): Promise<ExifFacts> {
  try {
    const ex = await exifr.parse(buf, { pick: ['Orientation', 'DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal'], reviveValues: true, translateValues: false });
    const orientation = Number.isInteger(ex?.Orientation) && ex.Orientation >= 1 && ex.Orientation <= 8 ? ex.Orientation as number : 1;
    const d: unknown = ex?.DateTimeOriginal ?? ex?.CreateDate;
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) return { orientation, takenAt: null };
    // exifr builds the Date in the process time zone from the wall-clock fields: read them back the same way
    const iso = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    const off = typeof ex?.OffsetTimeOriginal === 'string' && /^[+-]\d\d:\d\d$/.test(ex.OffsetTimeOriginal) ? ex.OffsetTimeOriginal : '';
    return { orientation, takenAt: iso + off };
  } catch {
    return { orientation: 1, takenAt: null };
  }
}

/** Variance of the Laplacian on a grey raster: higher = sharper (used to keep the best duplicate). */
function laplacianVariance(grey: Buffer, w: number, h: number): number {
  let s = 0, s2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    const v = 4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - w]! - grey[i + w]!;
    s += v; s2 += v * v; n++;
  }
  return n ? s2 / n - (s / n) ** 2 : 0;
}

function reason(e: unknown, format: ImageFormat): string {
  const msg = String((e as Error)?.message ?? e).trim().replace(/^Vips\w*:\s*/, '');
  if (e instanceof PixelLimitError || e instanceof PhotoError) return msg;
  const name = format === 'heic' ? 'HEIC' : format.toUpperCase();
  if (/exceeds pixel limit/i.test(msg)) return `image too large (pixel limit exceeded)`;
  // libvips' own text is kept when it says something; under concurrency it is sometimes only "Unknown error"
  const detail = msg.split('\n')[0];
  return `truncated or corrupt ${name}${detail && !/^unknown error$/i.test(detail) ? `: ${detail}` : ' (the decoder could not read it)'}`;
}

export interface DecodeOptions { maxPixels?: number; /** when the caller already hashed the bytes */ sha256?: string }

export async function readInput(input: { name: string; path?: string; data?: Buffer }): Promise<Buffer> {
  if (input.data) return input.data;
  if (!input.path) throw new PhotoError('no data and no path given');
  try {
    return await fsp.readFile(input.path);
  } catch (e) {
    throw new PhotoError(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function decodePhoto(buf: Buffer, name: string, opts: DecodeOptions = {}): Promise<DecodedPhoto> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const sniff = sniffImage(buf, name);
  if (!sniff.ok) throw new PhotoError(sniff.reason);
  const format = sniff.format;
  const sha256 = opts.sha256 ?? crypto.createHash('sha256').update(buf).digest('hex');
  try {
    let src: Sharp;
    let width: number, height: number;
    const exif: ExifFacts = format === 'png' ? { orientation: 1, takenAt: null } : await readExif(buf);
    const orientation = format === 'heic' ? 1 : exif.orientation; // libheif applies the HEIF transforms itself
    if (format === 'heic') {
      const raw = await decodeHeic(buf, maxPixels);
      width = raw.width; height = raw.height;
      src = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });
    } else {
      // header only: refuse huge images with their size before any pixel is decoded (JPEG: read
      // from the frame header here, no decoder round trip)
      const frame = format === 'jpeg' ? jpegFrame(buf) : null;
      const size = frame ?? await sharp(buf, { limitInputPixels: false }).metadata();
      if (!size.width || !size.height) throw new PhotoError(`corrupt ${format.toUpperCase()}: no image size in header`);
      if (size.width * size.height > maxPixels) throw new PixelLimitError(size.width, size.height, maxPixels);
      const swap = orientation >= 5;
      width = swap ? size.height : size.width;
      height = swap ? size.width : size.height;
      // failOn 'error' also refuses truncated data; sequentialRead keeps memory flat on big PNGs
      src = sharp(buf, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true }).rotate();
    }
    const edge = (e: number) => ({ width: e, height: e, fit: 'inside' as const, withoutEnlargement: true });
    // JPEG: decoded once, at the working size (shrink-on-load); others: at the listing size
    const lazyListing = format === 'jpeg';
    const base = await src
      .resize(edge(lazyListing ? WORK_EDGE : LISTING_EDGE))
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rawOpts = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } };
    // Huffman optimisation (optimiseCoding) doubles JPEG encoding time for ~5 % smaller files: off.
    // sharp writes no metadata unless asked (withMetadata), so EXIF/GPS never reach the stored copies.
    let listing: Buffer | null = null, original: Buffer | null = null;
    let workRaw: { data: Buffer; info: OutputInfo };
    if (lazyListing) {
      workRaw = base;
      try {
        original = stripJpegMetadata(buf, orientation);
      } catch (e) {
        if (!(e instanceof JpegStructureError)) throw e;
        // decodable but oddly built: make the listing copy now instead
        listing = await sharp(buf, { failOn: 'none', limitInputPixels: maxPixels }).rotate().resize(edge(LISTING_EDGE))
          .flatten({ background: '#ffffff' }).toColourspace('srgb').jpeg({ quality: LISTING_QUALITY, optimiseCoding: false }).toBuffer();
      }
    } else {
      [listing, workRaw] = await Promise.all([
        sharp(base.data, rawOpts).jpeg({ quality: LISTING_QUALITY, optimiseCoding: false }).toBuffer(),
        sharp(base.data, rawOpts).resize(edge(WORK_EDGE)).raw().toBuffer({ resolveWithObject: true }),
      ]);
    }
    // everything else comes from the working raster: a 256 px area average (JS) gives the thumbnail
    // and the analysis rasters, so the only other encoder runs are the two small JPEGs
    const { width: ww, height: wh, channels: wc } = workRaw.info;
    const g = fitInside(ww, wh, THUMB_EDGE);
    const rgb256 = areaResize(workRaw.data, ww, wh, wc, g.width, g.height);
    const [work, thumb] = await Promise.all([
      sharp(workRaw.data, { raw: { width: ww, height: wh, channels: wc } }).jpeg({ quality: 82, optimiseCoding: false }).toBuffer(),
      sharp(rgb256, { raw: { width: g.width, height: g.height, channels: wc } }).jpeg({ quality: 80, optimiseCoding: false }).toBuffer(),
    ]);
    const a = fitInside(g.width, g.height, ANALYSIS_EDGE);
    const analysis = { data: areaResize(rgb256, g.width, g.height, wc, a.width, a.height), width: a.width, height: a.height, channels: wc };
    const grey = luma(rgb256, g.width * g.height, wc);
    const grey32 = areaResize(grey, g.width, g.height, 1, 32, 32);
    return {
      sha256, format, width, height,
      takenAt: exif.takenAt,
      original, listing, work, thumb,
      analysis,
      grey32,
      garment: garmentRaster(workRaw.data, ww, wh, wc),
      sharpness: laplacianVariance(grey, g.width, g.height),
    };
  } catch (e) {
    throw new PhotoError(reason(e, format));
  }
}
