// Finding 2 (critical): a Vinted listing template ran code on the server. The deny-list was bypassed
// with Nunjucks' `~` concatenation, and checkTemplate *rendered* the template at save time. Listing
// templates are now a logic-less language evaluated by our own code; NFO/DIZ templates (Nunjucks,
// AST-checked) are audited with the same payloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import releases from '../../src/releases/index.ts';
import { checkTemplate, renderTemplate } from '../../src/vinted/listings/templates.ts';
import { checkTemplate as checkNfo } from '../../src/releases/nfo/index.ts';

let t: TestPlatform;
const marker = path.join(os.tmpdir(), `atelier-pwned-${process.pid}`);
const cmd = `require('fs').writeFileSync('${marker}', 'x')`;
// payloads that reach Function in Nunjucks without spelling a forbidden name
const PAYLOADS = [
  `{% set c = "constr" ~ "uctor" %}{{ range[c][c]("return process.mainModule.${cmd}")() }}`,
  `{{ cycler[("constr" ~ "uctor")][("constr" ~ "uctor")]("return process.mainModule.${cmd}")() }}`,
  `{{ ""["constructor"]["constructor"]("${cmd}")() }}`,
  `{{ joiner["con" + "structor"]("x") }}`,
  `{% for i in range(0, 100000000) %}x{% endfor %}`,
  '{Catégorie.constructor}', '{constructor}', '{__proto__}', '{Marque|constructor}', '{Marque|eval:"1"}', '{#constructor}x{/constructor}',
];

beforeAll(async () => {
  fs.rmSync(marker, { force: true });
  t = await createTestPlatform({ modules: [vinted, releases], work: false });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(marker, { force: true });
});

describe('finding 2: user templates cannot reach JavaScript', () => {
  it('saving a hostile listing template is refused with a clear message, and nothing runs', async () => {
    for (const p of PAYLOADS) {
      for (const field of ['title', 'description']) {
        const r = await t.request('PUT', '/api/vinted/settings/templates', { token: t.tokens.operator, body: { [field]: p } });
        expect(r.status, `${field}: ${p}`).toBe(400);
        expect(r.body.error.message).toMatch(/template/);
      }
    }
    expect(fs.existsSync(marker)).toBe(false);
    const cur = await t.request('GET', '/api/vinted/settings/templates', { token: t.tokens.viewer });
    expect(JSON.stringify(cur.body.templates)).not.toMatch(/constructor/);
  });

  it('the renderer only substitutes values: no name, filter or section reaches an object', () => {
    for (const p of PAYLOADS) expect(() => checkTemplate(p), p).toThrow();
    // values that look like code are text
    expect(renderTemplate('{Marque} {Taille}', { Marque: '{{ range.constructor("return 1") }}', Taille: '{constructor}' }))
      .toBe('{{ range.constructor("return 1") }} {constructor}');
    // prototype names are never looked up, even when the values object has them
    const values = Object.create({ Marque: 'inherited' });
    expect(renderTemplate('[{Marque}]', values)).toBe('[]');
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('NFO/DIZ templates (Nunjucks, AST-checked): the same payloads are refused before any render', async () => {
    for (const p of PAYLOADS.slice(0, 4)) {
      expect(() => checkNfo(p), p).toThrow();
      const r = await t.request('POST', '/api/releases/templates/draft/render', { token: t.tokens.viewer, body: { type: 'EBOOK', body: p } });
      expect([400, 422], p).toContain(r.status);
    }
    expect(fs.existsSync(marker)).toBe(false);
  });
});
