// The promoteurs docs hold two lists that drift when code changes: the per-source table (status,
// discovery, extractor, fixture kind) and the API routes. Both are checked against the code.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import promoteurs from '../../src/promoteurs/index.ts';
import { sourcesTable } from '../../src/promoteurs/sources/index.ts';

const doc = (name: string) => fs.readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
const block = (text: string, name: string) => {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  expect(m, `docs block ${name}`).not.toBeNull();
  return m![1];
};

let t: TestPlatform;
beforeAll(async () => { t = await createTestPlatform({ modules: [promoteurs], work: false }); }, 120_000);
afterAll(async () => { await t?.close(); });

describe('promoteurs docs', () => {
  it('docs/promoteurs-sources.md has the per-source table of the configurations (paste sourcesTable() when it changes)', () => {
    expect(block(doc('promoteurs-sources.md'), 'sources-table')).toBe(sourcesTable());
  });

  it('docs/promoteurs.md lists every route of the module, and nothing else', async () => {
    const res = await t.request('GET', '/api/docs/json', {});
    expect(res.status).toBe(200);
    const fromApi = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .filter(([p]) => p.startsWith('/api/promoteurs/'))
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p.slice('/api/promoteurs'.length)}`))
      .sort();
    const fromDocs = block(doc('promoteurs.md'), 'api-routes').split('\n')
      .map((l) => /^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|/.exec(l)).filter((m) => m !== null).map((m) => `${m![1]} ${m![2]}`).sort();
    expect(fromApi.length).toBeGreaterThan(15);
    expect(fromDocs).toEqual(fromApi);
  });
});
