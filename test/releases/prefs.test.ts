// Per-group preferences: through the API on the whole platform (each value checked, "*" as every
// group's fallback, the group's own value winning, a pack/plan picking its NFO template from them,
// roles), and through `atelier releases prefs` (set/get/list/unset --json) with `pack` writing into
// the group's output folder when --out is not given.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import releases from '../../src/releases/index.ts';
import { runCli } from '../../src/cli.ts';
import { writeEpub } from './samples.ts';

function multipart(name: string, data: Buffer) {
  const boundary = `----atelier${Date.now()}`;
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('preferences through the API', () => {
  let t: TestPlatform;
  beforeAll(async () => { t = await createTestPlatform({ modules: [releases] }); }, 60_000);
  afterAll(async () => { await t?.close(); });

  it('each value is checked; "*" is the fallback and the group wins; the plan uses the group\'s NFO template', async () => {
    const bad = await t.request('PUT', '/api/releases/prefs/ATL', { token: t.tokens.operator, body: { EBOOK: { ruleSet: 'tv-2024' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/EBOOK.ruleSet: no EBOOK rule set "tv-2024"/);
    expect((await t.request('PUT', '/api/releases/prefs/ATL', { token: t.tokens.operator, body: { EBOOK: { destinations: ['nowhere'] } } })).body.error.message).toMatch(/no destination "nowhere"/);
    expect((await t.request('PUT', '/api/releases/prefs/ATL', { token: t.tokens.operator, body: { EBOOK: { colour: 'red' } } })).status).toBe(400);
    expect((await t.request('PUT', '/api/releases/prefs/ATL', { token: t.tokens.viewer, body: {} })).status).toBe(403);
    expect((await t.request('PUT', '/api/releases/prefs/A%20B', { token: t.tokens.operator, body: {} })).status).toBe(400);

    const tpl = await t.request('POST', '/api/releases/templates', { token: t.tokens.operator, body: { name: 'ATL house NFO', type: 'EBOOK', kind: 'nfo', body: 'ATL HOUSE STYLE\n{{ name }}\n' } });
    expect(tpl.status, tpl.text).toBe(201);
    const id = tpl.body.template.id;
    expect((await t.request('PUT', '/api/releases/prefs/*', { token: t.tokens.operator, body: { EBOOK: { ruleSet: 'ebook-2024', outputPath: '/srv/releases/ebook' } } })).status).toBe(200);
    const put = await t.request('PUT', '/api/releases/prefs/ATL', { token: t.tokens.operator, body: { EBOOK: { nfoTemplate: id, outputPath: '/srv/atl/ebook' } } });
    expect(put.body.prefs).toEqual({ EBOOK: { nfoTemplate: id, outputPath: '/srv/atl/ebook' } });
    const eff = await t.request('GET', '/api/releases/prefs/ATL?type=EBOOK', { token: t.tokens.viewer });
    expect(eff.body.effective).toEqual({ ruleSet: 'ebook-2024', nfoTemplate: id, outputPath: '/srv/atl/ebook' });
    expect((await t.request('GET', '/api/releases/prefs/OTHER?type=EBOOK', { token: t.tokens.viewer })).body.effective).toEqual({ ruleSet: 'ebook-2024', outputPath: '/srv/releases/ebook' });
    expect((await t.request('GET', '/api/releases/prefs', { token: t.tokens.viewer })).body.prefs.map((p: any) => p.group)).toEqual(['*', 'ATL']);

    // a plan without nfoTemplate: ATL's own template; another group: the shipped one
    const epub = await writeEpub(path.join(t.dataDir, 'p.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', date: '2015-01-01', language: 'fr' });
    const m = multipart('p.epub', fs.readFileSync(epub));
    const up = await t.request('POST', '/api/releases/uploads', { token: t.tokens.operator, body: m.body, headers: m.headers });
    const upload = up.body.uploads[0].id;
    const atl = await t.request('POST', '/api/releases/plan', { token: t.tokens.operator, body: { upload, type: 'EBOOK', group: 'ATL' } });
    expect(atl.status, atl.text).toBe(200);
    expect(JSON.stringify(atl.body)).toContain('ATL HOUSE STYLE');
    const other = await t.request('POST', '/api/releases/plan', { token: t.tokens.operator, body: { upload, type: 'EBOOK', group: 'OTHER' } });
    expect(JSON.stringify(other.body)).not.toContain('ATL HOUSE STYLE');
    expect((await t.request('DELETE', '/api/releases/prefs/ATL', { token: t.tokens.operator })).status).toBe(204);
    expect((await t.request('DELETE', '/api/releases/prefs/ATL', { token: t.tokens.operator })).status).toBe(404);
  }, 60_000);
});

describe('atelier releases prefs (CLI)', () => {
  let dir: string;
  async function cli(args: string[]): Promise<{ code: number; json: any }> {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string | Uint8Array) => { chunks.push(String(c)); return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runCli(['node', 'atelier', ...args, '--json'], [releases]);
    } finally {
      process.stdout.write = write;
      process.exitCode = undefined;
    }
    const last = chunks.join('').trim().split('\n').pop() ?? '';
    return { code, json: last ? JSON.parse(last) : undefined };
  }
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rel-prefs-'));
    Object.assign(process.env, { ATELIER_DATA_DIR: path.join(dir, 'data'), ATELIER_SECRET_KEY: 'prefs-test-key-0123456789abcdef0123456789', LOG_LEVEL: 'warn' });
  });
  afterAll(async () => { await fsp.rm(dir, { recursive: true, force: true }); });

  it('set / get / list / unset with --json; a bad key or value is a usage error; pack writes into the group\'s output folder', async () => {
    const out = path.join(dir, 'atl-books');
    expect((await cli(['releases', 'prefs', 'set', 'ATL', 'ebook.outputPath', out])).json).toMatchObject({ ok: true, group: 'ATL', prefs: { EBOOK: { outputPath: out } } });
    expect((await cli(['releases', 'prefs', 'get', 'ATL', 'ebook.outputPath'])).json).toEqual({ ok: true, group: 'ATL', key: 'ebook.outputPath', value: out });
    expect((await cli(['releases', 'prefs', 'list'])).json.prefs.map((p: any) => p.group)).toEqual(['ATL']);
    expect((await cli(['releases', 'prefs', 'set', 'ATL', 'ebook.colour', 'red'])).code).toBe(2);
    expect((await cli(['releases', 'prefs', 'set', 'ATL', 'ebook.ruleSet', 'docs-2024'])).code).toBe(2);

    const epub = await writeEpub(path.join(dir, 'rouge.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', date: '2015-01-01', language: 'fr' });
    const r = await cli(['releases', 'pack', epub, '--type', 'EBOOK', '--group', 'ATL']);
    expect(r.code).toBe(0);
    expect(r.json.release.dir).toBe(path.join(out, 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL'));
    expect(fs.existsSync(path.join(r.json.release.dir, 'atlslr1.zip'))).toBe(true);

    expect((await cli(['releases', 'prefs', 'unset', 'ATL', 'ebook.outputPath'])).json.prefs).toEqual({});
  }, 120_000);
});
