// ZIP extraction with the guards an upload endpoint needs: path traversal (zip-slip), absolute
// paths, entry count, total uncompressed size and per-entry compression ratio (zip bombs).
// Unsafe entries are skipped with a per-entry error; archive-wide limits throw a ZipError before
// anything is written (the archive as a whole is refused, with the limit stated).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

export interface ZipLimits {
  /** most entries (files + directories) the archive may list */
  maxEntries: number;
  /** most bytes all files may hold once uncompressed */
  maxTotalBytes: number;
  /** largest uncompressed/compressed ratio accepted for one entry */
  maxRatio: number;
  /** largest single uncompressed file */
  maxEntryBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2000,
  maxTotalBytes: 4 * 1024 ** 3,
  maxRatio: 100,
  maxEntryBytes: 200 * 1024 ** 2,
};

export class ZipError extends Error {
  code: 'zip_too_many_entries' | 'zip_too_large' | 'zip_invalid';
  constructor(code: ZipError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface ZipResult {
  files: { name: string; path: string }[];
  errors: { file: string; reason: string }[];
}

function fmtBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/** A safe relative path for an entry name, or the reason it is refused. */
export function safeEntryName(raw: string): { ok: true; name: string } | { ok: false; reason: string } {
  if (raw.includes('\u0000')) return { ok: false, reason: 'unsafe path: NUL byte in entry name' };
  const name = raw.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return { ok: false, reason: `unsafe path: absolute path "${raw}"` };
  const parts = name.split('/');
  if (parts.includes('..')) return { ok: false, reason: `unsafe path: path traversal ("..") in "${raw}"` };
  const clean = parts.filter((p) => p !== '' && p !== '.').join('/');
  if (!clean) return { ok: false, reason: `unsafe path: empty entry name "${raw}"` };
  return { ok: true, name: clean };
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings:false so yauzl does not abort the whole archive on one bad name: we validate names ourselves.
    yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (err, zf) => {
      if (err || !zf) reject(new ZipError('zip_invalid', `not a valid ZIP archive: ${err?.message ?? 'unknown error'}`));
      else resolve(zf);
    });
  });
}

function decodeName(e: yauzl.Entry): string {
  const raw = e.fileName as unknown as Buffer | string;
  if (typeof raw === 'string') return raw;
  // general purpose bit 11: UTF-8 names; otherwise CP437 in theory, but nearly every tool writes UTF-8
  return raw.toString('utf8');
}

function listEntries(zf: yauzl.ZipFile, limits: ZipLimits): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    if (zf.entryCount > limits.maxEntries) {
      reject(new ZipError('zip_too_many_entries', `ZIP has ${zf.entryCount} entries, limit ${limits.maxEntries}`));
      return;
    }
    zf.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zf.readEntry();
    });
    zf.on('end', () => resolve(out));
    zf.on('error', (err: Error) => reject(new ZipError('zip_invalid', `corrupt ZIP archive: ${err.message}`)));
    zf.readEntry();
  });
}

function openEntry(zf: yauzl.ZipFile, e: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zf.openReadStream(e, (err, s) => (err || !s ? reject(err ?? new Error('no stream')) : resolve(s))));
}

export async function extractZip(zipPath: string, destDir: string, limits: Partial<ZipLimits> = {}): Promise<ZipResult> {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const zf = await openZip(zipPath);
  try {
    const entries = await listEntries(zf, lim);
    const files = entries.filter((e) => !decodeName(e).endsWith('/'));
    // Declared sizes first: refuse an archive that announces more than the cap before writing a byte.
    const declared = files.reduce((s, e) => s + e.uncompressedSize, 0);
    if (declared > lim.maxTotalBytes) {
      throw new ZipError('zip_too_large', `ZIP would expand to ${fmtBytes(declared)}, limit ${fmtBytes(lim.maxTotalBytes)}`);
    }
    const out: ZipResult = { files: [], errors: [] };
    const root = path.resolve(destDir);
    await fsp.mkdir(root, { recursive: true });
    let written = 0;
    const seen = new Set<string>();
    for (const e of files) {
      const raw = decodeName(e);
      const safe = safeEntryName(raw);
      if (!safe.ok) { out.errors.push({ file: raw, reason: safe.reason }); continue; }
      const name = safe.name;
      // macOS archive litter: resource forks and Finder metadata are not photos
      if (name.startsWith('__MACOSX/') || path.posix.basename(name).startsWith('._') || path.posix.basename(name) === '.DS_Store') continue;
      const mode = (e.externalFileAttributes >>> 16) & 0o170000;
      if (mode === 0o120000) { out.errors.push({ file: name, reason: 'symbolic link entries are not extracted' }); continue; }
      if (e.isEncrypted()) { out.errors.push({ file: name, reason: 'encrypted entry (password-protected ZIP) not supported' }); continue; }
      if (e.uncompressedSize > lim.maxEntryBytes) {
        out.errors.push({ file: name, reason: `entry too large: ${fmtBytes(e.uncompressedSize)}, limit ${fmtBytes(lim.maxEntryBytes)}` });
        continue;
      }
      const ratio = e.compressedSize > 0 ? e.uncompressedSize / e.compressedSize : (e.uncompressedSize > 0 ? Infinity : 1);
      if (ratio > lim.maxRatio) {
        out.errors.push({ file: name, reason: `suspicious compression ratio ${Number.isFinite(ratio) ? ratio.toFixed(0) : '∞'}:1 (zip bomb?), limit ${lim.maxRatio}:1` });
        continue;
      }
      if (seen.has(name.toLowerCase())) { out.errors.push({ file: name, reason: 'duplicate entry name in ZIP' }); continue; }
      seen.add(name.toLowerCase());
      const target = path.resolve(root, name);
      if (!target.startsWith(root + path.sep)) { out.errors.push({ file: name, reason: `unsafe path: resolves outside the destination` }); continue; }
      await fsp.mkdir(path.dirname(target), { recursive: true });
      // Count real bytes while streaming: declared sizes can lie (yauzl's validateEntrySizes checks too).
      let entryBytes = 0;
      const guard = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          entryBytes += chunk.length;
          if (entryBytes > e.uncompressedSize || written + entryBytes > lim.maxTotalBytes) cb(new Error('entry expands beyond its declared size'));
          else cb(null, chunk);
        },
      });
      try {
        await pipeline(await openEntry(zf, e), guard, fs.createWriteStream(target, { flags: 'wx' }));
        written += entryBytes;
        out.files.push({ name, path: target });
      } catch (err) {
        await fsp.rm(target, { force: true });
        out.errors.push({ file: name, reason: `could not extract: ${(err as Error).message}` });
      }
    }
    return out;
  } finally {
    zf.close();
  }
}
