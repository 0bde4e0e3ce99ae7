// Shared by the vinted API tests: multipart bodies for app.inject, fixture paths, bad inputs.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/vinted/studio');

export function fixtureFiles(): { name: string; data: Buffer }[] {
  return fs.readdirSync(FIXTURES).sort().map((name) => ({ name, data: fs.readFileSync(path.join(FIXTURES, name)) }));
}

export function multipart(files: { name: string; data: Buffer; field?: string; type?: string }[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${crypto.randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function crc32(buf: Buffer): number {
  return zlib.crc32(buf);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A real, valid PNG header announcing 20 000 × 20 000 px (its pixel data is a few rows only). */
export function hugePng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const rows = Buffer.alloc(4 * (1 + 20000 * 3));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function badInputs(): { name: string; data: Buffer }[] {
  const jpeg = fs.readFileSync(path.join(FIXTURES, 'IMG_0001.jpg'));
  const heic = fs.readFileSync(path.join(FIXTURES, 'IMG_0008.heic'));
  return [
    // a JPEG cut short (transfer interrupted)
    { name: 'corrupt.jpg', data: jpeg.subarray(0, Math.floor(jpeg.length * 0.4)) },
    { name: 'truncated.heic', data: heic.subarray(0, Math.floor(heic.length / 3)) },
    { name: 'empty.jpg', data: Buffer.alloc(0) },
    { name: 'document.jpg', data: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n') },
    { name: 'huge.png', data: hugePng() },
  ];
}

export const BAD_NAMES = ['corrupt.jpg', 'truncated.heic', 'empty.jpg', 'document.jpg', 'huge.png'];
