// pino logger with two layers of secret protection: `redact` for well-known field names, and a
// scrubber on the output stream that replaces any value the vault has handed out (cookies, tokens,
// passwords) wherever it appears in a finished log line, even inside an error message or a URL.
import fs from 'node:fs';
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

const knownSecrets = new Set<string>();

/** Registers a secret value so that it is masked in every log line from now on. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6) return;
  knownSecrets.add(value);
  // log lines are JSON: also catch the escaped form of a value with quotes or backslashes
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) knownSecrets.add(escaped);
}

/** Replaces registered secrets in a string. Also used for error messages sent in API responses. */
export function scrub(text: string): string {
  if (knownSecrets.size === 0 || typeof text !== 'string') return text;
  let out = text;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export const redactPaths = [
  'password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'cookie_value', '*.cookie_value',
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'secret', '*.secret', 'authorization', '*.authorization',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]', 'headers["set-cookie"]',
];

/** wraps a destination so every finished line is scrubbed before it is written */
function scrubbing(dest: { write(s: string): unknown }): DestinationStream {
  return { write: (line: string) => dest.write(scrub(line)) };
}

export function createLogger(opts: { level?: string; file?: string; name?: string; stream?: DestinationStream } = {}): Logger {
  const streams: { stream: DestinationStream }[] = [];
  if (opts.stream) streams.push({ stream: scrubbing(opts.stream) });
  else if (process.stderr.isTTY && !process.env.CI) {
    // pretty in a terminal; JSON otherwise. Logs always go to stderr so `--json` stdout stays clean.
    streams.push({ stream: scrubbing(pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true } })) });
  } else streams.push({ stream: scrubbing(pino.destination(2)) });
  if (opts.file) streams.push({ stream: scrubbing(fs.createWriteStream(opts.file, { flags: 'a' })) });
  return pino(
    {
      name: opts.name ?? 'atelier',
      level: opts.level ?? 'info',
      redact: { paths: redactPaths, censor: '[REDACTED]' },
    },
    pino.multistream(streams),
  );
}
