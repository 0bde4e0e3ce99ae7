// The selector lab's core: what `atelier promoteurs try <source> --fixture page.html --level
// listing|detail --json` prints. Pure (no I/O): the CLI reads the file and prints the result.
import type { City, ProgrammeCard, Source, TryDetailResult, TryListingResult } from '../types.ts';
import { buildProgramme } from '../parse/programme.ts';
import type { ZoneTable } from '../rules/cities.ts';
import { loadHtml } from '../parse/html.ts';
import { clean } from '../parse/text.ts';

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

export interface SelectorProbe {
  name: string;
  selector: string;
  /** number of matches in the page */
  count: number;
  /** cleaned text (or href/src for links and images) of the first matches */
  samples: string[];
}

/**
 * Selector lab: what each of the source's selectors for `level` matches in a saved page
 * (`atelier promoteurs try <source> --fixture page.html --selectors`). A selector at 0 after a site
 * update points at the markup change.
 */
export function probeSelectors(source: Source, html: string, level: 'listing' | 'detail', maxSamples = 3): SelectorProbe[] {
  const sels = source.selectors?.[level] ?? {};
  const $ = loadHtml(html);
  return Object.entries(sels).map(([name, selector]) => {
    let found: ReturnType<typeof $>;
    try {
      found = $(selector);
    } catch (e) {
      return { name, selector, count: -1, samples: [`invalid selector: ${(e as Error).message}`] };
    }
    const samples: string[] = [];
    found.slice(0, maxSamples).each((_i, el) => {
      const x = $(el);
      const v = x.is('a') ? x.attr('href') : x.is('img') ? (x.attr('data-src') || x.attr('src')) : x.is('link, meta') ? (x.attr('href') ?? x.attr('content')) : x.text();
      samples.push(clean(v).slice(0, 120));
    });
    return { name, selector, count: found.length, samples };
  });
}
