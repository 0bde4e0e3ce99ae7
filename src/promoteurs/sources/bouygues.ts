import type { Source } from '../types.ts';
import { SourceParseError } from '../types.ts';

export const bouygues: Source = {
  key: 'bouygues',
  name: 'Bouygues Immobilier',
  baseUrl: 'https://www.bouygues-immobilier.com',
  listing: { urlPattern: '/{dept_nom}/{ville_slug}', cityFormat: 'slug', deptFormat: 'nom-slug' },
  detail: { urlPattern: '/programme-neuf-{ville_slug}/ref/{id}' },
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  listingUrl(city) {
    return `${this.baseUrl}/${city.departementNom}/${city.slug}`;
  },
  parseListing() {
    throw new SourceParseError('bouygues', 'listing', 'parser being written');
  },
  parseDetail() {
    throw new SourceParseError('bouygues', 'detail', 'parser being written');
  },
};
