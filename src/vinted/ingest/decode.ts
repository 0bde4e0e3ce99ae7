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
import { JpegStructureError, stripJpegMetadata } from './strip.ts';

export const LISTING_EDGE = 1600;
export const WORK_EDGE = 512;
export const THUMB_EDGE = 320;
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
  thumb: Buffer;      // JPEG, long edge ≤ 320
  /** RGB raster, long edge ANALYSIS_EDGE, aspect kept */
  analysis: { data: Buffer; width: number; height: number };
  /** 32×32 grey for pHash */
  grey32: Buffer;
  sharpness: number;
}

export class PhotoError extends Error {}

function pad(n: number): string { return String(n).padStart(2, '0'); }

/** EXIF DateTimeOriginal as an ISO 8601 local time (with the EXIF offset when the camera wrote one). */
async function readTakenAt(buf: Buffer): Promise<string | null> {
  try {
    const ex = await exifr.parse(buf, { pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal'], reviveValues: true });
    const d: unknown = ex?.DateTimeOriginal ?? ex?.CreateDate;
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) return null;
    // exifr builds the Date in the process time zone from the wall-clock fields: read them back the same way
    const iso = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    const off = typeof ex?.OffsetTimeOriginal === 'string' && /^[+-]\d\d:\d\d$/.test(ex.OffsetTimeOriginal) ? ex.OffsetTimeOriginal : '';
    return iso + off;
  } catch {
    return null; // no or unreadable EXIF: not an error, the capture order falls back to the file name
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
    let orientation = 1;
    if (format === 'heic') {
      const raw = await decodeHeic(buf, maxPixels);
      width = raw.width; height = raw.height;
      src = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });
    } else {
      // header only: refuse huge images with their size before any pixel is decoded
      const meta = await sharp(buf, { limitInputPixels: false }).metadata();
      if (!meta.width || !meta.height) throw new PhotoError(`corrupt ${format.toUpperCase()}: no image size in header`);
      if (meta.width * meta.height > maxPixels) throw new PixelLimitError(meta.width, meta.height, maxPixels);
      orientation = meta.orientation ?? 1;
      const swap = orientation >= 5;
      width = swap ? meta.height : meta.width;
      height = swap ? meta.width : meta.height;
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
    // the small copies come from the working raster
    const workOpts = { raw: { width: workRaw.info.width, height: workRaw.info.height, channels: workRaw.info.channels } };
    const from = (): Sharp => sharp(workRaw.data, workOpts);
    const [work, thumb, analysis, grey] = await Promise.all([
      from().jpeg({ quality: 82, optimiseCoding: false }).toBuffer(),
      from().resize(edge(THUMB_EDGE)).jpeg({ quality: 78, optimiseCoding: false }).toBuffer(),
      from().resize(edge(ANALYSIS_EDGE)).removeAlpha().raw().toBuffer({ resolveWithObject: true }),
      from().resize(edge(256)).greyscale().raw().toBuffer({ resolveWithObject: true }),
    ]);
    const grey32 = await sharp(grey.data, { raw: { width: grey.info.width, height: grey.info.height, channels: 1 } })
      .resize(32, 32, { fit: 'fill' }).raw().toBuffer();
    return {
      sha256, format, width, height,
      takenAt: format === 'png' ? null : await readTakenAt(buf),
      original, listing, work, thumb,
      analysis: { data: analysis.data, width: analysis.info.width, height: analysis.info.height },
      grey32: grey32.subarray(0, 1024),
      sharpness: laplacianVariance(grey.data, grey.info.width, grey.info.height),
    };
  } catch (e) {
    throw new PhotoError(reason(e, format));
  }
}
