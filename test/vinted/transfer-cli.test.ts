// `atelier vinted export|import` as a user runs them: real processes, two embedded data dirs (two
// installs): ingest on A, export, import into B; a file that is not an export fails with exit 1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PHOTOS = path.resolve(import.meta.dirname, '../fixtures/vinted');
let tmp: string;

function run(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(NODE, [path.join(ROOT, 'src/cli.ts'), ...args], {
      cwd: ROOT, env: { ...process.env, ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'cli-test-key-0123456789abcdef0123456789', LOG_LEVEL: 'warn', VISION_BACKEND: 'classic' },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-transfer-cli-'));
  fs.mkdirSync(path.join(tmp, 'shoot'));
  for (const f of ['dress-rose.jpg', 'outwear-rouge.jpg', 'pants-vert.jpg']) fs.copyFileSync(path.join(PHOTOS, f), path.join(tmp, 'shoot', f));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('atelier vinted export / import', () => {
  it('exports the Studio of one install and imports it into another', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    const ing = await run(a, ['vinted', 'ingest', path.join(tmp, 'shoot'), '--json']);
    expect(ing.code, ing.stderr).toBe(0);
    const zip = path.join(tmp, 'export.zip');
    const ex = await run(a, ['vinted', 'export', '--out', zip, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    const exported = JSON.parse(ex.stdout);
    expect(exported.counts).toMatchObject({ catalogs: 1, photos: 3 });
    expect((fs.statSync(zip).mode & 0o777).toString(8)).toBe('600');
    const im = await run(b, ['vinted', 'import', zip, '--json']);
    expect(im.code, im.stderr).toBe(0);
    expect(JSON.parse(im.stdout).counts).toMatchObject({ catalogs: 1, photos: 3, blobs: exported.counts.blobs });
  });

  it('a file that is not an export fails with exit 1 and says why; a missing one with 4', async () => {
    const bad = path.join(tmp, 'bad.zip');
    fs.writeFileSync(bad, 'not a zip');
    const r = await run(path.join(tmp, 'b'), ['vinted', 'import', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a valid ZIP/);
    expect((await run(path.join(tmp, 'b'), ['vinted', 'import', path.join(tmp, 'nope.zip')])).code).toBe(4);
  });
});
