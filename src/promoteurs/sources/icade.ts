import type { Source } from '../types.ts';
import { SourceParseError } from '../types.ts';

export const icade: Source = {
  key: 'icade',
  name: 'Icade',
  baseUrl: 'https://www.icade-immobilier.com',
  listing: { urlPattern: '/programmes-immobilier-neufs,{ville_slug}-{cp}', cityFormat: 'slug-cp', deptFormat: 'none' },
  detail: { urlPattern: null },
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  listingUrl(city) {
    return `${this.baseUrl}/programmes-immobilier-neufs,${city.slug}-${city.codePostal}`;
  },
  parseListing() {
    throw new SourceParseError('icade', 'listing', 'parser being written');
  },
  parseDetail() {
    throw new SourceParseError('icade', 'detail', 'parser being written');
  },
};
