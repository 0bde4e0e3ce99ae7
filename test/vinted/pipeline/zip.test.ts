// ZIP guards: zip-slip (../ and absolute names) and zip bombs (ratio, total size) and entry count,
// on real archives written with yazl (unsafe names patched into the bytes, as an attacker would).
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractZip, safeEntryName, ZipError } from '../../../src/vinted/ingest/zip.ts';
import { fixture, tempDir } from './helpers.ts';

let dir: string;
beforeAll(async () => { dir = await tempDir('vinted-zip-'); });
afterAll(async () => { await fsp.rm(dir, { recursive: true, force: true }); });

async function makeZip(entries: { name: string; data: Buffer; compress?: boolean }[], patch: [string, string][] = []): Promise<string> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(e.data, e.name, { compress: e.compress ?? true });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  let buf = Buffer.concat(chunks);
  // names are stored twice (local header + central directory); same length keeps every offset valid
  for (const [from, to] of patch) {
    expect(from.length).toBe(to.length);
    let at = buf.indexOf(from);
    expect(at).toBeGreaterThan(-1);
    while (at >= 0) { buf.write(to, at, 'latin1'); at = buf.indexOf(from, at + 1); }
  }
  const file = path.join(dir, `${crypto.randomUUID()}.zip`);
  await fsp.writeFile(file, buf);
  return file;
}

describe('extractZip', () => {
  it('extracts photos (keeping folders), skips macOS litter, refuses ../ and absolute paths per entry', async () => {
    const zip = await makeZip([
      { name: 'shoot/IMG_0001.jpg', data: fixture('dress-rose.jpg'), compress: false },
      { name: 'IMG_0002.HEIC', data: fixture('dress-rose.heic') },
      { name: 'zz/evil.txt', data: Buffer.from('owned') },
      { name: 'aa/abs.txt', data: Buffer.from('owned') },
      { name: '__MACOSX/shoot/._IMG_0001.jpg', data: Buffer.from('resource fork') },
    ], [['zz/evil.txt', '../evil.txt'], ['aa/abs.txt', '/x/abs.txt']]);
    const dest = path.join(dir, 'out1');
    const r = await extractZip(zip, dest);
    expect(r.files.map((f) => f.name)).toEqual(['shoot/IMG_0001.jpg', 'IMG_0002.HEIC']);
    expect(r.files.every((f) => f.path.startsWith(dest + path.sep))).toBe(true);
    expect(fs.readFileSync(r.files[0]!.path).equals(fixture('dress-rose.jpg'))).toBe(true);
    expect(r.errors).toEqual([
      { file: '../evil.txt', reason: 'unsafe path: path traversal ("..") in "../evil.txt"' },
      { file: '/x/abs.txt', reason: 'unsafe path: absolute path "/x/abs.txt"' },
    ]);
    expect(fs.existsSync(path.join(dir, 'evil.txt'))).toBe(false);
    expect(fs.existsSync('/x/abs.txt')).toBe(false);
  });

  it('refuses an entry with a bomb-like compression ratio, extracts the rest', async () => {
    const zip = await makeZip([
      { name: 'zeros.jpg', data: Buffer.alloc(20 * 1024 * 1024) },
      { name: 'ok.jpg', data: fixture('pants-vert.jpg') },
    ]);
    const r = await extractZip(zip, path.join(dir, 'out2'));
    expect(r.files.map((f) => f.name)).toEqual(['ok.jpg']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.file).toBe('zeros.jpg');
    expect(r.errors[0]!.reason).toMatch(/^suspicious compression ratio \d+:1 \(zip bomb\?\), limit 100:1$/);
  });

  it('refuses the whole archive when it would expand beyond the total size cap', async () => {
    const zip = await makeZip([0, 1, 2].map((i) => ({ name: `r${i}.bin`, data: crypto.randomBytes(600 * 1024), compress: false })));
    const err = await extractZip(zip, path.join(dir, 'out3'), { maxTotalBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipError);
    expect((err as ZipError).code).toBe('zip_too_large');
    expect((err as Error).message).toBe('ZIP would expand to 1.8 MiB, limit 1.0 MiB');
    expect(fs.existsSync(path.join(dir, 'out3'))).toBe(false);
  });

  it('refuses an archive with too many entries, and one that is not a ZIP', async () => {
    const zip = await makeZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from(String(i)) })));
    await expect(extractZip(zip, path.join(dir, 'out4'), { maxEntries: 20 })).rejects.toThrow('ZIP has 30 entries, limit 20');
    const notZip = path.join(dir, 'not.zip');
    await fsp.writeFile(notZip, fixture('dress-rose.jpg'));
    await expect(extractZip(notZip, path.join(dir, 'out5'))).rejects.toMatchObject({ code: 'zip_invalid' });
  });

  it('validates entry names', () => {
    expect(safeEntryName('a/./b.jpg')).toEqual({ ok: true, name: 'a/b.jpg' });
    expect(safeEntryName('a\\..\\..\\b.jpg').ok).toBe(false);
    expect(safeEntryName('C:/Windows/x.jpg').ok).toBe(false);
    expect(safeEntryName('a/b/../../../c').ok).toBe(false);
  });
});
