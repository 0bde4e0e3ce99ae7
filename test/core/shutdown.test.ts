// SIGTERM stops the server cleanly, whether it was started by `npm start` (npm → sh → node: the
// signal must reach node) or by `atelier serve` (bin/atelier → node): the whole process tree exits,
// the data dir's lock is released, and a job running at that moment stops at a checkpoint, goes back
// to the queue, and resumes on the next start without doing any step twice.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { ROOT, freePort, runCli } from '../helpers/server-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-shutdown-'));
const groups: number[] = [];
afterAll(() => {
  for (const g of groups) try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** a process group leader (detached), so that the test can see whether any of its tree survives */
function launch(cmd: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (d) => output.push(d.toString()));
  child.stderr!.on('data', (d) => output.push(d.toString()));
  groups.push(child.pid!);
  return { child, output };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('clean stop on SIGTERM', () => {
  it('npm start and atelier serve: tree gone, lock released, running job requeued then resumed', async () => {
    const dbUrl = await createDatabase();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: dataDir, PORT: String(port), ATELIER_SECRET_KEY: 'shutdown-test-key-0123456789abcdef',
      ATELIER_ADMIN_EMAIL: 'admin@shutdown.test', ATELIER_ADMIN_PASSWORD: 'shutdown-admin-password',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    const lockFile = path.join(dataDir, 'atelier.lock');
    const ready = (p: { child: ChildProcess; output: string[] }) => until('the server', async () => {
      if (p.child.exitCode !== null) throw new Error(`server exited (${p.child.exitCode}): ${p.output.join('')}`);
      return fetch(`${url}/ready`).then((r) => r.ok || undefined, () => undefined);
    });
    const token = async () => {
      const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@shutdown.test', password: 'shutdown-admin-password' }) });
      return ((await r.json()) as any).access_token as string;
    };
    const api = async (tok: string, method: string, p: string, body?: unknown) => (await fetch(url + p, {
      method, headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    })).json() as Promise<any>;
    /** starts a demo job and waits until it is well under way */
    const runningJob = async (tok: string) => {
      const { job } = await api(tok, 'POST', '/api/jobs/demo', { steps: 40, stepMs: 250 });
      await until('the job to be under way', async () => ((await api(tok, 'GET', `/api/jobs/${job.id}`)).job.progress >= 10 ? true : undefined));
      return job.id as string;
    };
    /** SIGTERM to the launched process only (as a supervisor or a terminal would), then the checks */
    const terminate = async (p: { child: ChildProcess; output: string[] }) => {
      const exited = new Promise<number | null>((r) => p.child.once('exit', (code) => r(code)));
      p.child.kill('SIGTERM');
      await exited;
      // nothing of its tree is left (npm's shell, node), and the data dir is free
      await until('the process tree to exit', () => !groupAlive(p.child.pid!) || undefined, 30_000);
      expect(fs.existsSync(lockFile)).toBe(false);
      expect(p.output.join('')).toMatch(/shutting down/);
    };
    const showJob = (id: string) => {
      const r = runCli(['jobs', 'show', id, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };

    // 1. `npm start` (prestart skipped: building the web app is not what this test is about)
    const npm = launch('npm', ['start', '--ignore-scripts'], env);
    await ready(npm);
    if (!dbUrl) expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ kind: 'server', port });
    const first = await runningJob(await token());
    await terminate(npm);
    // the job went back to the queue (not left 'running', not failed), saying why
    const requeued = showJob(first);
    expect(requeued.job.status).toBe('queued');
    expect(requeued.events.some((e: any) => e.data?.code === 'job.requeued_on_shutdown')).toBe(true);

    // 2. `atelier serve` through bin/atelier: the job resumes from its checkpoint and completes
    const serve = launch(path.join(ROOT, 'bin/atelier'), ['serve'], env);
    await ready(serve);
    const tok = await token();
    const done = await until('the requeued job to complete', async () => {
      const d = await api(tok, 'GET', `/api/jobs/${first}`);
      return ['completed', 'failed', 'cancelled'].includes(d.job.status) ? d : undefined;
    });
    expect(done.job.status).toBe('completed');
    expect(done.job.counters.steps_done).toBe(40);
    const messages: string[] = done.events.map((e: any) => e.message);
    // every step done exactly once across the two runs
    for (let i = 1; i <= 40; i++) expect(messages.filter((m) => m === `step ${i}/40 done`), `step ${i}`).toHaveLength(1);

    // 3. SIGTERM to `atelier serve` with a job running
    const second = await runningJob(tok);
    await terminate(serve);
    expect(showJob(second).job.status).toBe('queued');
  }, 300_000);
});
