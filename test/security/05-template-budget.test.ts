// Finding 5 (medium): a viewer stalled the event loop with nested loops in a template preview
// (3.6 s blocked per request). NFO/DIZ templates now render in a worker thread with a time budget
// and a heap cap; listing templates have no loops at all and a capped output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import releases from '../../src/releases/index.ts';
import vinted from '../../src/vinted/index.ts';

let t: TestPlatform;
let base: string;
beforeAll(async () => {
  t = await createTestPlatform({ modules: [releases, vinted], work: false });
  base = await t.listen();
});
afterAll(async () => t?.close());

const post = (path: string, body: unknown) => fetch(`${base}${path}`, {
  method: 'POST', headers: { authorization: `Bearer ${t.tokens.viewer}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

describe('finding 5: a template render cannot stall the server', () => {
  it('nested loops in a preview end in a clear error while the server keeps answering', async () => {
    const hostile = '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}';
    const order: string[] = [];
    const preview = post('/api/releases/templates/draft/render', { type: 'EBOOK', body: hostile }).then(async (r) => { order.push('preview'); return { status: r.status, body: (await r.json()) as any }; });
    // while the preview runs, the event loop serves other requests
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 5; i++) {
      const h = await fetch(`${base}/health`);
      expect(h.status).toBe(200);
      order.push('health');
    }
    const r = await preview;
    expect(order.slice(0, 5)).toEqual(['health', 'health', 'health', 'health', 'health']);
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/longer than 2 s|more than \d+ MB|more than .* characters/);
    // the renderer recovers: the next preview works
    const ok = await post('/api/releases/templates/draft/render', { type: 'EBOOK', body: '{{ title }} by {{ author }}' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).text).toContain('Les Misérables');
  }, 60_000);

  it('a template producing a huge text is cut short by the memory or output cap', async () => {
    const r = await post('/api/releases/templates/draft/render', { type: 'EBOOK', body: '{% for a in range(3000) %}{{ "x" * 1 }}{{ description }}{{ description }}{{ description }}{% endfor %}' });
    expect(r.status).toBe(422);
  }, 60_000);

  it('listing templates: no loop exists, and the output is capped', async () => {
    const r = await fetch(`${base}/api/vinted/settings/templates`, {
      method: 'PUT', headers: { authorization: `Bearer ${t.tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: '{% for a in range(100000) %}x{% endfor %}' }),
    });
    expect(r.status).toBe(400);
  });
});
