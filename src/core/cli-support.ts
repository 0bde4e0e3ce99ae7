// What every CLI command shares: one JSON object on stdout with --json, progress bars on stderr in a
// TTY, exit codes that mean something, and the single-owner rule for the embedded data dir.
// Kept light: every command (and `--help`) loads it, so heavy libraries are imported where used.
import type { CoreContext } from './module.ts';
import type { JobRecord } from './jobs/types.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3, notFound: 4 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  readonly code: string;
  constructor(message: string, exitCode: number = EXIT.failed, code = 'failed') {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
  }
}

export async function watchJob(ctx: CoreContext, jobId: string, quiet: boolean): Promise<JobRecord> {
  const tty = process.stderr.isTTY && !quiet;
  const cliProgress = tty ? (await import('cli-progress')).default : null;
  const bar = cliProgress ? new cliProgress.SingleBar({ format: ' {bar} {percentage}% | {status} {counters}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  bar?.start(100, 0, { status: 'queued', counters: '' });
  const onSig = () => void ctx.jobs.cancel(jobId);
  process.once('SIGINT', onSig);
  try {
    const job = await ctx.jobs.wait(jobId, {
      onChange: (j) => {
        const counters = Object.entries(j.counters ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
        bar?.update(Math.round(j.progress), { status: j.status, counters });
      },
      onLog: tty ? undefined : quiet ? undefined : (e) => process.stderr.write(`[${e.level}] ${e.message}\n`),
    });
    bar?.update(job.status === 'completed' ? 100 : Math.round(job.progress), { status: job.status, counters: '' });
    return job;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSig);
  }
}

export async function callApi<T>(serverUrl: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  if (!token) {
    throw new CliError('a server owns the data dir and ATELIER_TOKEN is not set: create a personal API token in the web app (Account → API tokens) and export ATELIER_TOKEN, or stop the server', EXIT.unavailable, 'no_token');
  }
  let res: Response;
  try {
    res = await fetch(new URL(path, serverUrl), {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new CliError(`cannot reach the server at ${serverUrl} (${(e as Error).message}); set ATELIER_URL to its address`, EXIT.unavailable, 'unreachable');
  }
  const data = (await res.json().catch(() => ({}))) as any;
  if (!res.ok) {
    // the server's status says whose fault it is: a bad request is a usage error, a missing thing is not found
    const exit = res.status === 404 ? EXIT.notFound : res.status === 400 || res.status === 422 ? EXIT.usage : res.status === 401 || res.status === 403 || res.status === 503 ? EXIT.unavailable : EXIT.failed;
    throw new CliError(`server answered ${res.status}: ${data?.error?.message ?? res.statusText}`, exit, data?.error?.code ?? 'http_error');
  }
  return data as T;
}

