// BNP Paribas Real Estate: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): nothing public about its site beyond the domain (notes, 2026); sitemap and URL shape guessed.
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const bnpParibasRe = genericSource({
  key: 'bnp-paribas-re',
  name: 'BNP Paribas Real Estate',
  baseUrl: 'https://www.realestate.bnpparibas.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '^/immobilier-neuf/programme/(?<insee>\\d{5}|2[AB]\\d{3})/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/immobilier-neuf/programme/[0-9AB]{5}/[a-z0-9-]+-(\\d+)$',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'no public information on its pages (notes, 2026): sitemap and URL shape guessed; no page recorded from the real site',
  },
  notes: 'nothing public about its site beyond the domain (notes, 2026); sitemap and URL shape guessed',
});
