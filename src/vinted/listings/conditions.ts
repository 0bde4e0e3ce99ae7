// Vinted conditions and their status ids (spec §5; to be checked against the live list once a
// session is connected).
import { fold } from './text.ts';

export const CONDITIONS = [
  { label: 'Neuf avec étiquette', status_id: 6 },
  { label: 'Neuf sans étiquette', status_id: 1 },
  { label: 'Très bon état', status_id: 2 },
  { label: 'Bon état', status_id: 3 },
  { label: 'Satisfaisant', status_id: 4 },
] as const;

export type ConditionLabel = (typeof CONDITIONS)[number]['label'];

const ALIASES: Record<string, ConditionLabel> = {
  'new with tags': 'Neuf avec étiquette',
  'new without tags': 'Neuf sans étiquette',
  'very good': 'Très bon état',
  'good': 'Bon état',
  'satisfactory': 'Satisfaisant',
};

/** Canonical label for "bon etat", "BON ÉTAT", "good"…; null when unknown. */
export function normalizeCondition(input: string | null | undefined): ConditionLabel | null {
  if (!input) return null;
  const f = fold(input);
  for (const c of CONDITIONS) if (fold(c.label) === f) return c.label;
  return ALIASES[f] ?? null;
}

export function conditionStatusId(label: string | null | undefined): number | null {
  const c = normalizeCondition(label);
  return c ? CONDITIONS.find((x) => x.label === c)!.status_id : null;
}
