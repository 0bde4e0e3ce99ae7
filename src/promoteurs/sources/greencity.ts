// Greencity Immobilier: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const greencity = genericSource({
  key: 'greencity',
  name: 'Greencity Immobilier',
  baseUrl: 'https://www.greencityimmobilier.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/sitemap.txt'], programmePattern: '^/programmes/(?<ville>[a-z0-9-]+)/(?<slug>[a-z0-9-]+)-(?<id>\\d+)$' },
  idPattern: '/programmes/[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): sitemap and URL shape guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); plain-text sitemap and URL shape guessed',
});
