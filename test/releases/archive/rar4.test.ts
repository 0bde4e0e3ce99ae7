import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile, readdir, stat, mkdir, truncate, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeRarVolumes, rarVolumeName, fileHeader, rarVolumeCount, planRarVolumes, LHD_SPLIT_AFTER, LHD_SPLIT_BEFORE, MHD_VOLUME, MHD_FIRSTVOLUME, EARC_NEXT_VOLUME } from '../../../src/releases/archive/rar4.ts';
import { readRarVolume, crcRarVolume } from '../../../src/releases/archive/rar4-read.ts';
import { writeSfv, verifySfv } from '../../../src/releases/archive/sfv.ts';
import { tempDir, randomFile, run, has, sevenZipReadsRar, officialUnrar, sevenZipWasm } from './tools.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(async () => cleanup());

describe('rarVolumeName', () => {
  it('uses old-style names .rar .r00 … .r99 .s00', () => {
    expect(rarVolumeName('x', 0)).toBe('x.rar');
    expect(rarVolumeName('x', 1)).toBe('x.r00');
    expect(rarVolumeName('x', 100)).toBe('x.r99');
    expect(rarVolumeName('x', 101)).toBe('x.s00');
  });
});

describe('writeRarVolumes — multi-volume', () => {
  const name = 'Show.S01E02.720p.HDTV.x264-GRP.mkv';
  const volumeSize = 300_000;
  let src: Buffer;
  let out: string;
  let result: Awaited<ReturnType<typeof writeRarVolumes>>;
  const progress: number[] = [];

  beforeAll(async () => {
    const srcPath = join(dir, 'multi.bin');
    src = await randomFile(srcPath, 3 * 1024 * 1024 + 12345);
    out = join(dir, 'multi');
    result = await writeRarVolumes({ path: srcPath, name }, out, 'show.s01e02-grp', { volumeSize, onProgress: (b) => progress.push(b) });
  });

  it('writes .rar, .r00 … with every volume but the last exactly volumeSize bytes', async () => {
    const n = rarVolumeCount(src.length, name.length, volumeSize);
    expect(planRarVolumes([{ size: src.length, nameLength: name.length }], volumeSize)).toBe(n);
    expect(result.volumes.map((v) => v.split('/').pop())).toEqual(Array.from({ length: n }, (_, i) => rarVolumeName('show.s01e02-grp', i)));
    expect((await readdir(out)).length).toBe(n);
    const sizes = await Promise.all(result.volumes.map(async (v) => (await stat(v)).size));
    for (const s of sizes.slice(0, -1)) expect(s).toBe(volumeSize);
    expect(sizes.at(-1)!).toBeLessThanOrEqual(volumeSize);
    expect(result.bytes).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(progress.at(-1)).toBe(src.length);
  });

  it('sets volume, first-volume, split and end flags, per-part CRCs and the whole-file CRC on the last part', async () => {
    let offset = 0;
    for (let i = 0; i < result.volumes.length; i++) {
      const info = await readRarVolume(result.volumes[i]!);
      expect(info.errors).toEqual([]);
      expect(info.format).toBe('rar4');
      expect(info.mainFlags).toBe(MHD_VOLUME | (i === 0 ? MHD_FIRSTVOLUME : 0));
      const last = i === result.volumes.length - 1;
      expect(!!(info.end!.flags & EARC_NEXT_VOLUME)).toBe(!last);
      expect(info.end!.volNumber).toBe(i);
      expect(info.files).toHaveLength(1);
      const f = info.files[0]!;
      expect(f.name).toBe(name);
      expect(f.method).toBe(0x30);
      expect(f.unpSize).toBe(src.length);
      expect(!!(f.flags & LHD_SPLIT_BEFORE)).toBe(i > 0);
      expect(!!(f.flags & LHD_SPLIT_AFTER)).toBe(!last);
      const part = src.subarray(offset, offset + f.packSize);
      // the stored bytes are the source slice
      const vol = await readFile(result.volumes[i]!);
      expect(vol.subarray(f.dataOffset, f.dataOffset + f.packSize).equals(part)).toBe(true);
      expect(f.fileCrc).toBe(last ? crc32(src) : crc32(part));
      offset += f.packSize;
    }
    expect(offset).toBe(src.length);
    expect(result.fileCrcs).toEqual([crc32(src)]);
  });

  it('reports the CRC32 of each whole volume (used for the SFV without re-reading)', async () => {
    for (let i = 0; i < result.volumes.length; i++) expect(result.volumeCrcs[i]).toBe(crc32(await readFile(result.volumes[i]!)));
  });

  it('extracts byte-for-byte with unar (multi-volume)', async () => {
    expect(has('unar'), 'Debian package unar must be installed').toBe(true);
    const x = join(dir, 'x-unar');
    const r = run('unar', ['-q', '-f', '-o', x, result.volumes[0]!]);
    expect(r.code, r.out).toBe(0);
    expect((await readFile(join(x, name))).equals(src)).toBe(true);
  });

  it('extracts byte-for-byte with the official unrar code (RARLAB unrar 6.1.7 as WebAssembly), following the volumes', async () => {
    const x = join(dir, 'x-official');
    expect(await officialUnrar(result.volumes[0]!, x)).toEqual([name]);
    expect((await readFile(join(x, name))).equals(src)).toBe(true);
  });

  it('extracts byte-for-byte with unrar-free (libarchive reads one stream: volumes given joined)', async () => {
    expect(has('unrar-free'), 'Debian package unrar-free must be installed').toBe(true);
    const joined = join(dir, 'joined.rar');
    await writeFile(joined, Buffer.concat(await Promise.all(result.volumes.map((v) => readFile(v)))));
    const x = join(dir, 'x-unrar-free');
    await mkdir(x);
    const r = run('unrar-free', ['-x', '-f', joined, `${x}/`]);
    expect(r.code, r.out).toBe(0);
    expect((await readFile(join(x, name))).equals(src)).toBe(true);
  });

  it('extracts byte-for-byte with 7-Zip 24.09 (full 7zz as WebAssembly: its Rar handler checks every part CRC)', async () => {
    const r = await sevenZipWasm(['x', '-y', '-ox-7zwasm', `multi/${rarVolumeName('show.s01e02-grp', 0)}`], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Type = Rar/);
    expect(r.out).toMatch(new RegExp(`Volumes = ${result.volumes.length}`));
    expect(r.out).toContain('Everything is Ok');
    expect((await readFile(join(dir, 'x-7zwasm', name))).equals(src)).toBe(true);
  });

  it.skipIf(!sevenZipReadsRar())('extracts byte-for-byte with the system 7zz (only where it is built with RAR support)', async () => {
    const x = join(dir, 'x-7z');
    const r = run('7zz', ['x', '-y', `-o${x}`, result.volumes[0]!]);
    expect(r.code, r.out).toBe(0);
    expect((await readFile(join(x, name))).equals(src)).toBe(true);
  });

  it('SFV over the volumes passes cksfv -f and verifySfv', async () => {
    const sfv = join(out, 'show.s01e02-grp.sfv');
    const { entries } = await writeSfv(result.volumes, sfv, { crcs: result.volumeCrcs, comment: 'atelier test' });
    expect(entries).toHaveLength(result.volumes.length);
    const r = run('cksfv', ['-q', '-f', sfv], out); // cksfv resolves names from the cwd
    expect(r.code, r.out).toBe(0);
    expect((await verifySfv(sfv)).ok).toBe(true);
  });

  it('a corrupted part fails unar (part CRC) and cksfv', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    for (const v of result.volumes) await writeFile(join(bad, v.split('/').pop()!), await readFile(v));
    await writeSfv(result.volumes.map((v) => join(bad, v.split('/').pop()!)), join(bad, 'x.sfv'));
    const p = join(bad, rarVolumeName('show.s01e02-grp', 1));
    const buf = await readFile(p);
    buf[buf.length - 5000] ^= 0xff;
    await writeFile(p, buf);
    expect(run('unar', ['-q', '-f', '-o', join(bad, 'x'), join(bad, 'show.s01e02-grp.rar')]).code).not.toBe(0);
    await expect(officialUnrar(join(bad, 'show.s01e02-grp.rar'), join(bad, 'x-official'))).rejects.toThrow();
    const t = await sevenZipWasm(['t', 'bad/show.s01e02-grp.rar'], dir);
    expect(t.code).not.toBe(0);
    expect(t.out).toContain('CRC Failed');
    expect(run('cksfv', ['-q', '-f', join(bad, 'x.sfv')], bad).code).not.toBe(0);
    const v = await verifySfv(join(bad, 'x.sfv'));
    expect(v.ok).toBe(false);
    expect(v.entries.filter((e) => !e.ok).map((e) => e.name)).toEqual(['show.s01e02-grp.r00']);
  });
});

describe('writeRarVolumes — single volume, several files, errors', () => {
  it('a source smaller than the volume gives one .rar that unar and unrar-free extract', async () => {
    const srcPath = join(dir, 'small.bin');
    const src = await randomFile(srcPath, 200_000);
    const out = join(dir, 'single');
    const r = await writeRarVolumes({ path: srcPath, name: 'small.mkv' }, out, 'small', { volumeSize: 15_000_000 });
    expect(r.volumes).toEqual([join(out, 'small.rar')]);
    const info = await readRarVolume(r.volumes[0]!);
    expect(info.errors).toEqual([]);
    expect(info.files[0]!.flags & (LHD_SPLIT_AFTER | LHD_SPLIT_BEFORE)).toBe(0);
    expect(info.files[0]!.fileCrc).toBe(crc32(src));
    expect(info.end!.flags & EARC_NEXT_VOLUME).toBe(0);
    const x1 = join(dir, 'x-single-unar');
    expect(run('unar', ['-q', '-o', x1, r.volumes[0]!]).code).toBe(0);
    expect((await readFile(join(x1, 'small.mkv'))).equals(src)).toBe(true);
    expect(await officialUnrar(r.volumes[0]!, join(dir, 'x-single-official'))).toEqual(['small.mkv']);
    const sz = await sevenZipWasm(['x', '-y', '-ox-single-7z', 'single/small.rar'], dir);
    expect(sz.code, sz.out).toBe(0);
    expect((await readFile(join(dir, 'x-single-7z', 'small.mkv'))).equals(src)).toBe(true);
    expect((await readFile(join(dir, 'x-single-official', 'small.mkv'))).equals(src)).toBe(true);
    const x2 = join(dir, 'x-single-unrar-free');
    await mkdir(x2);
    expect(run('unrar-free', ['-x', r.volumes[0]!, `${x2}/`]).code).toBe(0);
    expect((await readFile(join(x2, 'small.mkv'))).equals(src)).toBe(true);
  });

  it('several files across volumes (a file starting mid-volume, another split) extract intact', async () => {
    const a = await randomFile(join(dir, 'a.bin'), 150_000);
    const b = await randomFile(join(dir, 'b.bin'), 420_000);
    const c = await randomFile(join(dir, 'c.bin'), 0);
    const out = join(dir, 'multi-files');
    const r = await writeRarVolumes([{ path: join(dir, 'a.bin'), name: 'a.pdf' }, { path: join(dir, 'b.bin'), name: 'b.pdf' }, { path: join(dir, 'c.bin'), name: 'c.txt' }], out, 'docs', { volumeSize: 200_000 });
    expect(r.volumes.length).toBe(3);
    expect(planRarVolumes([{ size: 150_000, nameLength: 5 }, { size: 420_000, nameLength: 5 }, { size: 0, nameLength: 5 }], 200_000)).toBe(3);
    const x = join(dir, 'x-multi-files');
    const res = run('unar', ['-q', '-D', '-o', x, r.volumes[0]!]);
    expect(res.code, res.out).toBe(0);
    expect((await readFile(join(x, 'a.pdf'))).equals(a)).toBe(true);
    expect((await readFile(join(x, 'b.pdf'))).equals(b)).toBe(true);
    expect((await readFile(join(x, 'c.txt'))).equals(c)).toBe(true);
    // one pass per volume gives the volume CRC and each block's data CRC
    for (const [i, v] of r.volumes.entries()) {
      const info = await readRarVolume(v);
      const vol = await readFile(v);
      const { volumeCrc, partCrcs } = await crcRarVolume(v, info, Buffer.allocUnsafe(4096));
      expect(volumeCrc).toBe(r.volumeCrcs[i]);
      expect(volumeCrc).toBe(crc32(vol));
      expect(partCrcs).toEqual(info.files.map((f) => crc32(vol.subarray(f.dataOffset, f.dataOffset + f.packSize))));
    }
    const sz = await sevenZipWasm(['x', '-y', '-ox-multi-files-7z', 'multi-files/docs.rar'], dir);
    expect(sz.code, sz.out).toBe(0);
    expect((await readFile(join(dir, 'x-multi-files-7z', 'a.pdf'))).equals(a)).toBe(true);
    expect((await readFile(join(dir, 'x-multi-files-7z', 'b.pdf'))).equals(b)).toBe(true);
    const xo = join(dir, 'x-multi-files-official');
    expect(await officialUnrar(r.volumes[0]!, xo)).toEqual(['a.pdf', 'b.pdf', 'c.txt']);
    expect((await readFile(join(xo, 'b.pdf'))).equals(b)).toBe(true);
  });

  it('planRarVolumes predicts the volume count exactly, including files ending right at a volume boundary', async () => {
    const vol = 10_000;
    const per = vol - 20 - 9 - (32 + 5); // data bytes in a full volume for a 5-char name
    for (const sizes of [[per], [per + 1], [per - 1, 1], [per - 36, 50], [per - 37, 50], [0, 0], [3 * per, per - 40, 7]]) {
      const files = await Promise.all(sizes.map(async (n, i) => {
        await writeFile(join(dir, `p${i}.bin`), Buffer.alloc(n, i + 1));
        return { path: join(dir, `p${i}.bin`), name: `f${i}.ab` };
      }));
      const out = join(dir, `plan-${sizes.join('-')}`);
      const r = await writeRarVolumes(files, out, 'p', { volumeSize: vol });
      expect(planRarVolumes(sizes.map((n) => ({ size: n, nameLength: 5 })), vol), sizes.join(',')).toBe(r.volumes.length);
      for (const v of r.volumes) expect((await readRarVolume(v)).errors).toEqual([]);
      expect(await officialUnrar(r.volumes[0]!, join(out, 'x'))).toEqual(sizes.map((_, i) => `f${i}.ab`));
    }
  });

  it('encodes LHD_LARGE with HIGH_PACK_SIZE / HIGH_UNP_SIZE above 4 GiB', () => {
    const h = fileHeader({ flags: LHD_SPLIT_AFTER, packSize: 5 * 2 ** 30 + 7, unpSize: 6 * 2 ** 30 + 9, crc: 1, mtime: new Date(2024, 0, 1), name: Buffer.from('big.mkv'), large: true });
    expect(h.readUInt16LE(3) & 0x100).toBe(0x100);
    expect(h.readUInt16LE(5)).toBe(h.length);
    expect(h.readUInt32LE(32) * 2 ** 32 + h.readUInt32LE(7)).toBe(5 * 2 ** 30 + 7);
    expect(h.readUInt32LE(36) * 2 ** 32 + h.readUInt32LE(11)).toBe(6 * 2 ** 30 + 9);
    expect(h.subarray(40).toString()).toBe('big.mkv');
    expect(h.readUInt16LE(0)).toBe(crc32(h.subarray(2)) & 0xffff);
  });

  it('refuses a volume size too small, non-ASCII names, and cleans up when aborted', async () => {
    await writeFile(join(dir, 'z.bin'), Buffer.alloc(1000));
    await expect(writeRarVolumes({ path: join(dir, 'z.bin'), name: 'z.mkv' }, join(dir, 'e1'), 'z', { volumeSize: 40 })).rejects.toThrow(/too small/);
    await expect(writeRarVolumes({ path: join(dir, 'z.bin'), name: 'zé.mkv' }, join(dir, 'e2'), 'z', { volumeSize: 100_000 })).rejects.toThrow(/ASCII/);
    await expect(writeRarVolumes({ path: join(dir, 'nope.bin'), name: 'z.mkv' }, join(dir, 'e3'), 'z', { volumeSize: 100_000 })).rejects.toThrow(/ENOENT/);
    await randomFile(join(dir, 'ab.bin'), 2_000_000);
    const ac = new AbortController();
    const p = writeRarVolumes({ path: join(dir, 'ab.bin'), name: 'ab.mkv' }, join(dir, 'e4'), 'ab', {
      volumeSize: 100_000,
      signal: ac.signal,
      onProgress: (n) => { if (n > 500_000) ac.abort(); },
    });
    await expect(p).rejects.toThrow();
    expect(await readdir(join(dir, 'e4'))).toEqual([]);
  });

  it('a truncated volume is reported by the header reader', async () => {
    const srcPath = join(dir, 't.bin');
    await randomFile(srcPath, 500_000);
    const r = await writeRarVolumes({ path: srcPath, name: 't.mkv' }, join(dir, 'trunc'), 't', { volumeSize: 200_000 });
    await truncate(r.volumes[1]!, 150_000);
    const info = await readRarVolume(r.volumes[1]!);
    expect(info.errors.join(' ')).toMatch(/truncated|past the end/);
  });
});

describe('writeRarVolumes — re-runs and RAR_BINARY', () => {
  it('a re-run with fewer volumes removes the stale higher-numbered ones', async () => {
    const srcPath = join(dir, 'rerun.bin');
    await randomFile(srcPath, 900_000);
    const out = join(dir, 'rerun');
    const first = await writeRarVolumes({ path: srcPath, name: 'r.mkv' }, out, 'r', { volumeSize: 100_000 });
    expect(first.volumes.length).toBe(10);
    const second = await writeRarVolumes({ path: srcPath, name: 'r.mkv' }, out, 'r', { volumeSize: 400_000 });
    expect(second.volumes.length).toBe(3);
    expect((await readdir(out)).sort()).toEqual(['r.r00', 'r.r01', 'r.rar']);
  });

  it('with rarBinary set, runs it as `rar a -ma4 -m0 -vn -v<size>b -ep1` and streams the CRCs of what it wrote', async () => {
    // Stand-in for the non-free rar binary (absent here): records its arguments and writes two
    // "volumes" the way rar names them; checks our side of the contract only.
    const fake = join(dir, 'fake-rar.sh');
    await writeFile(fake, '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/rar-args.txt"\neval arc=\\${$(($#-1))}\nprintf "Rar!\\032\\007\\000A" > "$arc"; printf BB > "${arc%.rar}.r00"\n', { mode: 0o755 });
    const srcPath = join(dir, 'show.mkv');
    await randomFile(srcPath, 1000);
    const out = join(dir, 'rarbin');
    const r = await writeRarVolumes({ path: srcPath, name: 'show.mkv' }, out, 'show', { volumeSize: 15_000_000, rarBinary: fake });
    const args = (await readFile(join(dir, 'rar-args.txt'), 'utf8')).trim().split('\n');
    expect(args.slice(0, 5)).toEqual(['a', '-ma4', '-m0', '-vn', '-v15000000b']);
    expect(args.slice(-2)).toEqual([join(out, 'show.rar'), srcPath]);
    expect(r.volumes).toEqual([join(out, 'show.rar'), join(out, 'show.r00')]);
    expect(r.volumeCrcs).toEqual([crc32(Buffer.from('Rar!\x1a\x07\x00A', 'latin1')), crc32(Buffer.from('BB'))]);
    expect(r.bytes).toBe(10);
    await expect(writeRarVolumes({ path: srcPath, name: 'other.mkv' }, out, 'show', { volumeSize: 15_000_000, rarBinary: fake })).rejects.toThrow(/own name/);
    // a RAR 7 (no -ma4 any more) writing RAR5 is refused with the reason
    const rar7 = join(dir, 'fake-rar7.sh');
    await writeFile(rar7, '#!/bin/sh\neval arc=\\${$(($#-1))}\nprintf "Rar!\\032\\007\\001\\000" > "$arc"\n', { mode: 0o755 });
    await expect(writeRarVolumes({ path: srcPath, name: 'show.mkv' }, join(dir, 'rarbin7'), 'show', { volumeSize: 15_000_000, rarBinary: rar7 })).rejects.toThrow(/RAR 4\.x/);
  });
});

// > 4 GiB (LHD_LARGE + HIGH_PACK_SIZE/HIGH_UNP_SIZE): ~2–3 minutes and 9 GB of temp disk, so only
// when asked: ATELIER_LARGE_TESTS=1 node_modules/.bin/vitest run test/releases/archive/rar4.test.ts
describe.runIf(process.env.ATELIER_LARGE_TESTS === '1')('writeRarVolumes — a 4.4 GB source', () => {
  it('writes LARGE headers that unar and the official unrar extract intact', { timeout: 900_000 }, async () => {
    const { crc32File } = await import('../../../src/releases/archive/crc.ts');
    const { open: openFile } = await import('node:fs/promises');
    const srcPath = join(dir, 'large.bin');
    const fh = await openFile(srcPath, 'w');
    await fh.truncate(4_400_000_000); // sparse, with real bytes at both ends
    await fh.write(Buffer.from('HEAD'), 0, 4, 0);
    await fh.write(Buffer.from('TAIL'), 0, 4, 4_399_999_990);
    await fh.close();
    const out = join(dir, 'large');
    const r = await writeRarVolumes({ path: srcPath, name: 'large.mkv' }, out, 'large', { volumeSize: 1_000_000_000 });
    expect(r.volumes).toHaveLength(5);
    for (const v of r.volumes) {
      const info = await readRarVolume(v);
      expect(info.errors).toEqual([]);
      expect(info.files[0]!.flags & 0x100).toBe(0x100);
      expect(info.files[0]!.unpSize).toBe(4_400_000_000);
    }
    const want = (await crc32File(srcPath)).crc;
    expect(r.fileCrcs[0]).toBe(want);
    const x = join(dir, 'x-large');
    expect(run('unar', ['-q', '-o', x, r.volumes[0]!]).code).toBe(0);
    expect((await crc32File(join(x, 'large.mkv'))).crc).toBe(want);
    await rm(x, { recursive: true });
    await officialUnrar(r.volumes[0]!, x);
    expect((await crc32File(join(x, 'large.mkv'))).crc).toBe(want);
  });
});
