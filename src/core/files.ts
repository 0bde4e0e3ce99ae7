// Blob store: uploaded photos, scraped images and release artefacts live here, never in the database.
// Local directory by default; S3-compatible storage at scale (see files-s3.ts).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface BlobInfo { key: string; size: number; modified: Date }

export interface BlobStore {
  put(key: string, data: Buffer | Uint8Array | string | Readable): Promise<BlobInfo>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Promise<Readable>;
  stat(key: string): Promise<BlobInfo | null>;
  delete(key: string): Promise<void>;
  /** deletes every blob whose key starts with prefix */
  deletePrefix(prefix: string): Promise<number>;
  list(prefix: string): Promise<BlobInfo[]>;
  /** a local path for tools that need a file (local store: the file itself; others: a temp copy) */
  localPath?(key: string): string;
}

function safeKey(key: string): string {
  const norm = path.posix.normalize(key.replace(/\\/g, '/'));
  if (norm.startsWith('/') || norm.startsWith('..') || norm.includes('/../') || norm === '.') throw new Error(`invalid blob key: ${key}`);
  return norm;
}

export class LocalBlobStore implements BlobStore {
  readonly root: string;
  private seq = 0;
  constructor(root: string) {
    this.root = path.resolve(root);
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  localPath(key: string): string {
    return path.join(this.root, safeKey(key));
  }

  async put(key: string, data: Buffer | Uint8Array | string | Readable): Promise<BlobInfo> {
    const file = this.localPath(key);
    // write to a temp name then rename, so a crash never leaves a half-written blob under its key
    const tmp = `${file}.tmp-${process.pid}-${++this.seq}`;
    try {
      if (data instanceof Readable) {
        // a stream that fails before pipeline() listens (a file that cannot be opened) must not
        // become an unhandled 'error' event: catch it while the folder is made
        let early: Error | null = null;
        const onEarly = (e: Error) => { early ??= e; };
        data.on('error', onEarly);
        try { await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 }); } finally { data.off('error', onEarly); }
        if (early) { data.destroy(); throw early; }
        await pipeline(data, fs.createWriteStream(tmp, { mode: 0o600 }));
      } else {
        // owner-only (0600 files, 0700 folders) whatever the process's umask
        try {
          await fsp.writeFile(tmp, data, { mode: 0o600 });
        } catch (e) {
          // the directory is made on first need, not checked on every put (a batch writes thousands of blobs into one)
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
          await fsp.writeFile(tmp, data, { mode: 0o600 });
        }
      }
    } catch (e) {
      await fsp.rm(tmp, { force: true }).catch(() => {}); // no half-written .tmp left behind
      throw e;
    }
    await fsp.rename(tmp, file);
    const st = await fsp.stat(file);
    return { key, size: st.size, modified: st.mtime };
  }

  async get(key: string): Promise<Buffer> {
    return fsp.readFile(this.localPath(key));
  }

  async stream(key: string): Promise<Readable> {
    const file = this.localPath(key);
    await fsp.access(file);
    return fs.createReadStream(file);
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const st = await fsp.stat(this.localPath(key));
      return { key, size: st.size, modified: st.mtime };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.localPath(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    const items = await this.list(prefix);
    for (const it of items) await this.delete(it.key);
    const dir = path.join(this.root, safeKey(prefix));
    await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
    return items.length;
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    const base = prefix ? safeKey(prefix) : '';
    const start = path.join(this.root, base.includes('/') ? path.posix.dirname(base) : '');
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try { entries = await fsp.readdir(dir, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (!e.name.includes('.tmp-')) {
          const key = path.relative(this.root, full).split(path.sep).join('/');
          if (key.startsWith(base)) {
            const st = await fsp.stat(full);
            out.push({ key, size: st.size, modified: st.mtime });
          }
        }
      }
    };
    await walk(start);
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
