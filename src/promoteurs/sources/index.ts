// Registry of the developer sources. Add a source: write sources/<key>.ts (copy _template.ts),
// import it here and append it to SOURCES. See docs/promoteurs-sources.md.
import type { Source } from '../types.ts';
import { nexity } from './nexity.ts';
import { bouygues } from './bouygues.ts';
import { icade } from './icade.ts';

export const SOURCES: readonly Source[] = [nexity, bouygues, icade];

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

export { probeSelectors, tryParse, type SelectorProbe, type TryContext } from './try.ts';
