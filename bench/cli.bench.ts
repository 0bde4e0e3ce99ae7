// CLI start times, as a user waits for them: `atelier --help`, and embedded read commands on an existing
// data dir (`jobs list`, and each module's: `promoteurs stats`, `vinted accounts list`, `releases jobs`),
// each the median of a few runs of the real process, next to `node -e 0` started the same way (same Node
// binary) in the same run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchFn, BenchRow } from './types.ts';
import { NODE, ROOT } from '../test/helpers/server-process.ts';

// what a user runs: the shell wrapper, which picks Node's flags per command (see bin/atelier)
const CLI = path.join(ROOT, 'bin/atelier');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// GNU time (Debian package `time`) gives the child's CPU time: on a machine shared with other work, wall
// time includes waiting for a CPU, while user + system time is what the command itself costs
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

// args[0] is the program when it is the CLI wrapper; otherwise they are Node's arguments (`-e 0`)
function run(args: string[], env: Record<string, string>): { wall: number; cpu: number | null } {
  const argv = args[0] === CLI ? args : [NODE, ...args];
  const t0 = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'cpu %U %S', ...argv], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 })
    : spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = TIME ? /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr) : null;
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : null };
}
const timed = (args: string[], env: Record<string, string>) => run(args, env).wall;

const bench: BenchFn = async ({ quick, log }) => {
  const runs = quick ? 3 : 7;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-cli-'));
  const env = { ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'bench-key-0123456789abcdef0123', LOG_LEVEL: 'warn' };
  try {
    // an existing data dir: every module's migrations applied, a few jobs recorded
    timed([CLI, 'migrate'], env);
    for (let i = 0; i < 3; i++) timed([CLI, 'jobs', 'demo', '--steps', '1', '--json'], env);
    const measure = (label: string, args: string[]) => {
      run(args, env); // warm-up: the OS file cache and Node's compile cache, as on a user's second run
      const xs = Array.from({ length: runs }, () => run(args, env));
      log(`${label}: wall ${xs.map((x) => x.wall.toFixed(2)).join(' ')} s; cpu ${xs.map((x) => x.cpu?.toFixed(2) ?? '?').join(' ')} s`);
      const cpus = xs.map((x) => x.cpu).filter((x): x is number => x !== null);
      return { wall: median(xs.map((x) => x.wall)), cpu: cpus.length ? median(cpus) : null };
    };
    const floor = measure('node -e 0', ['-e', '0']);
    const rows: BenchRow[] = [];
    const add = (metric: string, m: { wall: number; cpu: number | null }, limit: number) => {
      rows.push({ metric, value: m.wall, unit: 's', baseline: { label: 'node -e 0', value: floor.wall, unit: 's' }, ratio: m.wall / floor.wall, target: `≤ ${limit} s`, ok: m.wall <= limit });
      if (m.cpu !== null && floor.cpu !== null) rows.push({ metric: `${metric}, CPU time`, value: m.cpu, unit: 's', baseline: { label: 'node -e 0 CPU', value: floor.cpu, unit: 's' }, ratio: m.cpu / Math.max(floor.cpu, 0.01) });
    };
    add('atelier --help', measure('--help', [CLI, '--help']), 0.3);
    add('atelier jobs list (embedded PGlite)', measure('jobs list', [CLI, 'jobs', 'list', '--json']), 2);
    add('atelier promoteurs stats (embedded PGlite)', measure('promoteurs stats', [CLI, 'promoteurs', 'stats', '--json']), 2);
    add('atelier vinted accounts list (embedded PGlite)', measure('vinted accounts list', [CLI, 'vinted', 'accounts', 'list', '--json']), 2);
    add('atelier releases jobs (embedded PGlite)', measure('releases jobs', [CLI, 'releases', 'jobs', '--json']), 2);
    return {
      name: 'cli',
      rows,
      notes: [
        `median of ${runs} runs after one warm-up, wall time of the whole process; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end`,
        'embedded = the CLI opens the data dir itself (no server, no job queue for a read): PGlite start (WebAssembly, compiled by the baseline compiler only for these read commands; its buffer cache is 16 MB in a CLI process) and imports dominate',
        TIME ? 'CPU time = user + system of the child (GNU time): what the command costs when it does not wait for a CPU' : 'CPU time not measured (/usr/bin/time missing: apt-get install time)',
      ],
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
};
export default bench;
