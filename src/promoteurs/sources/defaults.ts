// What every source shares unless its file says otherwise: the HTTP engine with three retries, the
// spec's politeness (10 s between cities, 5 s between detail pages, ±30 %), and the way an
// unverified status is written. A source file then holds only what is particular to its site.
import type { FixtureKind, SourceFetchConfig, SourcePoliteness, SourceVerification } from '../types.ts';

export const DEFAULT_FETCH: SourceFetchConfig = { engine: 'http', waitForMs: 0, timeoutMs: 30_000, maxRetries: 3 };

export const DEFAULT_POLITENESS: SourcePoliteness = { delayBetweenCitiesSec: 10, delayBetweenDetailsSec: 5, jitter: 0.3 };

/** `unverified` with its one-line reason; the fixture kind says what backs the parser today */
export function unverified(reason: string, fixtureKind: FixtureKind = 'fake-only'): SourceVerification {
  return { status: 'unverified', fixtureKind, reason };
}
