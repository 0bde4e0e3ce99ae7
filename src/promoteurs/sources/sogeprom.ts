// Sogeprom: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): scraper code, 2026: /program-sitemap.xml, programme paths /residences/{region}/…, JSON-LD Product, else the <h1>; the rest of the path guessed.
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const sogeprom = genericSource({
  key: 'sogeprom',
  name: 'Sogeprom',
  baseUrl: 'https://www.sogeprom.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/program-sitemap.xml'], programmePattern: '^/residences/(?<region>[a-z0-9-]+)/(?<ville>[a-z0-9-]+)/(?<slug>[a-z0-9-]+)-(?<id>\\d+)/?$' },
  idPattern: '/residences/[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+-(\\d+)/?$',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'built from other people\'s scraper code (2026) and a guessed path tail; no page recorded from the real site',
  },
  notes: 'scraper code, 2026: /program-sitemap.xml, programme paths /residences/{region}/…, JSON-LD Product, else the <h1>; the rest of the path guessed',
});
