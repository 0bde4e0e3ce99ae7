// Glue between the parsers' output and the sync: the card hash that drives the incremental crawl,
// and the zone check (a programme whose own commune is out of zones A bis/A/B1 is skipped, even
// when it was listed on an in-zone city's page). Building the Programme itself is parse/programme.ts.
import type { City, Programme, ProgrammeCard, ProgrammeDetail, Source } from '../types.ts';
import { zoneStatus, type ZoneTable } from '../rules/cities.ts';
import { buildProgramme, resolveProgrammeCity } from '../parse/programme.ts';
import { hashOf } from './store.ts';

/** Hash of what the listing says about a programme: a change triggers a detail fetch. */
export function cardHash(card: ProgrammeCard): string {
  return hashOf(card);
}

/**
 * false when the programme is to be kept; otherwise the zone found (null: a commune absent from a
 * complete zone table). A commune the built-in default list does not know (e.g. Vénissieux on
 * Lyon's page) is kept: only a commune known to be out of zone is skipped.
 */
export function outOfZone(card: ProgrammeCard, detail: ProgrammeDetail | null, city: City, table: ZoneTable): string | null | false {
  const c = resolveProgrammeCity(card, detail, { city, zones: table });
  if (!c) return false; // nothing says where it is: it was on this in-zone city's listing
  return zoneStatus(c.codeInsee, table) === 'out' ? c.zone ?? null : false;
}

export function assembleProgramme(source: Pick<Source, 'key' | 'name'>, card: ProgrammeCard, detail: ProgrammeDetail, city: City, table: ZoneTable): Programme {
  return buildProgramme(source, card, detail, { city, zones: table });
}
