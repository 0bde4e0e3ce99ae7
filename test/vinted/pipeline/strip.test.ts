// Lossless metadata removal from JPEG originals (src/vinted/ingest/strip.ts), on JPEGs built the way
// phones build them: EXIF with GPS, XMP, a comment, an ICC profile, a second image after the EOI.
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JpegStructureError, stripJpegMetadata } from '../../../src/vinted/ingest/strip.ts';
import { fixture } from './helpers.ts';

function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** `jpeg` with extra segments inserted after SOI and bytes appended after its EOI. */
function withExtras(jpeg: Buffer, segments: Buffer[], trailer: Buffer): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2), trailer]);
}

const markers = (b: Buffer): number[] => {
  const out: number[] = [];
  for (let i = 2; i + 4 <= b.length && b[i] === 0xff;) {
    out.push(b[i + 1]!);
    if (b[i + 1] === 0xda) break;
    i += 2 + b.readUInt16BE(i + 2);
  }
  return out;
};

const EVERYTHING_BUT_ICC = { tiff: true, exif: true, gps: true, interop: true, xmp: true, iptc: true, jfif: false, icc: false, makerNote: true, userComment: true };

describe('stripJpegMetadata', () => {
  for (const progressive of [false, true]) {
    it(`removes EXIF/GPS, XMP, comments and appended images, keeps ICC and the image data (${progressive ? 'progressive' : 'baseline'})`, async () => {
      const base = await sharp(fixture('dress-rose.jpg'))
        .withExif({ IFD0: { Make: 'PhoneCo', Model: 'X 12' }, IFD2: { DateTimeOriginal: '2024:05:01 14:03:22' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' } })
        .withMetadata({ orientation: 8, icc: 'p3' })
        .jpeg({ quality: 90, progressive })
        .toBuffer();
      const xmp = segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude="48,51N"/></x:xmpmeta>', 'latin1'));
      const comment = segment(0xfe, Buffer.from('owner: Jeanne Dupont, 12 rue des Lilas', 'latin1'));
      const mpf = segment(0xe2, Buffer.from('MPF\0II*\0', 'latin1'));
      const gainMap = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
        .withExif({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' } }).jpeg().toBuffer();
      const phone = withExtras(base, [xmp, comment, mpf], gainMap);
      expect((await exifr.parse(phone, { pick: ['GPSLatitude'] }))?.GPSLatitude).toBeTruthy();

      const out = stripJpegMetadata(phone, 8);
      const text = out.toString('latin1');
      for (const leak of ['PhoneCo', 'X 12', '2024:05:01', 'xmpmeta', 'Jeanne', 'MPF\0']) expect(text, leak).not.toContain(leak);
      expect(await exifr.parse(out, EVERYTHING_BUT_ICC)).toEqual({ Orientation: 'Rotate 270 CW' });
      expect(out.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9])); // ends at the main image's EOI: the gain map is gone
      expect(markers(out).filter((m) => m === 0xe1)).toHaveLength(1); // only the minimal EXIF block
      const [a, b] = await Promise.all([sharp(out).rotate().raw().toBuffer(), sharp(base).rotate().raw().toBuffer()]);
      expect(a.equals(b)).toBe(true);
      expect((await sharp(out).metadata()).icc).toEqual((await sharp(base).metadata()).icc);
    });
  }

  it('keeps a JFIF header first, puts the orientation right after it, and writes no EXIF for an upright photo', async () => {
    // libvips writes no JFIF header; cameras and many apps do: SOI, APP0 "JFIF", APP1 "Exif", …
    const plain = await sharp(fixture('pants-vert.jpg')).jpeg().toBuffer();
    const app0 = segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
    const exif = await sharp(fixture('pants-vert.jpg')).withExif({ IFD0: { Make: 'PhoneCo' } }).jpeg().toBuffer();
    expect(markers(exif)[0]).toBe(0xe1);
    const app1 = exif.subarray(2, 4 + exif.readUInt16BE(4));
    const jfif = Buffer.concat([plain.subarray(0, 2), app0, plain.subarray(2)]);
    const phone = Buffer.concat([plain.subarray(0, 2), app0, app1, plain.subarray(2)]);
    expect(markers(phone).slice(0, 2)).toEqual([0xe0, 0xe1]);
    expect(phone.toString('latin1')).toContain('PhoneCo');

    const upright = stripJpegMetadata(phone, 1);
    expect(markers(upright)).not.toContain(0xe1);
    expect(markers(upright)[0]).toBe(0xe0);
    expect(upright.toString('latin1')).not.toContain('PhoneCo');
    const turned = stripJpegMetadata(phone, 6);
    expect(markers(turned).slice(0, 2)).toEqual([0xe0, 0xe1]);
    expect(await exifr.parse(turned, EVERYTHING_BUT_ICC)).toEqual({ Orientation: 'Rotate 90 CW' });
    expect((await sharp(upright).raw().toBuffer()).equals(await sharp(jfif).raw().toBuffer())).toBe(true);
  });

  it('refuses what is not a whole JPEG with a clear error', () => {
    const jpg = fixture('dress-rose.jpg');
    expect(() => stripJpegMetadata(Buffer.from('%PDF-1.4'))).toThrow(JpegStructureError);
    expect(() => stripJpegMetadata(jpg.subarray(0, 400))).toThrow(/truncated JPEG/);
    expect(() => stripJpegMetadata(jpg.subarray(0, jpg.length - 200))).toThrow(/truncated JPEG: the image data has no end/);
  });
});
