// RAR 4.x (RAR 2.9–4.x header format, "RARFMT15") store-mode multi-volume writer.
//
// What we write, per volume (see docs/releases-formats.md for the byte layout):
//   MARK_HEAD   52 61 72 21 1A 07 00
//   MAIN_HEAD   type 0x73, flags MHD_VOLUME (0x0001) | MHD_FIRSTVOLUME (0x0100, first volume only);
//               MHD_NEWNUMBERING (0x0010) is off → old-style names .rar .r00 … .r99 (.s00 …)
//   FILE_HEAD   type 0x74, flags 0x8000 (LONG_BLOCK: PACK_SIZE bytes of data follow)
//               | LHD_SPLIT_BEFORE 0x01 (continued from the previous volume)
//               | LHD_SPLIT_AFTER 0x02 (continued in the next volume) | LHD_LARGE 0x100 (≥ 4 GiB);
//               METHOD 0x30 (store), PACK_SIZE = bytes of this part, UNP_SIZE = whole file;
//               FILE_CRC = CRC32 of this part's data when SPLIT_AFTER is set (unrar's MergeArchive and
//               7-Zip compare it with the packed data of the volume), else CRC32 of the WHOLE file
//               (checked against the unpacked output of every part).
//   data        the stored bytes
//   ENDARC_HEAD type 0x7B, flags EARC_NEXT_VOLUME (0x0001, all but the last) | EARC_VOLNUMBER (0x0008)
//               + 2-byte volume number; 0x4000 (skip if unknown) as rar writes it.
// HEAD_CRC of every header = low 16 bits of CRC32 of the header bytes after the HEAD_CRC field.
//
// Streaming: the source is read with positional reads into a ring of fixed buffers (reads run ahead,
// writes are awaited only when their buffer comes round), volumes are written with positional writes,
// and a file header is patched in place once its part CRC is known. One CRC pass per chunk: part,
// file and whole-volume CRCs (the latter for the SFV) are derived with crc32Combine. Memory stays at
// RING × CHUNK whatever the size.
import { crc32 } from 'node:zlib';
import { open, stat, unlink, mkdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { crc32Combine, crc32File, CRC_BUFFER_SIZE } from './crc.ts';
import type { ArchiveSource, RarVolumesOptions, RarVolumesResult } from './types.ts';

export const RAR_MARKER = Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00]);

export const MHD_VOLUME = 0x0001;
export const MHD_NEWNUMBERING = 0x0010;
export const MHD_FIRSTVOLUME = 0x0100;
export const LHD_SPLIT_BEFORE = 0x0001;
export const LHD_SPLIT_AFTER = 0x0002;
export const LHD_PASSWORD = 0x0004;
export const LHD_LARGE = 0x0100;
export const LONG_BLOCK = 0x8000;
export const SKIP_IF_UNKNOWN = 0x4000;
export const EARC_NEXT_VOLUME = 0x0001;
export const EARC_VOLNUMBER = 0x0008;
export const HEAD_MAIN = 0x73;
export const HEAD_FILE = 0x74;
export const HEAD_ENDARC = 0x7b;
export const METHOD_STORE = 0x30;
const HOST_WIN32 = 2;
const UNP_VER = 29; // RAR 2.9+ header format; stored data needs no unpacker version beyond that
const ATTR_ARCHIVE = 0x20;

const MAIN_SIZE = 13;
const END_SIZE = 9; // 7 + VOL_NUMBER(2)
const FIXED_SIZE = RAR_MARKER.length + MAIN_SIZE;
const PAGE = 4096;
const RING = 4; // buffers in flight: 4 × 1 MiB
export const RAR_CHUNK = 1024 * 1024; // 1 MiB: stays in L2/L3 between the read, the CRC and the write

/** Old-style volume name: index 0 → base.rar, 1 → base.r00 … 100 → base.r99, 101 → base.s00. */
export function rarVolumeName(baseName: string, index: number): string {
  if (index === 0) return `${baseName}.rar`;
  const n = index - 1;
  const letter = String.fromCharCode('r'.charCodeAt(0) + Math.floor(n / 100));
  if (letter > 'z') throw new Error('too many RAR volumes for old-style names');
  return `${baseName}.${letter}${String(n % 100).padStart(2, '0')}`;
}

function setHeadCrc(h: Buffer): Buffer {
  h.writeUInt16LE(crc32(h.subarray(2)) & 0xffff, 0);
  return h;
}

export function mainHeader(flags: number): Buffer {
  const h = Buffer.alloc(MAIN_SIZE);
  h[2] = HEAD_MAIN;
  h.writeUInt16LE(flags, 3);
  h.writeUInt16LE(MAIN_SIZE, 5);
  // RESERVED1 (2) + RESERVED2 (4) stay zero
  return setHeadCrc(h);
}

export function endHeader(nextVolume: boolean, volNumber: number): Buffer {
  const h = Buffer.alloc(END_SIZE);
  h[2] = HEAD_ENDARC;
  h.writeUInt16LE(SKIP_IF_UNKNOWN | EARC_VOLNUMBER | (nextVolume ? EARC_NEXT_VOLUME : 0), 3);
  h.writeUInt16LE(END_SIZE, 5);
  h.writeUInt16LE(volNumber & 0xffff, 7);
  return setHeadCrc(h);
}

export function fileHeaderSize(nameLength: number, large: boolean): number {
  return 32 + (large ? 8 : 0) + nameLength;
}

/** DOS date/time (local time, 2-second resolution), as RAR 4 stores FTIME. */
export function dosDateTime(d: Date): number {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  const date = ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  return ((date << 16) | time) >>> 0;
}

export function fileHeader(f: {
  flags: number;
  packSize: number;
  unpSize: number;
  crc: number;
  mtime: Date;
  name: Buffer;
  large: boolean;
}): Buffer {
  const size = fileHeaderSize(f.name.length, f.large);
  const h = Buffer.alloc(size);
  h[2] = HEAD_FILE;
  h.writeUInt16LE(LONG_BLOCK | f.flags | (f.large ? LHD_LARGE : 0), 3);
  h.writeUInt16LE(size, 5);
  h.writeUInt32LE(f.packSize % 0x100000000, 7);
  h.writeUInt32LE(f.unpSize % 0x100000000, 11);
  h[15] = HOST_WIN32;
  h.writeUInt32LE(f.crc >>> 0, 16);
  h.writeUInt32LE(dosDateTime(f.mtime), 20);
  h[24] = UNP_VER;
  h[25] = METHOD_STORE;
  h.writeUInt16LE(f.name.length, 26);
  h.writeUInt32LE(ATTR_ARCHIVE, 28);
  let o = 32;
  if (f.large) {
    h.writeUInt32LE(Math.floor(f.packSize / 0x100000000), 32);
    h.writeUInt32LE(Math.floor(f.unpSize / 0x100000000), 36);
    o = 40;
  }
  f.name.copy(h, o);
  return setHeadCrc(h);
}

/** Smallest volume size that can hold the fixed headers, one file header and one byte of data. */
export function minRarVolumeSize(nameLength: number, large = false): number {
  return FIXED_SIZE + fileHeaderSize(nameLength, large) + END_SIZE + 1;
}

/** Number of volumes a single file of `size` bytes needs (no I/O). */
export function rarVolumeCount(size: number, nameLength: number, volumeSize: number): number {
  const large = size > 0xffffffff;
  const perVol = volumeSize - FIXED_SIZE - END_SIZE - fileHeaderSize(nameLength, large);
  if (perVol <= 0) throw new Error(`volume size ${volumeSize} too small`);
  return Math.max(1, Math.ceil(size / perVol));
}

/**
 * Number of volumes writeRarVolumes will produce for these files, without any I/O: the same
 * placement loop as the writer (a header needs room for itself + one byte, files follow each other).
 */
export function planRarVolumes(files: { size: number; nameLength: number }[], volumeSize: number): number {
  let volumes = 1;
  let pos = FIXED_SIZE;
  for (const f of files) {
    const hdr = fileHeaderSize(f.nameLength, f.size > 0xffffffff);
    if (volumeSize < FIXED_SIZE + hdr + END_SIZE + 1) throw new Error(`volume size ${volumeSize} too small`);
    let remaining = f.size;
    for (;;) {
      const room = volumeSize - pos - END_SIZE;
      if (room < hdr + (remaining > 0 ? 1 : 0)) { volumes++; pos = FIXED_SIZE; continue; }
      const part = Math.min(remaining, room - hdr);
      pos += hdr + part;
      remaining -= part;
      if (remaining === 0) break;
      volumes++;
      pos = FIXED_SIZE;
    }
  }
  return volumes;
}

async function writeAll(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let off = 0;
  while (off < length) {
    const { bytesWritten } = await fh.write(buf, off, length - off, position + off);
    if (bytesWritten <= 0) throw new Error('short write');
    off += bytesWritten;
  }
}

interface Segment { crc: number; len: number }

const noop = () => {};

/**
 * Copies `len` bytes from src@srcPos to dst@dstPos and returns their CRC32, with a ring of RING
 * buffers: up to RING-1 reads run ahead and writes are not awaited until their buffer comes round
 * again, so the threadpool keeps reading and writing while the main thread CRCs (and while it
 * waits to be scheduled on a busy machine). The first chunk ends on a 4 KiB boundary of the
 * destination so the following 1 MiB writes are page-aligned.
 */
async function copyRange(
  src: FileHandle,
  srcPos: number,
  dst: FileHandle,
  dstPos: number,
  len: number,
  bufs: Buffer[],
  o: { signal?: AbortSignal; onChunk: (n: number) => void; what: string },
): Promise<number> {
  const n = bufs.length;
  const reads: Promise<{ len: number; at: number }>[] = new Array(n);
  const writes: (Promise<void> | undefined)[] = new Array(n);
  let rPos = srcPos;
  let rLeft = len;
  let at = dstPos;
  let issued = 0;
  const issue = () => {
    if (rLeft <= 0) return;
    const slot = issued % n;
    const want = Math.min(RAR_CHUNK - (at % PAGE), rLeft);
    const pos = rPos;
    const where = at;
    // the buffer is free once the write that last used it is done
    const p = (writes[slot] ?? Promise.resolve()).then(() => src.read(bufs[slot]!, 0, want, pos)).then(({ bytesRead }) => {
      if (bytesRead !== want) throw new Error(`writeRarVolumes: ${o.what} shrank while being archived`);
      return { len: want, at: where };
    });
    p.catch(noop); // awaited below; this only keeps an early failure from being "unhandled"
    reads[slot] = p;
    rPos += want;
    rLeft -= want;
    at += want;
    issued++;
  };
  for (let k = 0; k < n - 1; k++) issue();
  let crc = 0;
  try {
    for (let done = 0; done < issued; done++) {
      o.signal?.throwIfAborted();
      const slot = done % n;
      const chunk = await reads[slot]!;
      const buf = bufs[slot]!;
      const w = writeAll(dst, buf, chunk.len, chunk.at);
      w.catch(noop);
      writes[slot] = w;
      crc = crc32(chunk.len === buf.length ? buf : buf.subarray(0, chunk.len), crc);
      o.onChunk(chunk.len);
      issue();
    }
  } finally {
    // never leave a write behind (the volume is closed or patched next)
    await Promise.allSettled(writes.filter(Boolean));
  }
  for (const w of writes) if (w) await w; // surface a failed write
  return crc;
}

/**
 * A re-run into the same directory may leave higher-numbered volumes of an earlier, larger set
 * (base.r07 after a 5-volume run): they would be read as part of this set, so they go.
 */
async function removeStaleVolumes(outDir: string, baseName: string, from: number): Promise<void> {
  for (let i = from; i <= 900; i++) { // .rar … .z99
    try {
      await unlink(join(outDir, rarVolumeName(baseName, i)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
  }
}

export async function writeRarVolumes(
  source: ArchiveSource | ArchiveSource[],
  outDir: string,
  baseName: string,
  opts: RarVolumesOptions,
): Promise<RarVolumesResult> {
  const sources = Array.isArray(source) ? source : [source];
  if (sources.length === 0) throw new Error('writeRarVolumes: no source file');
  if (!/^[\x21-\x7e]+$/.test(baseName) || /[\\/]/.test(baseName)) throw new Error(`writeRarVolumes: invalid base name ${JSON.stringify(baseName)}`);
  const volumeSize = opts.volumeSize;
  if (!Number.isSafeInteger(volumeSize) || volumeSize <= 0) throw new Error(`writeRarVolumes: invalid volume size ${volumeSize}`);

  const files = await Promise.all(sources.map(async (s) => {
    // RAR 4 stores OEM names unless LHD_UNICODE; release names are ASCII by rule, so we insist on it.
    if (!/^[\x20-\x7e]+$/.test(s.name) || /[\\/:*?"<>|]/.test(s.name)) throw new Error(`writeRarVolumes: file name must be plain ASCII without path: ${JSON.stringify(s.name)}`);
    const st = await stat(s.path);
    if (!st.isFile()) throw new Error(`writeRarVolumes: not a regular file: ${s.path}`);
    const name = Buffer.from(s.name, 'latin1');
    const large = st.size > 0xffffffff;
    if (volumeSize < minRarVolumeSize(name.length, large)) throw new Error(`writeRarVolumes: volume size ${volumeSize} is too small (minimum ${minRarVolumeSize(name.length, large)})`);
    return { ...s, size: st.size, mtime: opts.mtime ?? st.mtime, nameBuf: name, large };
  }));

  await mkdir(outDir, { recursive: true });
  const rarBinary = opts.rarBinary ?? process.env.RAR_BINARY ?? '';
  if (rarBinary) return writeWithRarBinary(rarBinary, files, outDir, baseName, opts);
  const signal = opts.signal;
  const bufs = Array.from({ length: RING }, () => Buffer.allocUnsafe(RAR_CHUNK));
  const volumes: string[] = [];
  const volumeCrcs: number[] = [];
  const fileCrcs: number[] = [];
  let totalBytes = 0;
  let consumed = 0;

  let vol: FileHandle | null = null;
  let volPos = 0;
  let segments: Segment[] = [];
  let src: FileHandle | null = null;

  const openVolume = async (): Promise<void> => {
    const index = volumes.length;
    const path = join(outDir, rarVolumeName(baseName, index));
    vol = await open(path, 'w');
    volumes.push(path);
    const head = Buffer.concat([RAR_MARKER, mainHeader(MHD_VOLUME | (index === 0 ? MHD_FIRSTVOLUME : 0))]);
    await writeAll(vol, head, head.length, 0);
    volPos = head.length;
    segments = [{ crc: crc32(head), len: head.length }];
  };
  const closeVolume = async (last: boolean): Promise<void> => {
    const end = endHeader(!last, volumes.length - 1);
    await writeAll(vol!, end, end.length, volPos);
    volPos += end.length;
    segments.push({ crc: crc32(end), len: end.length });
    let c = 0;
    for (const s of segments) c = crc32Combine(c, s.crc, s.len);
    volumeCrcs.push(c);
    totalBytes += volPos;
    await vol!.close();
    vol = null;
  };

  try {
    await openVolume();
    for (const f of files) {
      signal?.throwIfAborted();
      src = await open(f.path, 'r');
      const hdrLen = fileHeaderSize(f.nameBuf.length, f.large);
      let remaining = f.size;
      let srcPos = 0;
      let fileCrc = 0;
      let part = 0;
      for (;;) {
        const room = volumeSize - volPos - END_SIZE;
        if (room < hdrLen + (remaining > 0 ? 1 : 0)) {
          // not even one byte fits after a header: continue in the next volume
          await closeVolume(false);
          await openVolume();
          continue;
        }
        const partLen = Math.min(remaining, room - hdrLen);
        const headerPos = volPos;
        volPos += hdrLen;
        const partCrc = await copyRange(src, srcPos, vol!, volPos, partLen, bufs, {
          signal,
          onChunk: (n) => { consumed += n; opts.onProgress?.(consumed); },
          what: f.path,
        });
        srcPos += partLen;
        volPos += partLen;
        remaining -= partLen;
        fileCrc = crc32Combine(fileCrc, partCrc, partLen);
        const splitAfter = remaining > 0;
        const hdr = fileHeader({
          flags: (part > 0 ? LHD_SPLIT_BEFORE : 0) | (splitAfter ? LHD_SPLIT_AFTER : 0),
          packSize: partLen,
          unpSize: f.size,
          crc: splitAfter ? partCrc : fileCrc,
          mtime: f.mtime,
          name: f.nameBuf,
          large: f.large,
        });
        await writeAll(vol!, hdr, hdr.length, headerPos);
        segments.push({ crc: crc32(hdr), len: hdr.length }, { crc: partCrc, len: partLen });
        if (!splitAfter) break;
        await closeVolume(false);
        await openVolume();
        part++;
      }
      const tail = Buffer.alloc(1);
      if ((await src.read(tail, 0, 1, srcPos)).bytesRead !== 0) throw new Error(`writeRarVolumes: ${f.path} grew while being archived`);
      await src.close();
      src = null;
      fileCrcs.push(fileCrc);
    }
    await closeVolume(true);
    await removeStaleVolumes(outDir, baseName, volumes.length);
    return { volumes, bytes: totalBytes, volumeCrcs, fileCrcs };
  } catch (err) {
    await (src as FileHandle | null)?.close().catch(() => {});
    await (vol as FileHandle | null)?.close().catch(() => {});
    await Promise.all(volumes.map((p) => unlink(p).catch(() => {})));
    throw err;
  }
}

/** The real RAR (when configured): RAR4 format, store, old-style names, exact volume size in bytes. */
async function writeWithRarBinary(
  bin: string,
  files: { path: string; name: string; size: number }[],
  outDir: string,
  baseName: string,
  opts: RarVolumesOptions,
): Promise<RarVolumesResult> {
  for (const f of files) {
    if (f.path.split(/[\\/]/).pop() !== f.name) throw new Error(`RAR_BINARY mode stores files under their own name: rename ${f.path} to ${f.name} first`);
  }
  const arc = join(outDir, `${baseName}.rar`);
  await removeStaleVolumes(outDir, baseName, 0); // rar would append to an existing archive
  const args = ['a', '-ma4', '-m0', '-vn', `-v${opts.volumeSize}b`, '-ep1', '-o+', '-idq', '-y', '--', arc, ...files.map((f) => f.path)];
  await new Promise<void>((res, rej) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: opts.signal });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('error', rej);
    p.on('close', (code) => (code === 0 ? res() : rej(new Error(`${bin} exited with ${code}: ${err.trim().slice(0, 500)}`))));
  });
  const volumes: string[] = [];
  const volumeCrcs: number[] = [];
  let bytes = 0;
  const buffer = Buffer.allocUnsafe(2 * CRC_BUFFER_SIZE);
  for (let i = 0; ; i++) {
    const p = join(outDir, rarVolumeName(baseName, i));
    try {
      const { crc, size } = await crc32File(p, { buffer, signal: opts.signal });
      volumes.push(p);
      volumeCrcs.push(crc);
      bytes += size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw e;
    }
  }
  if (volumes.length === 0) throw new Error(`${bin} wrote no ${baseName}.rar`);
  // RAR 7 can no longer create RAR 4.x archives (-ma4 dropped): refuse a RAR5 result clearly
  const head = Buffer.alloc(8);
  const fh = await open(volumes[0]!, 'r');
  try { await fh.read(head, 0, 8, 0); } finally { await fh.close(); }
  if (!head.subarray(0, 7).equals(RAR_MARKER)) throw new Error(`${bin} did not write a RAR 4.x archive (RAR 7 and later cannot; use RAR ≤ 6.x or leave RAR_BINARY unset)`);
  const fileCrcs: number[] = [];
  for (const f of files) fileCrcs.push((await crc32File(f.path, { buffer, signal: opts.signal })).crc);
  opts.onProgress?.(files.reduce((n, f) => n + f.size, 0));
  return { volumes, bytes, volumeCrcs, fileCrcs };
}
