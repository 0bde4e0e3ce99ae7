import { describe, expect, it } from 'vitest';
import { getSource, listSources, resolveSources, tryParse } from '../../../src/promoteurs/sources/index.ts';
import { cityLookup } from '../../../src/promoteurs/rules/cities.ts';
import { fixture } from './helpers.ts';

describe('source registry', () => {
  it('lists nexity, bouygues, icade with a complete config', () => {
    expect(listSources().map((s) => s.key)).toEqual(['nexity', 'bouygues', 'icade']);
    for (const s of listSources()) {
      expect(s.baseUrl).toMatch(/^https:\/\/[^/]+$/);
      expect(['http', 'browser']).toContain(s.fetch.engine);
      expect(s.politeness.delayBetweenCitiesSec).toBeGreaterThan(0);
      expect(s.politeness.delayBetweenDetailsSec).toBeGreaterThan(0);
      expect(s.fetch.maxRetries).toBe(3);
      expect(s.listingUrl(cityLookup('Lyon')!).startsWith(s.baseUrl + '/')).toBe(true);
    }
  });

  it('resolves "all", lists and unknown keys', () => {
    expect(resolveSources('all').length).toBe(3);
    expect(resolveSources('nexity, Bouygues,nexity').map((s) => s.key)).toEqual(['nexity', 'bouygues']);
    expect(() => resolveSources('nexity,vinci')).toThrow(/unknown source "vinci".*nexity, bouygues, icade/);
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
