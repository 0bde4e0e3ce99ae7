// EPUBs shaped like the W3C samples that did not pack: Japanese, Hebrew and Sanskrit titles, a
// 19th-century date, a three-word author, and the WCAG book dated only by <meta property="dc:date">.
// Each is a real EPUB (container.xml → OPF) written here and packed by the real pipeline.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractMetadata } from '../../src/releases/metadata/index.ts';
import { packRelease } from '../../src/releases/pack/pipeline.ts';
import { loadRuleSet } from '../../src/releases/rules/index.ts';
import { defaultTemplate } from '../../src/releases/nfo/index.ts';
import { writeZip } from './samples.ts';

let dir: string;
beforeAll(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rel-epub-names-')); });
afterAll(async () => { await fs.rm(dir, { recursive: true, force: true }); });

/** an EPUB whose OPF <metadata> is exactly `metadata` (version 2.0 or 3.0) */
function epub(name: string, metadata: string, version = '3.0'): Promise<string> {
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="${version}" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:identifier id="uid">urn:uuid:00000000-0000-4000-8000-000000000000</dc:identifier>
    ${metadata}
  </metadata>
  <manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>
  <spine><itemref idref="c1"/></spine>
</package>`;
  return writeZip(path.join(dir, name), [
    ['mimetype', 'application/epub+zip', false],
    ['META-INF/container.xml', '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'],
    ['OPS/package.opf', opf],
    ['OPS/c1.xhtml', '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head><body><p>text</p></body></html>'],
  ]);
}

const MODIFIED = '<meta property="dcterms:modified">2026-01-02T03:04:05Z</meta>';

async function pack(file: string) {
  const out = path.join(dir, `out-${path.basename(file)}`);
  await fs.mkdir(out, { recursive: true });
  return packRelease({
    sourcePath: file, type: 'EBOOK', group: 'GRP', ruleSet: await loadRuleSet('EBOOK'), outDir: out,
    templates: { nfo: defaultTemplate('EBOOK', 'nfo')!, diz: defaultTemplate('EBOOK', 'diz') }, volumeSize: 5_000_000,
  });
}

describe('EPUB dates: every EPUB 2/3 form, never today in silence', () => {
  const cases: [string, string, string, number | undefined, string?][] = [
    ['EPUB 3 dc:date', '3.0', '<dc:title>T</dc:title><dc:date>2011-09-01</dc:date>', 2011],
    ['WCAG: meta property="dc:date"', '3.0', '<dc:title>WCAG</dc:title><meta property="dc:date">2014-06-19</meta>', 2014],
    ['meta property="dcterms:date"', '3.0', '<dc:title>T</dc:title><meta property="dcterms:date">1999</meta>', 1999],
    ['meta property="dcterms:issued"', '3.0', '<dc:title>T</dc:title><meta property="dcterms:issued">2003-05</meta>', 2003],
    ['EPUB 2 opf:event, publication first', '2.0', '<dc:title>T</dc:title><dc:date opf:event="modification">2020-01-01</dc:date><dc:date opf:event="publication">1882</dc:date>', 1882],
    ['EPUB 2 meta name/content', '2.0', '<dc:title>T</dc:title><meta name="dc:date" content="1905-03-01"/>', 1905],
    ['free text date', '3.0', '<dc:title>T</dc:title><dc:date>June 1921</dc:date>', 1921],
    ['only dcterms:modified: used, said to be a modification date', '3.0', '<dc:title>T</dc:title>', 2026, 'dcterms:modified'],
  ];
  for (const [what, version, md, year, from] of cases) {
    it(what, async () => {
      const file = await epub(`${what.replace(/\W+/g, '-')}.epub`, `${md}<dc:language>en</dc:language>${version === '3.0' ? MODIFIED : ''}`, version);
      const found = await extractMetadata(file);
      expect(found.year).toBe(year);
      if (from) expect(found.extra?.dateFrom).toBe(from);
    });
  }

  it('a modification date as the only date packs with a warning that says so', async () => {
    const r = await pack(await epub('mod-only.epub', `<dc:title>Only Modified</dc:title><dc:creator>Jane Roe</dc:creator><dc:language>en</dc:language>${MODIFIED}`));
    expect(r.release.name).toBe('Jane.Roe.Only.Modified.2026.RETAiL.ePUB.eBOOK-GRP');
    expect(r.nameWarnings.join(' ')).toMatch(/modification date/);
  });

  it('no date at all: the warning says today was used', async () => {
    const r = await pack(await epub('no-date.epub', '<dc:title>Undated</dc:title><dc:creator>Jane Roe</dc:creator><dc:language>en</dc:language>', '2.0'));
    expect(r.nameWarnings.join(' ')).toMatch(/no date in the metadata.*used/);
  });
});

describe('the books that did not pack now do, valid', () => {
  const books: [string, string, RegExp][] = [
    ['japanese.epub', '<dc:title>吾輩は猫である</dc:title><dc:creator>夏目漱石</dc:creator><dc:language>ja</dc:language><dc:date>1905</dc:date>', /^XiaMuShuShi\.Wu.*\.1905\.JAPANESE\.RETAiL\.ePUB\.eBOOK-GRP$/i],
    ['hebrew.epub', '<dc:title>ספר הדוגמה</dc:title><dc:creator>משה כהן</dc:creator><dc:language>he</dc:language><dc:date>2012</dc:date>', /^Msh\.Khhn\.Sfr\.Hdvgmh\.2012\.HEBREW\.RETAiL\.ePUB\.eBOOK-GRP$/],
    ['sanskrit.epub', '<dc:title>भगवद्गीता</dc:title><dc:creator>व्यास</dc:creator><dc:language>sa</dc:language><dc:date>2013</dc:date>', /\.Bhgvdgita\.2013\.SANSKRIT\.RETAiL\.ePUB\.eBOOK-GRP$/],
    ['crane.epub', '<dc:title>Abroad</dc:title><dc:creator>Thomas Crane</dc:creator><dc:language>en</dc:language><dc:date>1882</dc:date>', /^Thomas\.Crane\.Abroad\.1882\.RETAiL\.ePUB\.eBOOK-GRP$/],
    ['curry.epub', "<dc:title>Children's Literature</dc:title><dc:creator>Charles Madison Curry</dc:creator><dc:language>en</dc:language><dc:date>1921</dc:date>", /^Charles\.Madison\.Curry\.Childrens\.Literature\.1921\./],
    ['wcag.epub', '<dc:title>WCAG 2.0</dc:title><dc:creator>W3C</dc:creator><dc:language>en</dc:language><meta property="dc:date">2014-06-19</meta>', /^W3C\.WCAG\.2\.0\.2014\.RETAiL\.ePUB\.eBOOK-GRP$/],
  ];
  for (const [file, md, re] of books) {
    it(file, async () => {
      const r = await pack(await epub(file, md + MODIFIED));
      expect(r.release.name).toMatch(re);
      expect(r.validation.checks.filter((c) => !c.ok)).toEqual([]);
      expect(r.ok).toBe(true);
      if (file === 'curry.epub') expect(r.validation.checks.find((c) => c.rule === 'naming.grammar')!.detail).toContain('author=Charles.Madison.Curry title=Childrens.Literature');
      await fs.access(r.release.dir);
    });
  }
});
