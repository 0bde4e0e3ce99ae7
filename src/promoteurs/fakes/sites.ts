// Local fake of the 19 developer websites, serving generated pages on 127.0.0.1: Bouygues Immobilier
// and Icade markup as in the hand-made fixtures of test/fixtures/promoteurs/; Nexity in the shape of
// its real 2024 capture; the sixteen others in structured-data shapes (fakes/structured-pages.ts)
// behind sitemaps or listing pages. Fakes say nothing about the real sites: they exercise the crawl
// and the parsers. Served with: robots.txt, ETag/If-None-Match (304), response latency,
// optional page padding (realistic sizes), injected 429 (with Retry-After) / 503, a switch that makes
// listings come back without programmes (markup change), price edits and removals. It records every
// request and the maximum number of requests in flight (politeness checks).
// Run standalone: `node src/promoteurs/fakes/sites.ts` prints the PROMOTEURS_SOURCE_URLS line.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { slugify } from '../parse/text.ts';
import { FAKE_SPECS, fakeDetail, fakeListing, fakeSitemaps } from './structured-pages.ts';

export interface FakeCity { nom: string; slug: string; codePostal: string; departement: string; departementNom: string; insee: string }
export interface FakeLot { ref: string; pieces: number; surface: number; etage: number; prix: number; prixReduit?: number }
export interface FakeProgramme { id: string; name: string; city: FakeCity; codePostal: string; delivery: string; lots: FakeLot[]; images: number }

export interface FakeSiteOptions {
  /** a source key: 'bouygues', 'icade', 'nexity' or one of the data-only sources of FAKE_SPECS */
  kind: string;
  cities: FakeCity[];
  perCity: number;
  latencyMs?: number;
  /** probability of a 429 (Retry-After: 1) or 503 answer per page request */
  errorRate?: number;
  /** extra bytes of markup per page (real pages weigh 100–500 kB) */
  padBytes?: number;
  seed?: number;
  robots?: string;
}

export interface FakeSite {
  url: string;
  kind: FakeSiteOptions['kind'];
  programmes: FakeProgramme[];
  requests: { path: string; kind: 'robots' | 'sitemap' | 'listing' | 'detail' | 'image' | 'other'; status: number; ua: string; referer?: string; at: number; query?: string }[];
  maxInFlight: number;
  /** listing pages without any programme (as if the markup changed) */
  setEmpty(v: boolean): void;
  setErrorRate(v: number): void;
  count(kind: string): number;
  reset(): void;
  close(): Promise<void>;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const NAMES = ['Le Parc', 'Les Jardins', 'Villa', 'Le Clos', 'Les Terrasses', 'L\'Orée', 'Le Domaine', 'Les Allées', 'Cœur', 'Rive'];
const NAMES2 = ['des Muses', 'de Gerland', 'Lumière', 'Saint-Jean', 'du Lac', 'Sud', 'Nature', 'des Arts', 'Confluence', 'Montchat'];
const ORD = (n: number) => (n === 0 ? 'RDC' : n === 1 ? '1er étage' : `${n}ème étage`);
const eur = (n: number) => `${n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ')} €`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function generateProgrammes(o: FakeSiteOptions): FakeProgramme[] {
  const r = rng(o.seed ?? 42);
  const out: FakeProgramme[] = [];
  let n = 0;
  for (const city of o.cities) {
    for (let i = 0; i < o.perCity; i++) {
      n++;
      const spec = FAKE_SPECS[o.kind];
      const id = o.kind === 'bouygues' ? `030-${String(100 + n).padStart(3, '0')}K${String(n % 97).padStart(2, '0')}` : spec ? spec.idOf(n) : String(1000 + n);
      const nbLots = 2 + Math.floor(r() * 8);
      const lots: FakeLot[] = [];
      for (let l = 0; l < nbLots; l++) {
        const pieces = 1 + Math.floor(r() * 5);
        const surface = Math.round((18 + pieces * 17 + r() * 10) * 10) / 10;
        const prix = Math.round((surface * (4200 + r() * 2500)) / 100) * 100;
        lots.push({ ref: `${String.fromCharCode(65 + (l % 3))}${l}${pieces}`, pieces, surface, etage: Math.floor(r() * 6), prix, ...(r() < 0.3 ? { prixReduit: Math.round(prix * 0.85 / 100) * 100 } : {}) });
      }
      lots.sort((a, b) => a.pieces - b.pieces || a.prix - b.prix);
      const year = 2027 + Math.floor(r() * 3);
      out.push({
        id, name: `${NAMES[Math.floor(r() * NAMES.length)]} ${NAMES2[Math.floor(r() * NAMES2.length)]} ${n}`, city, codePostal: city.codePostal,
        delivery: o.kind === 'bouygues' ? `Livraison ${1 + Math.floor(r() * 4)}ème trim. ${year}` : o.kind === 'icade' ? `${1 + Math.floor(r() * 4)}E TRIMESTRE ${year}` : `${1 + Math.floor(r() * 4)}e trimestre ${year}`,
        lots, images: 1 + Math.floor(r() * 3),
      });
    }
  }
  return out;
}

const typeLabel = (p: number) => (p === 1 ? 'Studio' : `${p} pièces`);

// ---------------------------------------------------------------- Bouygues markup
function bouyguesListing(city: FakeCity, progs: FakeProgramme[], pad: string): string {
  const cards = progs.map((p) => {
    const min = Math.min(...p.lots.map((l) => l.prix));
    const max = Math.max(...p.lots.map((l) => l.prix));
    const data = esc(JSON.stringify({ ucci: p.id, name: p.name, city: p.city.nom, zipcode: p.codePostal, priceMin: min, priceMax: max, brand: 'Bouygues Immobilier' }));
    const pcs = p.lots.map((l) => l.pieces);
    return `<div class="list-item-wrapper" data-ucci="${p.id}" data-prgdata="${data}">
  <article class="crd crd--program"><a class="crd-link" href="/programme-neuf-${p.city.slug}/ref/${p.id}" title="${esc(p.name)}">
    <div class="crd-media"><img class="crd-img" src="https://www.bouygues-immobilier.com/sites/default/files/programmes/${p.id}/perspective-01.jpg" alt="${esc(p.name)}"><span class="crd-badge">Éligible LMNP</span></div>
    <div class="crd-body"><h3 class="crd-title"><span class="crd-title-prefix">Programme neuf</span> ${esc(p.name)}</h3>
      <p class="crd-localization">${p.city.nom} (${p.codePostal})</p><p class="crd-price">${eur(min)} à ${eur(max)}</p>
      <p class="crd-typology">Du ${Math.min(...pcs) === 1 ? 'studio' : Math.min(...pcs)} au ${Math.max(...pcs)} pièces</p><p class="crd-delivery">${p.delivery}</p></div></a></article></div>`;
  }).join('\n');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Programmes immobiliers neufs à ${city.nom} | Bouygues Immobilier</title>
<link rel="canonical" href="https://www.bouygues-immobilier.com/${slugify(city.departementNom)}/${city.slug}"></head>
<body class="page-listing"><main id="main-content" role="main"><h1 class="listing-title">Programmes immobiliers neufs à ${city.nom}</h1>
<p class="listing-count"><strong>${progs.length}</strong> programmes neufs disponibles</p><div class="list-items" data-total="${progs.length}">
${cards}
</div></main><!-- ${pad} --></body></html>`;
}

function bouyguesDetail(p: FakeProgramme, pad: string): string {
  const byType = new Map<number, FakeLot[]>();
  for (const l of p.lots) byType.set(l.pieces, [...(byType.get(l.pieces) ?? []), l]);
  const blocks = [...byType].map(([pcs, lots]) => `<div class="typo-block"><button class="typo-header" type="button"><h3 class="typo-title">${typeLabel(pcs)}</h3>
<span class="typo-count">${lots.length} logements disponibles</span><span class="typo-price">À partir de ${eur(lots[0].prix)}</span></button>
<div class="typo-content"><table class="typo-lots"><thead><tr><th>Lot</th><th>Surface</th><th>Étage</th><th>Prix TVA 20%</th><th>Prix TVA 5,5%*</th><th>Disponibilité</th><th>Plan</th></tr></thead><tbody>
${lots.map((l) => `<tr class="lot-row" data-lot-ref="${l.ref}"><td class="lot-ref">${l.ref}</td><td class="lot-surface">${String(l.surface).replace('.', ',')} m²</td><td class="lot-floor">${ORD(l.etage)}</td>
<td class="lot-price">${eur(l.prix)}</td><td class="lot-price-reduced">${l.prixReduit ? eur(l.prixReduit) : '—'}</td><td class="lot-availability"><span class="lot-status lot-status--available">Disponible</span></td><td class="lot-plan"></td></tr>`).join('\n')}
</tbody></table></div></div>`).join('\n');
  const imgs = Array.from({ length: p.images }, (_, i) => `<img src="/sites/default/files/programmes/${p.id}/perspective-0${i + 1}.jpg" alt="${esc(p.name)}">`).join('');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${esc(p.name)} | Bouygues Immobilier</title>
<link rel="canonical" href="https://www.bouygues-immobilier.com/programme-neuf-${p.city.slug}/ref/${p.id}"></head>
<body><main id="main-content" role="main" class="prg" data-ucci="${p.id}">
<section class="prg-hero"><div class="prg-gallery">${imgs}</div><div class="prg-summary"><ul class="prg-tags"><li class="tag">LMNP</li></ul>
<h1 class="prg-title">${esc(p.name)}</h1><p class="prg-localization">${p.city.nom} (${p.codePostal})</p>
<p class="prg-address">${3 + (p.lots.length % 40)} rue de la République, ${p.codePostal} ${p.city.nom}</p>
<ul class="prg-keys"><li class="prg-key prg-key-delivery">${p.delivery}</li></ul></div></section>
<section class="prg-description"><h2>Le programme</h2><div class="prg-description-text"><p>${esc(p.name)} propose ${p.lots.length} appartements à ${p.city.nom}.</p></div></section>
<section class="prg-lots" id="lots"><h2>Les logements disponibles</h2><p class="prg-lots-count">${p.lots.length} logements disponibles</p><div class="typo-list">
${blocks}
</div></section></main><!-- ${pad} --></body></html>`;
}

// ---------------------------------------------------------------- Icade markup
const icadeSlug = (p: FakeProgramme) => `/programmes-immobiliers-neufs-${p.city.slug}/${slugify(p.name)},p${p.id}`;

function icadeListing(city: FakeCity, progs: FakeProgramme[], pad: string): string {
  const cards = progs.map((p) => {
    const first = p.lots[0];
    const pcs = p.lots.map((l) => l.pieces);
    return `<div class="block-item" data-program-id="${p.id}"><a class="block-item__link" href="${icadeSlug(p)}">
<div class="block-item__visual"><img src="https://www.icade-immobilier.com/uploads/programs/${p.id}/visuel-principal.jpg" alt="${esc(p.name)}"><span class="block-item__flag">Nouveau</span></div>
<div class="block-item__content"><h2 class="block-item__title">${esc(p.name)}</h2><p class="block-item__city">${p.city.nom}</p>
<p class="block-item__typology">Appartements du ${Math.min(...pcs)} au ${Math.max(...pcs)} pièces</p><p class="block-item__price">${typeLabel(first.pieces)} à partir de ${eur(first.prix)}</p></div></a></div>`;
  }).join('\n');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Programmes immobiliers neufs à ${city.nom} - Icade Immobilier</title></head>
<body><main class="main"><div class="search-header"><h1>Programmes immobiliers neufs à ${city.nom}</h1><p class="search-header__count">${progs.length} programmes</p></div>
<div class="search-results">
${cards}
</div></main><!-- ${pad} --></body></html>`;
}

function icadeDetail(p: FakeProgramme, pad: string): string {
  const rows = p.lots.map((l) => `<tr class="lot" data-lot="${l.ref}"><td class="lot__number">${l.ref}</td><td class="lot__typology">${typeLabel(l.pieces)}</td>
<td class="lot__surface">${l.surface.toFixed(2).replace('.', ',')} m²</td><td class="lot__floor">${l.etage === 0 ? 'RDC' : l.etage}</td><td class="lot__parking">Oui</td>
<td class="lot__price"><strong class="price--new">${eur(l.prix)}</strong></td><td class="lot__price-reduced">${l.prixReduit ? eur(l.prixReduit) : '-'}</td><td class="lot__monthly">1 000 €/mois</td><td class="lot__actions"></td></tr>`).join('\n');
  const imgs = Array.from({ length: p.images }, (_, i) => `<div class="slide"><img src="/uploads/programs/${p.id}/visuel-${i + 1}.jpg" alt="${esc(p.name)}"></div>`).join('');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${esc(p.name)} - Icade Immobilier</title>
<link rel="canonical" href="https://www.icade-immobilier.com${icadeSlug(p)}"></head>
<body><main class="main program" data-program-id="${p.id}"><section class="program-header"><h1 class="program-header__title">${esc(p.name)}</h1>
<p class="program-header__address">12 avenue Tony Garnier<br>${p.codePostal} ${p.city.nom}</p>
<ul class="program-header__infos"><li class="info info--delivery"><span class="info__label">Livraison</span> <span class="info__value">${p.delivery}</span></li></ul></section>
<section class="program-gallery"><div class="slider">${imgs}</div></section>
<section class="program-description"><h2>Description</h2><div class="program-description__text"><p>${esc(p.name)}: ${p.lots.length} logements.</p></div></section>
<section class="program-lots" id="lots"><h2>Nos logements disponibles</h2><div class="lots-table-wrapper"><table class="lots-table">
<thead><tr><th>N° de lot</th><th>Typologie</th><th>Surface</th><th>Étage</th><th>Parking</th><th>Prix TVA 20%</th><th>Prix TVA 5,5%<sup>(1)</sup></th><th>Mensualités<sup>(2)</sup></th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table></div></section></main><!-- ${pad} --></body></html>`;
}

// a 1×1 JPEG
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==', 'base64');

export async function startFakeSite(o: FakeSiteOptions): Promise<FakeSite> {
  const programmes = generateProgrammes(o);
  const r = rng((o.seed ?? 42) + 7);
  let empty = false;
  let errorRate = o.errorRate ?? 0;
  let inFlight = 0;
  const pad = 'x'.repeat(o.padBytes ?? 0);
  const site: FakeSite = {
    url: '', kind: o.kind, programmes, requests: [], maxInFlight: 0,
    setEmpty(v) { empty = v; },
    setErrorRate(v) { errorRate = v; },
    count(kind) { return site.requests.filter((q) => q.kind === kind && q.status < 400).length; },
    reset() { site.requests.length = 0; site.maxInFlight = 0; },
    close: async () => {},
  };
  const cityBySlug = new Map(o.cities.map((c) => [c.slug, c]));

  const spec = FAKE_SPECS[o.kind];
  const byPath = new Map(spec ? programmes.map((p) => [spec.programmePath(p), p]) : []);
  const sitemaps = spec ? fakeSitemaps(spec, programmes) : new Map();
  const defaultRobots = o.kind === 'bouygues'
    // the real robots.txt keeps crawlers off the lots endpoint and the PDFs
    ? 'User-agent: *\nDisallow: /ajax/get_program_lots/\nDisallow: /*.pdf$\nAllow: /\n'
    : `${spec?.robots ?? 'User-agent: *\nDisallow: /admin/\nAllow: /\n'}${spec?.sitemap ? `Sitemap: ${spec.base}${spec.sitemap.path}\n` : ''}`;

  function route(pathname: string, search: string): { kind: FakeSite['requests'][number]['kind']; body?: string | Buffer; type?: string } {
    if (pathname === '/robots.txt') return { kind: 'robots', body: o.robots ?? defaultRobots, type: 'text/plain' };
    if (/\.(jpg|jpeg|png)$/.test(pathname)) return { kind: 'image', body: JPEG, type: 'image/jpeg' };
    let m: RegExpExecArray | null;
    if (spec) {
      const sm = sitemaps.get(pathname);
      if (sm) return { kind: 'sitemap', body: sm.body, type: sm.type };
      const p = byPath.get(pathname);
      if (p) return { kind: 'detail', body: fakeDetail(spec, p, pad) };
      const citySlug = spec.listingCity?.(pathname);
      const city = citySlug ? cityBySlug.get(citySlug) : undefined;
      if (city) return { kind: 'listing', body: fakeListing(spec, city, empty ? [] : programmes.filter((x) => x.city === city), pad) };
      if (search && o.kind === 'vinci' && pathname.startsWith('/api/')) return { kind: 'other', body: JSON.stringify({ lots: [] }), type: 'application/json' };
      return { kind: 'other' };
    }
    if (o.kind === 'bouygues') {
      if (pathname.startsWith('/ajax/get_program_lots/')) return { kind: 'other', body: '{"lots":[]}', type: 'application/json' };
      if ((m = /^\/programme-neuf-[a-z0-9-]+\/ref\/([^/]+)$/.exec(pathname))) {
        const p = programmes.find((x) => x.id === decodeURIComponent(m![1]));
        return p ? { kind: 'detail', body: bouyguesDetail(p, pad) } : { kind: 'detail' };
      }
      if ((m = /^\/([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(pathname))) {
        const city = cityBySlug.get(m[2]);
        if (city) return { kind: 'listing', body: bouyguesListing(city, empty ? [] : programmes.filter((p) => p.city === city), pad) };
      }
    } else {
      if ((m = /,p(\d+)$/.exec(pathname))) {
        const p = programmes.find((x) => x.id === m![1]);
        return p ? { kind: 'detail', body: icadeDetail(p, pad) } : { kind: 'detail' };
      }
      if ((m = /^\/programmes-immobilier-neufs,([a-z0-9-]+)-(\d{5})$/.exec(pathname))) {
        const city = cityBySlug.get(m[1]);
        if (city) return { kind: 'listing', body: icadeListing(city, empty ? [] : programmes.filter((p) => p.city === city), pad) };
      }
    }
    return { kind: 'other' };
  }

  const server = http.createServer(async (req, res) => {
    inFlight++;
    site.maxInFlight = Math.max(site.maxInFlight, inFlight);
    const u = new URL(req.url || '/', 'http://x');
    const rt = route(u.pathname, u.search);
    const log = (status: number) => site.requests.push({ path: u.pathname, kind: rt.kind, status, ua: String(req.headers['user-agent'] ?? ''), referer: req.headers.referer, at: Date.now(), ...(u.search ? { query: u.search } : {}) });
    try {
      if (o.latencyMs && rt.kind !== 'image') await new Promise((ok) => setTimeout(ok, o.latencyMs! * (0.5 + r())));
      if ((rt.kind === 'listing' || rt.kind === 'detail' || rt.kind === 'sitemap') && errorRate > 0 && r() < errorRate) {
        const status = r() < 0.5 ? 429 : 503;
        log(status);
        res.writeHead(status, status === 429 ? { 'retry-after': '1' } : {});
        return res.end('try again later');
      }
      if (rt.body === undefined) { log(404); res.writeHead(404, { 'content-type': 'text/html' }); return res.end('<h1>Page introuvable</h1>'); }
      const etag = `"${crypto.createHash('sha1').update(rt.body).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) { log(304); res.writeHead(304, { etag }); return res.end(); }
      log(200);
      res.writeHead(200, { 'content-type': rt.type ?? 'text/html; charset=utf-8', etag });
      res.end(rt.body);
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); });
  return site;
}

/** Cities of the built-in default in the shape the fakes need. */
export const FAKE_CITIES: FakeCity[] = [
  { nom: 'Lyon', slug: 'lyon', codePostal: '69003', departement: '69', departementNom: 'Rhône', insee: '69123' },
  { nom: 'Bordeaux', slug: 'bordeaux', codePostal: '33000', departement: '33', departementNom: 'Gironde', insee: '33063' },
  { nom: 'Nantes', slug: 'nantes', codePostal: '44000', departement: '44', departementNom: 'Loire-Atlantique', insee: '44109' },
  { nom: 'Lille', slug: 'lille', codePostal: '59000', departement: '59', departementNom: 'Nord', insee: '59350' },
  { nom: 'Toulouse', slug: 'toulouse', codePostal: '31000', departement: '31', departementNom: 'Haute-Garonne', insee: '31555' },
  { nom: 'Rennes', slug: 'rennes', codePostal: '35000', departement: '35', departementNom: 'Ille-et-Vilaine', insee: '35238' },
  { nom: 'Montpellier', slug: 'montpellier', codePostal: '34000', departement: '34', departementNom: 'Hérault', insee: '34172' },
  { nom: 'Nice', slug: 'nice', codePostal: '06000', departement: '06', departementNom: 'Alpes-Maritimes', insee: '06088' },
];

/** every source key the fakes can serve: the three with a dedicated parser, then FAKE_SPECS' */
export const FAKE_KINDS: readonly string[] = ['bouygues', 'icade', ...Object.keys(FAKE_SPECS)];

/** One fake site per source key (seeds differ), and the PROMOTEURS_SOURCE_URLS value pointing at them. */
export async function startFakeSites(o: Omit<FakeSiteOptions, 'kind' | 'seed'> & { kinds?: readonly string[] }): Promise<{ sites: Record<string, FakeSite>; sourceUrls: string; close(): Promise<void> }> {
  const sites: Record<string, FakeSite> = {};
  for (const [i, kind] of (o.kinds ?? FAKE_KINDS).entries()) sites[kind] = await startFakeSite({ ...o, kind, seed: 100 + i });
  return {
    sites,
    sourceUrls: Object.entries(sites).map(([k, s]) => `${k}=${s.url}`).join(','),
    close: async () => { for (const s of Object.values(sites)) await s.close(); },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const perCity = Number(process.argv[2] || 3);
  const { sites, sourceUrls } = await startFakeSites({ cities: FAKE_CITIES, perCity, latencyMs: 30 });
  console.log(`${Object.keys(sites).length} fake developer sites (${perCity} programmes per city, cities: ${FAKE_CITIES.map((c) => c.slug).join(', ')}); they say nothing about the real sites`);
  console.log(`ATELIER_HTTP_ALLOW_PRIVATE=true PROMOTEURS_SOURCE_URLS=${sourceUrls}`);
}
