import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { crc32Combine, crc32File } from '../../../src/releases/archive/crc.ts';
import { writeSfv, verifySfv, parseSfv } from '../../../src/releases/archive/sfv.ts';
import { tempDir, randomFile, run } from './tools.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(async () => cleanup());

describe('crc32Combine', () => {
  it('equals the CRC of the concatenation for many random splits', () => {
    for (let i = 0; i < 50; i++) {
      const a = randomBytes(Math.floor(Math.random() * 5000));
      const b = randomBytes(Math.floor(Math.random() * 5000));
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
    }
    expect(crc32Combine(crc32(Buffer.from('abc')), 0, 0)).toBe(crc32(Buffer.from('abc')));
  });
  it('handles lengths above 2^32 (no 32-bit overflow): combining in one step equals two steps', () => {
    const a = crc32(Buffer.from('release'));
    const b = crc32(Buffer.from('volume'));
    expect(crc32Combine(a, b, 2 ** 32 + 12345)).toBe(crc32Combine(crc32Combine(a, 0, 2 ** 32), b, 12345));
    expect(crc32Combine(a, crc32(Buffer.alloc(1000)), 1000)).toBe(crc32(Buffer.concat([Buffer.from('release'), Buffer.alloc(1000)])));
  });
});

describe('SFV', () => {
  it('writes CRLF lines with comments, passes cksfv -f, parses back', async () => {
    const files = [join(dir, 'a.r00'), join(dir, 'a.rar'), join(dir, 'empty.r01')];
    const datas = [await randomFile(files[0]!, 100_000), await randomFile(files[1]!, 5_000_000), Buffer.alloc(0)];
    await writeFile(files[2]!, datas[2]!);
    const sfv = join(dir, 'a.sfv');
    const { entries } = await writeSfv(files, sfv, { comment: 'made by atelier\nsecond line' });
    expect(entries.map((e) => e.crc)).toEqual(datas.map((d) => crc32(d)));
    const text = await readFile(sfv, 'latin1');
    expect(text.startsWith('; made by atelier\r\n; second line\r\n')).toBe(true);
    expect(text).toContain(`a.rar ${crc32(datas[1]!).toString(16).padStart(8, '0')}\r\n`);
    expect(parseSfv(text).entries).toEqual(entries);
    const r = run('cksfv', ['-q', '-f', sfv], dir);
    expect(r.code, r.out).toBe(0);
    expect((await verifySfv(sfv)).ok).toBe(true);
    expect((await crc32File(files[1]!)).crc).toBe(crc32(datas[1]!));
  });

  it('reports missing files and mismatches by name; cksfv agrees', async () => {
    const f = join(dir, 'm.rar');
    await randomFile(f, 1000);
    const sfv = join(dir, 'm.sfv');
    await writeFile(sfv, `; x\r\nm.rar 00000000\r\nghost.r00 12345678\r\ngarbage line\r\n`);
    const v = await verifySfv(sfv);
    expect(v.ok).toBe(false);
    expect(v.entries.map((e) => [e.name, e.error])).toEqual([['m.rar', 'crc mismatch'], ['ghost.r00', 'missing']]);
    expect(v.errors[0]).toMatch(/line 4/);
    expect(run('cksfv', ['-q', '-f', sfv], dir).code).not.toBe(0);
  });

  it('rejects precomputed CRCs that do not match the file list', async () => {
    await expect(writeSfv([join(dir, 'm.rar')], join(dir, 'n.sfv'), { crcs: [] })).rejects.toThrow(/match/);
  });
});
