// Registry of the developer sources: three with a dedicated parser (nexity, bouygues, icade), sixteen
// described by data and read by the generic structured-data extractor. Add a source: write
// sources/<key>.ts (a genericSource({…}) configuration, or a copy of _template.ts for a dedicated
// parser), import it here and append it to SOURCES. See docs/promoteurs-sources.md.
import type { Source } from '../types.ts';
import { nexity } from './nexity.ts';
import { bouygues } from './bouygues.ts';
import { icade } from './icade.ts';
import { vinci } from './vinci.ts';
import { kaufmanBroad } from './kaufman-broad.ts';
import { bassac } from './bassac.ts';
import { procivis } from './procivis.ts';
import { eiffage } from './eiffage.ts';
import { pichet } from './pichet.ts';
import { adim } from './adim.ts';
import { linkcity } from './linkcity.ts';
import { bnpParibasRe } from './bnp-paribas-re.ts';
import { caImmobilier } from './ca-immobilier.ts';
import { emerige } from './emerige.ts';
import { greencity } from './greencity.ts';
import { quartus } from './quartus.ts';
import { sogeprom } from './sogeprom.ts';
import { demathieuBard } from './demathieu-bard.ts';
import { pierreval } from './pierreval.ts';

export const SOURCES: readonly Source[] = [
  nexity, bouygues, icade,
  vinci, kaufmanBroad, bassac, procivis, eiffage, pichet, adim, linkcity, bnpParibasRe, caImmobilier, emerige, greencity, quartus, sogeprom, demathieuBard, pierreval,
];

const byKey = new Map(SOURCES.map((s) => [s.key, s]));

export function listSources(): readonly Source[] {
  return SOURCES;
}

export function getSource(key: string): Source | undefined {
  return byKey.get(key.toLowerCase());
}

/** Resolves "nexity,bouygues" or "all"; throws listing the known keys on an unknown one. */
export function resolveSources(spec: string | string[]): Source[] {
  const keys = (Array.isArray(spec) ? spec : spec.split(','))
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean);
  if (keys.length === 0 || keys.includes('all')) return [...SOURCES];
  const out: Source[] = [];
  for (const k of keys) {
    const s = byKey.get(k);
    if (!s) throw new Error(`unknown source "${k}" (known: ${SOURCES.map((x) => x.key).join(', ')})`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** A source's description as `atelier promoteurs sources --json` and the API print it. */
export function describeSource(s: Source): { key: string; name: string; status: Source['verification']['status']; discovery: string; extractor: Source['extractor']; fixtureKind: Source['verification']['fixtureKind']; reason: string; baseUrl: string } {
  return {
    key: s.key, name: s.name, status: s.verification.status,
    discovery: s.discovery.kind === 'sitemap' ? `sitemap (${s.discovery.sitemaps.join(', ')})` : 'listing',
    extractor: s.extractor, fixtureKind: s.verification.fixtureKind, reason: s.verification.reason, baseUrl: s.baseUrl,
  };
}

export { probeSelectors, tryParse, type SelectorProbe, type TryContext } from './try.ts';
