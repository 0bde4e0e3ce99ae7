// SFV (Simple File Verification): one "name crc32hex" line per file, ';' comment lines, CRLF.
// CRCs are streamed with node:zlib crc32 (fixed buffer); writers that already know the CRC of
// what they wrote (rar4.ts) pass it in `crcs` so the volumes are not read a second time.
import { writeFile, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32File, crcHex, CRC_BUFFER_SIZE } from './crc.ts';
import type { SfvEntry } from './types.ts';

export interface SfvVerifyEntry {
  name: string;
  expected: number;
  actual?: number;
  ok: boolean;
  /** "missing", "crc mismatch" or an I/O message */
  error?: string;
}

export interface SfvWriteOptions {
  /** free text written as ';' comment lines at the top */
  comment?: string;
  /** precomputed CRC32 of each file (same order as files); skips reading them */
  crcs?: number[];
  signal?: AbortSignal;
}

export async function writeSfv(files: string[], sfvPath: string, opts: SfvWriteOptions = {}): Promise<{ entries: SfvEntry[] }> {
  if (opts.crcs && opts.crcs.length !== files.length) throw new Error('writeSfv: crcs must match files one to one');
  const buffer = opts.crcs ? undefined : Buffer.allocUnsafe(2 * CRC_BUFFER_SIZE);
  const entries: SfvEntry[] = [];
  for (let i = 0; i < files.length; i++) {
    const name = basename(files[i]!);
    if (/[\r\n]/.test(name) || name.startsWith(';')) throw new Error(`writeSfv: file name not representable in an SFV: ${JSON.stringify(name)}`);
    const crc = opts.crcs ? opts.crcs[i]! >>> 0 : (await crc32File(files[i]!, { buffer, signal: opts.signal })).crc;
    entries.push({ name, crc });
  }
  const lines: string[] = [];
  if (opts.comment !== undefined) for (const l of opts.comment.split(/\r?\n/)) lines.push(`; ${l}`.trimEnd());
  for (const e of entries) lines.push(`${e.name} ${crcHex(e.crc)}`);
  await writeFile(sfvPath, lines.join('\r\n') + '\r\n', 'latin1');
  return { entries };
}

/** Parses SFV text: comments (';') and blank lines skipped; the CRC is the last 8 hex digits of the line. */
export function parseSfv(text: string): { entries: SfvEntry[]; errors: string[] } {
  const entries: SfvEntry[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith(';')) return;
    const m = /^(.+?)\s+([0-9a-fA-F]{8})$/.exec(line);
    if (!m) errors.push(`line ${i + 1}: not "name crc32": ${JSON.stringify(line.slice(0, 80))}`);
    else entries.push({ name: m[1]!, crc: parseInt(m[2]!, 16) >>> 0 });
  });
  return { entries, errors };
}

/** Re-reads every file listed in the SFV (relative to its directory) and compares CRCs. */
export async function verifySfv(sfvPath: string, opts: { signal?: AbortSignal } = {}): Promise<{ ok: boolean; entries: SfvVerifyEntry[]; errors: string[]; sfvPath: string }> {
  const { entries, errors } = parseSfv(await readFile(sfvPath, 'latin1'));
  const dir = dirname(sfvPath);
  const buffer = Buffer.allocUnsafe(2 * CRC_BUFFER_SIZE);
  const out: SfvVerifyEntry[] = [];
  for (const e of entries) {
    try {
      const { crc } = await crc32File(join(dir, e.name), { buffer, signal: opts.signal });
      out.push({ name: e.name, expected: e.crc, actual: crc, ok: crc === e.crc, ...(crc === e.crc ? {} : { error: 'crc mismatch' }) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') out.push({ name: e.name, expected: e.crc, ok: false, error: 'missing' });
      else if ((err as Error).name === 'AbortError') throw err;
      else out.push({ name: e.name, expected: e.crc, ok: false, error: (err as Error).message });
    }
  }
  return { ok: errors.length === 0 && out.length > 0 && out.every((e) => e.ok), entries: out, errors, sfvPath };
}
