import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, stat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeZipVolumes, zipVolumeNames, renderDiskCount, planZipVolumes } from '../../../src/releases/archive/zip.ts';
import { tempDir, randomFile, run, has } from './tools.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(async () => cleanup());

const nfo = Buffer.from('\xc9\xcd\xcd\xbb NFO in CP437 \r\n', 'latin1');
const extras = () => [{ name: 'FILE_ID.DIZ', data: 'Some Book (2024)  [xx/NN]\r\n' }, { name: 'grp-ttl.nfo', data: nfo }];

describe('zip volume names', () => {
  it('are 8.3: stem + 1 digit up to 9 volumes, 2 digits up to 99', () => {
    expect(zipVolumeNames('grp-ttl', 3)).toEqual(['grp-ttl1.zip', 'grp-ttl2.zip', 'grp-ttl3.zip']);
    expect(zipVolumeNames('GRP-Title!!', 12)[11]).toBe('grp-ti12.zip');
    expect(() => zipVolumeNames('x', 100)).toThrow(/99/);
    expect(renderDiskCount('[xx/NN]', 2, 5).toString()).toBe('[02/05]');
  });
});

describe('writeZipVolumes', () => {
  it('direct layout: whole files spread over independent zips, each with NFO + DIZ; unzip and 7zz extract them', async () => {
    const a = await randomFile(join(dir, 'a.pdf'), 400_000);
    const b = await randomFile(join(dir, 'b.epub'), 400_000);
    const c = await randomFile(join(dir, 'c.pdf'), 100_000);
    const out = join(dir, 'direct');
    const files = [{ path: join(dir, 'a.pdf'), name: 'Author.Title.pdf' }, { path: join(dir, 'b.epub'), name: 'Author.Title.epub' }, { path: join(dir, 'c.pdf'), name: 'extra.pdf' }];
    const plan = await planZipVolumes(files, 'grp-ttl', { volumeSize: 600_000, extras: extras() });
    const r = await writeZipVolumes(files, out, 'grp-ttl', { volumeSize: 600_000, extras: extras() });
    expect(r.mode).toBe('direct');
    expect(plan).toEqual({ count: 2, mode: 'direct', names: ['grp-ttl1.zip', 'grp-ttl2.zip'] });
    expect(r.volumes.map((v) => v.split('/').pop())).toEqual(['grp-ttl1.zip', 'grp-ttl2.zip']);
    for (const v of r.volumes) expect((await stat(v)).size).toBeLessThanOrEqual(600_000);
    const seen = new Map<string, Buffer>();
    for (const [i, v] of r.volumes.entries()) {
      expect(run('unzip', ['-tq', v]).code).toBe(0);
      const x = join(dir, `x-direct-${i}`);
      const res = run('7zz', ['x', '-y', `-o${x}`, v]);
      expect(res.code, res.out).toBe(0);
      const names = await readdir(x);
      expect(names).toContain('FILE_ID.DIZ');
      expect(names).toContain('grp-ttl.nfo');
      expect(await readFile(join(x, 'FILE_ID.DIZ'), 'latin1')).toContain(`[0${i + 1}/02]`);
      expect((await readFile(join(x, 'grp-ttl.nfo'))).equals(nfo)).toBe(true);
      for (const n of names) if (!/FILE_ID|nfo$/.test(n)) seen.set(n, await readFile(join(x, n)));
    }
    expect(seen.get('Author.Title.pdf')!.equals(a)).toBe(true);
    expect(seen.get('Author.Title.epub')!.equals(b)).toBe(true);
    expect(seen.get('extra.pdf')!.equals(c)).toBe(true);
  });

  it('rar layout: a file larger than a volume is cut into RAR4 parts, one per zip, restored byte-for-byte', async () => {
    expect(has('unar')).toBe(true);
    const big = await randomFile(join(dir, 'big.pdf'), 1_300_000);
    const out = join(dir, 'rarzip');
    const r = await writeZipVolumes([{ path: join(dir, 'big.pdf'), name: 'Author.Big.Book.pdf' }], out, 'grp-big', { volumeSize: 500_000, extras: extras() });
    expect(r.mode).toBe('rar');
    expect(await planZipVolumes([{ path: join(dir, 'big.pdf'), name: 'Author.Big.Book.pdf' }], 'grp-big', { volumeSize: 500_000, extras: extras() })).toEqual({ count: 3, mode: 'rar', names: ['grp-big1.zip', 'grp-big2.zip', 'grp-big3.zip'] });
    expect(r.volumes).toHaveLength(3);
    expect((await readdir(out)).sort()).toEqual(['grp-big1.zip', 'grp-big2.zip', 'grp-big3.zip']);
    const x = join(dir, 'x-rarzip');
    await mkdir(x);
    for (const v of r.volumes) {
      expect((await stat(v)).size).toBeLessThanOrEqual(500_000);
      expect(run('unzip', ['-oq', v, '-d', x]).code).toBe(0);
    }
    expect((await readdir(x)).sort()).toEqual(['FILE_ID.DIZ', 'grp-big.r00', 'grp-big.r01', 'grp-big.rar', 'grp-ttl.nfo']);
    const res = run('unar', ['-q', '-o', join(x, 'out'), join(x, 'grp-big.rar')]);
    expect(res.code, res.out).toBe(0);
    expect((await readFile(join(x, 'out', 'Author.Big.Book.pdf'))).equals(big)).toBe(true);
  });

  it('fails clearly on a missing source or a volume too small for the NFO/DIZ, leaving nothing behind', async () => {
    await expect(writeZipVolumes([{ path: join(dir, 'nope.pdf'), name: 'x.pdf' }], join(dir, 'e1'), 'x', { volumeSize: 1_000_000, extras: extras() })).rejects.toThrow(/ENOENT/);
    await expect(writeZipVolumes([{ path: join(dir, 'c.pdf'), name: 'x.pdf' }], join(dir, 'e2'), 'x', { volumeSize: 300, extras: extras() })).rejects.toThrow(/NFO\/DIZ|too small/);
  });
});
