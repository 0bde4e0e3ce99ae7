// Bassac (Les Nouveaux Constructeurs, Marignan): a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const bassac = genericSource({
  key: 'bassac',
  name: 'Bassac (Les Nouveaux Constructeurs, Marignan)',
  baseUrl: 'https://www.lesnouveauxconstructeurs.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.txt'], programmePattern: '^/programme-neuf/(?<cp>\\d{5})-(?<ville>[a-z0-9-]+)/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/programme-neuf/\\d{5}-[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): discovery and URL shape guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); Les Nouveaux Constructeurs\' site only (Marignan\'s own site would be a second source); sitemap and URL shape guessed',
});
