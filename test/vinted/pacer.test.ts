// The pace of an account: active hours (also across midnight, in the configured time zone), the
// jittered gap, expected times, and the write slots reserved in the database: spaced by the gap, at
// most the budget in any rolling hour, manual actions refused once the hour is full.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { BudgetExhausted, expectedTimes, gapMs, isActive, meanGapMs, nextActive, reserveWrite, type Pace } from '../../src/vinted/publish/pacer.ts';
import { parseActiveHours } from '../../src/vinted/settings.ts';
import { saveAccount } from '../../src/vinted/accounts/store.ts';

const pace = (hours: string, wph = 40, tz = 'Europe/Paris'): Pace => ({ writesPerHour: wph, jitter: 0.2, activeHours: parseActiveHours(hours), timezone: tz });
const at = (iso: string) => Date.parse(iso);

describe('pace', () => {
  it('active hours in the time zone, across midnight too; 00-24 is always', () => {
    const day = pace('08-22');
    // 2026-12-03 is in winter time: Paris = UTC+1
    expect(isActive(at('2026-12-03T06:59:00Z'), day)).toBe(false);
    expect(isActive(at('2026-12-03T07:00:00Z'), day)).toBe(true);
    expect(isActive(at('2026-12-03T20:59:00Z'), day)).toBe(true);
    expect(isActive(at('2026-12-03T21:00:00Z'), day)).toBe(false);
    expect(new Date(nextActive(at('2026-12-03T21:30:00Z'), day)).toISOString()).toBe('2026-12-04T07:00:00.000Z');
    expect(new Date(nextActive(at('2026-12-03T03:00:00Z'), day)).toISOString()).toBe('2026-12-03T07:00:00.000Z');
    const night = pace('22:30-06');
    expect(isActive(at('2026-12-03T22:00:00Z'), night)).toBe(true);
    expect(isActive(at('2026-12-03T04:59:00Z'), night)).toBe(true);
    expect(isActive(at('2026-12-03T12:00:00Z'), night)).toBe(false);
    expect(isActive(at('2026-12-03T12:00:00Z'), pace('00-24'))).toBe(true);
    expect(() => parseActiveHours('8h-22h')).toThrow(/08-22/);
    expect(() => parseActiveHours('10-10')).toThrow();
  });

  it('the gap is 3600/budget ± jitter; expected times follow the budget and skip the night', () => {
    const p = pace('08-22', 40);
    expect(meanGapMs(p)).toBe(90_000);
    expect(gapMs(p, 0)).toBe(72_000);
    expect(gapMs(p, 1)).toBe(108_000);
    // two articles of 4 photos (5 writes each) from 21:55 Paris: the first one's last write falls after
    // 22:00, so it waits for 08:00 the next morning, and the second follows
    const eta = expectedTimes(at('2026-12-03T20:55:00Z'), p, [{ id: 'a', writesLeft: 5 }, { id: 'b', writesLeft: 5 }]);
    expect(new Date(eta.get('a')!).toISOString()).toBe('2026-12-04T07:00:00.000Z');
    expect(new Date(eta.get('b')!).toISOString()).toBe('2026-12-04T07:07:30.000Z');
  });
});

describe('write slots in the database', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform({ modules: [vinted], work: false });
  }, 240_000);
  afterAll(async () => t?.close());

  it('spaced by the gap, at most the budget in a rolling hour; manual actions refused when it is full', async () => {
    const a = await saveAccount(t.ctx, { name: 'pace', kind: 'pro', token: 'access,signing' });
    const p = pace('00-24', 3);
    const slots: number[] = [];
    for (let i = 0; i < 4; i++) slots.push((await reserveWrite(t.ctx, a.id, p, { kind: 'photo' })).getTime());
    // 3 an hour: ~20 min apart (± 20 %), and the 4th not before the 1st has left the hour
    expect(slots[1] - slots[0]).toBeGreaterThanOrEqual(16 * 60_000 - 1000);
    expect(slots[1] - slots[0]).toBeLessThanOrEqual(24 * 60_000 + 1000);
    expect(slots[3] - slots[0]).toBeGreaterThanOrEqual(3600_000);
    // the hour is full now (3 slots within it): a manual action is refused with the time it frees up
    await expect(reserveWrite(t.ctx, a.id, p, { kind: 'hide', immediate: true })).rejects.toBeInstanceOf(BudgetExhausted);
    const b = await saveAccount(t.ctx, { name: 'pace2', kind: 'pro', token: 'access,signing' });
    const now = Date.now();
    const manual = await reserveWrite(t.ctx, b.id, p, { kind: 'hide', immediate: true });
    expect(Math.abs(manual.getTime() - now)).toBeLessThan(2000);
    // and the queue's next write comes a gap later
    const next = await reserveWrite(t.ctx, b.id, p, { kind: 'photo' });
    expect(next.getTime() - manual.getTime()).toBeGreaterThanOrEqual(16 * 60_000 - 1000);
  });
});
