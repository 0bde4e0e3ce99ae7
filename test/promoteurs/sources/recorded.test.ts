// A source is `verified` only when pages recorded from the real site pass their test. This test holds
// every source to it: a verified source names its fixtures folder, whose manifest says the pages came
// from the developer's own origin, whose expected values were reviewed by a person, and whose pages
// still give those values. Unverified sources say why in one line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSources } from '../../../src/promoteurs/sources/index.ts';
import type { RecordManifest } from '../../../src/promoteurs/run/record.ts';
import { checkRecordedFolder, readExpected } from './recorded-check.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/promoteurs');

describe('source status is honest', () => {
  it('19 sources, each with a one-line reason', () => {
    expect(listSources()).toHaveLength(19);
    for (const s of listSources()) {
      expect(s.verification.reason.length, s.key).toBeGreaterThan(10);
      expect(s.verification.reason, s.key).not.toMatch(/\n/);
    }
  });
  for (const s of listSources().filter((x) => x.verification.status === 'verified')) {
    describe(`${s.key} (verified)`, () => {
      it('has real pages from its own origin, reviewed by a person', () => {
        expect(s.verification.fixtures).toBeTruthy();
        expect(['real-recorded', 'real-capture']).toContain(s.verification.fixtureKind);
        const dir = path.join(fixtures, s.verification.fixtures!);
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as RecordManifest;
        expect(manifest.source).toBe(s.key);
        expect(manifest.real).toBe(true);
        expect(new URL(manifest.fetchedFrom).origin).toBe(new URL(s.baseUrl).origin);
        for (const p of manifest.pages.filter((x) => x.file)) expect(new URL(p.url).origin).toBe(new URL(s.baseUrl).origin);
        const expected = readExpected(`test/fixtures/promoteurs/${s.verification.fixtures}`);
        expect(expected.reviewed?.by).toBeTruthy();
      });
    });
    checkRecordedFolder(`test/fixtures/promoteurs/${s.verification.fixtures}`);
  }
  it('unverified sources have no verified claim hidden in their fixtures', () => {
    for (const s of listSources().filter((x) => x.verification.status === 'unverified')) expect(s.verification.fixtureKind, s.key).not.toBe('real-recorded');
  });
});
