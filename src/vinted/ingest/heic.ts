// HEIC/HEIF decoding through libheif compiled to WebAssembly (libheif-js): sharp's prebuilt libvips
// ships libheif with AV1 only, not HEVC, so iPhone photos cannot go through sharp directly.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, cb: (d: unknown) => void): void;
  free(): void;
}
interface HeifDecoderCtor { new (): { decode(buf: Uint8Array): HeifImage[] } }

let lib: { HeifDecoder: HeifDecoderCtor } | null = null;
function libheif(): { HeifDecoder: HeifDecoderCtor } {
  if (!lib) {
    // libheif-js/wasm.js reads the .wasm relative to the cwd; load the factory with the binary ourselves.
    const js = require.resolve('libheif-js/libheif-wasm/libheif.js');
    const wasmBinary = fs.readFileSync(path.join(path.dirname(js), 'libheif.wasm'));
    lib = require(js)({ wasmBinary });
  }
  return lib!;
}

export interface RawImage { data: Buffer; width: number; height: number; channels: 4 }

/** Size of the primary image without decoding pixels (header parse only). */
export function heicSize(buf: Buffer): { width: number; height: number } {
  const images = new (libheif().HeifDecoder)().decode(buf);
  if (!images.length) throw new Error('HEIC contains no image');
  const im = images.find((i) => i.is_primary()) ?? images[0]!;
  const out = { width: im.get_width(), height: im.get_height() };
  for (const i of images) i.free();
  return out;
}

/**
 * Decodes the primary image to RGBA. libheif applies the HEIF transforms (irot/imir), so the
 * result is already upright — EXIF orientation must not be applied again. Synchronous WASM:
 * runs on the calling thread.
 */
export async function decodeHeic(buf: Buffer, maxPixels: number): Promise<RawImage> {
  const images = new (libheif().HeifDecoder)().decode(buf);
  if (!images.length) throw new Error('truncated or corrupt HEIC: no decodable image');
  const im = images.find((i) => i.is_primary()) ?? images[0]!;
  try {
    const width = im.get_width();
    const height = im.get_height();
    if (!width || !height) throw new Error('truncated or corrupt HEIC: image has no size');
    if (width * height > maxPixels) throw new PixelLimitError(width, height, maxPixels);
    const data = Buffer.alloc(width * height * 4);
    const target = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height };
    await new Promise<void>((resolve, reject) => {
      try {
        im.display(target, (d) => (d ? resolve() : reject(new Error('truncated or corrupt HEIC: decoding failed'))));
      } catch (e) {
        reject(new Error(`truncated or corrupt HEIC: ${(e as Error).message ?? e}`));
      }
    });
    return { data, width, height, channels: 4 };
  } finally {
    for (const i of images) i.free();
  }
}

export class PixelLimitError extends Error {
  constructor(width: number, height: number, limit: number) {
    super(`image too large: ${width}×${height} px, limit ${Math.round(limit / 1e6)} megapixels`);
  }
}
