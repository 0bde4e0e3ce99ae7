// `atelier vinted ingest|plan` as a user runs them: a real process, embedded platform, temp data dir.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
let dataDir: string;
let work: string;

function run(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(NODE, [path.join(ROOT, 'src/cli.ts'), ...args], {
      cwd, env: { ...process.env, ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef0123456789', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-vinted-cli-'));
  // a shoot in sub-folders, plus one broken file, to check relative names
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-vinted-shoot-'));
  const names = fs.readdirSync(FIXTURES).sort();
  for (const n of names) {
    const sub = n < 'IMG_0007' ? '1-morning' : '2-evening';
    fs.mkdirSync(path.join(work, sub), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, n), path.join(work, sub, n));
  }
  fs.writeFileSync(path.join(work, '2-evening', 'IMG_0099.jpg'), Buffer.from('%PDF-1.4 not a photo'));
  fs.writeFileSync(path.join(work, '.DS_Store'), 'x');
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

describe('atelier vinted ingest / plan', () => {
  let jobId: string;

  it('ingest <dir> --json prints one JSON object with relative names in capture order', async () => {
    const r = await run(['vinted', 'ingest', work, '--backend', 'classic', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    jobId = out.job_id;
    expect(out.ok).toBe(true);
    expect(out.files).toBe(14);
    expect(out.errors).toEqual([{ file: '2-evening/IMG_0099.jpg', reason: expect.any(String), code: 'pdf', params: {} }]);
    expect(out.duplicates).toEqual([{ file: '2-evening/IMG_0013.jpg', of: '1-morning/IMG_0004.jpg' }]);
    // grouping quality is the pipeline's own test (test/vinted/pipeline/); here: names relative to the
    // folder, every kept photo in exactly one article, each article's photos in capture order
    const kept = fs.readdirSync(FIXTURES).sort().filter((n) => n !== 'IMG_0013.jpg').map((n) => `${n < 'IMG_0007' ? '1-morning' : '2-evening'}/${n}`);
    expect(out.clusters.flatMap((c: any) => c.photos)).toEqual(kept);
    for (const c of out.clusters) expect(c.photos).toEqual([...c.photos].sort());
    expect(out.clusters[0].photos).toEqual(['1-morning/IMG_0001.jpg', '1-morning/IMG_0002.jpg', '1-morning/IMG_0003.jpg']);
    for (const c of out.clusters) expect(Object.keys(c).sort()).toEqual(['category', 'color', 'id', 'photos', 'score']);
  }, 300_000);

  it('plan <job_id> --json prints the plan', async () => {
    const r = await run(['vinted', 'plan', jobId, '--category', 'jeans', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.items.length).toBeGreaterThanOrEqual(4);
    expect(out.items[0]).toMatchObject({ cluster_id: 'c1', category: 'jeans', price: 20, condition: 'Bon état', status_id: 3, publish: false });
    expect(out.summary.items).toBe(out.items.length);
  }, 300_000);

  it('exit codes: 4 for a missing path, 2 for bad usage', async () => {
    const missing = await run(['vinted', 'ingest', path.join(work, 'nope'), '--json']);
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stdout).ok).toBe(false);
    const badBackend = await run(['vinted', 'ingest', work, '--backend', 'magic', '--json']);
    expect(badBackend.code).toBe(2);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-vinted-empty-'));
    expect((await run(['vinted', 'ingest', empty, '--json'])).code).toBe(2);
    fs.rmSync(empty, { recursive: true });
  }, 300_000);
});
