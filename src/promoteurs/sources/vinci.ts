// Vinci Immobilier: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): scraper code 2025–2026: sitemap index broken; server-rendered listing pages /trouver-son-logement-neuf/{slug}, cards split on "CITY (DD)"; robots.txt disallows every URL with a query string, so its JSON lot search API (/api/offres/recherche/lot?…) is off-limits; programme URL shape guessed.
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const vinci = genericSource({
  key: 'vinci',
  name: 'Vinci Immobilier',
  baseUrl: 'https://www.vinci-immobilier.com',
  discovery: { kind: 'listing', urlPattern: '/trouver-son-logement-neuf/{ville_slug}', linkPattern: '/programme-immobilier-neuf/[a-z0-9-]+/[a-z0-9-]+-\\d+$' },
  idPattern: '/programme-immobilier-neuf/[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'built from other people\'s scraper code (2025–2026) and a guessed programme URL; no page recorded from the real site',
  },
  notes: 'scraper code 2025–2026: sitemap index broken; server-rendered listing pages /trouver-son-logement-neuf/{slug}, cards split on "CITY (DD)"; robots.txt disallows every URL with a query string, so its JSON lot search API (/api/offres/recherche/lot?…) is off-limits; programme URL shape guessed',
});
