// Detail pages parsed in a worker thread give what the parser gives in place, and the same errors.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDetailPool, parseDetailOffThread, poolable } from '../../../src/promoteurs/parse/detail-pool.ts';
import { getSource } from '../../../src/promoteurs/sources/index.ts';
import { SourceParseError, type Source } from '../../../src/promoteurs/types.ts';

const html = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/promoteurs/nexity/detail-signal-bagneux-2024-12-20.html'), 'utf8');
const card = { sourceApi: 'nexity', idExterne: '0099__98124', name: 'Signal', urlExterne: 'https://www.nexity.fr/neuf/0099__98124' };

afterAll(() => closeDetailPool());

describe('parse worker', () => {
  it('a registry source: the same detail as the parser in place (real Nexity page)', async () => {
    const nexity = getSource('nexity')!;
    expect(poolable(nexity)).toBe(true);
    const here = nexity.parseDetail(html, card, { url: card.urlExterne });
    const there = await parseDetailOffThread(nexity, html, card, { url: card.urlExterne });
    expect(there.lots.length).toBeGreaterThan(0);
    expect(there).toEqual(here);
  });

  it('a parse error comes back as the same SourceParseError (registry parser and generic extractor)', async () => {
    for (const key of ['bouygues', 'vinci']) {
      const src = getSource(key)!;
      const page = '<html><body>captcha</body></html>';
      const c = { ...card, sourceApi: key };
      let inPlace: unknown;
      try { src.parseDetail(page, c, {}); } catch (e) { inPlace = e; }
      expect(inPlace).toBeInstanceOf(SourceParseError);
      const off = await parseDetailOffThread(src, page, c, {}).then(() => null, (e: unknown) => e);
      expect(off).toBeInstanceOf(SourceParseError);
      expect((off as SourceParseError).message).toBe((inPlace as Error).message);
      expect((off as SourceParseError).source).toBe(key);
    }
  });

  it('a source object that is not the registry\'s is parsed in place', async () => {
    const custom: Source = { ...getSource('nexity')!, parseDetail: () => ({ lots: [], warnings: ['custom'] }) as any };
    expect(poolable(custom)).toBe(false);
    expect((await parseDetailOffThread(custom, html, card, {})).warnings).toEqual(['custom']);
  });
});
