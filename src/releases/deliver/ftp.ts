// FTP and explicit FTPS (AUTH TLS) through basic-ftp. The TLS certificate is checked against its
// pinned SHA-256 fingerprint before the password is sent (sites use self-signed certificates, so
// the CA chain says nothing; the pin is what matters, as with SSH host keys).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Client } from 'basic-ftp';
import { classify, DeliveryError, HostKeyError, type ConnectOptions, type Transport } from './transport.ts';

export function certFingerprint(raw: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
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
      try {
        const file = fs.createReadStream(local, { start: offset, highWaterMark: 1024 * 1024 });
        let src: Readable = file;
        if (opts.throttle) {
          const limit = opts.throttle;
          src = file.pipe(new Transform({
            async transform(chunk: Buffer, _enc, cb) {
              try { await limit(chunk.length); onBytes(chunk.length); cb(null, chunk); } catch (e) { cb(e as Error); }
            },
          }));
        } else {
          // no cap: a synchronous counting stage (a 'data' listener would start the flow before basic-ftp pipes it)
          src = file.pipe(new Transform({ transform(chunk: Buffer, _enc, cb) { onBytes(chunk.length); cb(null, chunk); } }));
        }
        // offset 0: STOR (create or truncate); else APPE from where the server's copy ends
        if (offset === 0) await client.uploadFrom(src, remote);
        else await client.appendFrom(src, remote);
      } finally {
        opts.signal?.removeEventListener('abort', abort);
        opts.signal?.throwIfAborted();
      }
    }),
    rename: (from, to) => run(`rename ${from}`, async () => { await client.rename(from, to); }),
    remove: (file) => run(`remove ${file}`, async () => { await client.remove(file); }),
    read: (file, maxBytes) => run(`read ${file}`, async () => {
      const chunks: Buffer[] = [];
      let n = 0;
      await client.downloadTo(new Writable({ write(c: Buffer, _e, cb) { n += c.length; if (n > maxBytes) cb(new Error(`${file} is larger than ${maxBytes} bytes`)); else { chunks.push(c); cb(); } } }), file);
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
