// Lossless metadata removal from a JPEG: the seller's original is kept (the listing copy is made
// from it when needed) without EXIF, GPS, maker notes, XMP, IPTC or comments, and without the
// extra images phones append after the main one (MPF gain maps, depth maps, which carry their own
// metadata). The compressed image data is copied byte for byte, so nothing is re-encoded; only the
// orientation survives, in a minimal EXIF block, so that decoders still turn the photo upright.
//
// JPEG structure (ITU T.81, Annex B): SOI, then marker segments `FF xx` + 2-byte length, then after
// each SOS the entropy-coded data, where a data byte FF is followed by 00 (stuffing) or by a restart
// marker D0–D7; any other marker ends the scan. EOI ends the image.

const SOI = 0xd8, EOI = 0xd9, SOS = 0xda;

export class JpegStructureError extends Error {}

/** APPn / COM segments to keep: JFIF (APP0), ICC profile (APP2 "ICC_PROFILE"), Adobe (APP14, colour transform). */
function keepSegment(marker: number, body: Buffer): boolean {
  if (marker === 0xfe) return false; // COM
  if (marker < 0xe0 || marker > 0xef) return true; // not APPn: tables, frame, scan headers…
  if (marker === 0xe0) return body.subarray(0, 5).toString('latin1') === 'JFIF\0';
  if (marker === 0xe2) return body.subarray(0, 12).toString('latin1') === 'ICC_PROFILE\0';
  if (marker === 0xee) return body.subarray(0, 5).toString('latin1') === 'Adobe';
  return false;
}

/** APP1 "Exif" with a single IFD0 entry: Orientation (tag 0x0112, SHORT). */
export function orientationExif(orientation: number): Buffer {
  const b = Buffer.alloc(2 + 2 + 6 + 8 + 2 + 12 + 4);
  let o = 0;
  o = b.writeUInt16BE(0xffe1, o);
  o = b.writeUInt16BE(b.length - 2, o);
  o += b.write('Exif\0\0', o, 'latin1');
  o += b.write('MM', o, 'latin1');
  o = b.writeUInt16BE(42, o);
  o = b.writeUInt32BE(8, o); // IFD0 right after the TIFF header
  o = b.writeUInt16BE(1, o); // one entry
  o = b.writeUInt16BE(0x0112, o);
  o = b.writeUInt16BE(3, o); // SHORT
  o = b.writeUInt32BE(1, o);
  o = b.writeUInt16BE(orientation, o);
  o = b.writeUInt16BE(0, o); // value field padding
  b.writeUInt32BE(0, o); // no next IFD
  return b;
}

const EOI_BYTES = Buffer.from([0xff, EOI]);
const SOS_BYTES = Buffer.from([0xff, SOS]);

/**
 * End offset (exclusive) of the entropy-coded data starting at `i`: the offset of the next real marker.
 * Fast path for the usual phone JPEG, one scan: entropy-coded data never holds FF D9 or FF DA (a data
 * byte FF is always followed by 00 or a restart marker), so when this is the only scan (`onlyScan`:
 * sequential, all components interleaved) or no other SOS comes before the first EOI, that EOI ends
 * it. Otherwise walk the FF bytes one by one.
 */
function scanEnd(buf: Buffer, i: number, onlyScan: boolean): number {
  const eoi = buf.indexOf(EOI_BYTES, i);
  if (eoi >= 0) {
    if (onlyScan) return eoi;
    const sos = buf.indexOf(SOS_BYTES, i);
    if (sos < 0 || sos > eoi) return eoi;
  }
  for (;;) {
    const ff = buf.indexOf(0xff, i);
    if (ff < 0 || ff + 1 >= buf.length) throw new JpegStructureError('truncated JPEG: the image data has no end');
    const next = buf[ff + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) { i = ff + 2; continue; }
    if (next === 0xff) { i = ff + 1; continue; } // fill bytes before a marker
    return ff;
  }
}

/**
 * The JPEG without its metadata segments and without anything after its EOI. `orientation` (EXIF
 * 1–8) is written back in a minimal EXIF block when it is not 1.
 */
export function stripJpegMetadata(buf: Buffer, orientation = 1): Buffer {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== SOI) throw new JpegStructureError('not a JPEG (no start-of-image marker)');
  const parts: Buffer[] = [buf.subarray(0, 2)];
  let insertedOrientation = orientation === 1;
  let sequential = false, frameComponents = 0;
  let i = 2;
  for (;;) {
    while (buf[i] === 0xff && buf[i + 1] === 0xff) i++; // fill bytes
    if (i + 1 >= buf.length || buf[i] !== 0xff) throw new JpegStructureError(`corrupt JPEG: no marker at byte ${i}`);
    const marker = buf[i + 1]!;
    if (marker === EOI) { parts.push(buf.subarray(i, i + 2)); break; }
    if (i + 4 > buf.length) throw new JpegStructureError('truncated JPEG: a segment header is cut');
    const len = buf.readUInt16BE(i + 2);
    const end = i + 2 + len;
    if (len < 2 || end > buf.length) throw new JpegStructureError('truncated JPEG: a segment is cut');
    const body = buf.subarray(i + 4, end);
    const keep = keepSegment(marker, body);
    // the orientation goes after JFIF (which must come first when present), before everything else
    if (!insertedOrientation && !(marker === 0xe0 && keep)) { parts.push(orientationExif(orientation)); insertedOrientation = true; }
    if (keep) parts.push(buf.subarray(i, end));
    if (marker === 0xc0 || marker === 0xc1) { sequential = true; frameComponents = body[5] ?? 0; }
    i = end;
    if (marker === SOS) {
      const stop = scanEnd(buf, i, sequential && body[0] === frameComponents);
      parts.push(buf.subarray(i, stop));
      i = stop;
    }
  }
  return Buffer.concat(parts);
}

/**
 * Size from the frame header (SOFn), walking the segments before it; null when the structure cannot
 * be read (the decoder then reports what is wrong).
 */
export function jpegFrame(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== SOI) return null;
  for (let i = 2; i + 9 < buf.length;) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    if (marker === SOS || marker === EOI) return null;
    i += 2 + buf.readUInt16BE(i + 2);
  }
  return null;
}
