// Scoring of a pipeline run against the generator's ground truth.
export function adjustedRandIndex(truth: (string | number)[], pred: (string | number)[]): number {
  const n = truth.length;
  if (n < 2) return 1;
  const cont = new Map<string, number>();
  const a = new Map<string | number, number>(), b = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const k = `${truth[i]}\u0000${pred[i]}`;
    cont.set(k, (cont.get(k) ?? 0) + 1);
    a.set(truth[i]!, (a.get(truth[i]!) ?? 0) + 1);
    b.set(pred[i]!, (b.get(pred[i]!) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let idx = 0, sa = 0, sb = 0;
  for (const v of cont.values()) idx += c2(v);
  for (const v of a.values()) sa += c2(v);
  for (const v of b.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (idx - expected) / (max - expected);
}

/** Naive baseline of existing bots: consecutive chunks of `size` photos in file-name order. */
export function chunkBaseline(names: string[], size = 6): Map<string, number> {
  const sorted = names.slice().sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  return new Map(sorted.map((n, i) => [n, Math.floor(i / size)]));
}

/**
 * Duplicates precision/recall: truth families are a source photo and its copies; a reported
 * {file, of} is correct when both are in the same family; recall counts family members flagged.
 */
export function duplicateScores(files: { name: string; dupOf?: string }[], reported: { file: string; of: string }[]): { precision: number; recall: number; tp: number; reported: number; expected: number } {
  const family = new Map<string, string>();
  for (const f of files) family.set(f.name, f.dupOf ?? f.name);
  const expected = files.filter((f) => f.dupOf).length;
  let tp = 0;
  for (const d of reported) if (family.get(d.file) === family.get(d.of)) tp++;
  return { precision: reported.length ? tp / reported.length : 1, recall: expected ? Math.min(1, tp / expected) : 1, tp, reported: reported.length, expected };
}
