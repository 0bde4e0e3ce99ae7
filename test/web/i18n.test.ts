// The shell's strings: French and English cover the same keys, every key the shell's code asks
// for exists, and interpolation / fallback behave.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { registeredKeys, t } from '../../web/src/i18n.ts';
import '../../web/src/strings.ts';

const SRC = path.resolve(import.meta.dirname, '../../web/src');

function shellSources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'modules' ? [] : shellSources(p); // modules own their strings
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('web i18n', () => {
  test('French and English have the same keys', () => {
    const fr = registeredKeys('fr');
    const en = registeredKeys('en');
    expect(fr.length).toBeGreaterThan(100);
    expect(fr.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !fr.includes(k))).toEqual([]);
  });

  test('every literal key used by the shell is defined', () => {
    const fr = new Set(registeredKeys('fr'));
    const used = new Set<string>();
    for (const file of shellSources()) {
      const code = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*)/.test(l)).join('\n');
      for (const m of code.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !fr.has(k))).toEqual([]);
  });

  test('interpolation, language choice and fallback to the key', () => {
    expect(t('setup.tooShort', { min: 10 }, 'fr')).toBe('Le mot de passe doit contenir au moins 10 caractères.');
    expect(t('setup.tooShort', { min: 10 }, 'en')).toBe('The password needs at least 10 characters.');
    expect(t('no.such.key', undefined, 'en')).toBe('no.such.key');
    expect(t('jobs.cancelText', {}, 'fr')).toContain('{title}');
  });
});
