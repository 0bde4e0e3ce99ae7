// Sends one release directory to one destination, resumably and verified:
//   - every file goes up as "<dir>/.<file>.atelier-part" and is renamed to its name only once its
//     size (and checksum, where the server has a checksum command; byte-for-byte for small files)
//     matches: nothing half-written ever sits under a final name;
//   - the remote part file IS the checkpoint: after a drop, a server restart or a kill -9 of our
//     worker, the next attempt asks its size, compares the bytes just before it with the local
//     file, and goes on from there (FTP APPE; SFTP writes at the offset);
//   - a file already complete under its final name is re-verified and not sent again;
//   - network errors retry with exponential backoff on a fresh connection; a refused login, a
//     permission or space error stops that file at once with the reason.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { crc32 } from 'node:zlib';
import { DeliveryError, classify, joinRemote, type DestinationKind, type Transport } from './transport.ts';
import { SFTP_IN_FLIGHT } from './sftp.ts';

export interface LocalFile { name: string; size: number; path: string }

export interface FileResult {
  name: string;
  bytes: number;
  verified: boolean;
  /** how it was verified: "size", "size+sha256", "size+crc32", "size+bytes" */
  check?: string;
  /** already complete on the server: nothing sent */
  skipped?: boolean;
  /** bytes sent for this file, counting resends */
  sent: number;
  error?: { code: string; message: string };
}

export interface DeliveryProgress {
  bytes: number;
  total: number;
  /** bytes per second over the last seconds */
  rate: number;
  etaSeconds: number | null;
  file?: string;
}

export interface DeliverOptions {
  kind: DestinationKind;
  connect: () => Promise<Transport>;
  /** the release's remote directory: <path>/<release name> */
  remoteDir: string;
  parallel?: number;
  throttle?: (n: number) => Promise<void>;
  /** attempts per file after the first; waits backoffMs·2^n between them */
  retries?: number;
  backoffMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: DeliveryProgress) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void | Promise<void>;
}

export interface DeliverResult {
  ok: boolean;
  files: FileResult[];
  bytes: number;
  /** bytes put on the wire (resends included) */
  sent: number;
  seconds: number;
  fingerprint?: string;
}

/** files of a release directory, volumes in order (the names sort as .rar, .r00, .r01 …; 01.zip …) */
export async function listLocal(dir: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of (await fsp.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p, `${rel}${e.name}/`);
      else if (e.isFile()) out.push({ name: `${rel}${e.name}`, size: (await fsp.stat(p)).size, path: p });
    }
  };
  await walk(dir, '');
  const rank = (n: string) => (n.includes('/') ? 3 : /\.(nfo|sfv)$/i.test(n) ? 0 : /\.rar$/i.test(n) ? 1 : 2);
  return out.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

export const partName = (file: string) => {
  const dir = path.posix.dirname(file);
  return `${dir === '.' ? '' : `${dir}/`}.${path.posix.basename(file)}.atelier-part`;
};

/**
 * How much of the part file's end a resume compares with the local file. SFTP: the writes still
 * out when the connection died may have landed out of order, so holes can only lie within one
 * window before the server's size. FTP: the data connection lands bytes in order; the tail
 * catches a part left by another version of the file (a release packed again under its name).
 */
export const RESUME_TAIL = { sftp: SFTP_IN_FLIGHT, ftp: 64 * 1024, ftps: 64 * 1024 } as const;

/**
 * Where an interrupted upload goes on: the server's size, once the bytes before it match the
 * local file. Where they differ, SFTP writes again from the first byte that differs; FTP can only
 * append (APPE), so the file is sent again whole.
 */
export async function resumePoint(t: Transport, kind: DestinationKind, part: string, partSize: number | undefined, f: LocalFile): Promise<number> {
  if (!partSize || partSize > f.size) return 0;
  const from = Math.max(0, partSize - RESUME_TAIL[kind]);
  const remote = await t.read(part, RESUME_TAIL[kind], from);
  const local = Buffer.allocUnsafe(remote.length);
  const fh = await fsp.open(f.path, 'r');
  try {
    await fh.read(local, 0, local.length, from);
  } finally {
    await fh.close();
  }
  let same = 0;
  while (same < remote.length && remote[same] === local[same]) same++;
  if (same === remote.length && from + same === partSize) return partSize;
  return kind === 'sftp' ? from + same : 0;
}

async function localDigest(file: string, algo: 'crc32' | 'sha256'): Promise<string> {
  if (algo === 'sha256') {
    const h = crypto.createHash('sha256');
    for await (const c of fs.createReadStream(file)) h.update(c as Buffer);
    return h.digest('hex');
  }
  let crc = 0;
  for await (const c of fs.createReadStream(file)) crc = crc32(c as Buffer, crc);
  return (crc >>> 0).toString(16).padStart(8, '0');
}

const SMALL = 1024 * 1024;

/** checks a remote file against the local one: size, then checksum or bytes where possible */
async function verify(t: Transport, remote: string, f: LocalFile): Promise<{ ok: boolean; check: string; detail?: string }> {
  const size = await t.size(remote);
  if (size !== f.size) return { ok: false, check: 'size', detail: `remote size ${size ?? 'missing'} ≠ ${f.size}` };
  if (t.remoteChecksum) {
    const r = await t.remoteChecksum(remote).catch(() => undefined);
    if (r) {
      const local = await localDigest(f.path, r.algo);
      return local === r.hex ? { ok: true, check: `size+${r.algo}` } : { ok: false, check: `size+${r.algo}`, detail: `${r.algo} ${r.hex} ≠ ${local}` };
    }
  }
  if (f.size <= SMALL) {
    const remoteBytes = await t.read(remote, SMALL);
    const same = remoteBytes.equals(await fsp.readFile(f.path));
    return same ? { ok: true, check: 'size+bytes' } : { ok: false, check: 'size+bytes', detail: 'content differs' };
  }
  return { ok: true, check: 'size' };
}

export async function deliverRelease(files: LocalFile[], o: DeliverOptions): Promise<DeliverResult> {
  const started = Date.now();
  const total = files.reduce((n, f) => n + f.size, 0);
  const retries = o.retries ?? 5;
  const backoff = o.backoffMs ?? 1000;
  const log = async (level: 'info' | 'warn' | 'error', m: string, d?: Record<string, unknown>) => { await o.log?.(level, m, d); };
  // progress = bytes known to be on the server; a resend moves it back
  const done = new Map<string, number>();
  let sent = 0;
  const samples: [number, number][] = [];
  let lastEmit = 0;
  const emit = (file?: string, force = false) => {
    const now = Date.now();
    if (!force && now - lastEmit < 250) return;
    lastEmit = now;
    const bytes = [...done.values()].reduce((a, b) => a + b, 0);
    samples.push([now, sent]);
    while (samples.length > 2 && now - samples[0]![0] > 5000) samples.shift();
    const [t0, s0] = samples[0]!;
    const rate = now > t0 ? ((sent - s0) * 1000) / (now - t0) : 0;
    o.onProgress?.({ bytes, total, rate: Math.round(rate), etaSeconds: rate > 0 ? Math.round((total - bytes) / rate) : null, file });
  };

  let fingerprint: string | undefined;
  // one mkdir per remote directory, shared by the parallel connections (two racing mkdirs fail)
  const dirsMade = new Map<string, Promise<void>>();
  const results: FileResult[] = files.map((f) => ({ name: f.name, bytes: f.size, verified: false, sent: 0 }));
  const queue = files.map((f, i) => ({ f, r: results[i]! }));
  // a refused login or host key stops everything: no point hammering the server with every file
  let fatal: DeliveryError | undefined;

  const worker = async () => {
    let t: Transport | undefined;
    const conn = async () => {
      if (!t) {
        t = await o.connect();
        fingerprint ??= t.fingerprint;
      }
      return t;
    };
    const drop = async () => { await t?.close().catch(() => {}); t = undefined; };
    try {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const { f, r } = item;
        if (fatal) { r.error = { code: fatal.code, message: fatal.message }; continue; }
        const finalPath = joinRemote(o.remoteDir, f.name);
        const part = joinRemote(o.remoteDir, partName(f.name));
        const dir = path.posix.dirname(finalPath);
        // the part's size when the previous attempt started an upload that failed: a server whose
        // part does not grow across a whole attempt is full (vsftpd just resets the data connection on ENOSPC)
        let stalledAt: number | undefined;
        let uploading = false;
        for (let attempt = 0; ; attempt++) {
          try {
            o.signal?.throwIfAborted();
            const c = await conn();
            if (!dirsMade.has(dir)) dirsMade.set(dir, c.mkdirp(dir).catch((e) => { dirsMade.delete(dir); throw e; }));
            await dirsMade.get(dir);
            const existing = await c.size(finalPath);
            if (existing === f.size) {
              const v = await verify(c, finalPath, f);
              if (v.ok) {
                Object.assign(r, { verified: true, check: v.check, skipped: r.sent === 0 });
                done.set(f.name, f.size);
                emit(f.name, true);
                await log('info', `${f.name}: already on the server, verified (${v.check})`, { code: 'deliver.already_there', file: f.name, check: checkNote(v.check) });
                break;
              }
              await log('warn', `${f.name}: the server's copy differs (${v.detail}): sending it again`, { code: 'deliver.differs', file: f.name, detail: v.detail });
            }
            const partSize = await c.size(part);
            if (stalledAt !== undefined && partSize === stalledAt) {
              throw new DeliveryError('no_space', `the server stopped taking data at byte ${partSize} twice in a row: disk full or over quota?`);
            }
            stalledAt = partSize;
            let offset = await resumePoint(c, o.kind, part, partSize, f);
            if (offset > 0) await log('info', `${f.name}: resuming at byte ${offset} of ${f.size}`, { code: 'deliver.resuming', file: f.name, offset, total: f.size });
            else if (partSize) await log('warn', `${f.name}: the part on the server does not match this file: sending it again whole`, { code: 'deliver.part_mismatch', file: f.name });
            done.set(f.name, offset);
            emit(f.name, true);
            if (offset < f.size || partSize !== f.size) {
              uploading = true;
              await c.upload(f.path, part, offset, (n) => {
                sent += n; r.sent += n; offset += n;
                done.set(f.name, offset);
                emit(f.name);
              }, { signal: o.signal, throttle: o.throttle });
              uploading = false;
            }
            const v = await verify(c, part, f);
            if (!v.ok) {
              // a corrupt part never gets a final name: drop it and send the file whole again
              await c.remove(part).catch(() => {});
              throw new DeliveryError('verify', `${f.name}: verification failed after upload (${v.detail})`, true);
            }
            await c.rename(part, finalPath);
            const after = await c.size(finalPath);
            if (after !== f.size) throw new DeliveryError('verify', `${f.name}: size after rename ${after} ≠ ${f.size}`, true);
            Object.assign(r, { verified: true, check: v.check, skipped: false });
            delete r.error;
            done.set(f.name, f.size);
            emit(f.name, true);
            await log('info', `${f.name}: ${f.size} bytes sent and verified (${v.check})`, { code: 'deliver.sent', file: f.name, size: f.size, check: checkNote(v.check) });
            break;
          } catch (e) {
            const err = classify(e, f.name);
            // a failure before the upload started says nothing about the server's space
            if (!uploading) stalledAt = undefined;
            uploading = false;
            if (o.signal?.aborted) { r.error = { code: 'cancelled', message: 'cancelled' }; await drop(); throw o.signal.reason ?? err; }
            await drop();
            r.error = { code: err.code, message: err.message };
            if (['auth', 'host_key_mismatch', 'host_key_unknown', 'tls'].includes(err.code)) { fatal = err; await log('error', err.message, failure(err)); break; }
            if (!err.retry || attempt >= retries) {
              await log('error', `${f.name}: ${err.message}${err.retry ? ` (gave up after ${attempt + 1} attempts)` : ''}`, { ...failure(err), code: err.retry ? 'deliver.gave_up' : 'deliver.failed', attempts: attempt + 1 });
              if (err.code === 'no_space' || err.code === 'permission') {
                // free what the failed part took; the final name was never touched
                const c2 = await conn().catch(() => undefined);
                await c2?.remove(part).catch(() => {});
              }
              break;
            }
            const wait = Math.min(backoff * 2 ** attempt, 30_000);
            await log('warn', `${f.name}: ${err.message}; retrying in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 2}/${retries + 1})`, { ...failure(err), code: 'deliver.retrying', seconds: Math.round(wait / 100) / 10, attempt: attempt + 2, attempts: retries + 1 });
            await new Promise((res) => setTimeout(res, wait));
          }
        }
      }
    } finally {
      await drop();
    }
  };
  const n = Math.max(1, Math.min(o.parallel ?? 1, files.length));
  await Promise.all(Array.from({ length: n }, () => worker()));
  emit(undefined, true);
  return { ok: results.every((r) => r.verified), files: results, bytes: total, sent, seconds: (Date.now() - started) / 1000, fingerprint };
}

/**
 * A failed transfer as log data: the reason as a code the web words (releases.deliverError.<code>)
 * and the server's or library's own text kept as the detail, never as the message itself.
 */
function failure(err: DeliveryError & { file?: string }): Record<string, unknown> {
  return { code: 'deliver.fatal', reason: { code: `deliverError.${err.code}` }, error: err.message };
}

/** how a file was verified ('size', 'size+bytes', 'size+sha256'…) as a coded message the web words (releases.verify.*) */
export function checkNote(check: string): { code: string; params?: Record<string, string> } {
  if (check === 'size') return { code: 'verify.size' };
  if (check === 'size+bytes') return { code: 'verify.bytes' };
  return { code: 'verify.hash', params: { algo: check.replace(/^size\+/, '') } };
}
