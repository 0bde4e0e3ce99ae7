// sample.duration: the video in a TV release's Sample/ lasts 50–70 s (tv-2024), as MediaInfo reads
// it. Real releases (RAR4 + SFV + CP437 NFO) with real H.264 samples made by ffmpeg.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, mkdir, cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRarVolumes } from '../../../src/releases/archive/rar4.ts';
import { writeSfv } from '../../../src/releases/archive/sfv.ts';
import { loadRuleSet, parseRuleSet, RULES_DIR } from '../../../src/releases/rules/index.ts';
import type { RuleSet } from '../../../src/releases/rules/index.ts';
import { validateRelease } from '../../../src/releases/validate/index.ts';
import type { ValidationReport } from '../../../src/releases/validate/index.ts';
import { check, failed } from './report.ts';
import { tempDir, randomFile } from '../archive/tools.ts';
import { writeVideo } from '../samples.ts';

const NAME = 'Show.S01E01.576p.HDTV.x264-GRP';
const NFO = Buffer.concat([
  Buffer.from([0xc9, ...Array(78).fill(0xcd), 0xbb, 0x0d, 0x0a]),
  Buffer.from(`\xba${' Show S01E01 - packed by atelier'.padEnd(78)}\xba\r\n`, 'latin1'),
  Buffer.from([0xc8, ...Array(78).fill(0xcd), 0xbc, 0x0d, 0x0a]),
]);

let dir: string;
let cleanup: () => Promise<void>;
let tv: RuleSet;
let base: string; // a valid release without Sample/
const clips: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('atelier-sample-'));
  tv = await loadRuleSet('TV', 2024);
  const src = join(dir, 'episode.bin');
  await randomFile(src, 100_000);
  base = join(dir, 'base', NAME);
  const lower = NAME.toLowerCase();
  const r = await writeRarVolumes({ path: src, name: `${lower}.mkv` }, base, lower, { volumeSize: 15_000_000 });
  await writeSfv(r.volumes, join(base, `${lower}.sfv`), { crcs: r.volumeCrcs });
  await writeFile(join(base, `${lower}.nfo`), NFO);
  for (const s of [20, 60, 90]) clips[s] = await writeVideo(join(dir, 'clips', `${s}.mkv`), s);
});
afterAll(async () => cleanup());

/** a copy of the valid release with `files` (name → bytes) in Sample/ */
async function withSample(sub: string, files: Record<string, Buffer>): Promise<ValidationReport> {
  const d = join(dir, sub, NAME);
  await cp(base, d, { recursive: true });
  await mkdir(join(d, 'Sample'));
  for (const [n, data] of Object.entries(files)) await writeFile(join(d, 'Sample', n), data);
  return validateRelease(d, tv);
}
describe('sample.duration (tv-2024: 50–70 s)', () => {
  it('the bounds are rule-set data: TV has them, EBOOK has none, min > max is refused when loaded', async () => {
    expect(tv.sample).toEqual({ minSeconds: 50, maxSeconds: 70 });
    expect((await loadRuleSet('EBOOK')).sample).toBeUndefined();
    const yaml = await readFile(join(RULES_DIR, 'tv-2024.yaml'), 'utf8');
    expect(() => parseRuleSet(yaml.replace('minSeconds: 50', 'minSeconds: 80'), 'x.yaml')).toThrow(/x\.yaml: sample: minSeconds is larger than maxSeconds/);
    expect(() => parseRuleSet(yaml.replace('minSeconds: 50', 'minSeconds: soon'), 'x.yaml')).toThrow(/x\.yaml: sample\.minSeconds/);
  });

  it('a release without Sample/ is not checked for it', async () => {
    const rep = await validateRelease(base, tv);
    expect(failed(rep)).toEqual([]);
    expect(rep.checks.map((c) => c.rule)).not.toContain('sample.duration');
  });

  it('a 60 s sample passes, with the measured duration and the bounds in the detail', async () => {
    const rep = await withSample('s60', { 'show-sample.mkv': await readFile(clips[60]!) });
    expect(failed(rep)).toEqual([]);
    expect(rep.ok).toBe(true);
    expect(check(rep, 'sample.duration').detail).toBe('Sample/show-sample.mkv: 60 s (allowed 50–70 s)');
  });

  it('a 20 s and a 90 s sample fail sample.duration (and only it)', async () => {
    const short = await withSample('s20', { 'show-sample.mkv': await readFile(clips[20]!) });
    expect(failed(short)).toEqual(['sample.duration']);
    expect(check(short, 'sample.duration').detail).toBe('Sample/show-sample.mkv: 20 s, shorter than 50 s (allowed 50–70 s)');
    const long = await withSample('s90', { 'show-sample.mkv': await readFile(clips[90]!) });
    expect(failed(long)).toEqual(['sample.duration']);
    expect(check(long, 'sample.duration').detail).toBe('Sample/show-sample.mkv: 90 s, longer than 70 s (allowed 50–70 s)');
  });

  it('a corrupt sample fails clearly: unreadable bytes, and a file cut short of its declared length', async () => {
    const junk = await withSample('junk', { 'show-sample.mkv': Buffer.from(crypto.getRandomValues(new Uint8Array(4096))) });
    expect(failed(junk)).toEqual(['sample.duration']);
    expect(check(junk, 'sample.duration').detail).toMatch(/^Sample\/show-sample\.mkv: duration cannot be read: no video track found .*damaged\/truncated.* \(allowed 50–70 s\)$/);
    // the first third of a good 60 s sample: its header still says 60 s, MediaInfo sees it ends early
    const good = await readFile(clips[60]!);
    const cut = await withSample('cut', { 'show-sample.mkv': good.subarray(0, Math.floor(good.length / 3)) });
    expect(failed(cut)).toEqual(['sample.duration']);
    expect(check(cut, 'sample.duration').detail).toBe('Sample/show-sample.mkv: truncated — the file ends before the 60 s its headers declare (allowed 50–70 s)');
  });

  it('an empty Sample/ cannot be checked: files.sample and sample.duration fail with the reason', async () => {
    const rep = await withSample('empty', {});
    expect(failed(rep)).toEqual(['files.sample', 'sample.duration']);
    expect(check(rep, 'sample.duration').detail).toBe('cannot check: no video in Sample/ (allowed 50–70 s)');
  });
});
