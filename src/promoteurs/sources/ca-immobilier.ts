// Crédit Agricole Immobilier: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const caImmobilier = genericSource({
  key: 'ca-immobilier',
  name: 'Crédit Agricole Immobilier',
  baseUrl: 'https://www.ca-immobilier.fr',
  discovery: { kind: 'listing', urlPattern: '/programmes-immobiliers-neufs/{dept}/{ville_slug}' },
  idPattern: '/programme-immobilier-neuf/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): URL shapes guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); listing and programme URL shapes guessed',
});
