// Shared check of a recorded fixtures folder (manifest.json + pages + expected.json): every page still
// gives its expected values. Generated tests call it (`atelier promoteurs record-test <folder>`), and
// recorded.test.ts runs it for every source that claims to be verified.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSource } from '../../../src/promoteurs/sources/index.ts';
import { expectedOf, type ExpectedFile } from '../../../src/promoteurs/run/record.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export function readExpected(folder: string): ExpectedFile {
  return JSON.parse(fs.readFileSync(path.join(root, folder, 'expected.json'), 'utf8')) as ExpectedFile;
}

export function checkRecordedFolder(folder: string): void {
  const expected = readExpected(folder);
  const source = getSource(expected.source);
  describe(`recorded pages of ${expected.source} (${folder})`, () => {
    it('names a registered source and has pages', () => {
      expect(source).toBeTruthy();
      expect(Object.keys(expected.pages).length).toBeGreaterThan(0);
    });
    for (const [file, page] of Object.entries(expected.pages)) {
      it(`${file} gives its expected values`, () => {
        const html = fs.readFileSync(path.join(root, folder, file), 'utf8');
        expect(expectedOf(source!, html, page.level, page.url)).toEqual(page.expected);
      });
    }
  });
}
