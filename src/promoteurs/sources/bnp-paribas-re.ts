// BNP Paribas Real Estate: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const bnpParibasRe = genericSource({
  key: 'bnp-paribas-re',
  name: 'BNP Paribas Real Estate',
  baseUrl: 'https://www.realestate.bnpparibas.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '^/immobilier-neuf/programme/(?<insee>\\d{5}|2[AB]\\d{3})/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/immobilier-neuf/programme/[0-9AB]{5}/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): sitemap and URL shape guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); sitemap and URL shape guessed',
});
