// `npm run bench [-- name… ] [--quick]`: runs bench/<name>.bench.ts files, writes bench/results/<name>.json
// and prints one table. Every figure is reported next to a baseline measured in the same run.
import fs from 'node:fs';
import path from 'node:path';
import type { BenchFn, BenchResult } from './types.ts';

const dir = import.meta.dirname;
const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const wanted = args.filter((a) => !a.startsWith('--'));
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((f) => !wanted.length || wanted.includes(f.replace('.bench.ts', '')));
if (!files.length) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}
fs.mkdirSync(path.join(dir, 'results'), { recursive: true });
const results: BenchResult[] = [];
let failed = false;
for (const f of files) {
  const name = f.replace('.bench.ts', '');
  console.error(`\n== ${name}${quick ? ' (quick)' : ''}`);
  const started = Date.now();
  try {
    const fn = (await import(path.join(dir, f))).default as BenchFn;
    const r = await fn({ quick, log: (m) => console.error(`   ${m}`) });
    const out = { ...r, quick, node: process.version, date: new Date().toISOString(), seconds: (Date.now() - started) / 1000 };
    fs.writeFileSync(path.join(dir, 'results', `${name}.json`), JSON.stringify(out, null, 2));
    results.push(r);
  } catch (e) {
    failed = true;
    console.error(`   ${name} failed: ${(e as Error).stack}`);
  }
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
const rows = results.flatMap((r) => r.rows.map((row) => [
  r.name, row.metric, `${fmt(row.value)} ${row.unit}`,
  row.baseline ? `${row.baseline.label}: ${fmt(row.baseline.value)} ${row.baseline.unit}` : '',
  row.ratio !== undefined ? `${fmt(row.ratio)}×` : '', row.target ?? '', row.ok === undefined ? '' : row.ok ? 'ok' : 'MISSED',
]));
const head = ['bench', 'metric', 'value', 'baseline (same run)', 'ratio', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log('\n' + line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
for (const r of results) for (const n of r.notes ?? []) console.log(`note (${r.name}): ${n}`);
process.exit(failed ? 1 : 0);
