// Kaufman & Broad: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): site audit reports, Oct. 2026: /sitemap.xml lists 172 programmes and 1,822 lots; programme URLs /achat-immobilier-neuf/{region}/{dept}/{ville}/programme/{id}, one lot page per lot (…/lot/Appartement/{progId}_{n}); JSON-LD HousingComplex + BreadcrumbList, "À partir de X €".
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const kaufmanBroad = genericSource({
  key: 'kaufman-broad',
  name: 'Kaufman & Broad',
  baseUrl: 'https://www.kaufmanbroad.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '^/achat-immobilier-neuf/(?<region>[a-z0-9-]+)/(?<dept>[a-z0-9-]+)/(?<ville>[a-z0-9-]+)/programme/(?<id>\\d+)/?$' },
  idPattern: '/programme/(\\d+)',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'built from site audit reports (Oct. 2026); no page recorded from the real site',
  },
  notes: 'site audit reports, Oct. 2026: /sitemap.xml lists 172 programmes and 1,822 lots; programme URLs /achat-immobilier-neuf/{region}/{dept}/{ville}/programme/{id}, one lot page per lot (…/lot/Appartement/{progId}_{n}); JSON-LD HousingComplex + BreadcrumbList, "À partir de X €"',
});
