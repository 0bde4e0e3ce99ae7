// Helpers for the archive tests: temp dirs, random sources, and the Debian extractors we check
// our output with (unar, unrar-free, 7zz, unzip, cksfv).
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export async function tempDir(prefix = 'atelier-rel-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A random (incompressible) file of `size` bytes; returns its contents too. */
export async function randomFile(path: string, size: number): Promise<Buffer> {
  const data = randomBytes(size);
  await writeFile(path, data);
  return data;
}

export function run(cmd: string, args: string[], cwd?: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) return { code: -1, out: String(r.error) };
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Debian's 7zip is built "+dfsg" without the RAR codec/handler; only a full 7-Zip can read RAR. */
export function sevenZipReadsRar(): boolean {
  if (!has('7zz')) return false;
  const r = run('7zz', ['i']);
  return /\bRar\b/.test(r.out);
}

/**
 * Extracts with RARLAB's own unrar code (node-unrar-js: the official unrar 6.1.7 sources compiled
 * to WebAssembly). Its file extractor reaches the real file system, so the next volumes
 * (.r00 …) are opened by unrar itself. Returns the names it extracted; throws on any unrar error
 * (bad data, CRC mismatch of the unpacked file, missing volume).
 */
export async function officialUnrar(firstVolume: string, target: string): Promise<string[]> {
  const { createExtractorFromFile } = await import('node-unrar-js');
  await mkdir(target, { recursive: true });
  const ex = await createExtractorFromFile({ filepath: firstVolume, targetPath: target });
  const { files } = ex.extract();
  return [...files].map((f) => f.fileHeader.name);
}

/**
 * Runs 7-Zip 24.09 — the full 7zz, RAR handler included (npm `7z-wasm`, compiled to WebAssembly) —
 * with `root` mounted as its working directory. Debian's 7zz is built without RAR, so this is the
 * 7-Zip that reads our RAR volumes in the tests. Returns 7-Zip's exit code and output.
 */
export async function sevenZipWasm(args: string[], root: string): Promise<{ code: number; out: string }> {
  const SevenZip = (await import('7z-wasm')).default as unknown as (opts: object) => Promise<{
    FS: { mkdir(p: string): void; mount(fs: unknown, opts: object, p: string): void; chdir(p: string): void };
    NODEFS: unknown;
    callMain(args: string[]): number | undefined;
  }>;
  const lines: string[] = [];
  const sz = await SevenZip({ print: (l: string) => lines.push(l), printErr: (l: string) => lines.push(l) });
  sz.FS.mkdir('/work');
  sz.FS.mount(sz.NODEFS, { root }, '/work');
  sz.FS.chdir('/work');
  let code: number;
  try {
    code = sz.callMain(args) ?? 0; // emscripten's callMain returns main()'s exit code
  } catch (err) {
    const status = (err as { status?: number }).status;
    code = typeof status === 'number' ? status : 255;
  }
  return { code, out: lines.join('\n') };
}
