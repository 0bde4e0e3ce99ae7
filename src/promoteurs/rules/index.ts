// Business rules applied to a built Programme before it is stored: skip delivered programmes and
// programmes outside zones A bis / A / B1. The crawl calls decide() and counts the skips.
import type { Programme } from '../types.ts';
import { deliveryDecision } from './delivered.ts';
import { defaultZoneTable, zoneStatus, type ZoneTable } from './cities.ts';

export { deliveryDecision, isDelivered } from './delivered.ts';
export { isLabel, mentionsTaxScheme, stripLabelsFromName, withoutLabels } from './labels.ts';
export {
  cityByInsee, cityLookup, citiesInScope, createZoneTable, defaultZoneTable, departementNom, isInScope, resolveCities, zoneForPostcode, zoneStatus,
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
 * keep / skip of a programme: out of zone when its commune is in zone B2/C or absent from a
 * complete zone table (national CSV, CRM); a commune unknown to the built-in default table, or no
 * commune at all, is kept (zoneFiscale null) rather than lost. Then the delivered rule.
 */
export function decide(
  p: Pick<Programme, 'dateLivraison' | 'codeInsee'>,
  now: Date = new Date(),
  table: ZoneTable = defaultZoneTable(),
): Decision {
  const zs = zoneStatus(p.codeInsee, table);
  if (zs === 'out') return { keep: false, skip: 'out_of_zone', reason: `commune ${p.codeInsee} is not in zone A bis/A/B1 (${table.source} table)` };
  const d = deliveryDecision(p.dateLivraison, now);
  if (d.delivered) return { keep: false, skip: 'delivered', reason: d.reason };
  return { keep: true, reason: zs === 'unknown' ? `${d.reason}; zone unknown` : d.reason };
}
