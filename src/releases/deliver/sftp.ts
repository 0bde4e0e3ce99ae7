// SFTP through ssh2 (via ssh2-sftp-client for the connection and small operations). Uploads use
// the raw SFTP session with a window of pipelined WRITE requests (as OpenSSH's sftp does): one
// request at a time would cap throughput at one round trip per 32 KB.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';
import { classify, DeliveryError, HostKeyError, type ConnectOptions, type Transport } from './transport.ts';

/**
 * Bytes of WRITE requests in flight: enough to keep a link busy, and the most a cut connection
 * can lose, so also the span before the server's size where writes still out may have landed
 * out of order (a resume compares that span with the local file).
 */
export const SFTP_IN_FLIGHT = 1024 * 1024;
/**
 * Bytes per WRITE. Fewer, larger requests cost less CPU per byte (each is an answer to decrypt and
 * a callback); never more than the server takes in one WRITE (ssh2 learns OpenSSH's limit through
 * limits@openssh.com, else assumes ~31 KiB), since ssh2 sends a longer one as pieces, one after
 * the other.
 */
export const SFTP_CHUNK = 128 * 1024;

export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

const cb = <T>(fn: (done: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));

export async function connectSftp(o: ConnectOptions): Promise<Transport> {
  const what = `sftp ${o.host}:${o.port}`;
  const client = new SftpClient('atelier');
  let seen: string | undefined;
  try {
    await client.connect({
      host: o.host, port: o.port, username: o.user, password: o.password, privateKey: o.privateKey, passphrase: o.passphrase,
      readyTimeout: o.timeoutMs ?? 30_000, keepaliveInterval: 10_000, keepaliveCountMax: 3,
      // AES-GCM runs in OpenSSL (AES-NI); ssh2's chacha20-poly1305 costs far more CPU per byte
      algorithms: { cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr', 'chacha20-poly1305@openssh.com'] },
      hostVerifier: (key: Buffer) => {
        seen = hostKeyFingerprint(key);
        return o.fingerprint ? seen === o.fingerprint : !!o.acceptUnpinned;
      },
    });
  } catch (e) {
    await client.end().catch(() => {});
    if (seen && (o.fingerprint ? seen !== o.fingerprint : !o.acceptUnpinned)) throw new HostKeyError(seen, o.fingerprint, 'SSH host key');
    throw classify(e, what);
  }
  const raw = (client as unknown as { sftp: SFTPWrapper }).sftp;
  const run = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw classify(e, `${what}: ${label}`);
    }
  };
  const t: Transport = {
    fingerprint: seen,
    list: (dir) => run(`list ${dir}`, async () => (await client.list(dir)).map((f) => ({ name: f.name, size: f.size, dir: f.type === 'd' }))),
    async size(file) {
      try {
        return (await cb<{ size: number }>((d) => raw.stat(file, d))).size;
      } catch (e) {
        if ((e as { code?: number }).code === 2) return undefined;
        throw classify(e, `${what}: stat ${file}`);
      }
    },
    mkdirp: (dir) => run(`mkdir ${dir}`, async () => { if (!(await client.exists(dir))) await client.mkdir(dir, true); }),
    upload: (local, remote, offset, onBytes, opts) => run(`upload ${remote}`, async () => {
      // a connection cut mid-file leaves ssh2's pending WRITEs unanswered: end the upload when it closes
      let onClose!: () => void;
      const closed = new Promise<never>((_, reject) => { onClose = () => reject(new DeliveryError('network', 'the SSH connection closed', true)); });
      closed.catch(() => {});
      const ssh = (client as unknown as { client: import('node:events').EventEmitter }).client;
      ssh.once('close', onClose);
      raw.once('close', onClose);
      const src = await fsp.open(local, 'r');
      const handle = await Promise.race([cb<Buffer>((d) => raw.open(remote, offset === 0 ? 'w' : 'r+', d)), closed]);
      try {
        const { size } = await src.stat();
        const chunk = Math.min(SFTP_CHUNK, (raw as unknown as { _maxWriteLen?: number })._maxWriteLen ?? 31 * 1024);
        const window = Math.max(1, Math.floor(SFTP_IN_FLIGHT / chunk));
        // at most `window` buffers, each back in `free` once the server answered its WRITE: fresh
        // memory for every chunk cost a page fault per 4 KiB, much of the sender's CPU
        const free: Buffer[] = [];
        let inFlight = 0;
        let next = offset;
        let failed: unknown;
        let answered: (() => void) | undefined;
        while ((next < size || inFlight) && !failed) {
          while (next < size && inFlight < window && !failed) {
            opts.signal?.throwIfAborted();
            const len = Math.min(chunk, size - next);
            await opts.throttle?.(len);
            const buf = free.pop() ?? Buffer.allocUnsafeSlow(chunk);
            const { bytesRead } = await src.read(buf, 0, len, next);
            if (bytesRead !== len) throw new DeliveryError('local_changed', `${local} changed size while it was being sent`);
            const pos = next;
            next += len;
            inFlight++;
            raw.write(handle, buf, 0, len, pos, (e) => {
              inFlight--;
              free.push(buf);
              if (!e) onBytes(len);
              // SSH_FX_FAILURE on WRITE is how OpenSSH reports ENOSPC / EDQUOT (SFTP v3 has no finer code)
              else failed ??= (e as { code?: number }).code === 4 ? new DeliveryError('no_space', `the server refused to write at byte ${pos} (SFTP "Failure": disk full or over quota?)`) : e;
              answered?.();
            });
          }
          if (inFlight) await Promise.race([new Promise<void>((r) => { answered = r; }), closed]);
        }
        // the writes still out when one failed: their answers come before the error is reported
        while (inFlight) await Promise.race([new Promise<void>((r) => { answered = r; }), closed]);
        if (failed) throw failed;
      } finally {
        ssh.off('close', onClose);
        raw.off('close', onClose);
        await src.close();
        // on a dead channel CLOSE is never answered: do not wait for it (nor keep the process up
        // for the timer once it was answered: `send` exited 10 s late)
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([cb<void>((d) => raw.close(handle, d)), closed, new Promise((r) => { timer = setTimeout(r, 10_000); })]).catch(() => {});
        clearTimeout(timer);
      }
    }),
    rename: (from, to) => run(`rename ${from}`, async () => {
      // OpenSSH's posix-rename replaces the target atomically; plain SFTP rename refuses an existing one
      try {
        await cb<void>((d) => raw.ext_openssh_rename(from, to, d));
      } catch {
        if ((await t.size(to)) !== undefined) await cb<void>((d) => raw.unlink(to, d));
        await cb<void>((d) => raw.rename(from, to, d));
      }
    }),
    remove: (file) => run(`remove ${file}`, () => cb<void>((d) => raw.unlink(file, d))),
    read: (file, maxBytes, start = 0) => run(`read ${file}`, async () => {
      const handle = await cb<Buffer>((d) => raw.open(file, 'r', d));
      try {
        const { size } = await cb<{ size: number }>((d) => raw.fstat(handle, d));
        const len = Math.max(0, size - start);
        if (len > maxBytes) throw new Error(`${file} is larger than ${maxBytes} bytes from byte ${start}`);
        const out = Buffer.alloc(len);
        // a server may answer a READ with fewer bytes than asked: ask again from there
        for (let got = 0; got < len;) {
          const n = await cb<number>((d) => raw.read(handle, out, got, len - got, start + got, d));
          if (!n) break;
          got += n;
        }
        return out;
      } finally {
        await cb<void>((d) => raw.close(handle, d)).catch(() => {});
      }
    }),
    async close() { await client.end().catch(() => {}); },
  };
  return t;
}

export async function connect(o: ConnectOptions): Promise<Transport> {
  if (o.kind === 'sftp') return connectSftp(o);
  const { connectFtp } = await import('./ftp.ts');
  return connectFtp(o);
}
