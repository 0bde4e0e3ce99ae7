// Minimal RAR 4.x header reader for validation: walks the block chain of one volume without
// reading the stored data (positional reads of headers only), checks every HEAD_CRC, and reports
// what the release rules care about (format, volume flags, split flags, method, encryption,
// recovery record, truncation).
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { RAR_MARKER, HEAD_MAIN, HEAD_FILE, HEAD_ENDARC, LONG_BLOCK, LHD_LARGE } from './rar4.ts';
import { crc32Combine } from './crc.ts';

export const RAR5_MARKER = Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]);

export interface RarFileBlock {
  offset: number;
  flags: number;
  name: string;
  packSize: number;
  unpSize: number;
  fileCrc: number;
  method: number;
  hostOs: number;
  unpVer: number;
  dataOffset: number;
}

export interface RarVolumeInfo {
  format: 'rar4' | 'rar5' | 'unknown';
  size: number;
  mainFlags: number;
  files: RarFileBlock[];
  /** other block types seen (0x78 recovery record, 0x7A sub-block …) */
  otherBlocks: number[];
  end?: { flags: number; volNumber?: number };
  /** problems found while walking the chain (bad HEAD_CRC, truncation …) */
  errors: string[];
}

export async function readRarVolume(path: string): Promise<RarVolumeInfo> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const info: RarVolumeInfo = { format: 'unknown', size, mainFlags: 0, files: [], otherBlocks: [], errors: [] };
    const sig = Buffer.alloc(8);
    await fh.read(sig, 0, 8, 0);
    if (sig.equals(RAR5_MARKER)) { info.format = 'rar5'; return info; }
    if (!sig.subarray(0, 7).equals(RAR_MARKER)) return info;
    info.format = 'rar4';
    let pos = 7;
    const head = Buffer.alloc(64 * 1024);
    while (pos < size) {
      if (pos + 7 > size) { info.errors.push(`truncated block header at ${pos}`); break; }
      await fh.read(head, 0, 7, pos);
      const type = head[2]!;
      const flags = head.readUInt16LE(3);
      const headSize = head.readUInt16LE(5);
      if (headSize < 7 || pos + headSize > size) { info.errors.push(`truncated or invalid header at ${pos} (type 0x${type.toString(16)})`); break; }
      await fh.read(head, 0, headSize, pos);
      const h = head.subarray(0, headSize);
      if ((crc32(h.subarray(2)) & 0xffff) !== h.readUInt16LE(0)) info.errors.push(`bad HEAD_CRC at ${pos} (type 0x${type.toString(16)})`);
      let addSize = 0;
      if (type === HEAD_MAIN) info.mainFlags = flags;
      else if (type === HEAD_FILE) {
        const large = (flags & LHD_LARGE) !== 0;
        const lo = h.readUInt32LE(7);
        const ulo = h.readUInt32LE(11);
        const nameSize = h.readUInt16LE(26);
        const hiPack = large ? h.readUInt32LE(32) : 0;
        const hiUnp = large ? h.readUInt32LE(36) : 0;
        const nameOff = large ? 40 : 32;
        const packSize = hiPack * 0x100000000 + lo;
        info.files.push({
          offset: pos,
          flags,
          name: h.subarray(nameOff, nameOff + nameSize).toString('latin1'),
          packSize,
          unpSize: hiUnp * 0x100000000 + ulo,
          fileCrc: h.readUInt32LE(16),
          method: h[25]!,
          hostOs: h[15]!,
          unpVer: h[24]!,
          dataOffset: pos + headSize,
        });
        addSize = packSize;
      } else if (type === HEAD_ENDARC) {
        info.end = { flags, ...(flags & 0x0008 ? { volNumber: h.readUInt16LE(headSize >= 13 && flags & 0x0002 ? 11 : 7) } : {}) };
        pos += headSize;
        break;
      } else {
        info.otherBlocks.push(type);
        if (flags & LONG_BLOCK) addSize = h.readUInt32LE(7);
      }
      pos += headSize + addSize;
      if (pos > size) info.errors.push(`block at ${pos - headSize - addSize} runs past the end of the volume (truncated?)`);
    }
    if (!info.end && info.errors.length === 0) info.errors.push('no end-of-archive block (truncated?)');
    return info;
  } finally {
    await fh.close();
  }
}

/**
 * One sequential pass over a volume: the CRC32 of the whole file (what an SFV lists) and of each
 * file block's stored data (what FILE_CRC holds), computed per segment and joined with
 * crc32Combine so no byte is hashed twice. A part cut short by truncation gets `null`.
 */
export async function crcRarVolume(path: string, info: RarVolumeInfo, buffer?: Buffer): Promise<{ volumeCrc: number; partCrcs: (number | null)[] }> {
  const cuts = new Set<number>([0, info.size]);
  for (const f of info.files) {
    cuts.add(Math.min(f.dataOffset, info.size));
    cuts.add(Math.min(f.dataOffset + f.packSize, info.size));
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const segCrc = new Map<number, number>(); // segment start → crc
  const buf = buffer ?? Buffer.allocUnsafe(1024 * 1024);
  const fh = await open(path, 'r');
  try {
    let pos = 0;
    let seg = 0; // index into bounds of the current segment start
    let crc = 0;
    while (pos < info.size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, info.size - pos), pos);
      if (bytesRead === 0) break;
      let off = 0;
      while (off < bytesRead) {
        const end = bounds[seg + 1]!;
        const take = Math.min(bytesRead - off, end - (pos + off));
        crc = crc32(buf.subarray(off, off + take), crc);
        off += take;
        if (pos + off === end) {
          segCrc.set(bounds[seg]!, crc >>> 0);
          crc = 0;
          seg++;
        }
      }
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  let volumeCrc = 0;
  for (let i = 0; i + 1 < bounds.length; i++) volumeCrc = crc32Combine(volumeCrc, segCrc.get(bounds[i]!) ?? 0, bounds[i + 1]! - bounds[i]!);
  const partCrcs = info.files.map((f) => (f.dataOffset + f.packSize > info.size ? null : f.packSize === 0 ? 0 : segCrc.get(f.dataOffset) ?? null));
  return { volumeCrc, partCrcs };
}
