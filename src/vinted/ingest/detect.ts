// Content sniffing: the format is decided by magic bytes, never by the file name
// (a ".jpg" that is really a PDF must be reported as such, a HEIC renamed ".jpg" must still decode).
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'heic';

export type Sniff = { ok: true; format: ImageFormat } | { ok: false; reason: string };

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);

function ascii(buf: Buffer, start: number, end: number): string {
  return buf.subarray(start, Math.min(end, buf.length)).toString('latin1');
}

/** Brands of an ISO-BMFF `ftyp` box (major + compatible), or null when the buffer has no ftyp box. */
function ftypBrands(buf: Buffer): string[] | null {
  if (buf.length < 12 || ascii(buf, 4, 8) !== 'ftyp') return null;
  const size = Math.min(buf.readUInt32BE(0), buf.length, 4096);
  const brands = [ascii(buf, 8, 12)];
  for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(buf, o, o + 4));
  return brands;
}

export function sniffImage(buf: Buffer, name = ''): Sniff {
  const ext = (name.match(/\.([a-z0-9]+)$/i)?.[1] ?? '').toLowerCase();
  const named = ext ? ` (named .${ext})` : '';
  if (buf.length === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return { ok: true, format: 'jpeg' };
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return { ok: true, format: 'png' };
  if (buf.length >= 12 && ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return { ok: true, format: 'webp' };
  const brands = ftypBrands(buf);
  if (brands) {
    if (brands.some((b) => HEIF_BRANDS.has(b)) && !brands.includes('avif') && !brands.includes('avis')) return { ok: true, format: 'heic' };
    if (brands.includes('avif') || brands.includes('avis')) return { ok: false, reason: `unsupported format: AVIF${named}; accepted: JPEG, PNG, WebP, HEIC` };
    if (brands.some((b) => /^(qt |isom|mp4[12]|M4V |3gp)/.test(b))) return { ok: false, reason: `not an image: video file (MP4/MOV)${named}` };
    return { ok: false, reason: `unsupported format: ISO media brand "${brands[0]!.trim()}"${named}` };
  }
  const head = ascii(buf, 0, 8);
  if (head.startsWith('%PDF')) return { ok: false, reason: `not an image: PDF document${named}` };
  if (head.startsWith('GIF8')) return { ok: false, reason: `unsupported format: GIF${named}; accepted: JPEG, PNG, WebP, HEIC` };
  if (head.startsWith('BM')) return { ok: false, reason: `unsupported format: BMP${named}; accepted: JPEG, PNG, WebP, HEIC` };
  if (head.startsWith('II*\u0000') || head.startsWith('MM\u0000*')) return { ok: false, reason: `unsupported format: TIFF/RAW${named}; accepted: JPEG, PNG, WebP, HEIC` };
  if (head.startsWith('PK\u0003\u0004')) return { ok: false, reason: `not an image: ZIP archive${named}` };
  if (/^\s*<(\?xml|svg)/i.test(ascii(buf, 0, 64))) return { ok: false, reason: `unsupported format: SVG/XML${named}; accepted: JPEG, PNG, WebP, HEIC` };
  return { ok: false, reason: `unsupported format: unrecognised content${named}; accepted: JPEG, PNG, WebP, HEIC` };
}
