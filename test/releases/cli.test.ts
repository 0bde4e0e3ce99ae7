// The `atelier releases` CLI as a user runs it, on a temp data dir with real files: the MKV pack runs
// as a child process (`node src/cli.ts …`, all modules); the other commands go through the same
// runCli() in-process to keep the suite short (each embedded start costs seconds). The multi-volume
// RAR set is checked through the pipeline in pipeline.test.ts.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { FIXTURES, writeEpub } from './samples.ts';
import { runCli } from '../../src/cli.ts';
import releases from '../../src/releases/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
let dir: string;
let env: Record<string, string>;

function atelier(args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(NODE, [path.join(ROOT, 'src/cli.ts'), ...args, '--json'], { env, cwd: dir });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('close', (code) => {
      let json: any;
      try { json = JSON.parse(out.trim().split('\n').pop() ?? ''); } catch { json = undefined; }
      resolve({ code: code ?? -1, json, stderr: err });
    });
  });
}
/** the same CLI, in this process (stdout captured) */
async function inProcess(args: string[]): Promise<{ code: number; json: any }> {
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
const run = (cmd: string, args: string[], cwd?: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rel-cli-'));
  env = { ...process.env, ATELIER_DATA_DIR: path.join(dir, 'data'), ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef0123456789', LOG_LEVEL: 'warn' } as Record<string, string>;
  Object.assign(process.env, { ATELIER_DATA_DIR: env.ATELIER_DATA_DIR, ATELIER_SECRET_KEY: env.ATELIER_SECRET_KEY, LOG_LEVEL: 'warn' });
  await fs.mkdir(path.join(dir, 'books'));
  await writeEpub(path.join(dir, 'books', 'rouge.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr' });
  const good = await fs.readFile(path.join(dir, 'books', 'rouge.epub'));
  await fs.writeFile(path.join(dir, 'books', 'broken.epub'), good.subarray(0, 200));
});
afterAll(async () => { await fs.rm(dir, { recursive: true, force: true }); });

describe('atelier releases (CLI)', () => {
  const epubRelease = 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL';
  const tvBase = 'sample.show.s01e02.pilot.episode.multi.720p.web.h264-atl';

  // first: the child process initialises the data dir (all modules' migrations) for the in-process runs
  it('packs an MKV: RAR4 + SFV + NFO, valid; cksfv -f passes; unar and unrar-free extract it byte for byte', async () => {
    const r = await atelier(['releases', 'pack', path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'), '--type', 'TV', '--group', 'ATL', '--out', 'tv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, release: { name: 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL', files: [`${tvBase}.nfo`, `${tvBase}.rar`, `${tvBase}.sfv`] }, validation: { ok: true, ruleSet: 'tv-2024' } });
    const rel = r.json.release.dir;
    expect(run('cksfv', ['-f', `${tvBase}.sfv`], rel).code).toBe(0);
    const original = await fs.readFile(path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'));
    const x1 = path.join(dir, 'x-unar');
    expect(run('unar', ['-q', '-o', x1, path.join(rel, `${tvBase}.rar`)]).code).toBe(0);
    expect((await fs.readFile(path.join(x1, 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL.mkv'))).equals(original)).toBe(true);
    const x2 = path.join(dir, 'x-unrar') + '/';
    await fs.mkdir(x2);
    expect(run('unrar-free', ['-x', path.join(rel, `${tvBase}.rar`), x2]).code).toBe(0);
    expect((await fs.readFile(path.join(x2, 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL.mkv'))).equals(original)).toBe(true);
    const v = await inProcess(['releases', 'validate', rel, '--type', 'TV']);
    expect(v.code).toBe(0);
    // a truncated volume: cksfv and validate both notice, validate names the rule
    await fs.truncate(path.join(rel, `${tvBase}.rar`), 1000);
    expect(run('cksfv', ['-f', `${tvBase}.sfv`], rel).code).not.toBe(0);
    const bad = await inProcess(['releases', 'validate', rel, '--type', 'TV']);
    expect(bad.code).toBe(1);
    expect(bad.json.validation.checks.filter((c: any) => !c.ok).map((c: any) => c.rule).join(' ')).toMatch(/sfv|archive/);
  }, 120_000);

  it('batch packs a folder of EPUBs: the good one is valid, the corrupt one fails clearly, the batch goes on', async () => {
    const r = await inProcess(['releases', 'batch', path.join(dir, 'books'), '--type', 'EBOOK', '--group', 'ATL', '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, count: 2, failed: 1 });
    const [broken, rouge] = r.json.results;
    expect(broken).toMatchObject({ source: 'broken.epub', ok: false });
    expect(broken.error).toMatch(/broken\.epub: not a readable ZIP/);
    expect(rouge).toMatchObject({ source: 'rouge.epub', ok: true, release: { name: epubRelease, files: ['atlslr.nfo', 'atlslr1.zip'] }, validation: { ok: true } });
    expect(rouge.validation.checks.every((c: any) => c.ok && c.rule && c.detail)).toBe(true);
  }, 120_000);

  it('validate passes on the EPUB release and names the rule when the NFO is missing', async () => {
    const rel = path.join(dir, 'out', epubRelease);
    const ok = await inProcess(['releases', 'validate', rel, '--type', 'EBOOK']);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, release: { name: epubRelease }, validation: { ok: true } });
    const copy = path.join(dir, 'broken-release', epubRelease);
    await fs.cp(rel, copy, { recursive: true });
    await fs.rm(path.join(copy, 'atlslr.nfo'));
    const bad = await inProcess(['releases', 'validate', copy, '--type', 'EBOOK']);
    expect(bad.code).toBe(1);
    expect(bad.json.validation.checks.filter((c: any) => !c.ok).map((c: any) => c.rule)).toContain('files.nfo');
  }, 60_000);

  it('validate words its findings in ATELIER_LANG for people; the JSON keeps code, params and the English detail', async () => {
    const copy = path.join(dir, 'broken-release', epubRelease);
    const human = async (lang: string) => {
      const chunks: string[] = [];
      const before = process.env.ATELIER_LANG;
      process.env.ATELIER_LANG = lang;
      const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { chunks.push(`${a.join(' ')}\n`); });
      try {
        await runCli(['node', 'atelier', 'releases', 'validate', copy, '--type', 'EBOOK'], [releases]);
      } finally {
        log.mockRestore();
        process.exitCode = undefined;
        if (before === undefined) delete process.env.ATELIER_LANG; else process.env.ATELIER_LANG = before;
      }
      return chunks.join('');
    };
    expect(await human('fr')).toMatch(/FAIL files\.nfo +aucun fichier \.nfo dans le dossier de la release/);
    expect(await human('en')).toMatch(/FAIL files\.nfo +no \.nfo file in the release directory/);
    const bad = await inProcess(['releases', 'validate', copy, '--type', 'EBOOK']);
    expect(bad.json.validation.checks.find((c: any) => c.rule === 'files.nfo')).toEqual({ rule: 'files.nfo', ok: false, code: 'files.no_nfo', params: {}, detail: 'no .nfo file in the release directory' });
  }, 60_000);

  it('pack refuses an edited name with a forbidden character, naming the rule (exit 1, nothing written)', async () => {
    const r = await inProcess(['releases', 'pack', path.join(dir, 'books/rouge.epub'), '--type', 'EBOOK', '--group', 'ATL', '--out', path.join(dir, 'named'), '--name', 'Stendhal.Rouge!.2015.RETAiL.eBOOK-ATL']);
    expect(r.code).toBe(1);
    expect(r.json.ok).toBe(false);
    expect(r.json.validation.checks.filter((c: any) => !c.ok).map((c: any) => c.rule)).toContain('naming.characters');
    await expect(fs.readdir(path.join(dir, 'named'))).resolves.toEqual([]);
  }, 120_000);

  it('jobs lists the packs; logs shows one', async () => {
    const r = await inProcess(['releases', 'jobs']);
    expect(r.code).toBe(0);
    expect(r.json.jobs.length).toBeGreaterThanOrEqual(3);
    const tv = r.json.jobs.find((j: any) => j.pack?.name === 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL' && j.pack.ok);
    expect(tv).toBeTruthy();
    const l = await inProcess(['releases', 'logs', tv.id]);
    expect(l.code).toBe(0);
    expect(l.json.events.map((e: any) => e.message).join('\n')).toMatch(/validation against tv-2024: passed/);
  }, 120_000);
});
