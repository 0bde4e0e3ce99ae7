// One connection to a destination, the few operations delivery needs. FTP/FTPS (basic-ftp) and
// SFTP (ssh2 through ssh2-sftp-client) implement it; deliver.ts only speaks this interface.
export type DestinationKind = 'ftp' | 'ftps' | 'sftp';

export interface ConnectOptions {
  kind: DestinationKind;
  host: string;
  port: number;
  user: string;
  password?: string;
  /** SFTP private key (OpenSSH/PEM text) */
  privateKey?: string;
  passphrase?: string;
  /**
   * pinned fingerprint "SHA256:<base64>" of the SSH host key (SFTP) or of the TLS certificate
   * (FTPS); undefined = not pinned yet: the connection fails with HostKeyError carrying what was seen
   * unless `acceptUnpinned` (first use with --accept-host-key / the UI's "pin" button)
   */
  fingerprint?: string;
  acceptUnpinned?: boolean;
  timeoutMs?: number;
}

export interface UploadProgress { (bytes: number): void }

export interface Transport {
  /** the fingerprint the server presented (SFTP host key, FTPS certificate), if any */
  readonly fingerprint?: string;
  /** what the server can verify beyond sizes: 'HASH SHA-256', 'XCRC', or none */
  readonly checksum?: string;
  list(dir: string): Promise<{ name: string; size: number; dir: boolean }[]>;
  /** size of a remote file, undefined when it does not exist */
  size(file: string): Promise<number | undefined>;
  mkdirp(dir: string): Promise<void>;
  /**
   * writes local[offset..] at remote offset `offset` (offset 0: create/truncate). Calls onBytes
   * with each chunk acknowledged. Rejects on any transfer error; the remote may hold a prefix.
   */
  upload(local: string, remote: string, offset: number, onBytes: UploadProgress, opts: { signal?: AbortSignal; throttle?: (n: number) => Promise<void> }): Promise<void>;
  /** rename, replacing an existing target */
  rename(from: string, to: string): Promise<void>;
  remove(file: string): Promise<void>;
  /** a small file back (from byte `start` to its end), to compare byte for byte */
  read(file: string, maxBytes: number, start?: number): Promise<Buffer>;
  /** the server's checksum of a file (lower-case hex), when it has a checksum command */
  remoteChecksum?(file: string): Promise<{ algo: 'crc32' | 'sha256'; hex: string } | undefined>;
  close(): Promise<void>;
}

/** A failure with a stable code the UI and the CLI translate; `retry` says whether backoff may help. */
export class DeliveryError extends Error {
  readonly code: string;
  readonly retry: boolean;
  constructor(code: string, message: string, retry = false) {
    super(message);
    this.name = 'DeliveryError';
    this.code = code;
    this.retry = retry;
  }
}

export class HostKeyError extends DeliveryError {
  readonly seen: string;
  readonly expected?: string;
  constructor(seen: string, expected: string | undefined, what: string) {
    super(expected ? 'host_key_mismatch' : 'host_key_unknown', expected
      ? `the ${what} of this server changed: expected ${expected}, got ${seen}. Refused — if the server was really re-keyed, check the new fingerprint with its admin and pin it again`
      : `the ${what} of this server is not pinned yet: it presented ${seen}. Pin it (--accept-host-key, or --host-key ${seen}) after checking it with the server's admin`);
    this.seen = seen;
    this.expected = expected;
  }
}

/** classifies a socket/protocol error: network drops retry, auth/permission/space do not */
export function classify(e: unknown, what: string): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const err = e as Error & { code?: string | number; level?: string };
  const msg = err?.message ?? String(e);
  const code = String(err?.code ?? '');
  if (err?.name === 'AbortError') return new DeliveryError('cancelled', 'cancelled');
  if (/530|authentication|All configured authentication methods failed|Login incorrect|Permission denied \(publickey|client-authentication/i.test(msg) || err?.level === 'client-authentication') {
    return new DeliveryError('auth', `${what}: the server refused the login (wrong user, password or key)`);
  }
  if (/\b500 OOPS\b/.test(msg)) return new DeliveryError('server', `${what}: the server failed (${msg.trim()})`);
  if (/^55[0-3]|552|452|quota|no space|disk full|EDQUOT|ENOSPC|Failure$/i.test(msg) && /552|452|quota|space|full/i.test(msg)) {
    return new DeliveryError('no_space', `${what}: the server is out of space or over quota (${msg.trim()})`);
  }
  if (/^553|^550|Permission denied|permission|EACCES|access denied/i.test(msg) || code === '3') {
    return new DeliveryError('permission', `${what}: permission denied (${msg.trim()})`);
  }
  if (/ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket|closed|timeout|Timed out|421|425|426|No response|end of file|Not connected|ERR_STREAM/i.test(msg + code)) {
    return new DeliveryError('network', `${what}: connection lost (${msg.trim()})`, true);
  }
  return new DeliveryError('failed', `${what}: ${msg.trim()}`, true);
}

export function joinRemote(...parts: string[]): string {
  const p = parts.filter(Boolean).join('/').replace(/\/+/g, '/');
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}
