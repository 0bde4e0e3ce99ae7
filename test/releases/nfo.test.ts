import { describe, it, expect } from 'vitest';
import iconv from 'iconv-lite';
import { defaultTemplate, renderDiz, renderNfo, templateContext, SAMPLE_METADATA, TemplateError, checkTemplate, encodeNfo, decodeNfo, wrapLine } from '../../src/releases/nfo/index.ts';

const facts = { name: 'Victor.Hugo.Les.Miserables.2012.FRENCH.RETAiL.ePUB.eBOOK-ATL', group: 'ATL', type: 'EBOOK' as const, volumes: 3 };

describe('NFO / DIZ', () => {
  it('renders the shipped NFO of every type within 80 columns, in CP437 with box drawing kept', async () => {
    for (const type of ['EBOOK', 'DOCS', 'TV'] as const) {
      const ctx = templateContext(SAMPLE_METADATA[type], { ...facts, type, name: `X.${type}-ATL` });
      const r = await renderNfo(defaultTemplate(type, 'nfo')!, ctx);
      expect(r.columns).toBeLessThanOrEqual(80);
      expect(r.encoding).toBe('cp437');
      expect(r.data.includes(0xdb)).toBe(true); // █ is 0xDB in CP437
      const text = decodeNfo(r.data);
      expect(text).toContain('ATL');
      expect(text).toContain(`X.${type}-ATL`);
      if (type !== 'TV') expect(text).toMatch(/Les Misérables|Guide de l'installateur/);
      else expect(text).toMatch(/Sample Show[\s\S]*S01E02 - Pilot Episode[\s\S]*AVC 720p \(1280x720\)[\s\S]*French/);
      expect(r.data.includes(Buffer.from('\r\n'))).toBe(true);
    }
  });

  it('DIZ: 44 columns × 30 lines at most, with the [xx/NN] disk counter', async () => {
    const ctx = templateContext({ ...SAMPLE_METADATA.EBOOK, title: 'A very long title that certainly does not fit on one forty-four column line' }, facts);
    const r = await renderDiz(defaultTemplate('EBOOK', 'diz')!, ctx);
    expect(r.columns).toBeLessThanOrEqual(44);
    expect(r.lines).toBeLessThanOrEqual(30);
    expect(r.text).toContain('[xx/NN]');
    const forgot = await renderDiz('{{ title }}\n' + 'line\n'.repeat(40), ctx);
    expect(forgot.lines).toBe(30);
    expect(forgot.text.split('\n').at(-1)).toBe('[xx/NN]');
    expect(forgot.warnings.join(' ')).toMatch(/cut to 30.*|disk counter/);
  });

  it('wraps lines longer than the width and says so', async () => {
    const r = await renderNfo('{{ description }}', { description: 'word '.repeat(40) });
    expect(r.columns).toBeLessThanOrEqual(80);
    expect(r.warnings[0]).toMatch(/line 1 was \d+ columns, wrapped to 80/);
    expect(wrapLine('x'.repeat(100), 40)).toEqual(['x'.repeat(40), 'x'.repeat(40), 'x'.repeat(20)]);
  });

  it('CP437 keeps accents it has, transliterates the rest; ASCII fallback maps box drawing', () => {
    const e = encodeNfo('é ü ░ ’quoted’ € ŝ');
    expect(iconv.decode(e.data, 'cp437')).toBe("é ü ░ 'quoted' EUR s");
    expect(e.replaced).toEqual(['’', '€', 'ŝ']);
    const a = encodeNfo('╔══╗ █ é', 'ascii');
    expect(a.data.toString('ascii')).toBe('+==+ # e');
  });

  it('the sandbox refuses constructor access, computed lookups, method calls and includes', async () => {
    for (const bad of [
      "{{ range.constructor('return process')() }}",
      '{{ title.__proto__ }}',
      '{{ title["constr" + "uctor"] }}',
      '{{ title.toUpperCase() }}',
      '{% include "/etc/passwd" %}',
      '{% import "x" as y %}',
    ]) expect(() => checkTemplate(bad), bad).toThrow(TemplateError);
    await expect(renderNfo('{{ range.constructor("return process")() }}', {})).rejects.toThrow(/attribute "constructor" is not allowed/);
    await expect(renderNfo('{{ title.trim() }}', { title: 'x' })).rejects.toThrow(/calling methods is not allowed/);
    expect(() => checkTemplate('{% if %}')).toThrow(TemplateError);
    // autoescape is off: NFOs are plain text
    expect((await renderNfo('{{ t }}', { t: 'Tom & Jerry <3' })).text).toBe('Tom & Jerry <3');
  });
});
