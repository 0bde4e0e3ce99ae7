// The README's configuration table is generated from the code's settings: it must be current.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { README, withTable } from '../../scripts/readme-config.ts';
import { modules } from '../../src/modules.ts';

describe('docs', () => {
  it('README lists every setting (run `node scripts/readme-config.ts` after adding one)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    expect(withTable(readme)).toBe(readme);
  });
  it('.env.example names every setting', () => {
    const example = fs.readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const missing = modules.flatMap((m) => m.settings ?? []).map((s) => s.env).filter((e) => !example.includes(e));
    expect(missing).toEqual([]);
    expect(example).toContain('ATELIER_SECRET_KEY');
  });
});
