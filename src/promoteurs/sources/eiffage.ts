// Eiffage Immobilier: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): nothing public about its site beyond the domain (notes, 2026); sitemap index and URL shape guessed.
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const eiffage = genericSource({
  key: 'eiffage',
  name: 'Eiffage Immobilier',
  baseUrl: 'https://www.eiffage-immobilier.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '^/programme-immobilier-neuf/(?<dept>\\d{2,3}|2[ab])-(?<ville>[a-z0-9-]+)/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/programme-immobilier-neuf/[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'no public information on its pages (notes, 2026): sitemap and URL shape guessed; no page recorded from the real site',
  },
  notes: 'nothing public about its site beyond the domain (notes, 2026); sitemap index and URL shape guessed',
});
