// pino logger with two layers of secret protection: `redact` for well-known field names, and a
// scrubber that replaces any value the vault has handed out (cookies, tokens, passwords) wherever
// it appears in a log line, even inside an error message.
import fs from 'node:fs';
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

const knownSecrets = new Set<string>();

/** Registers a secret value so that it is masked in every log line from now on. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

/** Replaces registered secrets in a string. Also used for error messages sent in API responses. */
export function scrub(text: string): string {
  if (knownSecrets.size === 0 || typeof text !== 'string') return text;
  let out = text;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const e = new Error(scrub(value.message));
    e.name = value.name;
    e.stack = value.stack ? scrub(value.stack) : undefined;
    return e;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

export const redactPaths = [
  'password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'cookie_value', '*.cookie_value',
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'secret', '*.secret', 'authorization', '*.authorization',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]', 'headers["set-cookie"]',
];

export function createLogger(opts: { level?: string; file?: string; name?: string; stream?: DestinationStream } = {}): Logger {
  const streams: { stream: DestinationStream | NodeJS.WritableStream }[] = [];
  if (opts.stream) streams.push({ stream: opts.stream });
  else if (process.stderr.isTTY && !process.env.CI) {
    // pretty in a terminal; JSON otherwise. Logs always go to stderr so `--json` stdout stays clean.
    streams.push({ stream: pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true } }) });
  } else streams.push({ stream: pino.destination(2) });
  if (opts.file) streams.push({ stream: fs.createWriteStream(opts.file, { flags: 'a' }) });
  return pino(
    {
      name: opts.name ?? 'atelier',
      level: opts.level ?? 'info',
      redact: { paths: redactPaths, censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrubDeep(a)) as Parameters<typeof method>);
        },
      },
      formatters: {
        log(obj) {
          return scrubDeep(obj) as Record<string, unknown>;
        },
      },
    },
    pino.multistream(streams as pino.StreamEntry[]),
  );
}
