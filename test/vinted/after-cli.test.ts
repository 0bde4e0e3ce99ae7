// The CLI of issue 14 part A, with real processes against `atelier vinted fake-server`: `orders --sync`
// (an unknown state kept), `stats --json` and `--csv`, `relist rules`, and the exit codes of a rule
// that does not exist.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { CLI, NODE, ROOT, freePort, runCli } from '../helpers/server-process.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-after-cli-'));
let fakeProc: ChildProcess | null = null;
afterAll(() => {
  fakeProc?.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};

describe('atelier vinted relist|orders|stats', () => {
  it('reads orders, shows the analytics as JSON and CSV, lists rules, and says when a rule does not exist', async () => {
    const port = await freePort();
    fakeProc = spawn(NODE, [CLI, 'vinted', 'fake-server', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const fake = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      if (await fetch(`${fake}/__fake/stats`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const post = (p: string, body: unknown) => fetch(`${fake}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const seeded = await post('/__fake/seed', { login: 'cli-shop', listings: 30, orders: 6 });
    expect(seeded.order_ids).toHaveLength(6);
    await post('/__fake/orders', { login: 'cli-shop', side: 'sold', title: 'Mystère', price: 9, status: 'lost_in_space' });
    const cookies = path.join(dir, 'cookies.txt');
    fs.writeFileSync(cookies, await (await fetch(`${fake}/__fake/session?login=cli-shop`)).text());
    const dbUrl = await createDatabase();
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: path.join(dir, 'data'), ATELIER_SECRET_KEY: 'after-cli-key-0123456789abcdef', ATELIER_HTTP_ALLOW_PRIVATE: 'true',
      VINTED_BASE_URL: fake, LOG_LEVEL: 'warn', ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    expect(runCli(['vinted', 'accounts', 'add', '--name', 'main', '--kind', 'web', '--cookies-file', cookies, '--user-agent', 'Mozilla/5.0 cli', '--json'], env).code).toBe(0);

    const orders = runCli(['vinted', 'orders', '--account', 'main', '--sync', '--json'], env);
    expect(orders.code, orders.stderr).toBe(0);
    const o = json(orders);
    expect(o.ok).toBe(true);
    expect(o.orders).toHaveLength(7);
    expect(o.orders.find((x: any) => x.title === 'Mystère')).toMatchObject({ state: 'unknown', status: 'lost_in_space' });
    expect(runCli(['vinted', 'orders', '--side', 'nope'], env).code).toBe(2);

    // the wardrobe first (sold listings), then the figures
    expect(runCli(['vinted', 'listings', '--account', 'main', '--sync', '--json'], env).code).toBe(0);
    const stats = runCli(['vinted', 'stats', '--account', 'main', '--bucket', 'month', '--json'], env);
    expect(stats.code, stats.stderr).toBe(0);
    const s = json(stats);
    expect(s.totals).toMatchObject({ listings: 30, sales: 6 });
    const csv = runCli(['vinted', 'stats', '--account', 'main', '--csv'], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('kind,key,label,listings,sales,revenue,views,favourites,conversion');
    expect(csv.stdout).toContain(`total,,,30,6,${s.totals.revenue},`);

    expect(json(runCli(['vinted', 'relist', 'rules', '--json'], env))).toEqual({ ok: true, rules: [] });
    expect(runCli(['vinted', 'relist', 'preview', '00000000-0000-4000-8000-000000000000', '--json'], env).code).toBe(4);
    expect(runCli(['vinted', 'relist', 'run', '00000000-0000-4000-8000-000000000000', '--json'], env).code).toBe(4);
  }, 300_000);
});
