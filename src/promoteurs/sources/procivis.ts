// Procivis: a data-only source read by the generic structured-data extractor (parse/generic.ts).
// What is known of the site (leads, not facts): nothing public about its site beyond the domain (notes, 2026); listing and programme URL shapes guessed.
// Unverified: nothing here was checked against a page of the real site; docs/promoteurs-sources.md
// says how an operator with Internet access records pages and turns a source to verified.
import { genericSource } from './generic-source.ts';

export const procivis = genericSource({
  key: 'procivis',
  name: 'Procivis',
  baseUrl: 'https://www.procivis.fr',
  discovery: { kind: 'listing', urlPattern: '/programmes-neufs/{ville_slug}-{cp}' },
  idPattern: '/programme/[a-z0-9-]+-(\\d+)$',
  verification: {
    status: 'unverified',
    fixtureKind: 'fake-only',
    reason: 'no public information on its pages (notes, 2026): URL shapes guessed; no page recorded from the real site',
  },
  notes: 'nothing public about its site beyond the domain (notes, 2026); listing and programme URL shapes guessed',
});
