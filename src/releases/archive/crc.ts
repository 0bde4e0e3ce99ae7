// CRC32 helpers: streamed file CRC (node:zlib crc32, fixed buffer) and crc32Combine, which lets
// the writers compute one CRC per chunk and derive part / file / volume CRCs without re-reading.
import { crc32 } from 'node:zlib';
import { open } from 'node:fs/promises';

const POLY = 0xedb88320;

/** a(x) * b(x) modulo the CRC polynomial (reflected), as in zlib's multmodp. */
function multmodp(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

const X2N: number[] = (() => {
  const t: number[] = [];
  let p = 1 << 30; // x^1
  t.push(p >>> 0);
  for (let n = 1; n < 32; n++) t.push((p = multmodp(p, p)));
  return t;
})();

/** x^(n * 2^k) modulo the polynomial; n may exceed 2^32. */
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multmodp(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** CRC32 of A‖B from crc(A), crc(B) and len(B) — zlib's crc32_combine. */
export function crc32Combine(crcA: number, crcB: number, lenB: number): number {
  if (lenB === 0) return crcA >>> 0;
  return (multmodp(x2nmodp(lenB, 3), crcA >>> 0) ^ crcB) >>> 0;
}

/** Two buffers of this size are used when streaming (1 MiB: stays in cache between read and CRC). */
export const CRC_BUFFER_SIZE = 1024 * 1024;

/**
 * Streams a file through node:zlib crc32 with two fixed buffers: the next read is in flight (libuv
 * threadpool) while the current chunk is CRC'd on the main thread.
 */
export async function crc32File(
  path: string,
  opts: { signal?: AbortSignal; buffer?: Buffer; onProgress?: (bytes: number) => void } = {},
): Promise<{ crc: number; size: number }> {
  const half = opts.buffer && opts.buffer.length >= 2 * 65536 ? opts.buffer.length >> 1 : CRC_BUFFER_SIZE;
  const whole = opts.buffer && opts.buffer.length >= 2 * half ? opts.buffer : Buffer.allocUnsafe(2 * half);
  const bufs = [whole.subarray(0, half), whole.subarray(half, 2 * half)];
  const fh = await open(path, 'r');
  try {
    let crc = 0;
    let size = 0;
    let i = 0;
    let pending = fh.read(bufs[0]!, 0, half, 0);
    for (;;) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const cur = bufs[i & 1]!;
      size += bytesRead;
      pending = fh.read(bufs[(i + 1) & 1]!, 0, half, size);
      crc = crc32(bytesRead === half ? cur : cur.subarray(0, bytesRead), crc);
      opts.onProgress?.(size);
      i++;
    }
    return { crc: crc >>> 0, size };
  } finally {
    await fh.close();
  }
}

export function crcHex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}
