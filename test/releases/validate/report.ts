// Reading a validation report in tests: one rule's check (an error naming the reported rules when it
// is missing) and the rules that failed.
import type { ValidationReport } from '../../../src/releases/validate/index.ts';

export const check = (rep: ValidationReport, rule: string) => {
  const c = rep.checks.find((x) => x.rule === rule);
  if (!c) throw new Error(`rule ${rule} not reported: ${rep.checks.map((x) => x.rule).join(', ')}`);
  return c;
};

export const failed = (rep: ValidationReport) => rep.checks.filter((c) => !c.ok).map((c) => c.rule);
