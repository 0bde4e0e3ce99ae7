// Install hygiene, checked on the files a user's `npm install` reads (no network): the lock file records
// every platform's native packages (so an install on macOS or Windows does not rewrite it), install
// scripts are declared, and .npmrc holds only settings npm knows.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, any> };
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** where npm looks up `dep` from the package at `at` (node_modules folders upwards) */
function resolves(at: string, dep: string): boolean {
  let dir = at;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${dep}`]) return true;
    if (!dir) return false;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

describe('install hygiene', () => {
  it('the lock file records every optional dependency, for every platform', () => {
    const missing: string[] = [];
    for (const [at, p] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(p.optionalDependencies ?? {})) if (!resolves(at, dep)) missing.push(`${at || '(root)'} → ${dep}`);
    }
    expect(missing).toEqual([]);
    // the native packages users of other systems need are there (sharp, Tailwind, rolldown, argon2)
    const names = Object.keys(lock.packages).map((k) => k.replace(/^.*node_modules\//, ''));
    for (const os of ['darwin-arm64', 'darwin-x64', 'win32-x64']) {
      for (const prefix of ['@img/sharp-', '@tailwindcss/oxide-', '@rolldown/binding-', '@node-rs/argon2-', 'lightningcss-']) {
        expect(names.some((n) => n.startsWith(prefix + os)), prefix + os).toBe(true);
      }
    }
  });

  it('install scripts are all declared; onnxruntime-node does not download anything', () => {
    const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k.replace(/^.*node_modules\//, ''));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((n) => !(n in (pkg.allowScripts ?? {})))).toEqual([]);
    // its CPU binary ships in the package; the script only fetches CUDA libraries from NuGet
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
  });

  it('.npmrc holds only settings npm knows (an unknown one prints a warning at every npm command)', () => {
    const keys = fs.readFileSync(path.join(ROOT, '.npmrc'), 'utf8').split('\n').map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith(';')).map((l) => l.split('=')[0].trim());
    expect(keys.filter((k) => !['fund', 'audit', 'loglevel', 'engine-strict', 'registry'].includes(k))).toEqual([]);
  });
});
