// Card (listing) + detail page + city → the stored Programme, with the business rules applied:
// delivery text → date, zone of the programme's own postcode, fields computed from the lots.
import type { City, Programme, ProgrammeCard, ProgrammeDetail, Source, ZoneAbc } from '../types.ts';
import { summarizeLots } from '../parse/lots.ts';
import { parseDelivery } from '../parse/delivery.ts';
import { slugify, clean } from '../parse/text.ts';
import { stripLabelsFromName } from '../rules/labels.ts';
import { isInScope, zoneForPostcode, type ZoneTable } from '../rules/cities.ts';
import { hashOf } from './store.ts';

/** Hash of what the listing says about a programme: a change triggers a detail fetch. */
export function cardHash(card: ProgrammeCard): string {
  return hashOf(card);
}

/** Zone of a card/programme: its own postcode when it has one, else the listing city's. */
export function zoneOf(postcode: string | null | undefined, city: City, table: ZoneTable): ZoneAbc | null {
  if (postcode && /^\d{5}$/.test(postcode)) return zoneForPostcode(postcode, table) ?? (postcode === city.codePostal ? city.zone : null);
  return city.zone;
}

export function outOfZone(postcode: string | null | undefined, city: City, table: ZoneTable): ZoneAbc | null | false {
  const z = zoneOf(postcode, city, table);
  return isInScope(z) ? false : z;
}

export function assembleProgramme(source: Pick<Source, 'key' | 'name'>, card: ProgrammeCard, detail: ProgrammeDetail, city: City, table: ZoneTable): Programme {
  const name = stripLabelsFromName(clean(detail.name || card.name)) || card.name;
  const codePostal = detail.codePostal || card.codePostal || city.codePostal || null;
  const sameCity = !codePostal || codePostal === city.codePostal || (city.codesPostaux ?? []).includes(codePostal);
  const ville = detail.ville || card.ville || (sameCity ? city.nom : null) || city.nom;
  const zone = zoneOf(codePostal, city, table);
  const dateLivraison = clean(detail.dateLivraison || card.dateLivraison) || null;
  const images = [...new Set([...(detail.images ?? []), ...(card.image ? [card.image] : [])].filter(Boolean))].slice(0, 5);
  const lots = detail.lots ?? [];
  const s = summarizeLots(lots);
  const noLots = lots.length === 0;
  return {
    name,
    slug: slugify(`${name} ${ville}`),
    promoteur: source.name,
    sourceApi: source.key,
    idExterne: card.idExterne,
    urlExterne: card.urlExterne,
    ville,
    codePostal,
    codeInsee: detail.codeInsee || (sameCity ? city.codeInsee : null),
    zoneFiscale: isInScope(zone) ? zone : null,
    adresse: clean(detail.adresse) || null,
    dateLivraison,
    livraison: parseDelivery(dateLivraison).date,
    statut: 'disponible',
    description: detail.description?.trim() || null,
    images,
    imagePrincipale: images[0] ?? null,
    imageAlt: `Programme immobilier neuf ${name} à ${ville}`,
    lotsDetails: lots,
    // no lots on the page (price on request…): keep what the listing card announced
    prixMin: noLots ? card.prixMin ?? null : s.prixMin,
    prixMax: noLots ? card.prixMax ?? null : s.prixMax,
    surfaceMin: s.surfaceMin,
    surfaceMax: s.surfaceMax,
    nbLotsDisponibles: noLots ? card.nbLots ?? 0 : s.nbLotsDisponibles,
    typesLots: noLots ? card.typesLots ?? [] : s.typesLots,
    prixM2Moyen: s.prixM2Moyen,
    parTypologie: s.parTypologie,
  };
}
