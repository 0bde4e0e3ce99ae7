// The local blob store: atomic puts into directories made on demand, also after a prefix was deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../../src/core/files.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-blobs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('LocalBlobStore', () => {
  it('puts, reads, lists and deletes blobs in nested keys, leaving no temp file', async () => {
    const store = new LocalBlobStore(root);
    const info = await store.put('a/b/c/one.txt', 'un');
    expect(info.size).toBe(2);
    await store.put('a/b/c/two.bin', Buffer.from([1, 2, 3]));
    await store.put('a/b/streamed.txt', Readable.from(['de', 'ux']));
    expect((await store.get('a/b/streamed.txt')).toString()).toBe('deux');
    expect((await store.list('a/')).map((b) => b.key).sort()).toEqual(['a/b/c/one.txt', 'a/b/c/two.bin', 'a/b/streamed.txt']);
    expect(fs.readdirSync(path.join(root, 'a/b/c')).some((f) => f.includes('.tmp-'))).toBe(false);
    // a deleted prefix takes its directories away: the next put into it makes them again
    expect(await store.deletePrefix('a/b/c/')).toBe(2);
    await store.put('a/b/c/three.txt', 'trois');
    expect((await store.get('a/b/c/three.txt')).toString()).toBe('trois');
    await expect(store.put('../escape.txt', 'x')).rejects.toThrow(/invalid blob key/);
  });
});
