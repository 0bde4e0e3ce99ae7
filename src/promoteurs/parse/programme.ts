// Card (listing) + detail → the stored Programme: city and zone, slug, image alt, parsed delivery,
// and the fields computed from the lots. Pure: no I/O.
import type { City, Lot, Programme, ProgrammeCard, ProgrammeDetail, Source } from '../types.ts';
import { cityByInsee, cityLookup, defaultZoneTable, isInScope, type ZoneTable } from '../rules/cities.ts';
import { stripLabelsFromName } from '../rules/labels.ts';
import { parseDelivery } from './delivery.ts';
import { summarizeLots } from './lots.ts';
import { slugify } from './text.ts';
import { parsePostcode } from './numbers.ts';

export const MAX_IMAGES = 5;

/** "signal-bagneux"; the city is not repeated when the name already ends with it. */
export function programmeSlug(name: string, ville: string | null | undefined): string {
  const n = slugify(name);
  const v = ville ? slugify(ville) : '';
  if (!v || n === v || n.endsWith(`-${v}`)) return n || v;
  return `${n}-${v}`;
}

/** "Programme immobilier neuf Signal à Bagneux" (alt text of the programme's images). */
export function imageAlt(name: string, ville: string | null | undefined): string {
  return ville ? `Programme immobilier neuf ${name} à ${ville}` : `Programme immobilier neuf ${name}`;
}

export interface BuildOptions {
  /** the city whose listing led to this programme (fallback when the pages do not say) */
  city?: City;
  zones?: ZoneTable;
}

/** Resolves the programme's commune: INSEE code, then postcode (+ name), then name in the listing's department. */
export function resolveProgrammeCity(card: ProgrammeCard, detail: ProgrammeDetail | null, opts: BuildOptions = {}): City | null {
  const table = opts.zones ?? defaultZoneTable();
  if (detail?.codeInsee) {
    const c = cityByInsee(detail.codeInsee, table);
    if (c) {
      // a commune with arrondissements: the postcode names the arrondissement (Lyon 69007 → 69387)
      const cp = detail.codePostal ?? card.codePostal;
      if (cp && c.codesPostaux && c.codesPostaux.length > 1) {
        const arr = cityLookup(`${c.nom} ${cp}`, { table });
        if (arr?.commune?.codeInsee === c.codeInsee) return arr;
      }
      return c;
    }
  }
  const cp = detail?.codePostal ?? card.codePostal ?? parsePostcode(card.localisation) ?? parsePostcode(detail?.adresse);
  const ville = detail?.ville ?? card.ville;
  if (cp) {
    const c = cityLookup(ville ? `${ville} ${cp}` : cp, { table });
    if (c) return c;
  }
  if (ville) {
    const dep = /\((\d{2,3}|2[AB])\)/.exec(card.localisation ?? '')?.[1] ?? opts.city?.departement;
    const c = cityLookup(ville, { table, departement: dep });
    if (c) return c;
  }
  return opts.city ?? null;
}

/** Merges card and detail into a Programme (detail wins where both speak). */
export function buildProgramme(source: Pick<Source, 'key' | 'name'>, card: ProgrammeCard, detail: ProgrammeDetail | null, opts: BuildOptions = {}): Programme {
  const city = resolveProgrammeCity(card, detail, opts);
  const lots: Lot[] = detail?.lots ?? [];
  const summary = summarizeLots(lots);
  const name = stripLabelsFromName(detail?.name || card.name || '') || card.idExterne;
  const ville = city ? (city.commune?.nom ?? city.nom) : (detail?.ville ?? card.ville ?? null);
  const dateLivraison = detail?.dateLivraison ?? card.dateLivraison ?? null;
  const images: string[] = [];
  for (const u of [...(detail?.images ?? []), ...(card.image ? [card.image] : [])]) {
    if (u && !images.includes(u) && images.length < MAX_IMAGES) images.push(u);
  }
  return {
    name,
    slug: programmeSlug(name, ville),
    promoteur: source.name,
    sourceApi: source.key,
    idExterne: detail?.idExterne || card.idExterne,
    urlExterne: detail?.urlExterne || card.urlExterne,
    ville,
    codePostal: city?.codePostal ?? detail?.codePostal ?? card.codePostal ?? null,
    codeInsee: city?.codeInsee ?? detail?.codeInsee ?? null,
    zoneFiscale: isInScope(city?.zone) ? city!.zone as Programme['zoneFiscale'] : null,
    adresse: detail?.adresse ?? null,
    dateLivraison,
    livraison: parseDelivery(dateLivraison).date,
    statut: 'disponible',
    description: detail?.description ?? null,
    images,
    imagePrincipale: images[0] ?? null,
    imageAlt: imageAlt(name, ville),
    lotsDetails: lots,
    ...summary,
    // a programme whose detail page had no lots keeps the listing's figures
    prixMin: summary.prixMin ?? card.prixMin ?? null,
    prixMax: summary.prixMax ?? card.prixMax ?? null,
    typesLots: summary.typesLots.length ? summary.typesLots : (card.typesLots ?? []),
    nbLotsDisponibles: lots.length || card.nbLots || 0,
  };
}
