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

  it('sources --json lists the 19 developers with an honest status', async () => {
    const r = await atelier(['promoteurs', 'sources', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.sources).toHaveLength(19);
    for (const s of out.sources) expect(Object.keys(s)).toEqual(expect.arrayContaining(['key', 'name', 'status', 'discovery', 'extractor']));
    expect(out.sources.filter((s: any) => s.status === 'verified').map((s: any) => s.key)).toEqual(['nexity']);
    expect(out.sources.find((s: any) => s.key === 'bouygues')).toMatchObject({ status: 'unverified', fixtureKind: 'hand-made', enabled: false });
    expect(out.sources.find((s: any) => s.key === 'kaufman-broad')).toMatchObject({ status: 'unverified', discovery: 'sitemap (/sitemap.xml)', extractor: 'generic' });
  }, 120_000);

  it('record (over real HTTP, from a fake site) then try on the recorded folder gives the programme; record-test writes the test', async () => {
    const site = await startFakeSite({ kind: 'vinci', cities: FAKE_CITIES.filter((c) => c.slug === 'lyon'), perCity: 3, seed: 21 });
    sites.push(site);
    const out = path.join(dataDir, 'rec-vinci');
    const env = { ATELIER_HTTP_ALLOW_PRIVATE: 'true', PROMOTEURS_SOURCE_URLS: `vinci=${site.url}`, PROMOTEURS_TIME_SCALE: '0.001' };
    const r = await atelier(['promoteurs', 'record', 'vinci', '--city', 'lyon', '--max', '2', '--out', out, '--json'], env);
    const rec = JSON.parse(r.stdout);
    expect(rec.ok).toBe(true);
    expect(rec.real).toBe(false); // fetched from a mirror: proves nothing about the real site
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.pages.map((p: any) => p.level)).toEqual(['listing', 'detail', 'detail']);
    for (const p of manifest.pages) {
      expect(p).toMatchObject({ status: 200, robots: 'allowed' });
      expect(p.contentType).toMatch(/text\/html/);
      expect(p.url.startsWith('https://www.vinci-immobilier.com/')).toBe(true);
      expect(fs.statSync(path.join(out, p.file)).size).toBe(p.bytes);
    }
    const detail = manifest.pages[1];
    const tried = JSON.parse((await atelier(['promoteurs', 'try', 'vinci', '--fixture', path.join(out, detail.file), '--level', 'detail', '--url', detail.url, '--json'])).stdout);
    const fp = site.programmes.find((p) => detail.url.endsWith(`-${p.id}`))!;
    expect(tried.programme).toMatchObject({ idExterne: fp.id, name: fp.name, ville: 'Lyon' });
    expect(tried.lots).toHaveLength(fp.lots.length);
    const generic = JSON.parse((await atelier(['promoteurs', 'try', 'vinci', '--fixture', path.join(out, detail.file), '--level', 'detail', '--url', detail.url, '--extractor', 'generic', '--json'])).stdout);
    expect(generic).toEqual(tried);
    const testDir = path.join(dataDir, 'gen-tests');
    const t = JSON.parse((await atelier(['promoteurs', 'record-test', out, '--test-dir', testDir, '--json'])).stdout);
    expect(t.pages).toBe(3);
    const expected = JSON.parse(fs.readFileSync(path.join(out, 'expected.json'), 'utf8'));
    expect(expected.reviewed).toBeNull();
    expect(expected.pages[detail.file].expected.programme.name).toBe(fp.name);
    expect(fs.readFileSync(t.testFile, 'utf8')).toMatch(/checkRecordedFolder\(/);
  }, 240_000);
});
