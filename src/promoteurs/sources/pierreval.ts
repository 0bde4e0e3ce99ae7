// Pierreval: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const pierreval = genericSource({
  key: 'pierreval',
  name: 'Pierreval',
  baseUrl: 'https://www.pierreval.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.xml'], programmePattern: '^/programme-neuf-(?<ville>[a-z0-9-]+?)-(?<cp>\\d{5})/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/programme-neuf-[a-z0-9-]+-\\d{5}/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): sitemap and URL shape guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); sitemap and URL shape guessed',
});
