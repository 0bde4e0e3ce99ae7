// Sogeprom: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const sogeprom = genericSource({
  key: 'sogeprom',
  name: 'Sogeprom',
  baseUrl: 'https://www.sogeprom.fr',
  discovery: { kind: 'sitemap', sitemaps: ['/program-sitemap.xml'], programmePattern: '^/residences/(?<region>[a-z0-9-]+)/(?<ville>[a-z0-9-]+)/(?<slug>[a-z0-9-]+)-(?<id>\\d+)/?$' },
  idPattern: '/residences/[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+-(\\d+)/?$',
  verification: unverified('built from other people\'s scraper code (2026) and a guessed path tail; no page recorded from the real site'),
  notes: 'scraper code, 2026: /program-sitemap.xml, programme paths /residences/{region}/…, JSON-LD Product, else the <h1>; the rest of the path guessed',
});
