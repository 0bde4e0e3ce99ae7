// Vinci Immobilier: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const vinci = genericSource({
  key: 'vinci',
  name: 'Vinci Immobilier',
  baseUrl: 'https://www.vinci-immobilier.com',
  discovery: { kind: 'listing', urlPattern: '/trouver-son-logement-neuf/{ville_slug}', linkPattern: '/programme-immobilier-neuf/[a-z0-9-]+/[a-z0-9-]+-\\d+$' },
  idPattern: '/programme-immobilier-neuf/[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: unverified('built from other people\'s scraper code (2025–2026) and a guessed programme URL; no page recorded from the real site'),
  notes: 'scraper code 2025–2026: sitemap index broken; server-rendered listing pages /trouver-son-logement-neuf/{slug}, cards split on "CITY (DD)"; robots.txt disallows every URL with a query string, so its JSON lot search API (/api/offres/recherche/lot?…) is off-limits; programme URL shape guessed',
});
