// The S3 blob store against s3rver (an S3 server implementation in Node, from npm: no MinIO or
// other S3 server installs here): objects stream both ways — a 20 MiB stream goes up in parts and
// comes down as a stream, byte for byte — and a failing source leaves no object behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { createS3BlobStore } from '../../src/core/files-s3.ts';
import type { BlobStore } from '../../src/core/files.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-s3-'));
let server: S3rver | undefined;
let store: BlobStore;

beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'atelier', configs: [] }] });
  const { port } = await server.run();
  store = await createS3BlobStore({ endpoint: `http://127.0.0.1:${port}`, bucket: 'atelier', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `mib` MiB of deterministic bytes, produced 1 MiB at a time, and their SHA-256 */
function source(mib: number, failAt?: number) {
  const hash = crypto.createHash('sha256');
  let produced = 0;
  const stream = Readable.from((function* () {
    for (let i = 0; i < mib; i++) {
      if (i === failAt) throw new Error('source broke');
      const chunk = crypto.createHash('sha512').update(String(i)).digest();
      const buf = Buffer.alloc(1024 * 1024, chunk);
      hash.update(buf);
      produced++;
      yield buf;
    }
  })());
  return { stream, digest: () => hash.digest('hex'), produced: () => produced };
}

describe('S3 blob store (s3rver)', () => {
  it('puts and reads buffers, strings and streams; stat, list, delete', async () => {
    expect((await store.put('a/one.txt', 'un')).size).toBe(2);
    await store.put('a/b/two.bin', Buffer.from([1, 2, 3]));
    expect((await store.get('a/one.txt')).toString()).toBe('un');
    expect((await store.stat('a/b/two.bin'))?.size).toBe(3);
    expect(await store.stat('a/none')).toBeNull();
    expect((await store.list('a/')).map((b) => b.key).sort()).toEqual(['a/b/two.bin', 'a/one.txt']);
    expect(await store.deletePrefix('a/')).toBe(2);
    expect(await store.list('a/')).toEqual([]);
  });

  it('streams a 20 MiB object up in parts and down as a stream', async () => {
    const src = source(20);
    const info = await store.put('big/blob.bin', src.stream);
    expect(info.size).toBe(20 * 1024 * 1024);
    expect((await store.stat('big/blob.bin'))?.size).toBe(20 * 1024 * 1024);
    const down = await store.stream('big/blob.bin');
    const hash = crypto.createHash('sha256');
    let chunks = 0;
    for await (const c of down) { hash.update(c); chunks++; }
    expect(hash.digest('hex')).toBe(src.digest());
    expect(chunks).toBeGreaterThan(1); // it came as a stream, not one buffer
  });

  it('a source that fails mid-way rejects the put and leaves no object', async () => {
    const src = source(12, 10);
    await expect(store.put('broken/blob.bin', src.stream)).rejects.toThrow(/source broke/);
    expect(await store.stat('broken/blob.bin')).toBeNull();
  });
});
