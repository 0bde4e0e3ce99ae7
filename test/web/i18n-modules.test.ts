// Every module's web strings: French and English cover the same keys (shell + all modules), and
// every literal key a module's code asks for (t('vinted.…')) exists. A string added in one language
// only, or a key typed in a component and never written, fails here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { registeredKeys } from '../../web/src/i18n.ts';
import '../../web/src/strings.ts';

const MODULES = path.resolve(import.meta.dirname, '../../web/src/modules');
// every message file of every module (a module may split its strings: i18n.ts, i18n-data.ts…)
for (const m of fs.readdirSync(MODULES)) {
  for (const f of fs.readdirSync(path.join(MODULES, m)).filter((x) => /^i18n.*\.ts$/.test(x)).sort()) await import(path.join(MODULES, m, f));
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('web i18n of the modules', () => {
  test('French and English have the same keys, modules included', () => {
    const fr = registeredKeys('fr');
    const en = registeredKeys('en');
    for (const m of ['vinted.', 'promoteurs.', 'releases.']) expect(fr.filter((k) => k.startsWith(m)).length, m).toBeGreaterThan(10);
    expect(fr.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !fr.includes(k))).toEqual([]);
  });

  test('every literal key used by a module page is defined', () => {
    const fr = new Set(registeredKeys('fr'));
    const missing: string[] = [];
    let used = 0;
    for (const file of sources(MODULES)) {
      const code = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*)/.test(l)).join('\n');
      for (const m of code.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
        used++;
        if (!fr.has(m[1])) missing.push(`${path.relative(MODULES, file)}: ${m[1]}`);
      }
    }
    expect(used).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  test('every code a module gives a job log or progress line is worded (<module>.log.<code> or core log.<code>)', () => {
    const fr = new Set(registeredKeys('fr'));
    const missing: string[] = [];
    let seen = 0;
    for (const m of ['vinted', 'promoteurs', 'releases']) {
      for (const file of sources(path.resolve(MODULES, '../../../src', m))) {
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          if (!/\b(log|progress)\??\.?\(/.test(line)) continue;
          for (const c of line.matchAll(/\bcode: '([\w.]+)'/g)) {
            seen++;
            if (!fr.has(`${m}.log.${c[1]}`) && !fr.has(`log.${c[1]}`)) missing.push(`${path.basename(file)}: ${c[1]}`);
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
