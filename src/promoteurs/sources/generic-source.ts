// A source described by data only: how its programme pages are found (listing page per city, or its
// sitemaps + a URL pattern) and how its ids appear in URLs; the pages are read by the generic
// structured-data extractor (parse/generic.ts). The 16 developers without a dedicated parser are
// such configurations (one file each in this folder).
import type { City, Source, SourceDiscovery, SourceFetchConfig, SourcePoliteness, SourceVerification } from '../types.ts';
import { genericDetail, genericListing } from '../parse/generic.ts';
import { slugify } from '../parse/text.ts';

export interface GenericSourceConfig {
  key: string;
  name: string;
  /** site root, no trailing slash (the domain as publicly known: confirm it when recording pages) */
  baseUrl: string;
  discovery:
    | { kind: 'listing'; /** "/trouver-son-logement-neuf/{ville_slug}": placeholders {dept_nom} {dept} {ville_slug} {cp} {insee} */ urlPattern: string; /** regex matching programme links on a listing page (default: idPattern) */ linkPattern?: string }
    | Extract<SourceDiscovery, { kind: 'sitemap' }>;
  /** regex whose group 1 (or named group `id`) is the programme's external id in its URL */
  idPattern: string;
  verification: SourceVerification;
  fetch?: Partial<SourceFetchConfig>;
  politeness?: Partial<SourcePoliteness>;
  /** what is known of the site, with its date (docs and `sources`): leads, not facts */
  notes?: string;
}

/** "/{dept_nom}/{ville_slug}-{cp}" → "/rhone/lyon-69003" (Paris/Lyon/Marseille arrondissements: the commune) */
export function fillCityPattern(pattern: string, city: City): string {
  const slug = city.commune?.slug ?? city.slug;
  return pattern
    .replace(/\{dept_nom\}/g, slugify(city.departementNom))
    .replace(/\{dept\}/g, city.departement.toLowerCase())
    .replace(/\{ville_slug\}/g, slug)
    .replace(/\{cp\}/g, city.codePostal)
    .replace(/\{insee\}/g, city.commune?.codeInsee ?? city.codeInsee);
}

export type GenericSource = Source & { notes?: string };

export function genericSource(c: GenericSourceConfig): GenericSource {
  const base = c.baseUrl.replace(/\/+$/, '');
  const opts = { key: c.key, baseUrl: base, idPattern: c.idPattern };
  const d = c.discovery;
  return {
    key: c.key,
    name: c.name,
    baseUrl: base,
    listing: d.kind === 'listing'
      ? { urlPattern: d.urlPattern, cityFormat: /\{cp\}/.test(d.urlPattern) ? 'slug-cp' : 'slug', deptFormat: /\{dept_nom\}/.test(d.urlPattern) ? 'nom-slug' : /\{dept\}/.test(d.urlPattern) ? 'code' : 'none' }
      : { urlPattern: d.sitemaps.join(' '), cityFormat: 'from the programme URL', deptFormat: 'none' },
    detail: { urlPattern: null },
    discovery: d.kind === 'listing' ? { kind: 'listing' } : d,
    extractor: 'generic',
    idPattern: c.idPattern,
    verification: c.verification,
    notes: c.notes,
    fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3, ...c.fetch },
    politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3, ...c.politeness },
    listingUrl(city) {
      if (d.kind === 'sitemap') return new URL(d.sitemaps[0], `${base}/`).toString();
      return `${base}${fillCityPattern(d.urlPattern, city)}`;
    },
    parseListing: (html, ctx) => genericListing(html, ctx, { ...opts, linkPattern: d.kind === 'listing' ? d.linkPattern : undefined }),
    parseDetail: (html, card, ctx) => {
      const { evidence: _e, ...detail } = genericDetail(html, card, ctx, opts);
      return detail;
    },
  };
}
