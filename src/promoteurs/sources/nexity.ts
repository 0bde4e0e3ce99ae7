import type { Source } from '../types.ts';
import { SourceParseError } from '../types.ts';

export const nexity: Source = {
  key: 'nexity',
  name: 'Nexity',
  baseUrl: 'https://www.nexity.fr',
  listing: {
    urlPattern: '/annonces-immobilieres/achat-vente/appartement/neuf/{ville_slug}+{dept}',
    cityFormat: 'slug',
    deptFormat: 'code',
  },
  detail: { urlPattern: null },
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  listingUrl(city) {
    return `${this.baseUrl}/annonces-immobilieres/achat-vente/appartement/neuf/${city.slug}+${city.departement.toLowerCase()}`;
  },
  parseListing() {
    throw new SourceParseError('nexity', 'listing', 'parser being written');
  },
  parseDetail() {
    throw new SourceParseError('nexity', 'detail', 'parser being written');
  },
};
