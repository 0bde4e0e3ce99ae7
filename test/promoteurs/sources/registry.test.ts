import { describe, expect, it } from 'vitest';
import { getSource, listSources, probeSelectors, resolveSources, tryParse } from '../../../src/promoteurs/sources/index.ts';
import { cityLookup } from '../../../src/promoteurs/rules/cities.ts';
import { fixture } from './helpers.ts';

describe('source registry', () => {
  it('lists the 19 developers with a complete config', () => {
    expect(listSources().map((s) => s.key)).toEqual(['nexity', 'bouygues', 'icade', 'vinci', 'kaufman-broad', 'bassac', 'procivis', 'eiffage', 'pichet', 'adim', 'linkcity', 'bnp-paribas-re', 'ca-immobilier', 'emerige', 'greencity', 'quartus', 'sogeprom', 'demathieu-bard', 'pierreval']);
    for (const s of listSources()) {
      expect(s.baseUrl).toMatch(/^https:\/\/[^/]+$/);
      expect(['http', 'browser']).toContain(s.fetch.engine);
      expect(s.politeness.delayBetweenCitiesSec).toBeGreaterThan(0);
      expect(s.politeness.delayBetweenDetailsSec).toBeGreaterThan(0);
      expect(s.fetch.maxRetries).toBe(3);
      expect(s.listingUrl(cityLookup('Lyon')!).startsWith(s.baseUrl + '/')).toBe(true);
      expect(() => new RegExp(s.idPattern)).not.toThrow();
      if (s.discovery.kind === 'sitemap') expect(new RegExp(s.discovery.programmePattern).source).toMatch(/\(\?<id>/);
      expect(['dedicated', 'generic']).toContain(s.extractor);
    }
  });

  it('resolves "all", lists and unknown keys', () => {
    expect(resolveSources('all').length).toBe(19);
    expect(resolveSources('nexity, Bouygues,nexity').map((s) => s.key)).toEqual(['nexity', 'bouygues']);
    expect(() => resolveSources('nexity,cogedim')).toThrow(/unknown source "cogedim".*nexity, bouygues, icade/);
    expect(getSource('ICADE')?.name).toBe('Icade');
    expect(getSource('nope')).toBeUndefined();
  });

  it('tryParse listing returns {programmes}', () => {
    const r = tryParse(getSource('icade')!, fixture('icade/listing-lyon-69000.html'), 'listing');
    expect(Object.keys(r)).toEqual(['programmes']);
    expect(r.programmes).toHaveLength(3);
  });

  it('tryParse detail output is JSON-serialisable as {programme, lots}', () => {
    const r = tryParse(getSource('bouygues')!, fixture('bouygues/detail-030-269K94-le-parc-des-muses.html'), 'detail');
    const round = JSON.parse(JSON.stringify(r));
    expect(Object.keys(round).sort()).toEqual(['lots', 'programme']);
    expect(round.lots[0]).toHaveProperty('type');
    expect(round.lots[0]).toHaveProperty('surface');
    expect(round.lots[0]).toHaveProperty('etage');
    expect(round.lots[0]).toHaveProperty('prix');
  });
});

describe('selector lab', () => {
  const FIXTURES: Record<string, { listing: string; detail: string }> = {
    nexity: { listing: 'nexity/listing-bagneux-92.html', detail: 'nexity/detail-signal-bagneux-2022-09-02.html' },
    bouygues: { listing: 'bouygues/listing-rhone-lyon.html', detail: 'bouygues/detail-030-269K94-le-parc-des-muses.html' },
    icade: { listing: 'icade/listing-lyon-69000.html', detail: 'icade/detail-p1842-les-jardins-de-gerland.html' },
  };

  it.each(Object.keys(FIXTURES))('every declared %s selector matches its fixture', (key) => {
    const s = getSource(key)!;
    for (const level of ['listing', 'detail'] as const) {
      const probes = probeSelectors(s, fixture(FIXTURES[key][level]), level);
      expect(probes.length, `${key} ${level}`).toBeGreaterThan(0);
      for (const p of probes) expect(p.count, `${key} ${level} ${p.name} (${p.selector})`).toBeGreaterThan(0);
    }
  });

  it('shows samples, and 0 for a selector the page lacks', () => {
    const probes = probeSelectors(getSource('bouygues')!, fixture('bouygues/listing-rhone-lyon.html'), 'listing');
    expect(probes.find((p) => p.name === 'location')).toMatchObject({ count: 4, samples: ['Lyon (69007)', 'Lyon (69009)', 'Lyon (69008)'] });
    expect(probes.find((p) => p.name === 'link')?.samples[0]).toBe('/programme-neuf-lyon/ref/030-269K94');
    const none = probeSelectors(getSource('bouygues')!, '<html><body></body></html>', 'listing');
    expect(none.every((p) => p.count === 0)).toBe(true);
  });
});
