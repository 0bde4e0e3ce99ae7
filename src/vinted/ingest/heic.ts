// HEIC/HEIF decoding through libheif compiled to WebAssembly (libheif-js): sharp's prebuilt libvips
// ships libheif with AV1 only, not HEVC, so iPhone photos cannot go through sharp directly.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

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
export async function decodeHeicInline(buf: Buffer, maxPixels: number): Promise<RawImage> {
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
  width: number;
  height: number;
  limit: number;
  constructor(width: number, height: number, limit: number) {
    super(`image too large: ${width}×${height} px, limit ${Math.round(limit / 1e6)} megapixels`);
    this.width = width; this.height = height; this.limit = limit;
  }
}

// libheif-js decodes synchronously on the calling thread (~1 s for 12 MP): in the server process
// that would freeze every request, and it would use one core. So HEIC files are decoded in a small
// pool of worker threads (one per core, each with its own WASM instance), stopped after 20 s idle
// to give their WASM memory back.
interface Job { buf: Buffer; maxPixels: number; resolve: (r: RawImage) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; busy: Job | null; idle: NodeJS.Timeout | null }
const slots: Slot[] = [];
const queue: Job[] = [];
const IDLE_MS = 20_000;

function spawn(): Slot {
  // own execArgv: a parent's loaders/flags (test runners) must not leak into the worker
  const worker = new Worker(new URL('./heic-worker.ts', import.meta.url), { execArgv: [] });
  worker.unref();
  const slot: Slot = { worker, busy: null, idle: null };
  worker.on('message', (m: { ok: true; data: Uint8Array; width: number; height: number } | { ok: false; message: string; limit?: [number, number, number] }) => {
    const job = slot.busy!;
    slot.busy = null;
    if (m.ok) job.resolve({ data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), width: m.width, height: m.height, channels: 4 });
    else job.reject(m.limit ? new PixelLimitError(...m.limit) : new Error(m.message));
    pump();
  });
  worker.on('error', (e) => {
    // a crashed worker (e.g. WASM out of memory) fails its job only; a fresh one replaces it
    slots.splice(slots.indexOf(slot), 1);
    slot.busy?.reject(new Error(`truncated or corrupt HEIC: decoder crashed (${(e as Error).message})`));
    pump();
  });
  slots.push(slot);
  return slot;
}

function pump(): void {
  while (queue.length) {
    let slot = slots.find((s) => !s.busy);
    if (!slot && slots.length < Math.max(1, os.availableParallelism())) slot = spawn();
    if (!slot) return;
    const job = queue.shift()!;
    if (slot.idle) { clearTimeout(slot.idle); slot.idle = null; }
    slot.busy = job;
    const copy = new Uint8Array(job.buf); // transferable copy: the caller keeps its buffer
    slot.worker.postMessage({ buf: copy, maxPixels: job.maxPixels }, [copy.buffer]);
  }
  for (const s of slots) {
    if (!s.busy && !s.idle) {
      s.idle = setTimeout(() => { slots.splice(slots.indexOf(s), 1); void s.worker.terminate(); }, IDLE_MS);
      s.idle.unref();
    }
  }
}

/**
 * The worker entry is a .ts file: it needs a Node that runs TypeScript itself (type stripping,
 * Node ≥ 22.18 / 23.6). Elsewhere (e.g. a test runner on an older Node that transpiles on the fly)
 * decoding falls back to the calling thread.
 */
const workersAvailable = Boolean((process.features as { typescript?: string | false }).typescript);

/** Decodes the primary image to RGBA in a worker thread (see decodeHeicInline). */
export function decodeHeic(buf: Buffer, maxPixels: number): Promise<RawImage> {
  if (!workersAvailable) return decodeHeicInline(buf, maxPixels);
  return new Promise((resolve, reject) => {
    queue.push({ buf, maxPixels, resolve, reject });
    pump();
  });
}
