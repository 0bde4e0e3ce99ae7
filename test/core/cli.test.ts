// The CLI keeps the README's promises, run as users run it (the real `atelier` process):
// - with ATELIER_TOKEN set, commands that have an API equivalent go through the server that owns the
//   data dir, found at the port its lock file records (ATELIER_URL unset);
// - a malformed id is a usage error (exit 2), an unknown one is not found (exit 4), never a database error;
// - `--help` names every module without loading them.
import { afterAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { spawnSync } from 'node:child_process';
import { freePort, ROOT, runCli, startServer, stop, type ServerProcess } from '../helpers/server-process.ts';
import { moduleIndex } from '../../src/module-index.ts';
import { modules } from '../../src/modules.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-cli-'));
  dirs.push(d);
  return d;
};
let server: ServerProcess | null = null;
afterAll(async () => {
  if (server) await stop(server, 'SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const json = (r: { stdout: string }) => JSON.parse(r.stdout.trim().split('\n').at(-1)!);

describe('atelier CLI', () => {
  it('lists the same modules, lazily, as the server composes', () => {
    expect(moduleIndex.map((m) => ({ name: m.name, title: m.title }))).toEqual(modules.map((m) => ({ name: m.name, title: m.title })));
  });

  it('the `atelier` wrapper runs read commands with the baseline compiler and the rest as before: same answers', () => {
    const env = { ...process.env, ATELIER_DATA_DIR: tmp(), ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef012', LOG_LEVEL: 'warn' };
    const bin = path.join(ROOT, 'bin/atelier');
    const migrate = spawnSync(bin, ['migrate'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(migrate.status, migrate.stderr).toBe(0);
    const list = spawnSync(bin, ['jobs', 'list', '--json'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(list.status, list.stderr).toBe(0);
    expect(json(list)).toMatchObject({ ok: true, jobs: [] });
    const stats = spawnSync(bin, ['promoteurs', 'stats', '--json'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(stats.status, stats.stderr).toBe(0);
    expect(json(stats).ok).toBe(true);
  });

  it('--help names every module and every platform command', () => {
    const r = runCli(['--help'], {});
    expect(r.code).toBe(0);
    for (const m of moduleIndex) expect(r.stdout).toContain(`${m.name} `);
    for (const c of ['serve', 'worker', 'migrate', 'users', 'jobs', 'config']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    // a module's own commands are there when asked for
    const p = runCli(['promoteurs', '--help'], {});
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/stats/);
  });

  it('embedded: malformed ids are usage errors, unknown ids not found', () => {
    const env = { ATELIER_DATA_DIR: tmp(), ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef0123' };
    for (const args of [['jobs', 'show', 'not-a-uuid'], ['jobs', 'cancel', "1' or 1=1"], ['jobs', 'list', '--limit', 'x'], ['jobs', 'demo', '--steps', '-3']]) {
      const r = runCli([...args, '--json'], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(json(r)).toMatchObject({ ok: false, error: { code: 'usage' } });
      expect(r.stdout + r.stderr).not.toMatch(/22P02|invalid input syntax/);
    }
    const missing = runCli(['jobs', 'show', crypto.randomUUID(), '--json'], env);
    expect(missing.code).toBe(4);
    expect(json(missing).error.code).toBe('not_found');
    // embedded, the demo job runs in the CLI's own process
    const demo = runCli(['jobs', 'demo', '--steps', '1', '--json'], env);
    expect(demo.code, demo.stderr).toBe(0);
    expect(json(demo).job.status).toBe('completed');
  }, 120_000);

  it('with ATELIER_TOKEN, commands go through the server found in the lock file', async () => {
    const dbUrl = await createDatabase();
    const dataDir = tmp();
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef0123',
      ATELIER_ADMIN_EMAIL: 'admin@cli.test', ATELIER_ADMIN_PASSWORD: 'cli-admin-password-9f3k',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    server = await startServer(env);
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: env.ATELIER_ADMIN_EMAIL, password: env.ATELIER_ADMIN_PASSWORD }) });
    const access = ((await login.json()) as any).access_token as string;
    const tok = await (await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'cli' }) })).json() as any;

    // the CLI finds the server through the data dir's lock file: no ATELIER_URL, and PORT says something else
    const cli: Record<string, string> = { ATELIER_DATA_DIR: dataDir, ATELIER_TOKEN: tok.token, PORT: '1' };
    if (dbUrl) {
      // on PostgreSQL there is no single owner, hence no lock: the CLI is told where the server is
      cli.ATELIER_URL = server.url;
    } else {
      const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'atelier.lock'), 'utf8'));
      expect(lock).toMatchObject({ kind: 'server', port: Number(env.PORT) });
    }

    const users = runCli(['users', 'list', '--json'], cli);
    expect(users.code, users.stderr).toBe(0);
    expect(json(users).users.map((u: any) => u.email)).toContain('admin@cli.test');

    const created = runCli(['users', 'create', '--email', 'op@cli.test', '--password', 'op-password-7h2m-long', '--role', 'operator', '--json'], cli);
    expect(created.code, created.stderr).toBe(0);
    expect(json(created).user).toMatchObject({ email: 'op@cli.test', role: 'operator' });
    expect(created.stdout + created.stderr).not.toContain('op-password-7h2m-long');
    const weak = runCli(['users', 'create', '--email', 'weak@cli.test', '--password', 'aaaaaaaaaa', '--json'], cli);
    expect(weak.code).toBe(2);

    const stats = runCli(['promoteurs', 'stats', '--json'], cli);
    expect(stats.code, stats.stderr).toBe(0);
    expect(json(stats)).toMatchObject({ ok: true, programmes: [] });

    const cities = runCli(['promoteurs', 'cities', 'list', '--json'], cli);
    expect(cities.code, cities.stderr).toBe(0);
    expect(json(cities).source).toBe('default');
    expect(json(cities).cities.length).toBeGreaterThan(10);

    const demo = runCli(['jobs', 'demo', '--steps', '2', '--json'], cli);
    expect(demo.code, demo.stderr).toBe(0);
    const job = json(demo).job;
    expect(job.status).toBe('completed');
    // it ran on the server: the server's API knows it
    const seen = await (await fetch(`${server.url}/api/jobs/${job.id}`, { headers: { authorization: `Bearer ${tok.token}` } })).json() as any;
    expect(seen.job.status).toBe('completed');

    for (const args of [['jobs', 'show', 'nope'], ['jobs', 'cancel', '42']]) {
      const r = runCli([...args, '--json'], cli);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const unknown = runCli(['jobs', 'show', crypto.randomUUID(), '--json'], cli);
    expect(unknown.code).toBe(4);

    // the token never shows in what the CLI prints
    for (const r of [users, stats, cities, demo]) expect(r.stdout + r.stderr).not.toContain(tok.token);

    if (!dbUrl) {
      // without a token: exit 3, saying what to do
      const noToken = runCli(['users', 'list', '--json'], { ATELIER_DATA_DIR: dataDir });
      expect(noToken.code).toBe(3);
      expect(noToken.stderr).toMatch(/ATELIER_TOKEN/);
    }
    await stop(server);
    server = null;
    expect(fs.existsSync(path.join(dataDir, 'atelier.lock'))).toBe(false);
  }, 400_000);
});
