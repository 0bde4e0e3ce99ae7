// Demathieu Bard Immobilier: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const demathieuBard = genericSource({
  key: 'demathieu-bard',
  name: 'Demathieu Bard Immobilier',
  baseUrl: 'https://www.demathieu-bard-immobilier.com',
  discovery: { kind: 'listing', urlPattern: '/programmes/{ville_slug}' },
  idPattern: '/programme/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): URL shapes guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); listing and programme URL shapes guessed',
});
