// Loads rule sets from the YAML files next to this module: <type>-<year>.yaml.
import type { ReleaseType, RuleSet } from './types.ts';
export type { ReleaseType, RuleSet, VolumeSizeRule } from './types.ts';

/** Loads the rule set of a type for a rule year (default: the newest available). */
export async function loadRuleSet(type: ReleaseType, year?: number): Promise<RuleSet> {
  void type; void year;
  throw new Error('loadRuleSet: not implemented yet');
}

/** Lists the available rule sets: [{id, type, year, title}]. */
export async function listRuleSets(): Promise<{ id: string; type: ReleaseType; year: number; title: string }[]> {
  throw new Error('listRuleSets: not implemented yet');
}
