// The generic structured-data extractor and the sitemap reader. The cross-check runs on the real
// Nexity 2024 capture: the generic extractor alone must find the same programme and lots as the
// dedicated Nexity parser. The other cases are small hand-written pages in each structured shape.
import zlib from 'node:zlib';
import { stringify } from 'devalue';
import { describe, expect, it } from 'vitest';
import { getSource } from '../../../src/promoteurs/sources/index.ts';
import { genericDetail, genericListing } from '../../../src/promoteurs/parse/generic.ts';
import { parseNuxtData } from '../../../src/promoteurs/parse/structured.ts';
import { cityMatches, parseSitemap, programmesByCity, readSitemaps, SitemapError } from '../../../src/promoteurs/crawl/sitemap.ts';
import { cityLookup } from '../../../src/promoteurs/rules/cities.ts';
import { fixture } from './helpers.ts';

const nx = { key: 'nexity', baseUrl: 'https://www.nexity.fr', idPattern: getSource('nexity')!.idPattern };
const card = { sourceApi: 'nexity', idExterne: '', name: '', urlExterne: '' };
const core = (l: any) => ({ type: l.type, pieces: l.pieces, surface: l.surface, etage: l.etage, etageNum: l.etageNum, prix: l.prix, prixTvaReduite: l.prixTvaReduite, parking: l.parking, numero: l.numero });

describe('generic extractor', () => {
  it('cross-check on the real Nexity 2024 capture: same programme and lots as the dedicated parser', () => {
    const html = fixture('nexity/detail-signal-bagneux-2024-12-20.html');
    const dedicated = getSource('nexity')!.parseDetail(html, card, {});
    const generic = genericDetail(html, card, {}, nx);
    expect(generic.evidence.lots).toBe('nuxt.state.productDetails.lots');
    for (const k of ['idExterne', 'urlExterne', 'name', 'adresse', 'ville', 'codePostal', 'codeInsee', 'dateLivraison'] as const) expect(generic[k], k).toBe(dedicated[k]);
    expect(generic.lots).toHaveLength(4);
    expect(generic.lots.map(core)).toEqual(dedicated.lots.map(core));
    expect(generic.lots[0]).toMatchObject({ type: 'T4', surface: 81.79, prix: 492512, prixTvaReduite: 433000, numero: '1103', etage: '10ème' });
  });

  it('JSON-LD HousingComplex with Apartment places, BreadcrumbList city, AggregateOffer', () => {
    const ld = { '@context': 'https://schema.org', '@graph': [
      { '@type': 'HousingComplex', name: 'Les Terrasses', address: { '@type': 'PostalAddress', streetAddress: '1 rue A', postalCode: '33000', addressLocality: 'Bordeaux' },
        offers: { '@type': 'AggregateOffer', lowPrice: 200000, highPrice: 400000 },
        containsPlace: [{ '@type': 'Apartment', numberOfRooms: 2, floorSize: { value: 45.5 }, floorLevel: 0, offers: { '@type': 'Offer', price: 200000 } },
          { '@type': 'SingleFamilyResidence', numberOfRooms: 5, floorSize: { value: 110 }, offers: { '@type': 'Offer', price: '400 000 €' } }] },
      { '@type': 'BreadcrumbList', itemListElement: [{ position: 1, name: 'Accueil' }, { position: 2, name: 'Bordeaux (33000)' }, { position: 3, name: 'Les Terrasses' }] }] };
    const html = `<html><head><link rel="canonical" href="https://x.fr/programme/77"><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body><h1>Autre</h1></body></html>`;
    const d = genericDetail(html, card, {}, { key: 'x', baseUrl: 'https://x.fr', idPattern: '/programme/(\\d+)' });
    expect(d).toMatchObject({ idExterne: '77', name: 'Les Terrasses', ville: 'Bordeaux', codePostal: '33000', adresse: '1 rue A, 33000 Bordeaux' });
    expect(d.lots.map((l) => [l.type, l.surface, l.prix, l.etage])).toEqual([['T2', 45.5, 200000, 'RDC'], ['Maison', 110, 400000, null]]);
  });

  it('Nuxt 3 __NUXT_DATA__ (devalue, with reactive wrappers), Next __NEXT_DATA__, drupalSettings, microdata, tables', () => {
    class R { v: unknown; constructor(v: unknown) { this.v = v; } }
    const state = { programme: { nom: 'Rive', livraison: '2e trimestre 2028' }, lots: [{ numero: 'B12', typologie: '3 pièces', surface: 64.2, etage: 3, prixTTC: 310000, statut: 'Disponible' }, { numero: 'B13', typologie: 'T2', surface: 40, prixTTC: 210000, statut: 'Vendu' }] };
    const nuxt3 = stringify({ data: new R(state) }, { ShallowReactive: (x: unknown) => x instanceof R && x.v });
    expect(parseNuxtData(nuxt3)).toEqual({ data: state });
    const o = { key: 'x', baseUrl: 'https://x.fr', idPattern: '/p/(\\d+)' };
    const pages = {
      'nuxt-data': `<script type="application/json" id="__NUXT_DATA__">${nuxt3}</script>`,
      next: `<script id="__NEXT_DATA__" type="application/json">${JSON.stringify({ props: { pageProps: state } })}</script>`,
      drupal: `<script type="application/json" data-drupal-selector="drupal-settings-json">${JSON.stringify(state)}</script>`,
      microdata: `<div itemscope itemtype="https://schema.org/Residence"><h2 itemprop="name">Rive</h2><div itemprop="containsPlace" itemscope itemtype="https://schema.org/Apartment"><meta itemprop="numberOfRooms" content="3"><span itemprop="floorSize">64,2 m²</span><span itemprop="floorLevel">3</span><span itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="310000"></span></div></div>`,
      table: '<h1>Rive</h1><table><tr><th>Lot</th><th>Type</th><th>Surface</th><th>Étage</th><th>Prix</th><th>Statut</th></tr><tr><td>B12</td><td>3 pièces</td><td>64,2 m²</td><td>3e</td><td>310 000 €</td><td>Disponible</td></tr><tr><td>B13</td><td>T2</td><td>40 m²</td><td>1er</td><td>210 000 €</td><td>Vendu</td></tr></table>',
    };
    for (const [shape, body] of Object.entries(pages)) {
      const d = genericDetail(`<html><head><link rel="canonical" href="https://x.fr/p/5"></head><body>${body}</body></html>`, card, {}, o);
      expect(d.name, shape).toBe('Rive');
      expect(d.lots.map((l) => [l.type, l.surface, l.prix]), shape).toEqual([['T3', 64.2, 310000]]); // the sold lot is dropped
    }
  });

  it('throws SourceParseError on a page with no programme structure; a broken JSON-LD block is only a warning', () => {
    expect(() => genericDetail('<html><body><p>captcha</p></body></html>', card, {}, nx)).toThrow(/no programme structure/);
    const d = genericDetail('<html><body><h1>Rive</h1><script type="application/ld+json">{broken</script></body></html>', card, {}, nx);
    expect(d.warnings?.join(' ')).toMatch(/JSON-LD block 1: invalid JSON/);
  });

  it('listing pages: programme links with "CITY (DD)" cards', () => {
    const html = '<main><article class="card"><a href="/p/12"><h3>Rive</h3></a><p>Lyon (69)</p><p>À partir de 245 000 €</p></article><a href="/mentions">x</a></main>';
    const cards = genericListing(html, { url: 'https://x.fr/lyon' }, { key: 'x', baseUrl: 'https://x.fr', idPattern: '/p/(\\d+)$' });
    expect(cards).toEqual([expect.objectContaining({ idExterne: '12', name: 'Rive', urlExterne: 'https://x.fr/p/12', ville: 'Lyon', localisation: 'Lyon (69)', prixMin: 245000 })]);
  });
});

describe('sitemaps', () => {
  const urlset = (locs: string[]) => `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<url><loc>${l}</loc><lastmod>2026-01-02</lastmod></url>`).join('')}</urlset>`;
  it('reads urlsets, indexes, gzip and sitemap.txt; ignores off-site entries', async () => {
    const files: Record<string, Buffer> = {
      'https://x.fr/sitemap.xml': Buffer.from('<sitemapindex><sitemap><loc>https://x.fr/a.xml.gz</loc></sitemap><sitemap><loc>https://evil.example/s.xml</loc></sitemap><sitemap><loc>https://x.fr/b.txt</loc></sitemap></sitemapindex>'),
      'https://x.fr/a.xml.gz': zlib.gzipSync(urlset(['https://x.fr/programme/69123/rive-12', 'https://x.fr/contact', 'https://evil.example/programme/69123/x-1'])),
      'https://x.fr/b.txt': Buffer.from('https://x.fr/programme/33063/quai-7\nnot a url\nhttps://x.fr/programme/13055/vieux-port-9\n'),
    };
    const fetched: string[] = [];
    const r = await readSitemaps(['https://x.fr/sitemap.xml'], async (u) => { fetched.push(u); return files[u]; }, (u) => u.startsWith('https://x.fr/'));
    expect(fetched).not.toContain('https://evil.example/s.xml');
    expect(r.entries.map((e) => e.url)).toEqual(['https://x.fr/programme/69123/rive-12', 'https://x.fr/contact', 'https://x.fr/programme/33063/quai-7', 'https://x.fr/programme/13055/vieux-port-9']);
    const lyon = cityLookup('Lyon')!;
    const bordeaux = cityLookup('Bordeaux')!;
    const placed = programmesByCity(r.entries, '^/programme/(?<insee>\\d{5})/(?<slug>[a-z-]+)-(?<id>\\d+)$', [lyon, bordeaux], 'x', (u) => u);
    expect(placed.matched).toBe(3);
    expect(placed.outside).toBe(1); // Marseille is not in this run
    expect(placed.byCity.get(lyon.codeInsee)).toEqual([expect.objectContaining({ idExterne: '12', name: 'Rive', lastmod: '2026-01-02' })]);
  });
  it('refuses a gzip bomb and an XML entity expansion', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20));
    expect(() => parseSitemap(bomb, 'bomb.xml.gz')).toThrow(SitemapError);
    const lol = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><urlset><url><loc>https://x.fr/&b;</loc></url></urlset>';
    const r = parseSitemap(Buffer.from(lol), 'lol.xml');
    expect(r.entries.every((e) => !e.url.includes('aaaaaaaaaa'))).toBe(true);
  });
  it('places URLs by postcode, INSEE, or slug and department', () => {
    const lyon = cityLookup('Lyon')!;
    expect(cityMatches(lyon, { cp: '69007' })).toBe(true);
    expect(cityMatches(lyon, { ville: 'lyon-7e' })).toBe(true);
    expect(cityMatches(lyon, { ville: 'lyon', dept: 'rhone' })).toBe(true);
    expect(cityMatches(lyon, { ville: 'lyon', dept: '33' })).toBe(false);
    expect(cityMatches(lyon, { ville: 'lyons-la-foret' })).toBe(false);
  });
});
