// Independent ZIP volumes for EBOOK/DOCS releases (the 0-day convention): every zip is a complete
// archive holding the NFO + FILE_ID.DIZ, names are ≤ 8.3 (<stem><n>.zip, lowercase).
//
// Two layouts, chosen automatically:
// - "direct": every source file fits in one volume → the files are stored whole, in order, filling
//   each zip up to the volume size before starting the next;
// - "rar": a file is larger than a volume → the content is cut into RAR4 store volumes
//   (<stem>.rar, .r00 …, also 8.3) and each zip carries one of them — the way multi-disk 0-day
//   releases are made, since a zip volume must stay an independent archive.
// Written with yazl (streaming: files are read with fs streams, never held in memory).
import { createWriteStream } from 'node:fs';
import { stat, mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { writeRarVolumes, rarVolumeName, minRarVolumeSize, planRarVolumes } from './rar4.ts';
import type { ArchiveSource, ZipExtra, ZipVolumesOptions, ZipVolumesResult } from './types.ts';

// Formats that are already compressed are stored; deflating them only costs time.
const STORED_EXT = new Set(['.epub', '.pdf', '.mobi', '.azw', '.azw3', '.kf8', '.prc', '.cbz', '.cbr', '.docx', '.odt', '.zip', '.rar', '.jpg', '.png', '.mkv', '.mp4']);
for (let i = 0; i < 100; i++) STORED_EXT.add(`.r${String(i).padStart(2, '0')}`);

/** Upper bound of the bytes an entry adds to a zip besides its data (local + central headers, descriptor). */
const entryOverhead = (name: string): number => 30 + 46 + 2 * Buffer.byteLength(name) + 24 + 64;
/** End of central directory (+ room for zip64 records yazl may add). */
const ZIP_TAIL = 22 + 56 + 20 + 64;

function dataBound(size: number, compress: boolean): number {
  // deflate of incompressible data: stored blocks of ≤ 64 KiB, 5 bytes each, + a small trailer
  return compress ? size + Math.ceil(size / 16384) * 5 + 64 : size;
}

/** "[xx/NN]" in an extra is replaced by the disk number / disk count, e.g. "[02/05]". */
export function renderDiskCount(data: Buffer | string, volume: number, count: number): Buffer {
  const text = Buffer.isBuffer(data) ? data.toString('latin1') : data;
  const width = Math.max(2, String(count).length);
  const out = text.replace(/\[xx\/NN\]/g, `[${String(volume).padStart(width, '0')}/${String(count).padStart(width, '0')}]`);
  // latin1 round-trip keeps CP437 bytes exactly as they were
  return Buffer.isBuffer(data) ? Buffer.from(out, 'latin1') : Buffer.from(out, 'latin1');
}

/** 8.3 stem: lowercase, [a-z0-9_-] only, cut so that stem + digits ≤ 8. */
export function zipStem(base: string, digits: number): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  if (!clean) throw new Error(`zip base name has no usable character: ${JSON.stringify(base)}`);
  return clean.slice(0, 8 - digits);
}

/** Volume names for `count` zips: <stem>1.zip … (1 digit up to 9 volumes, 2 digits up to 99). */
export function zipVolumeNames(base: string, count: number): string[] {
  if (count < 1) throw new Error('zip volume count must be ≥ 1');
  const digits = String(count).length;
  if (digits > 2) throw new Error(`too many zip volumes (${count}); the 8.3 scheme allows 99`);
  const stem = zipStem(base, digits);
  return Array.from({ length: count }, (_, i) => `${stem}${String(i + 1).padStart(digits, '0')}.zip`);
}

interface Planned { path: string; name: string; size: number; compress: boolean }

async function writeOneZip(path: string, entries: Planned[], extras: { name: string; data: Buffer }[], mtime: Date, signal?: AbortSignal): Promise<number> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addFile(e.path, e.name, { compress: e.compress, forceDosTimestamp: true, mtime, mode: 0o100644 });
  for (const x of extras) zip.addBuffer(x.data, x.name, { compress: true, forceDosTimestamp: true, mtime, mode: 0o100644 });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path), { signal });
  return (await stat(path)).size;
}

interface Layout {
  mode: ZipVolumesResult['mode'];
  /** direct: the files of each zip */
  groups?: Planned[][];
  /** rar: size of each RAR part and the RAR stem */
  rarSize?: number;
  stem?: string;
  count: number;
}

/** Decides the layout (direct or RAR-in-ZIP) and the number of zips, without writing anything. */
function layout(planned: Planned[], volumeSize: number, extras: ZipExtra[], baseName8dot3: string): Layout {
  if (!Number.isSafeInteger(volumeSize) || volumeSize <= 0) throw new Error(`writeZipVolumes: invalid volume size ${volumeSize}`);
  // extras are rendered per volume; their size only depends on the width of the numbers
  const extrasBound = extras.reduce((n, x) => n + entryOverhead(x.name) + dataBound(renderDiskCount(x.data, 99, 99).length, true), 0);
  const capacity = volumeSize - ZIP_TAIL - extrasBound;
  if (capacity <= 0) throw new Error(`writeZipVolumes: volume size ${volumeSize} cannot even hold the NFO/DIZ`);
  const cost = (p: Planned) => entryOverhead(p.name) + dataBound(p.size, p.compress);
  if (planned.every((p) => cost(p) <= capacity)) {
    const groups: Planned[][] = [[]];
    let used = 0;
    for (const p of planned) {
      if (used + cost(p) > capacity && groups.at(-1)!.length > 0) {
        groups.push([]);
        used = 0;
      }
      groups.at(-1)!.push(p);
      used += cost(p);
    }
    return { mode: 'direct', groups, count: groups.length };
  }
  // "rar" layout: RAR4 store volumes sized so that one fits in each zip with the extras.
  const stem = zipStem(baseName8dot3, 0);
  const rarEntryName = rarVolumeName(stem, 150); // longest possible name (same length for all)
  const rarSize = capacity - entryOverhead(rarEntryName);
  if (rarSize < minRarVolumeSize(Math.max(...planned.map((p) => p.name.length)))) throw new Error(`writeZipVolumes: volume size ${volumeSize} too small`);
  const count = planRarVolumes(planned.map((p) => ({ size: p.size, nameLength: Buffer.byteLength(p.name, 'latin1') })), rarSize);
  return { mode: 'rar', rarSize, stem, count };
}

async function planFiles(files: ArchiveSource[], extras: ZipExtra[]): Promise<Planned[]> {
  if (files.length === 0) throw new Error('writeZipVolumes: no source file');
  const names = new Set<string>();
  for (const x of extras) names.add(x.name.toLowerCase());
  const planned: Planned[] = [];
  for (const f of files) {
    if (names.has(f.name.toLowerCase())) throw new Error(`writeZipVolumes: duplicate name ${f.name}`);
    names.add(f.name.toLowerCase());
    const st = await stat(f.path);
    if (!st.isFile()) throw new Error(`writeZipVolumes: not a regular file: ${f.path}`);
    planned.push({ ...f, size: st.size, compress: !STORED_EXT.has(extname(f.name).toLowerCase()) });
  }
  return planned;
}

/**
 * What writeZipVolumes would write — {count, mode, names} — without writing: lets the caller render
 * the NFO/DIZ with the real disk count before packing. Extras only matter through their size.
 */
export async function planZipVolumes(
  files: ArchiveSource[],
  baseName8dot3: string,
  opts: { volumeSize: number; extras: ZipExtra[] },
): Promise<{ count: number; mode: ZipVolumesResult['mode']; names: string[] }> {
  const l = layout(await planFiles(files, opts.extras), opts.volumeSize, opts.extras, baseName8dot3);
  if (l.count > 99) throw new Error(`writeZipVolumes: ${l.count} volumes needed, more than 99; choose a larger volume size`);
  return { count: l.count, mode: l.mode, names: zipVolumeNames(baseName8dot3, l.count) };
}

export async function writeZipVolumes(
  files: ArchiveSource[],
  outDir: string,
  baseName8dot3: string,
  opts: ZipVolumesOptions,
): Promise<ZipVolumesResult> {
  const volumeSize = opts.volumeSize;
  const planned = await planFiles(files, opts.extras);
  const plan = layout(planned, volumeSize, opts.extras, baseName8dot3);
  if (plan.count > 99) throw new Error(`writeZipVolumes: ${plan.count} volumes needed, more than 99; choose a larger volume size`);
  const mtime = new Date();
  await mkdir(outDir, { recursive: true });

  const written: string[] = [];
  let bytes = 0;
  const emit = async (groups: Planned[][], mode: ZipVolumesResult['mode'], onDone?: (i: number) => Promise<void>) => {
    const zipNames = zipVolumeNames(baseName8dot3, groups.length);
    let consumed = 0;
    for (let i = 0; i < groups.length; i++) {
      opts.signal?.throwIfAborted();
      const extras = opts.extras.map((x) => ({ name: x.name, data: renderDiskCount(x.data, i + 1, groups.length) }));
      const path = join(outDir, zipNames[i]!);
      written.push(path);
      const size = await writeOneZip(path, groups[i]!, extras, mtime, opts.signal);
      if (size > volumeSize) throw new Error(`writeZipVolumes: ${zipNames[i]} is ${size} bytes, over the ${volumeSize}-byte volume size`);
      bytes += size;
      if (mode === 'direct') {
        consumed += groups[i]!.reduce((n, e) => n + e.size, 0);
        opts.onProgress?.(consumed);
      }
      await onDone?.(i);
    }
    return { volumes: written, bytes, mode };
  };

  try {
    if (plan.mode === 'direct') return await emit(plan.groups!, 'direct');
    const stem = plan.stem!;
    const tmp = await mkdtemp(join(outDir, '.rarparts-'));
    try {
      const rar = await writeRarVolumes(planned.map((p) => ({ path: p.path, name: p.name })), tmp, stem, {
        volumeSize: plan.rarSize!,
        signal: opts.signal,
        onProgress: opts.onProgress,
        rarBinary: '', // our writer: the part size must be exact for the zips to fit
      });
      if (rar.volumes.length !== plan.count) throw new Error(`writeZipVolumes: planned ${plan.count} RAR parts, wrote ${rar.volumes.length}`);
      const groups = rar.volumes.map((v, i) => [{ path: v, name: rarVolumeName(stem, i), size: 0, compress: false }]);
      // each RAR part is deleted as soon as it is zipped
      return await emit(groups, 'rar', async (i) => unlink(rar.volumes[i]!));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    await Promise.all(written.map((p) => unlink(p).catch(() => {})));
    throw err;
  }
}

export type { ZipExtra };
