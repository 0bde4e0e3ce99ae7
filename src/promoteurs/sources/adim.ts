// ADIM: a configuration read by the generic extractor; what is known of the site is in `notes`.
import { genericSource } from './generic-source.ts';
import { unverified } from './defaults.ts';

export const adim = genericSource({
  key: 'adim',
  name: 'ADIM',
  baseUrl: 'https://www.adim.fr',
  discovery: { kind: 'listing', urlPattern: '/nos-programmes/{ville_slug}' },
  idPattern: '/nos-programmes/[a-z0-9-]+/[a-z0-9-]+-(\\d+)$',
  verification: unverified('no public information on its pages (notes, 2026): URL shapes guessed; no page recorded from the real site'),
  notes: 'nothing public about its site beyond the domain (notes, 2026); listing and programme URL shapes guessed',
});
