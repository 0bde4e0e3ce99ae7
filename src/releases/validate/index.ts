// Checks a release directory against its rule set and reports EVERY rule checked.
import type { RuleSet } from '../rules/types.ts';

export interface ValidationCheck {
  /** stable rule id, e.g. "naming.characters", "files.nfo", "archive.volume-size", "sfv.crc" */
  rule: string;
  ok: boolean;
  detail: string;
}

export interface ValidationReport {
  ok: boolean;
  ruleSet: string;
  name: string;
  checks: ValidationCheck[];
}

/** `name` defaults to the directory's base name. */
export async function validateRelease(dir: string, ruleSet: RuleSet, opts: { name?: string; signal?: AbortSignal } = {}): Promise<ValidationReport> {
  void dir; void ruleSet; void opts;
  throw new Error('validateRelease: not implemented yet');
}

/** Checks only the release name (for the naming editor): grammar, characters, punctuation, length. */
export function validateName(name: string, ruleSet: RuleSet): ValidationCheck[] {
  void name; void ruleSet;
  throw new Error('validateName: not implemented yet');
}
