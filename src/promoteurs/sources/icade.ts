// Icade (www.icade-immobilier.com). Structure from the operator's DevTools analysis (Feb. 2026);
// fixtures are hand-made from it (test/fixtures/promoteurs/icade/README.md).
//  - listing `/programmes-immobilier-neufs,{ville}-{cp5}` (lyon-69000): cards `.block-item`; id from
//    `data-program-id`, else `,p(\d+)` in the detail URL
//    `/programmes-immobiliers-neufs-{ville-arr}/{slug},p{id}`; "3 pièces à partir de 241 000 €",
//    "Appartements du 3 au 5 pièces"; no delivery on the listing;
//  - detail: one lots table, per lot: number, typology, surface, floor, parking, price at 20 % VAT
//    (a struck-through old price when on promotion), price at reduced 5.5 % VAT, monthly payment
//    (ignored); delivery "4E TRIMESTRE 2027"; address.
import type { Lot, ProgrammeCard, ProgrammeDetail, Source } from '../types.ts';
import { SourceParseError } from '../types.ts';
import { attrOf, jsonLd, loadHtml, meta, multilineText, textOf, type CheerioAPI } from '../parse/html.ts';
import { absUrl, clean, fold } from '../parse/text.ts';
import { parseFloor, parsePostcode, parsePrice, parsePriceRange, parseSurface, parseTypesRange, parseTypology } from '../parse/numbers.ts';
import { isSold, readTable } from '../parse/table.ts';
import { stripLabelsFromName } from '../rules/labels.ts';

const BASE = 'https://www.icade-immobilier.com';
const ID_RE = /,p(\d+)(?:[/?#]|$)/;
/** communes listed by Icade under a "{dept}000" pseudo-postcode (lyon-69000) */
const PLM = new Set(['paris', 'lyon', 'marseille']);

function parseListing(html: string): ProgrammeCard[] {
  const $ = loadHtml(html);
  const out: ProgrammeCard[] = [];
  const seen = new Set<string>();
  $('.block-item').each((_i, el) => {
    const b = $(el);
    const href = b.find('a[href*=",p"]').first().attr('href') ?? b.find('a').first().attr('href') ?? '';
    const id = clean(b.attr('data-program-id')) || ID_RE.exec(href)?.[1];
    if (!id || seen.has(id)) return;
    seen.add(id);
    const name = stripLabelsFromName(textOf($, '.block-item__title, h2, h3', b));
    const loc = textOf($, '.block-item__city', b); // "Lyon 7ème"
    const prixTexte = textOf($, '.block-item__price', b);
    const typesTexte = textOf($, '.block-item__typology', b);
    const range = parsePriceRange(prixTexte);
    const img = b.find('img').first().attr('src');
    out.push({
      sourceApi: 'icade',
      idExterne: id,
      name,
      urlExterne: absUrl(href, BASE) ?? `${BASE}/p${id}`,
      localisation: loc || undefined,
      ville: loc.replace(/\s+\d+\s*(er|e|ème|eme)\b.*$/i, '') || undefined,
      codePostal: parsePostcode(loc) ?? undefined,
      prixMin: range.min,
      prixMax: range.max,
      prixTexte: prixTexte || undefined,
      typesTexte: typesTexte || undefined,
      // the price line names a typology too ("3 pièces à partir de …")
      typesLots: parseTypesRange(typesTexte || prixTexte),
      image: absUrl(img, BASE) ?? undefined,
    });
  });
  return out;
}

/** Current and struck-through prices of a cell: "<del>262 000 €</del> <strong>241 000 €</strong>". */
function prices(cell: ReturnType<CheerioAPI> | null): { prix: number | null; barre: number | null } {
  if (!cell) return { prix: null, barre: null };
  const old = cell.find('del, s, strike, .price--old');
  const barre = old.length ? parsePrice(clean(old.first().text())) : null;
  const cur = cell.clone();
  cur.find('del, s, strike, .price--old').remove();
  return { prix: parsePrice(clean(cur.text())), barre };
}

interface LdAddress { streetAddress?: string; postalCode?: string; addressLocality?: string }

function parseDetail(html: string, card: ProgrammeCard): ProgrammeDetail {
  const $ = loadHtml(html);
  const name = textOf($, 'h1');
  const tableEl = $('table.lots-table').first().length ? $('table.lots-table').first() : $('#lots table, .program-lots table').first();
  if (!name && !tableEl.length) throw new SourceParseError('icade', 'detail', 'no programme title and no lots table');
  const lots: Lot[] = [];
  if (tableEl.length) {
    const t = readTable($, tableEl);
    for (const r of t.rows) {
      if (isSold(r.text('disponibilite'))) continue;
      const typology = parseTypology(r.text('type'));
      const p20 = prices(r.cell('prix'));
      const p55 = prices(r.cell('prixReduit'));
      const floor = parseFloor(r.text('etage'));
      const parking = r.cell('parking') ? !/^(non|-|0|aucun)?$/.test(fold(r.text('parking'))) : undefined;
      const numero = r.text('numero') || clean(r.row.attr('data-lot'));
      lots.push({
        type: typology.type,
        ...(typology.pieces != null ? { pieces: typology.pieces } : {}),
        surface: parseSurface(r.text('surface')),
        etage: floor.label,
        etageNum: floor.num,
        prix: p20.prix,
        ...(p55.prix ? { prixTvaReduite: p55.prix } : {}),
        ...(p20.barre && p20.barre !== p20.prix ? { prixBarre: p20.barre } : {}),
        ...(parking !== undefined ? { parking } : {}),
        ...(numero ? { numero } : {}),
      });
    }
  }
  // address: the header block (lines joined), else JSON-LD
  const addrLines = multilineText($, $('.program-header__address'));
  let adresse = addrLines.split('\n').join(', ');
  const ld = jsonLd($).find((x) => x && typeof x === 'object' && 'address' in (x as object)) as { address?: LdAddress } | undefined;
  if (!adresse && ld?.address) adresse = [ld.address.streetAddress, [ld.address.postalCode, ld.address.addressLocality].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  let delivery = textOf($, '.info--delivery .info__value');
  if (!delivery) {
    $('.info, li').each((_i, li) => {
      const t = clean($(li).text());
      if (!delivery && /^livraison\b/i.test(t)) delivery = t.replace(/^livraison\s*:?\s*/i, '');
    });
  }
  const images: string[] = [];
  $('.program-gallery img, .slider img').each((_i, img) => {
    const u = absUrl($(img).attr('data-src') || $(img).attr('src'), BASE);
    if (u && !images.includes(u)) images.push(u);
  });
  const og = absUrl(meta($, 'og:image'), BASE);
  if (og && !images.includes(og)) images.push(og);
  const canonical = attrOf($, 'link[rel="canonical"]', 'href');
  const id = ID_RE.exec(canonical)?.[1] ?? clean($('[data-program-id]').first().attr('data-program-id'));
  const cp = parsePostcode(adresse) ?? ld?.address?.postalCode ?? undefined;
  return {
    idExterne: id || undefined,
    urlExterne: canonical || undefined,
    name: stripLabelsFromName(name) || undefined,
    adresse: adresse || undefined,
    codePostal: cp || undefined,
    ville: (/\d{5}\s+(.+)$/.exec(adresse)?.[1] ?? ld?.address?.addressLocality) || undefined,
    description: multilineText($, $('.program-description__text').first()) || undefined,
    dateLivraison: delivery || undefined,
    images,
    lots,
    ...(tableEl.length ? {} : { warnings: [`no lots table on ${card.urlExterne || 'the page'}`] }),
  };
}

export const icade: Source = {
  key: 'icade',
  name: 'Icade',
  baseUrl: BASE,
  listing: { urlPattern: '/programmes-immobilier-neufs,{ville_slug}-{cp}', cityFormat: 'slug-cp', deptFormat: 'none' },
  detail: { urlPattern: null },
  discovery: { kind: 'listing' },
  extractor: 'dedicated',
  idPattern: ID_RE.source,
  verification: {
    status: 'unverified',
    fixtureKind: 'hand-made',
    reason: 'fixtures hand-made from the operator\'s DevTools notes (Feb. 2026); no page recorded from the real site yet',
  },
  fetch: { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 },
  politeness: { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 },
  selectors: {
    listing: {
      card: '.block-item',
      link: '.block-item a[href*=",p"]',
      title: '.block-item__title',
      city: '.block-item__city',
      typology: '.block-item__typology',
      price: '.block-item__price',
    },
    detail: {
      title: 'h1',
      address: '.program-header__address',
      delivery: '.info--delivery .info__value',
      lotHeader: 'table.lots-table thead th',
      lotRow: 'table.lots-table tbody tr',
      gallery: '.program-gallery img',
      description: '.program-description__text',
    },
  },
  listingUrl(city) {
    const slug = city.commune?.slug ?? city.slug;
    // Paris/Lyon/Marseille are listed as a whole under "{dept}000" (lyon-69000)
    const cp = PLM.has(slug) ? `${city.departement}000` : city.codePostal;
    return `${BASE}/programmes-immobilier-neufs,${slug}-${cp}`;
  },
  parseListing: (html) => parseListing(html),
  parseDetail: (html, card) => parseDetail(html, card),
};
