// releases: TV packaging throughput and memory.
// - ours: 1 GiB source → 50 MB RAR4 store volumes + SFV (CRCs computed while writing), as a ratio to
//   a plain streaming copy of the same bytes on the same disk in the same run (target ≤ 1.3×);
// - Debian's 7-Zip `7zz a -v50m -mx0` + `cksfv` on the same source (ratio ours/theirs; Debian's 7-Zip
//   cannot write RAR, so it writes store-mode .7z volumes — the closest "store + split + SFV" job);
// - CRC32 throughput of our streamed file CRC vs node:zlib crc32 on an in-memory buffer (upper bound);
// - peak RSS of a child process packaging the whole source (target ≤ 200 MB).
// The source is generated once into bench/.cache/ (gitignored). opts.quick → 256 MiB.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rm, stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomFillSync } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { spawnSync, execFileSync } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import type { BenchFn, BenchRow } from './types.ts';
import { writeRarVolumes } from '../src/releases/archive/rar4.ts';
import { writeSfv } from '../src/releases/archive/sfv.ts';
import { crc32File } from '../src/releases/archive/crc.ts';

const dir = import.meta.dirname;
const VOLUME = 50_000_000;

async function ensureSource(size: number, log: (m: string) => void): Promise<string> {
  const cache = join(dir, '.cache');
  await mkdir(cache, { recursive: true });
  const path = join(cache, `releases-source-${size}.bin`);
  if (existsSync(path) && (await stat(path)).size === size) return path;
  log(`generating ${size} random bytes into ${path} (once)`);
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  for (let done = 0; done < size; done += buf.length) {
    randomFillSync(buf);
    await fh.write(buf, 0, Math.min(buf.length, size - done));
  }
  await fh.close();
  return path;
}

const cpu = { last: 0 };
/** wall seconds; the CPU seconds (user + system, threadpool included) of this process go to cpu.last */
async function time(fn: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  cpu.last = (c.user + c.system) / 1e6;
  return (performance.now() - t0) / 1000;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

const bench: BenchFn = async ({ quick, log }) => {
  const size = quick ? 256 * 1024 * 1024 : 1024 * 1024 * 1024;
  const gib = size / 2 ** 30;
  const src = await ensureSource(size, log);
  const work = join(dir, '.cache', 'releases-work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const notes: string[] = [];
  const rows: BenchRow[] = [];
  const reps = quick ? 2 : 5;
  const reps7z = 2; // 7zz + cksfv is ~10× slower: two rounds are enough for its best

  // warm the page cache for everyone alike
  await crc32File(src);

  const copyRun = async () => {
    const out = join(work, 'copy.bin');
    const s = await time(() => pipeline(createReadStream(src, { highWaterMark: 1024 * 1024 }), createWriteStream(out)));
    await rm(out, { force: true });
    return s;
  };
  const oursRun = async () => {
    const out = join(work, 'ours');
    const s = await time(async () => {
      const r = await writeRarVolumes({ path: src, name: 'bench.s01e01.720p.hdtv.x264-atelier.mkv' }, out, 'bench', { volumeSize: VOLUME });
      await writeSfv(r.volumes, join(out, 'bench.sfv'), { crcs: r.volumeCrcs });
    });
    await rm(out, { recursive: true, force: true });
    return s;
  };
  const theirsRun = async () => {
    const out = join(work, 'theirs');
    await mkdir(out);
    const s = await time(async () => {
      execFileSync('7zz', ['a', '-bd', '-bso0', '-bsp0', '-v50m', '-mx0', join(out, 'bench.7z'), src]);
      const vols = (await readdir(out)).filter((f) => /\.7z\.\d+$/.test(f)).sort();
      const sfv = await open(join(out, 'bench.sfv'), 'w');
      try {
        execFileSync('cksfv', vols, { cwd: out, stdio: ['ignore', sfv.fd, 'inherit'] });
      } finally {
        await sfv.close();
      }
    });
    await rm(out, { recursive: true, force: true });
    return s;
  };

  // interleave the runs so page-cache / writeback drift hits all alike; keep the best of each
  const copy: number[] = [];
  const ours: number[] = [];
  const copyCpu: number[] = [];
  const oursCpu: number[] = [];
  const theirs: number[] = [];
  const with7z = has('7zz') && has('cksfv');
  if (!with7z) notes.push('7zz or cksfv absent: the 7-Zip comparison row is missing');
  for (let i = 0; i < reps; i++) {
    copy.push(await copyRun());
    copyCpu.push(cpu.last);
    ours.push(await oursRun());
    oursCpu.push(cpu.last);
    if (with7z && i < reps7z) theirs.push(await theirsRun());
    log(`round ${i + 1}: copy ${copy.at(-1)!.toFixed(2)} s, ours ${ours.at(-1)!.toFixed(2)} s${with7z && i < reps7z ? `, 7zz+cksfv ${theirs.at(-1)!.toFixed(2)} s` : ''}`);
  }
  const best = (a: number[]) => Math.min(...a);
  rows.push({
    metric: `TV pack ${gib} GiB → 50 MB RAR4 volumes + SFV`,
    value: best(ours), unit: 's',
    baseline: { label: 'plain streaming copy', value: best(copy), unit: 's' },
    ratio: best(ours) / best(copy), target: '≤ 1.3×', ok: best(ours) / best(copy) <= 1.3,
  });
  // CPU time is far less sensitive than wall time to other work on the machine
  rows.push({
    metric: `TV pack ${gib} GiB CPU time (user+sys, in-process)`,
    value: best(oursCpu), unit: 's',
    baseline: { label: 'plain streaming copy', value: best(copyCpu), unit: 's' },
    ratio: best(oursCpu) / best(copyCpu),
  });
  rows.push({ metric: 'TV pack throughput', value: size / best(ours) / 1e6, unit: 'MB/s', baseline: { label: 'plain streaming copy', value: size / best(copy) / 1e6, unit: 'MB/s' }, ratio: best(copy) / best(ours) });
  if (with7z) {
    rows.push({
      metric: `TV pack ${gib} GiB vs 7zz a -v50m -mx0 + cksfv`,
      value: best(ours), unit: 's',
      baseline: { label: '7zz store volumes + cksfv', value: best(theirs), unit: 's' },
      ratio: best(ours) / best(theirs),
    });
  }

  // CRC32 throughput: streamed from the (cached) file vs one call on an in-memory buffer
  const memSize = 256 * 1024 * 1024;
  const mem = Buffer.allocUnsafe(memSize);
  randomFillSync(mem);
  const memT: number[] = [];
  const memCpu: number[] = [];
  const fileCpu: number[] = [];
  const fileT: number[] = [];
  for (let i = 0; i < 3; i++) {
    memT.push(await time(async () => crc32(mem)));
    memCpu.push(cpu.last);
    fileT.push(await time(() => crc32File(src)));
    fileCpu.push(cpu.last);
  }
  // and on a 4 MiB buffer that stays in the CPU cache: the CPU-bound ceiling of crc32 itself
  const small = mem.subarray(0, 4 * 1024 * 1024);
  const cacheT = await time(async () => { for (let i = 0; i < 64; i++) crc32(small); });
  const cacheGBs = (64 * small.length) / cacheT / 1e9;
  const memGBs = memSize / best(memT) / 1e9;
  const fileGBs = size / best(fileT) / 1e9;
  rows.push({ metric: 'CRC32 streamed from file (crc32File)', value: fileGBs, unit: 'GB/s', baseline: { label: 'node:zlib crc32 on a 256 MiB buffer', value: memGBs, unit: 'GB/s' }, ratio: fileGBs / memGBs });
  rows.push({ metric: 'CRC32 streamed from file (crc32File)', value: fileGBs, unit: 'GB/s', baseline: { label: 'node:zlib crc32, 4 MiB cache-resident buffer ×64', value: cacheGBs, unit: 'GB/s' }, ratio: fileGBs / cacheGBs });
  // per CPU-second: what the code costs, whatever else runs on the machine
  const fileCpuGBs = size / best(fileCpu) / 1e9;
  const memCpuGBs = memSize / best(memCpu) / 1e9;
  rows.push({ metric: 'CRC32 streamed from file, per CPU-second (read + CRC)', value: fileCpuGBs, unit: 'GB/CPU-s', baseline: { label: 'node:zlib crc32 on a 256 MiB buffer, per CPU-second', value: memCpuGBs, unit: 'GB/CPU-s' }, ratio: fileCpuGBs / memCpuGBs });

  // peak RSS of packaging alone, in a child process
  const child = join(dir, 'releases', 'pack-child.ts');
  const runChild = (args: string[]) => {
    const r = spawnSync(process.execPath, [child, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pack-child failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { maxRssBytes: number; seconds: number };
  };
  const idle = runChild(['--idle']);
  const packed = runChild([src, join(work, 'rss'), String(VOLUME)]);
  await rm(join(work, 'rss'), { recursive: true, force: true });
  rows.push({
    metric: `peak RSS packaging ${gib} GiB (child process)`,
    value: packed.maxRssBytes / 1e6, unit: 'MB',
    baseline: { label: 'same child, idle (modules loaded)', value: idle.maxRssBytes / 1e6, unit: 'MB' },
    ratio: packed.maxRssBytes / idle.maxRssBytes, target: '≤ 200 MB', ok: packed.maxRssBytes <= 200e6,
  });

  await rm(work, { recursive: true, force: true });
  const r2 = (a: number[]) => a.map((x) => x.toFixed(2)).join('/');
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  notes.push(`median of rounds: ours ${median(ours).toFixed(2)} s / copy ${median(copy).toFixed(2)} s = ${(median(ours) / median(copy)).toFixed(2)}×; CPU ${median(oursCpu).toFixed(2)} s / ${median(copyCpu).toFixed(2)} s`);
  notes.push(`rounds (s): copy ${r2(copy)}, ours ${r2(ours)}${with7z ? `, 7zz+cksfv ${r2(theirs)}` : ''}; best of each reported`);
  notes.push(`machine: ${cpus().length} CPU(s), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (other work on the machine makes single rounds noisy)`);
  notes.push(`source: ${size} random bytes in bench/.cache (page-cached; no fsync in any run — all runs measure the same thing)`);
  notes.push('Debian 7zip is built without RAR support, so 7zz writes store-mode .7z volumes as the reference job');
  return { name: 'releases', rows, notes };
};

export default bench;
