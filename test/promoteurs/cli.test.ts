// The CLI as a new user runs it (a real `atelier` process on a temp data dir): the selector lab on a
// fixture, the zonage import with its per-line errors, a dry-run scrape of the fake sites with --json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../src/promoteurs/fakes/sites.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules/.bin/node');
const fixtures = path.join(root, 'test/fixtures/promoteurs');
let dataDir: string;
let sites: FakeSite[] = [];

function atelier(args: string[], env: Record<string, string> = {}) {
  return run(node, ['src/cli.ts', ...args], {
    cwd: root, timeout: 240_000, maxBuffer: 20 * 1024 * 1024,
    env: { ...process.env, ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef0123', LOG_LEVEL: 'warn', ...env },
  }).then((r) => ({ ...r, code: 0 }), (e) => e as { stdout: string; stderr: string; code: number });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-cli-promoteurs-'));
  const cities = FAKE_CITIES.filter((c) => ['lyon', 'nantes'].includes(c.slug));
  sites = [await startFakeSite({ kind: 'bouygues', cities, perCity: 2, seed: 8 }), await startFakeSite({ kind: 'icade', cities, perCity: 1, seed: 9 })];
});
afterAll(async () => {
  for (const s of sites) await s.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('atelier promoteurs (CLI)', () => {
  it('try --level detail --json prints {programme, lots}', async () => {
    const r = await atelier(['promoteurs', 'try', 'bouygues', '--fixture', path.join(fixtures, 'bouygues/detail-030-269K94-le-parc-des-muses.html'), '--level', 'detail', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.programme.name).toBe('Le Parc des Muses');
    expect(out.lots.length).toBeGreaterThan(3);
    expect(out.lots[0]).toHaveProperty('prix');
    const bad = await atelier(['promoteurs', 'try', 'nope', '--fixture', 'x.html', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.message).toMatch(/unknown source "nope"/);
  }, 60_000);

  it('cities import, then a dry-run scrape of the fake sites with --json', async () => {
    const imp = await atelier(['promoteurs', 'cities', 'import', path.join(fixtures, 'zonage/zonage-abc-2026-sample.csv'), '--json']);
    const i = JSON.parse(imp.stdout);
    expect(i.ok).toBe(true);
    expect(i.errors.length).toBeGreaterThan(0); // the sample carries bad lines on purpose: reported, the rest kept
    const env = { ATELIER_HTTP_ALLOW_PRIVATE: 'true', PROMOTEURS_SOURCE_URLS: `bouygues=${sites[0].url},icade=${sites[1].url}`, PROMOTEURS_TIME_SCALE: '0.001' };
    const r = await atelier(['promoteurs', 'scrape', '--promoteurs', 'bouygues,icade', '--cities', 'lyon,nantes', '--dry-run', '--json'], env);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.result.dryRun).toBe(true);
    expect(out.result.counters).toMatchObject({ found: 6, created: 6, errors: 0 });
  }, 300_000);
});
