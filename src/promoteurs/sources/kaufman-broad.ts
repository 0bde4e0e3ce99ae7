// Kaufman & Broad: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const kaufmanBroad = genericSource({
  key: 'kaufman-broad',
  name: 'Kaufman & Broad',
  baseUrl: 'https://www.kaufmanbroad.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '^/achat-immobilier-neuf/(?<region>[a-z0-9-]+)/(?<dept>[a-z0-9-]+)/(?<ville>[a-z0-9-]+)/programme/(?<id>\\d+)/?$' },
  idPattern: '/programme/(\\d+)',
  verification: unverified('built from site audit reports (Oct. 2026); no page recorded from the real site'),
  notes: 'site audit reports, Oct. 2026: /sitemap.xml lists 172 programmes and 1,822 lots; programme URLs /achat-immobilier-neuf/{region}/{dept}/{ville}/programme/{id}, one lot page per lot (…/lot/Appartement/{progId}_{n}); JSON-LD HousingComplex + BreadcrumbList, "À partir de X €"',
});
