// FTP and explicit FTPS (AUTH TLS) through basic-ftp. The TLS certificate is checked against its
// pinned SHA-256 fingerprint before the password is sent (sites use self-signed certificates, so
// the CA chain says nothing; the pin is what matters, as with SSH host keys).
import crypto from 'node:crypto';
import fsp, { type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Client } from 'basic-ftp';
import { classify, DeliveryError, HostKeyError, type ConnectOptions, type Transport } from './transport.ts';

export function certFingerprint(raw: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
}

/** bytes per read and write, and buffers per upload (reused: fresh memory for every chunk cost a page fault per 4 KiB, most of the sender's CPU) */
const FTP_CHUNK = 1024 * 1024;
const FTP_BUFFERS = 4;

/**
 * The source handed to basic-ftp for one upload. It carries no data itself: once basic-ftp has
 * opened the data connection and starts reading, it writes local[start..size) to that socket
 * from a few reused buffers, each taken back in its write callback (a stream's chunks give no sign
 * of when the socket is done with them), then ends; basic-ftp's pipeline closes the socket after
 * the last write and reports the server's answer or any error.
 */
function dataWriter(socket: () => Writable | undefined, file: FileHandle, local: string, start: number, size: number,
  onBytes: (n: number) => void, throttle?: (n: number) => Promise<void>): Readable {
  let started = false;
  const source = new Readable({
    read() {
      if (started) return;
      started = true;
      const sock = socket();
      if (!sock) { source.destroy(new Error('no data connection')); return; }
      copy(sock).then(() => source.push(null), (e: Error) => source.destroy(e));
    },
  });
  const copy = async (sock: Writable) => {
    const free: Buffer[] = [];
    let allocated = 0;
    let wake: (() => void) | undefined;
    const poke = () => { const w = wake; wake = undefined; w?.(); };
    const waitFor = () => new Promise<void>((r) => { wake = r; });
    sock.on('drain', poke).on('close', poke);
    source.on('close', poke);
    try {
      for (let pos = start; pos < size;) {
        // a failed transfer is reported by basic-ftp's pipeline: just stop writing
        if (source.destroyed || sock.destroyed) return;
        if (sock.writableNeedDrain || (!free.length && allocated === FTP_BUFFERS)) { await waitFor(); continue; }
        const len = Math.min(FTP_CHUNK, size - pos);
        await throttle?.(len);
        const buf = free.pop() ?? (allocated++, Buffer.allocUnsafeSlow(Math.min(FTP_CHUNK, size - start)));
        const { bytesRead } = await file.read(buf, 0, len, pos);
        if (bytesRead !== len) throw new DeliveryError('local_changed', `${local} changed size while it was being sent`);
        pos += len;
        sock.write(len === buf.length ? buf : buf.subarray(0, len), (err) => {
          free.push(buf);
          if (!err) onBytes(len);
          poke();
        });
      }
    } finally {
      sock.off('drain', poke).off('close', poke);
      source.off('close', poke);
    }
  };
  return source;
}

export async function connectFtp(o: ConnectOptions): Promise<Transport> {
  const client = new Client(o.timeoutMs ?? 30_000);
  const what = `${o.kind} ${o.host}:${o.port}`;
  let fingerprint: string | undefined;
  try {
    await client.connect(o.host, o.port);
    if (o.kind === 'ftps') {
      // self-signed certificates are the rule on sites: trust comes from the pinned fingerprint
      await client.useTLS({ rejectUnauthorized: false, servername: o.host });
      const cert = (client.ftp.socket as TLSSocket).getPeerCertificate?.();
      if (!cert?.raw) throw new DeliveryError('tls', `${what}: the server sent no TLS certificate`);
      fingerprint = certFingerprint(cert.raw);
      if (o.fingerprint ? o.fingerprint !== fingerprint : !o.acceptUnpinned) throw new HostKeyError(fingerprint, o.fingerprint, 'TLS certificate');
    }
    await client.login(o.user, o.password ?? '');
    await client.useDefaultSettings();
  } catch (e) {
    client.close();
    throw classify(e, what);
  }
  let checksum: string | undefined;
  try {
    const feat = await client.features();
    if (feat.has('HASH') && /SHA-256/i.test(feat.get('HASH') ?? '')) checksum = 'HASH SHA-256';
    else if (feat.has('XCRC')) checksum = 'XCRC';
  } catch { /* FEAT is optional */ }

  const run = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw classify(e, `${what}: ${label}`);
    }
  };
  const t: Transport = {
    fingerprint,
    checksum,
    list: (dir) => run(`list ${dir}`, async () => (await client.list(dir)).map((f) => ({ name: f.name, size: f.size, dir: f.isDirectory }))),
    async size(file) {
      try {
        return await client.size(file);
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 550 || code === 450) return undefined;
        throw classify(e, `${what}: size ${file}`);
      }
    },
    mkdirp: (dir) => run(`mkdir ${dir}`, async () => { await client.ensureDir(dir); await client.cd('/'); }),
    upload: (local, remote, offset, onBytes, opts) => run(`upload ${remote}`, async () => {
      const abort = () => client.close();
      opts.signal?.addEventListener('abort', abort, { once: true });
      const file = await fsp.open(local, 'r');
      try {
        const { size } = await file.stat();
        const source = dataWriter(() => client.ftp.dataSocket, file, local, offset, size, onBytes, opts.throttle);
        // offset 0: STOR (create or truncate); else APPE from where the server's copy ends
        if (offset === 0) await client.uploadFrom(source, remote);
        else await client.appendFrom(source, remote);
      } finally {
        await file.close();
        opts.signal?.removeEventListener('abort', abort);
        opts.signal?.throwIfAborted();
      }
    }),
    rename: (from, to) => run(`rename ${from}`, async () => { await client.rename(from, to); }),
    remove: (file) => run(`remove ${file}`, async () => { await client.remove(file); }),
    read: (file, maxBytes, start = 0) => run(`read ${file}`, async () => {
      const chunks: Buffer[] = [];
      let n = 0;
      await client.downloadTo(new Writable({ write(c: Buffer, _e, cb) { n += c.length; if (n > maxBytes) cb(new Error(`${file} is larger than ${maxBytes} bytes from byte ${start}`)); else { chunks.push(c); cb(); } } }), file, start);
      return Buffer.concat(chunks);
    }),
    remoteChecksum: checksum ? (file) => run(`checksum ${file}`, async () => {
      if (checksum === 'XCRC') {
        const r = await client.send(`XCRC ${file}`);
        const m = /\b([0-9A-Fa-f]{8})\b/.exec(r.message.slice(4));
        return m ? { algo: 'crc32' as const, hex: m[1]!.toLowerCase() } : undefined;
      }
      await client.send('OPTS HASH SHA-256');
      const r = await client.send(`HASH ${file}`);
      const m = /\b([0-9A-Fa-f]{64})\b/.exec(r.message);
      return m ? { algo: 'sha256' as const, hex: m[1]!.toLowerCase() } : undefined;
    }) : undefined,
    async close() { client.close(); },
  };
  return t;
}
