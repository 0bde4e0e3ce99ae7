// Real decoding of JPEG / PNG / WebP / HEIC (content sniffing, EXIF orientation, metadata stripped
// from the stored copies, capture time), and every bad input the issue lists, through runPipeline.
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto, LISTING_EDGE, THUMB_EDGE, WORK_EDGE, type DecodedPhoto } from '../../../src/vinted/ingest/decode.ts';
import { listingCopy } from '../../../src/vinted/ingest/listing.ts';
import { sniffImage } from '../../../src/vinted/ingest/detect.ts';
import { runPipeline } from '../../../src/vinted/vision/pipeline.ts';
import { fixture, options, store, tempDir } from './helpers.ts';

let dir: string;
beforeAll(async () => { dir = await tempDir(); });
afterAll(async () => { await fsp.rm(dir, { recursive: true, force: true }); });

/** A real 1-bit greyscale PNG of width×height (small file, huge pixel count), rows deflated in a stream. */
function hugePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 1; ihdr[9] = 0;
  const row = Buffer.alloc(1 + Math.ceil(width / 8));
  const raw = Buffer.concat(Array.from({ length: 200 }, () => row)); // 200 rows at a time
  const z = zlib.deflateSync(Buffer.concat(Array.from({ length: height / 200 }, () => raw)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', z), chunk('IEND', Buffer.alloc(0))]);
}

describe('content sniffing', () => {
  it('decides by magic bytes, not by name', () => {
    expect(sniffImage(fixture('dress-rose.jpg'), 'x.png')).toEqual({ ok: true, format: 'jpeg' });
    expect(sniffImage(fixture('dress-rose.heic'), 'IMG_0001.JPG')).toEqual({ ok: true, format: 'heic' });
    expect(sniffImage(Buffer.from('%PDF-1.7\n...'), 'photo.jpg')).toEqual({ ok: false, reason: 'not an image: PDF document (named .jpg)' });
    expect(sniffImage(Buffer.alloc(0), 'a.jpg')).toEqual({ ok: false, reason: 'empty file (0 bytes)' });
    expect(sniffImage(Buffer.from('GIF89a....'), 'a.gif').ok).toBe(false);
  });
});

/** The listing copy as the Studio serves it: made now from the kept original when ingest did not make it. */
async function listingOf(d: DecodedPhoto): Promise<Buffer> {
  const files = store(dir);
  const blobs = { listing: `l-${d.sha256}.listing.jpg`, work: '', thumb: '', original: `l-${d.sha256}.original.jpg` };
  await files.delete(blobs.listing).catch(() => {});
  if (d.listing) await files.put(blobs.listing, d.listing);
  if (d.original) await files.put(blobs.original, d.original);
  const out = await listingCopy(files, blobs);
  expect(out).not.toBeNull();
  expect(await files.stat(blobs.listing)).toBeTruthy(); // made once, kept
  return out!;
}

describe('decoding', () => {
  it('decodes JPEG, PNG (alpha flattened), WebP and HEIC into stored copies without metadata', async () => {
    const jpg = fixture('dress-rose.jpg');
    const png = await sharp(jpg).ensureAlpha(0.5).png().toBuffer();
    const webp = await sharp(jpg).webp({ quality: 80 }).toBuffer();
    for (const [name, buf, format] of [['a.jpg', jpg, 'jpeg'], ['b.png', png, 'png'], ['c.webp', webp, 'webp'], ['d.heic', fixture('dress-rose.heic'), 'heic']] as const) {
      const d = await decodePhoto(buf, name);
      expect(d.format, name).toBe(format);
      expect([d.width, d.height], name).toEqual([300, 278]);
      // JPEG keeps its original (metadata removed) and gets its listing copy on first use; others get it now
      expect(d.original === null, name).toBe(format !== 'jpeg');
      expect(d.listing === null, name).toBe(format === 'jpeg');
      const listing = await listingOf(d);
      for (const [copy, edge] of [[listing, LISTING_EDGE], [d.work, WORK_EDGE], [d.thumb, THUMB_EDGE]] as const) {
        const m = await sharp(copy).metadata();
        expect(m.format).toBe('jpeg');
        expect(Math.max(m.width!, m.height!)).toBe(Math.min(edge, 300)); // never enlarged
        expect(m.exif).toBeUndefined();
      }
      // the HEIC went through libheif-js: its pixels must look like the JPEG it was made from (pink dress)
      const mean = (await sharp(d.work).stats()).channels.map((c) => c.mean);
      expect(mean[0]!, name).toBeGreaterThan(mean[1]!);
    }
  });

  it('applies EXIF orientation, reads DateTimeOriginal and strips EXIF/GPS from what it stores', async () => {
    // left half red, right half blue; orientation 6 means "rotate 90° clockwise to display"
    const left = await sharp({ create: { width: 150, height: 200, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const src = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0000ff' } })
      .composite([{ input: left, left: 0, top: 0 }])
      .withExif({ IFD0: { Make: 'TestCam' }, IFD2: { DateTimeOriginal: '2024:05:01 14:03:22' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .jpeg().toBuffer();
    expect((await exifr.parse(src, { pick: ['GPSLatitude'] }))?.GPSLatitude).toBeTruthy();
    const d = await decodePhoto(src, 'rotated.jpg');
    expect([d.width, d.height]).toEqual([200, 300]);
    expect(d.takenAt).toBe('2024-05-01T14:03:22');
    // the kept original: nothing but its orientation survives, its image data is untouched
    expect(await exifr.parse(d.original!, { tiff: true, exif: true, gps: true, xmp: true, iptc: true, icc: false })).toEqual({ Orientation: 'Rotate 90 CW' });
    expect(await sharp(d.original!).rotate().raw().toBuffer()).toEqual(await sharp(src).rotate().raw().toBuffer());
    const listing = await listingOf(d);
    const { data, info } = await sharp(listing).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([200, 300]);
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(px(100, 20)[0]).toBeGreaterThan(200); // top is red (the left side before rotation)
    expect(px(100, 280)[2]).toBeGreaterThan(200); // bottom is blue
    for (const copy of [listing, d.work, d.thumb]) {
      expect(await exifr.parse(copy).catch(() => undefined)).toBeFalsy();
      expect((await sharp(copy).metadata()).orientation).toBeUndefined();
    }
  });
});

describe('bad inputs: each gets a clear per-file error and the batch completes', () => {
  it('corrupt JPEG, truncated HEIC, 0-byte file, PDF named .jpg, 20000×20000 PNG, GIF, missing file', async () => {
    const jpg = fixture('dress-rose.jpg');
    const heic = fixture('dress-rose.heic');
    const corrupt = Buffer.concat([jpg.subarray(0, 700), Buffer.alloc(3000, 0x55)]);
    const inputs = [
      { name: 'good-1.jpg', data: jpg },
      { name: 'corrupt.jpg', data: corrupt },
      { name: 'corrupt-copy.jpg', data: Buffer.from(corrupt) }, // an exact copy of a bad file fails the same way
      { name: 'truncated.heic', data: heic.subarray(0, Math.floor(heic.length * 0.4)) },
      { name: 'empty.jpg', data: Buffer.alloc(0) },
      { name: 'invoice.jpg', data: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n') },
      { name: 'huge.png', data: hugePng(20000, 20000) },
      { name: 'anim.gif', data: Buffer.from('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;', 'latin1') },
      { name: 'gone.jpg', path: path.join(dir, 'does-not-exist.jpg') },
      { name: 'good-2.png', data: await sharp(fixture('pants-vert.jpg')).png().toBuffer() },
    ];
    const r = await runPipeline(inputs, options({ blobPrefix: 'bad/' }), store(dir));
    const reasons = Object.fromEntries(r.errors.map((e) => [e.file, e.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['anim.gif', 'corrupt-copy.jpg', 'corrupt.jpg', 'empty.jpg', 'gone.jpg', 'huge.png', 'invoice.jpg', 'truncated.heic']);
    expect(reasons['corrupt-copy.jpg']).toBe(reasons['corrupt.jpg']);
    expect(r.duplicates).toEqual([]);
    expect(reasons['corrupt.jpg']).toMatch(/^truncated or corrupt JPEG/);
    expect(reasons['truncated.heic']).toMatch(/HEIC/);
    expect(reasons['empty.jpg']).toBe('empty file (0 bytes)');
    expect(reasons['invoice.jpg']).toBe('not an image: PDF document (named .jpg)');
    expect(reasons['huge.png']).toBe('image too large: 20000×20000 px, limit 200 megapixels');
    expect(reasons['anim.gif']).toMatch(/^unsupported format: GIF/);
    expect(reasons['gone.jpg']).toBe('cannot read file: ENOENT');
    expect(r.photos.map((p) => p.file).sort()).toEqual(['good-1.jpg', 'good-2.png']);
    expect(r.clusters.flatMap((c) => c.photos)).toHaveLength(2);
  });
});
