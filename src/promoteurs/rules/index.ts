// Business rules applied to a built Programme before it is stored: skip delivered programmes and
// programmes outside zones A bis / A / B1. The crawl calls decide() and counts the skips.
import type { Programme } from '../types.ts';
import { deliveryDecision } from './delivered.ts';

export { deliveryDecision, isDelivered } from './delivered.ts';
export { isLabel, mentionsTaxScheme, stripLabelsFromName, withoutLabels } from './labels.ts';
export {
  cityByInsee, cityLookup, citiesInScope, createZoneTable, defaultZoneTable, departementNom, isInScope, resolveCities, zoneForPostcode,
  DEFAULT_ZONES, IN_SCOPE_ZONES, type ZoneTable,
} from './cities.ts';
export { parseZonageCsv, parseZonageCsvDetailed, normalizeZone, decodeCsv, type ZonageRow } from './zonage.ts';

export type SkipReason = 'delivered' | 'out_of_zone';
export interface Decision {
  keep: boolean;
  skip?: SkipReason;
  reason: string;
}

/**
 * keep / skip of a programme. Out of zone: its commune is known and not in A bis/A/B1 (a programme
 * whose commune could not be resolved is kept with zoneFiscale null and flagged by the caller).
 */
export function decide(p: Pick<Programme, 'dateLivraison' | 'zoneFiscale' | 'codeInsee'>, now: Date = new Date()): Decision {
  if (p.codeInsee && !p.zoneFiscale) return { keep: false, skip: 'out_of_zone', reason: `commune ${p.codeInsee} is not in zone A bis/A/B1` };
  const d = deliveryDecision(p.dateLivraison, now);
  if (d.delivered) return { keep: false, skip: 'delivered', reason: d.reason };
  return { keep: true, reason: d.reason };
}
