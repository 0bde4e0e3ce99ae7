// Markup of the fake developer sites other than Bouygues and Icade (fakes/sites.ts serves them):
// Nexity in the shape of its real 2024 capture (listing cards, Nuxt 2 state), and the sixteen
// data-only sources in the structured-data shapes the notes describe or that sites commonly use —
// JSON-LD (HousingComplex, Residence, ApartmentComplex, Product/Offer), microdata, Nuxt `__NUXT__`
// and `__NUXT_DATA__` (devalue), Next.js `__NEXT_DATA__`, Drupal `drupalSettings`, plain lot tables —
// behind sitemaps (index, gzip, sitemap.txt) or listing pages. They exercise the generic extractor
// and the crawl; they say NOTHING about the real sites (whose markup is unknown here).
import zlib from 'node:zlib';
import { stringify as devalueStringify } from 'devalue';
import { slugify } from '../parse/text.ts';
import type { FakeCity, FakeLot, FakeProgramme } from './sites.ts';

export type DetailShape = 'nexity-nuxt' | 'nuxt' | 'nuxt-data' | 'next' | 'drupal' | 'microdata' | 'jsonld-housing' | 'jsonld-residence' | 'jsonld-product' | 'table';
export type SitemapLayout = 'index-gz' | 'index' | 'urlset' | 'txt';

export interface FakeSpec {
  /** the real site's root: canonical URLs, sitemap entries and images name it (the crawler mirrors it) */
  base: string;
  shape: DetailShape;
  programmePath(p: FakeProgramme): string;
  /** listing discovery: the path of a city's listing page, recognised back by `listingCity` */
  listingCity?: (path: string) => string | null;
  listingStyle?: 'nexity' | 'cards';
  /** sitemap discovery */
  sitemap?: { path: string; layout: SitemapLayout };
  robots?: string;
  idOf(n: number): string;
}

const slug = (p: FakeProgramme) => slugify(p.name);
const num = (n: number) => String(1000 + n);

export const FAKE_SPECS: Record<string, FakeSpec> = {
  nexity: {
    base: 'https://www.nexity.fr', shape: 'nexity-nuxt', listingStyle: 'nexity', idOf: (n) => `0${String(69 + (n % 20)).padStart(3, '0')}__${98000 + n}`,
    programmePath: (p) => `/neuf/${p.id}`,
    listingCity: (path) => /^\/annonces-immobilieres\/achat-vente\/appartement\/neuf\/([a-z0-9-]+)\+[0-9ab]{2,3}$/.exec(path)?.[1] ?? null,
  },
  vinci: {
    base: 'https://www.vinci-immobilier.com', shape: 'table', listingStyle: 'cards', idOf: num,
    programmePath: (p) => `/programme-immobilier-neuf/${p.city.slug}/${slug(p)}-${p.id}`,
    listingCity: (path) => /^\/trouver-son-logement-neuf\/([a-z0-9-]+)$/.exec(path)?.[1] ?? null,
    // the real robots.txt disallows every URL with a query string (its JSON lot API included)
    robots: 'User-agent: *\nDisallow: /*?\nDisallow: /api/\n',
  },
  'kaufman-broad': {
    base: 'https://www.kaufmanbroad.fr', shape: 'jsonld-housing', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'index-gz' },
    programmePath: (p) => `/achat-immobilier-neuf/region/${slugify(p.city.departementNom)}/${p.city.slug}/programme/${p.id}`,
  },
  bassac: {
    base: 'https://www.lesnouveauxconstructeurs.fr', shape: 'nuxt', idOf: num, sitemap: { path: '/sitemap.txt', layout: 'txt' },
    programmePath: (p) => `/programme-neuf/${p.codePostal}-${p.city.slug}/${slug(p)}-${p.id}`,
  },
  procivis: {
    base: 'https://www.procivis.fr', shape: 'drupal', listingStyle: 'cards', idOf: num,
    programmePath: (p) => `/programme/${slug(p)}-${p.id}`,
    listingCity: (path) => /^\/programmes-neufs\/([a-z0-9-]+?)-\d{5}$/.exec(path)?.[1] ?? null,
  },
  eiffage: {
    base: 'https://www.eiffage-immobilier.fr', shape: 'next', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'index' },
    programmePath: (p) => `/programme-immobilier-neuf/${p.city.departement.toLowerCase()}-${p.city.slug}/${slug(p)}-${p.id}`,
  },
  pichet: {
    base: 'https://www.pichet.fr', shape: 'next', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'urlset' },
    programmePath: (p) => `/immobilier-neuf/${p.city.slug}-${p.codePostal}/${slug(p)}-${p.id}`,
  },
  adim: {
    base: 'https://www.adim.fr', shape: 'microdata', listingStyle: 'cards', idOf: num,
    programmePath: (p) => `/nos-programmes/${p.city.slug}/${slug(p)}-${p.id}`,
    listingCity: (path) => /^\/nos-programmes\/([a-z0-9-]+)$/.exec(path)?.[1] ?? null,
  },
  linkcity: {
    base: 'https://www.linkcity.com', shape: 'microdata', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'urlset' },
    programmePath: (p) => `/projets/${p.city.slug}/${slug(p)}-${p.id}`,
  },
  'bnp-paribas-re': {
    base: 'https://www.realestate.bnpparibas.fr', shape: 'jsonld-product', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'urlset' },
    programmePath: (p) => `/immobilier-neuf/programme/${p.city.insee}/${slug(p)}-${p.id}`,
  },
  'ca-immobilier': {
    base: 'https://www.ca-immobilier.fr', shape: 'drupal', listingStyle: 'cards', idOf: num,
    programmePath: (p) => `/programme-immobilier-neuf/${slug(p)}-${p.id}`,
    listingCity: (path) => /^\/programmes-immobiliers-neufs\/[0-9ab]{2,3}\/([a-z0-9-]+)$/.exec(path)?.[1] ?? null,
  },
  emerige: {
    base: 'https://www.emerige.com', shape: 'nuxt-data', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'urlset' },
    programmePath: (p) => `/programme/${p.codePostal}-${p.city.slug}/${slug(p)}-${p.id}`,
  },
  greencity: {
    base: 'https://www.greencityimmobilier.fr', shape: 'jsonld-residence', idOf: num, sitemap: { path: '/sitemap.txt', layout: 'txt' },
    programmePath: (p) => `/programmes/${p.city.slug}/${slug(p)}-${p.id}`,
  },
  quartus: {
    base: 'https://www.quartus.fr', shape: 'nuxt-data', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'index' },
    programmePath: (p) => `/logements-neufs/${p.city.departement.toLowerCase()}/${p.city.slug}/${slug(p)}-${p.id}`,
  },
  sogeprom: {
    base: 'https://www.sogeprom.fr', shape: 'jsonld-product', idOf: num, sitemap: { path: '/program-sitemap.xml', layout: 'urlset' },
    programmePath: (p) => `/residences/region/${p.city.slug}/${slug(p)}-${p.id}`,
  },
  'demathieu-bard': {
    base: 'https://www.demathieu-bard-immobilier.com', shape: 'jsonld-residence', listingStyle: 'cards', idOf: num,
    programmePath: (p) => `/programme/${slug(p)}-${p.id}`,
    listingCity: (path) => /^\/programmes\/([a-z0-9-]+)$/.exec(path)?.[1] ?? null,
  },
  pierreval: {
    base: 'https://www.pierreval.fr', shape: 'table', idOf: num, sitemap: { path: '/sitemap.xml', layout: 'urlset' },
    programmePath: (p) => `/programme-neuf-${p.city.slug}-${p.codePostal}/${slug(p)}-${p.id}`,
  },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const eur = (n: number) => `${n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ')} €`;
const typeLabel = (n: number) => (n === 1 ? 'Studio' : `${n} pièces`);
const floorLabel = (n: number) => (n === 0 ? 'RDC' : n === 1 ? '1er étage' : `${n}e étage`);
const street = (p: FakeProgramme) => `${3 + (p.lots.length % 40)} rue de la République`;
const isHouse = (l: FakeLot) => l.pieces >= 5;
const imageUrls = (spec: FakeSpec, p: FakeProgramme) => Array.from({ length: p.images }, (_, i) => `${spec.base}/media/programmes/${p.id}/photo-${i + 1}.jpg`);
const jsonScript = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function page(spec: FakeSpec, p: FakeProgramme, head: string, body: string, pad: string): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${esc(p.name)} - programme neuf à ${esc(p.city.nom)}</title>
<link rel="canonical" href="${spec.base}${spec.programmePath(p)}"><meta property="og:image" content="${imageUrls(spec, p)[0]}">
<meta name="description" content="${esc(p.name)} : ${p.lots.length} logements neufs à ${esc(p.city.nom)}.">${head}</head>
<body><header class="site-header"><nav>Accueil · Programmes</nav></header><main>${body}</main><!-- ${pad} --></body></html>`;
}

/** a lot as a framework state object (French keys as many French sites use) */
const stateLot = (p: FakeProgramme, l: FakeLot) => ({
  numero: l.ref, typologie: isHouse(l) ? `Maison ${l.pieces} pièces` : typeLabel(l.pieces), nbPieces: l.pieces, surface: l.surface, etage: l.etage,
  prixTTC: l.prix, ...(l.prixReduit ? { prixTvaReduite: l.prixReduit } : {}), parking: l.pieces > 2, statut: 'Disponible', programmeId: p.id,
});
const stateProgramme = (spec: FakeSpec, p: FakeProgramme) => ({
  id: p.id, nom: p.name, adresse: { streetAddress: street(p), postalCode: p.codePostal, addressLocality: p.city.nom }, codeInsee: p.city.insee,
  livraison: p.delivery, description: `${p.name} : ${p.lots.length} logements à ${p.city.nom}.`, images: imageUrls(spec, p),
});

function breadcrumb(spec: FakeSpec, p: FakeProgramme): string {
  return `<script type="application/ld+json">${jsonScript({ '@context': 'https://schema.org', '@type': 'BreadcrumbList', itemListElement: [
    { '@type': 'ListItem', position: 1, name: 'Accueil', item: `${spec.base}/` },
    { '@type': 'ListItem', position: 2, name: p.city.departementNom, item: `${spec.base}/${slugify(p.city.departementNom)}` },
    { '@type': 'ListItem', position: 3, name: `${p.city.nom} (${p.codePostal})`, item: `${spec.base}/${p.city.slug}` },
    { '@type': 'ListItem', position: 4, name: p.name },
  ] })}</script>`;
}

function lotsTable(p: FakeProgramme): string {
  return `<table class="lots"><thead><tr><th>N° de lot</th><th>Typologie</th><th>Surface</th><th>Étage</th><th>Prix TVA 20%</th><th>Prix TVA 5,5%</th><th>Disponibilité</th></tr></thead><tbody>
${p.lots.map((l) => `<tr><td>${l.ref}</td><td>${typeLabel(l.pieces)}</td><td>${String(l.surface).replace('.', ',')} m²</td><td>${floorLabel(l.etage)}</td><td>${eur(l.prix)}</td><td>${l.prixReduit ? eur(l.prixReduit) : '-'}</td><td>Disponible</td></tr>`).join('\n')}
</tbody></table>`;
}

const header = (p: FakeProgramme) => `<h1>${esc(p.name)}</h1><p class="address">${street(p)}, ${p.codePostal} ${p.city.nom}</p><p class="delivery">Livraison : ${p.delivery}</p>`;

class Reactive { value: unknown; constructor(v: unknown) { this.value = v; } }

export function fakeDetail(spec: FakeSpec, p: FakeProgramme, pad: string): string {
  const minPrice = Math.min(...p.lots.map((l) => l.prix));
  const maxPrice = Math.max(...p.lots.map((l) => l.prix));
  switch (spec.shape) {
    case 'nexity-nuxt': {
      // the shape of Nexity's real 2024 page: Nuxt 2 state with productDetails.{entity, lots}
      const programme = { id: p.id, libelle: p.name.toUpperCase(), description: `${p.name} à ${p.city.nom}.`, nb_lots: p.lots.length };
      const base = { programme, reference: p.id, libelle: p.name.toUpperCase(), ville: p.city.nom.toUpperCase(), code_postal: p.codePostal, adresse: street(p).toUpperCase(), location: { code_insee: p.city.insee, name: p.city.nom }, date_dispo_formatted: p.delivery };
      const lots = p.lots.map((l, i) => ({ ...base, native_id: `${p.id}${i}`, nb_lot: l.ref, type_bien: l.pieces === 1 ? 'Studio' : 'Appartement', nb_piece: l.pieces, surface: l.surface, etage: l.etage, prixFullTax: l.prix, prixNeufTva: l.prixReduit ?? l.prix, tva55: !!l.prixReduit, parking: l.pieces > 2 ? 1 : 0 }));
      const entity = { ...base, photos: imageUrls(spec, p).map((u) => ({ bigUrl: u })) };
      return page(spec, p, '', `<div id="__nuxt"><h1>${esc(p.name.toUpperCase())}</h1></div><script>window.__NUXT__=(function(a){return {state:{productDetails:{entity:${jsonScript(entity)},lots:${jsonScript(lots)}}},serverRendered:a}}(true));</script>`, pad);
    }
    case 'nuxt':
      return page(spec, p, '', `<div id="__nuxt">${header(p)}</div><script>window.__NUXT__=(function(a,b){return {data:[{programme:${jsonScript(stateProgramme(spec, p))},lots:${jsonScript(p.lots.map((l) => stateLot(p, l)))}}],state:{a:a,b:b}}}(null,false));</script>`, pad);
    case 'nuxt-data': {
      const payload = { data: new Reactive({ programme: stateProgramme(spec, p), lots: p.lots.map((l) => stateLot(p, l)) }), state: {} };
      const text = devalueStringify(payload, { ShallowReactive: (v: unknown) => v instanceof Reactive && v.value });
      return page(spec, p, '', `<div id="__nuxt">${header(p)}</div><script type="application/json" id="__NUXT_DATA__" data-ssr="true">${text.replace(/</g, '\\u003c')}</script>`, pad);
    }
    case 'next':
      return page(spec, p, '', `<div id="__next">${header(p)}</div><script id="__NEXT_DATA__" type="application/json">${jsonScript({ props: { pageProps: { program: { ...stateProgramme(spec, p), lots: p.lots.map((l) => stateLot(p, l)) } } }, page: '/programme/[slug]', buildId: 'fake' })}</script>`, pad);
    case 'drupal':
      return page(spec, p, '', `${header(p)}<script type="application/json" data-drupal-selector="drupal-settings-json">${jsonScript({ path: { baseUrl: '/' }, programme: { ...stateProgramme(spec, p), lots: p.lots.map((l) => stateLot(p, l)) } })}</script>`, pad);
    case 'microdata': {
      const lots = p.lots.map((l) => `<li itemprop="containsPlace" itemscope itemtype="https://schema.org/${isHouse(l) ? 'SingleFamilyResidence' : 'Apartment'}"><span itemprop="name">Lot ${l.ref}</span> <meta itemprop="numberOfRooms" content="${l.pieces}">
<span itemprop="floorSize" itemscope itemtype="https://schema.org/QuantitativeValue"><span itemprop="value">${l.surface}</span> m²</span> <span itemprop="floorLevel">${l.etage}</span>
<span itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="${l.prix}"><meta itemprop="priceCurrency" content="EUR">${eur(l.prix)}</span></li>`).join('\n');
      return page(spec, p, '', `<article itemscope itemtype="https://schema.org/Residence"><h1 itemprop="name">${esc(p.name)}</h1>
<p itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"><span itemprop="streetAddress">${street(p)}</span>, <span itemprop="postalCode">${p.codePostal}</span> <span itemprop="addressLocality">${p.city.nom}</span></p>
<p class="delivery">Livraison : ${p.delivery}</p><img itemprop="image" src="${imageUrls(spec, p)[0]}" alt=""><div itemprop="description">${esc(p.name)} à ${esc(p.city.nom)}.</div><ul class="lots">${lots}</ul></article>`, pad);
    }
    case 'jsonld-housing': {
      const ld = {
        '@context': 'https://schema.org', '@type': 'HousingComplex', name: p.name, description: `${p.name} à ${p.city.nom}.`, image: imageUrls(spec, p),
        address: { '@type': 'PostalAddress', streetAddress: street(p), postalCode: p.codePostal, addressLocality: p.city.nom, addressCountry: 'FR' },
        geo: { '@type': 'GeoCoordinates', latitude: 45.75, longitude: 4.85 }, developer: { '@type': 'Organization', name: 'Kaufman & Broad' },
        offers: { '@type': 'AggregateOffer', lowPrice: minPrice, highPrice: maxPrice, priceCurrency: 'EUR', offerCount: p.lots.length },
        containsPlace: p.lots.map((l) => ({ '@type': isHouse(l) ? 'SingleFamilyResidence' : 'Apartment', name: `Lot ${l.ref}`, numberOfRooms: l.pieces, floorSize: { '@type': 'QuantitativeValue', value: l.surface, unitCode: 'MTK' }, floorLevel: l.etage, offers: { '@type': 'Offer', price: l.prix, priceCurrency: 'EUR' } })),
      };
      return page(spec, p, `<script type="application/ld+json">${jsonScript(ld)}</script>${breadcrumb(spec, p)}`, `<h1>${esc(p.name)}</h1><p class="from">À partir de ${eur(minPrice)}</p><p>Livraison ${p.delivery}</p>`, pad);
    }
    case 'jsonld-residence': {
      const ld = {
        '@context': 'https://schema.org', '@graph': [
          { '@type': spec.base.includes('greencity') ? 'ApartmentComplex' : 'Residence', name: p.name, image: imageUrls(spec, p)[0],
            address: { '@type': 'PostalAddress', streetAddress: street(p), postalCode: p.codePostal, addressLocality: p.city.nom } },
          ...p.lots.map((l) => ({ '@type': isHouse(l) ? 'SingleFamilyResidence' : 'Apartment', name: `${typeLabel(l.pieces)} n°${l.ref}`, numberOfRooms: l.pieces, floorSize: { '@type': 'QuantitativeValue', value: l.surface }, floorLevel: String(l.etage), offers: { '@type': 'Offer', price: String(l.prix), priceCurrency: 'EUR' } })),
        ],
      };
      return page(spec, p, `<script type="application/ld+json">${jsonScript(ld)}</script>`, `${header(p)}`, pad);
    }
    case 'jsonld-product': {
      const ld = {
        '@context': 'https://schema.org', '@type': 'Product', name: p.name, image: imageUrls(spec, p), description: `${p.name} à ${p.city.nom}.`,
        offers: spec.base.includes('bnpparibas')
          ? p.lots.map((l) => ({ '@type': 'Offer', name: `${typeLabel(l.pieces)} - lot ${l.ref}`, price: l.prix, priceCurrency: 'EUR', availability: 'https://schema.org/InStock', itemOffered: { '@type': 'Apartment', numberOfRooms: l.pieces, floorSize: { '@type': 'QuantitativeValue', value: l.surface }, floorLevel: l.etage } }))
          : { '@type': 'AggregateOffer', lowPrice: minPrice, highPrice: maxPrice, priceCurrency: 'EUR' },
      };
      // Sogeprom-like: the Product gives the programme, the lots are an HTML table
      const body = spec.base.includes('bnpparibas') ? header(p) : `${header(p)}${lotsTable(p)}`;
      return page(spec, p, `<script type="application/ld+json">${jsonScript(ld)}</script>${breadcrumb(spec, p)}`, body, pad);
    }
    case 'table':
      return page(spec, p, breadcrumb(spec, p), `${header(p)}<section class="lots">${lotsTable(p)}</section>`, pad);
  }
}

export function fakeListing(spec: FakeSpec, city: FakeCity, progs: FakeProgramme[], pad: string): string {
  if (spec.listingStyle === 'nexity') {
    const cards = progs.map((p) => {
      const pcs = p.lots.map((l) => l.pieces);
      return `<div class="neo-product-card"><a href="/neuf/${p.id}" class="neo-product-card__link"><img class="neo-product-card__picture" src="${imageUrls(spec, p)[0]}" alt="">
<p class="neo-product-card__title">${esc(p.name.toUpperCase())}</p><p class="neo-product-card__location">${city.nom.toUpperCase()} (${city.departement})</p>
<ul><li class="neo-product-card__details-item">Immobilier neuf - ${Math.min(...pcs)} à ${Math.max(...pcs)} pièces</li><li><span>À partir de </span><span class="neo-product-card__details-item__price">${eur(Math.min(...p.lots.map((l) => l.prix)))}</span></li></ul>
<span class="neo-product-card__flap">${p.delivery}</span></a></div>`;
    }).join('\n');
    return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Immobilier neuf ${city.nom} | Nexity</title></head><body><main>${cards}</main><!-- ${pad} --></body></html>`;
  }
  const cards = progs.map((p) => {
    const pcs = p.lots.map((l) => l.pieces);
    return `<article class="card programme-card"><a href="${spec.programmePath(p)}"><img src="${imageUrls(spec, p)[0]}" alt=""><h3 class="card__title">${esc(p.name)}</h3></a>
<p class="card__city">${city.nom} (${city.departement})</p><p class="card__price">À partir de ${eur(Math.min(...p.lots.map((l) => l.prix)))}</p><p class="card__types">Du ${Math.min(...pcs)} au ${Math.max(...pcs)} pièces</p></article>`;
  }).join('\n');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Programmes neufs à ${city.nom}</title></head><body><main><h1>Programmes neufs à ${city.nom}</h1>${cards}</main><!-- ${pad} --></body></html>`;
}

/** sitemap files of a spec: path → body (gzip Buffer or XML/text) */
export function fakeSitemaps(spec: FakeSpec, progs: FakeProgramme[]): Map<string, { body: string | Buffer; type: string }> {
  const out = new Map<string, { body: string | Buffer; type: string }>();
  if (!spec.sitemap) return out;
  const lastmod = (p: FakeProgramme) => `2026-${String(1 + (Number(p.id.replace(/\D/g, '').slice(-2)) % 12)).padStart(2, '0')}-15`;
  const urlset = (urls: { loc: string; lastmod?: string }[]) => `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.map((u) => `<url><loc>${esc(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`).join('\n')}\n</urlset>`;
  const programmes = progs.map((p) => ({ loc: `${spec.base}${spec.programmePath(p)}`, lastmod: lastmod(p) }));
  // pages that are not programmes (the pattern must leave them out)
  const others = [{ loc: `${spec.base}/` }, { loc: `${spec.base}/mentions-legales` }, { loc: `${spec.base}/actualites/nouveau-programme?page=2` }];
  const { path, layout } = spec.sitemap;
  if (layout === 'txt') out.set(path, { body: [...programmes, ...others].map((u) => u.loc).join('\n') + '\n', type: 'text/plain; charset=utf-8' });
  else if (layout === 'urlset') out.set(path, { body: urlset([...others, ...programmes]), type: 'application/xml' });
  else {
    const child = layout === 'index-gz' ? '/sitemap-programmes.xml.gz' : '/sitemap-programmes.xml';
    out.set(path, { body: `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n<sitemap><loc>${spec.base}/sitemap-pages.xml</loc></sitemap>\n<sitemap><loc>${spec.base}${child}</loc></sitemap>\n<sitemap><loc>https://elsewhere.example/sitemap.xml</loc></sitemap>\n</sitemapindex>`, type: 'application/xml' });
    out.set('/sitemap-pages.xml', { body: urlset(others), type: 'application/xml' });
    // Kaufman & Broad-like: lot pages beside programme pages
    const lotUrls = layout === 'index-gz' ? progs.flatMap((p) => p.lots.slice(0, 2).map((_l, i) => ({ loc: `${spec.base}${spec.programmePath(p).replace(/\/programme\/\d+$/, '')}/lot/Appartement/${p.id}_${i + 1}` }))) : [];
    const xml = urlset([...programmes, ...lotUrls]);
    out.set(child, layout === 'index-gz' ? { body: zlib.gzipSync(xml), type: 'application/x-gzip' } : { body: xml, type: 'application/xml' });
  }
  return out;
}
