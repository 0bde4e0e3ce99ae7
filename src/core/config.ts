// One typed config read from the environment. The table below is the single source for the
// README's configuration table (`atelier config --markdown` prints it).
import path from 'node:path';
import { readLock } from './lock.ts';

interface Setting {
  env: string;
  default: string;
  meaning: string;
}

export const settings = [
  { env: 'PORT', default: '8080', meaning: 'HTTP port of the server (web app + API)' },
  { env: 'HOST', default: '0.0.0.0', meaning: 'address the server listens on' },
  { env: 'ATELIER_DATA_DIR', default: './data', meaning: 'data directory: embedded database (db/), blob store (files/), vault key, lock file' },
  { env: 'DATABASE_URL', default: '(unset)', meaning: 'PostgreSQL connection string; when set, a real PostgreSQL server is used instead of embedded PGlite' },
  { env: 'ATELIER_SECRET_KEY', default: '(generated)', meaning: 'vault master key (any string ≥ 32 chars, or 32 bytes base64); when unset one is generated once into <data>/secret.key (mode 0600)' },
  { env: 'ATELIER_SECRET_KEYS_OLD', default: '(unset)', meaning: 'comma-separated previous vault keys, still accepted for decryption during a key rotation' },
  { env: 'ATELIER_ADMIN_EMAIL', default: '(unset)', meaning: 'bootstrap admin created on first start when no user exists (with ATELIER_ADMIN_PASSWORD)' },
  { env: 'ATELIER_ADMIN_PASSWORD', default: '(unset)', meaning: 'password of the bootstrap admin' },
  { env: 'ATELIER_URL', default: '(from the lock file)', meaning: 'server URL the CLI talks to; unset = the server that owns the data dir, at the port its lock file records (else http://localhost:PORT)' },
  { env: 'ATELIER_TOKEN', default: '(unset)', meaning: 'personal API token the CLI uses to talk to a running server' },
  { env: 'ATELIER_WORKERS', default: 'true', meaning: 'run job workers inside the server process (set false when separate `atelier worker` processes run)' },
  { env: 'ATELIER_FILES', default: 'local', meaning: 'blob store: `local` (<data>/files) or `s3`' },
  { env: 'S3_ENDPOINT', default: '(unset)', meaning: 'S3-compatible endpoint (R2, MinIO, S3) when ATELIER_FILES=s3' },
  { env: 'S3_BUCKET', default: '(unset)', meaning: 'bucket name when ATELIER_FILES=s3' },
  { env: 'S3_REGION', default: 'auto', meaning: 'region when ATELIER_FILES=s3' },
  { env: 'S3_ACCESS_KEY_ID', default: '(unset)', meaning: 'S3 access key id' },
  { env: 'S3_SECRET_ACCESS_KEY', default: '(unset)', meaning: 'S3 secret access key' },
  { env: 'LOG_LEVEL', default: 'info', meaning: 'pino log level (trace, debug, info, warn, error)' },
  { env: 'ATELIER_LOG_FILE', default: '(unset)', meaning: 'also append JSON logs to this file' },
  { env: 'ATELIER_LANG', default: 'fr', meaning: 'default UI and message language (fr or en)' },
  { env: 'ATELIER_ACCESS_TTL', default: '900', meaning: 'access token lifetime in seconds' },
  { env: 'ATELIER_REFRESH_TTL', default: '2592000', meaning: 'refresh token lifetime in seconds (rotated at each use)' },
  { env: 'ATELIER_LOGIN_RATE', default: '10', meaning: 'login attempts allowed per IP per minute (besides, an account is locked for 30 s after 5 failed logins, doubling at each further failure, at most 1 h)' },
  { env: 'TRUST_PROXY', default: '(unset)', meaning: 'comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For/-Proto/-Host are believed, e.g. `127.0.0.1,10.0.0.0/8`; unset = none (the client address is the TCP peer)' },
  { env: 'ATELIER_METRICS_TOKEN', default: '(unset)', meaning: 'bearer token required by /metrics; unset = /metrics answers only direct loopback connections (no proxy headers)' },
  { env: 'ATELIER_BODY_LIMIT', default: '1048576', meaning: 'maximum JSON request body in bytes' },
  { env: 'ATELIER_UPLOAD_LIMIT', default: '2147483648', meaning: 'maximum multipart upload size in bytes (whole request)' },
  { env: 'ATELIER_USER_AGENT', default: 'atelier/0.1 (+https://github.com/atelier-app/atelier)', meaning: 'User-Agent of every outbound request: names the tool and a contact URL' },
  { env: 'ATELIER_HTTP_ALLOW_PRIVATE', default: 'false', meaning: 'allow outbound requests to private/loopback addresses (tests and local fakes only)' },
  { env: 'ATELIER_HTTP_TIMEOUT', default: '30000', meaning: 'outbound request timeout in ms' },
  { env: 'ATELIER_HTTP_RETRIES', default: '3', meaning: 'outbound retries on network errors, 429 and 5xx' },
  { env: 'HTTPS_PROXY', default: '(unset)', meaning: 'proxy for outbound requests' },
  { env: 'ATELIER_JOB_RETENTION_DAYS', default: '30', meaning: 'finished jobs, their logs and artefacts are purged after this many days' },
] as const satisfies readonly Setting[];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  secretKeysOld: string[];
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  serverUrl: string;
  token: string | undefined;
  workers: boolean;
  files: { kind: 'local' | 's3'; s3: { endpoint?: string; bucket?: string; region: string; accessKeyId?: string; secretAccessKey?: string } };
  logLevel: string;
  logFile: string | undefined;
  lang: 'fr' | 'en';
  accessTtl: number;
  refreshTtl: number;
  loginRate: number;
  trustProxy: string[];
  metricsToken: string | undefined;
  bodyLimit: number;
  uploadLimit: number;
  http: { userAgent: string; allowPrivate: boolean; timeoutMs: number; retries: number; proxy: string | undefined };
  jobRetentionDays: number;
  /** the raw environment, for module settings (each module reads and documents its own) */
  env: Record<string, string | undefined>;
}

function bool(v: string | undefined, d: boolean): boolean {
  if (v === undefined || v === '') return d;
  return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
}

function int(name: string, v: string | undefined, d: number): number {
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${v}"`);
  return n;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const cfg: Config = {
    port: int('PORT', env.PORT, 8080),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.ATELIER_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.ATELIER_SECRET_KEY || undefined,
    secretKeysOld: (env.ATELIER_SECRET_KEYS_OLD || '').split(',').map((s) => s.trim()).filter(Boolean),
    adminEmail: env.ATELIER_ADMIN_EMAIL || undefined,
    adminPassword: env.ATELIER_ADMIN_PASSWORD || undefined,
    serverUrl: env.ATELIER_URL || serverUrlFromLock(path.resolve(env.ATELIER_DATA_DIR || './data')) || `http://localhost:${env.PORT || 8080}`,
    token: env.ATELIER_TOKEN || undefined,
    workers: bool(env.ATELIER_WORKERS, true),
    files: {
      kind: env.ATELIER_FILES === 's3' ? 's3' : 'local',
      s3: {
        endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET, region: env.S3_REGION || 'auto',
        accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      },
    },
    logLevel: env.LOG_LEVEL || 'info',
    logFile: env.ATELIER_LOG_FILE || undefined,
    lang: env.ATELIER_LANG === 'en' ? 'en' : 'fr',
    accessTtl: int('ATELIER_ACCESS_TTL', env.ATELIER_ACCESS_TTL, 900),
    refreshTtl: int('ATELIER_REFRESH_TTL', env.ATELIER_REFRESH_TTL, 30 * 24 * 3600),
    loginRate: int('ATELIER_LOGIN_RATE', env.ATELIER_LOGIN_RATE, 10),
    trustProxy: (env.TRUST_PROXY || '').split(',').map((s) => s.trim()).filter(Boolean),
    metricsToken: env.ATELIER_METRICS_TOKEN || undefined,
    bodyLimit: int('ATELIER_BODY_LIMIT', env.ATELIER_BODY_LIMIT, 1024 * 1024),
    uploadLimit: int('ATELIER_UPLOAD_LIMIT', env.ATELIER_UPLOAD_LIMIT, 2 * 1024 * 1024 * 1024),
    http: {
      userAgent: env.ATELIER_USER_AGENT || 'atelier/0.1 (+https://github.com/atelier-app/atelier)',
      allowPrivate: bool(env.ATELIER_HTTP_ALLOW_PRIVATE, false),
      timeoutMs: int('ATELIER_HTTP_TIMEOUT', env.ATELIER_HTTP_TIMEOUT, 30000),
      retries: int('ATELIER_HTTP_RETRIES', env.ATELIER_HTTP_RETRIES, 3),
      proxy: env.HTTPS_PROXY || env.https_proxy || undefined,
    },
    jobRetentionDays: int('ATELIER_JOB_RETENTION_DAYS', env.ATELIER_JOB_RETENTION_DAYS, 30),
    env,
  };
  return { ...cfg, ...overrides };
}

/** The server that owns the data dir records its port (and address) in the lock file: the CLI finds it there. */
function serverUrlFromLock(dataDir: string): string | undefined {
  const lock = readLock(dataDir);
  if (lock?.kind !== 'server' || !lock.port) return undefined;
  const host = !lock.host || lock.host === '0.0.0.0' || lock.host === '::' ? '127.0.0.1' : lock.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${lock.port}`;
}
