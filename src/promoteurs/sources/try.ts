// The selector lab's core: what `atelier promoteurs try <source> --fixture page.html --level
// listing|detail --json` prints. Pure (no I/O): the CLI reads the file and prints the result.
import type { City, ProgrammeCard, Source, TryDetailResult, TryListingResult } from '../types.ts';
import { buildProgramme } from '../parse/programme.ts';
import type { ZoneTable } from '../rules/cities.ts';

export interface TryContext {
  /** URL the fixture was fetched from (resolves relative links, gives the id when the page does not) */
  url?: string;
  city?: City;
  /** listing card of this programme when known (detail level) */
  card?: ProgrammeCard;
  zones?: ZoneTable;
  now?: Date;
}

export function tryParse(source: Source, html: string, level: 'listing', ctx?: TryContext): TryListingResult;
export function tryParse(source: Source, html: string, level: 'detail', ctx?: TryContext): TryDetailResult;
export function tryParse(source: Source, html: string, level: 'listing' | 'detail', ctx?: TryContext): TryListingResult | TryDetailResult;
export function tryParse(source: Source, html: string, level: 'listing' | 'detail', ctx: TryContext = {}): TryListingResult | TryDetailResult {
  const pctx = { url: ctx.url, city: ctx.city, now: ctx.now };
  if (level === 'listing') return { programmes: source.parseListing(html, pctx) };
  const card: ProgrammeCard = ctx.card ?? { sourceApi: source.key, idExterne: '', name: '', urlExterne: ctx.url ?? '' };
  const detail = source.parseDetail(html, card, pctx);
  const { lotsDetails, ...programme } = buildProgramme(source, card, detail, { city: ctx.city, zones: ctx.zones });
  return { programme, lots: lotsDetails };
}
