// Greencity Immobilier: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): nothing public about its site beyond the domain (notes, 2026); plain-text sitemap and URL shape guessed.
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const greencity = genericSource({
  key: 'greencity',
  name: 'Greencity Immobilier',
  baseUrl: 'https://www.greencityimmobilier.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.txt'], programmePattern: '^/programmes/(?<ville>[a-z0-9-]+)/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/programmes/[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'no public information on its pages (notes, 2026): sitemap and URL shape guessed; no page recorded from the real site',
  },
  notes: 'nothing public about its site beyond the domain (notes, 2026); plain-text sitemap and URL shape guessed',
});
