// Every benchmark file bench/<name>.bench.ts default-exports a BenchFn; `npm run bench` runs them
// (or only those named: `npm run bench -- releases`), writes bench/results/<name>.json and prints a table.
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** what this figure is compared with, measured in the same run */
  baseline?: { label: string; value: number; unit: string };
  /** value / baseline.value (or as defined by the bench) */
  ratio?: number;
  /** human target, e.g. "≤ 1.3×" */
  target?: string;
  /** whether the target was met (undefined when no target) */
  ok?: boolean;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  notes?: string[];
}

export type BenchFn = (opts: { quick: boolean; log: (msg: string) => void }) => Promise<BenchResult>;
