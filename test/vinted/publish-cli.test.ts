// The CLI contract of issue 11, with real processes: `atelier vinted fake-server --port N`, its
// /__fake/session and /__fake/stats, `accounts add … --json`, `publish <job> --account N --json`
// (a dry run: nothing sent), then `--confirm --wait --json`, and `listings --sync --json`.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../helpers/platform.ts';
import { CLI, NODE, ROOT, freePort, runCli } from '../helpers/server-process.ts';
import { FIXTURES } from './helpers.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-publish-cli-'));
let fakeProc: ChildProcess | null = null;
afterAll(() => {
  fakeProc?.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

// the fake runs in its own process for minutes between two of our requests: a pooled socket it closed
// meanwhile fails once with "other side closed"; a new connection is what a client does then
async function get(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    return fetch(url);
  }
}

const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};

describe('atelier vinted (publishing CLI)', () => {
  it('fake-server, accounts add, a dry run that sends nothing, --confirm --wait, listings --sync', async () => {
    const port = await freePort();
    fakeProc = spawn(NODE, [CLI, 'vinted', 'fake-server', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const fake = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      if (await get(`${fake}/__fake/stats`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await (await get(`${fake}/__fake/stats`)).json()).toEqual(expect.objectContaining({ photos: 0, items: 0, deleted: 0, requests: 0 }));
    const cookies = path.join(dir, 'cookies.txt');
    fs.writeFileSync(cookies, await (await get(`${fake}/__fake/session`)).text());

    const dbUrl = await createDatabase();
    const env: Record<string, string> = {
      ATELIER_DATA_DIR: path.join(dir, 'data'), ATELIER_SECRET_KEY: 'publish-cli-key-0123456789abcdef', ATELIER_HTTP_ALLOW_PRIVATE: 'true',
      VINTED_BASE_URL: fake, VINTED_WRITES_PER_HOUR: '36000', VINTED_ACTIVE_HOURS: '00-24', VISION_BACKEND: 'classic', LOG_LEVEL: 'warn',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    };
    // an unreadable cookie file: exit 4, before anything is opened
    expect(runCli(['vinted', 'accounts', 'add', '--name', 'main', '--kind', 'web', '--cookies-file', path.join(dir, 'nope.txt'), '--user-agent', 'UA', '--json'], env).code).toBe(4);

    const add = runCli(['vinted', 'accounts', 'add', '--name', 'main', '--kind', 'web', '--cookies-file', cookies, '--user-agent', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', '--json'], env);
    expect(add.code, add.stderr).toBe(0);
    const added = json(add);
    expect(added).toMatchObject({ ok: true, account: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'main', kind: 'web', login: 'fake-seller' } });
    expect(add.stdout + add.stderr).not.toContain(/access_token_web\t(\S+)/.exec(fs.readFileSync(cookies, 'utf8'))![1]);

    const shoot = path.join(dir, 'shoot');
    fs.mkdirSync(shoot);
    for (const n of ['IMG_0001.jpg', 'IMG_0002.jpg', 'IMG_0003.jpg']) fs.copyFileSync(path.join(FIXTURES, n), path.join(shoot, n));
    const ingest = runCli(['vinted', 'ingest', shoot, '--json'], env);
    expect(ingest.code, ingest.stderr).toBe(0);
    const job = json(ingest).job_id;
    const plan = runCli(['vinted', 'plan', job, '--category', 'robe', '--size', 'M', '--json'], env);
    expect(json(plan).items[0]).toMatchObject({ publish_ready: true, vinted: { catalog_path: ['Femmes', 'Vêtements', 'Robes', 'Autres robes'] } });

    const dry = runCli(['vinted', 'publish', job, '--account', 'main', '--json'], env);
    expect(dry.code, dry.stderr).toBe(0);
    const d = json(dry);
    expect(d).toMatchObject({ ok: true, dry_run: true, items: [{ cluster_id: 'c1', state: 'dry_run', vinted_id: null, url: null, error: null }] });
    expect(d.items[0].payload.item).toMatchObject({ catalog_id: 1065, size_id: 4, assigned_photos: expect.any(Array) });
    const stats0 = await (await get(`${fake}/__fake/stats`)).json();
    expect(stats0).toMatchObject({ photos: 0, items: 0 });

    const real = runCli(['vinted', 'publish', job, '--account', 'main', '--confirm', '--wait', '--json'], env);
    expect(real.code, real.stderr).toBe(0);
    const p = json(real);
    expect(p).toMatchObject({ ok: true, items: [{ cluster_id: 'c1', state: 'published', vinted_id: expect.stringMatching(/^\d+$/), url: expect.stringContaining(`${fake}/items/`), error: null }] });
    expect(await (await get(`${fake}/__fake/stats`)).json()).toMatchObject({ photos: 3, items: 1, deleted: 0 });

    // again: already published, nothing sent
    const again = json(runCli(['vinted', 'publish', job, '--account', 'main', '--confirm', '--wait', '--json'], env));
    expect(again.items[0]).toMatchObject({ state: 'published', vinted_id: p.items[0].vinted_id });
    expect(await (await get(`${fake}/__fake/stats`)).json()).toMatchObject({ photos: 3, items: 1 });

    const list = runCli(['vinted', 'listings', '--sync', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(json(list)).toMatchObject({ ok: true, listings: [{ vinted_id: p.items[0].vinted_id, state: 'live', cluster_id: 'c1', job_id: job }] });
  }, 300_000);
});
