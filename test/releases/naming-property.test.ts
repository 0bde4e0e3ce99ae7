// The Packer never writes a name its own validator rejects: for any metadata the extractors could
// give (any script, any punctuation, years the grammar accepts, every language the rule set knows),
// checkedReleaseName either returns a name that passes validateName — with the author/title
// boundary pinned — or throws a clear NamingError before anything is written.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkedReleaseName, NamingError } from '../../src/releases/naming/checked.ts';
import { loadRuleSet } from '../../src/releases/rules/index.ts';
import { validateName } from '../../src/releases/validate/index.ts';
import type { ReleaseMetadata, SourceFormat } from '../../src/releases/metadata/types.ts';

// words from the scripts the issue names, plus Latin with accents and punctuation
const WORDS = ['吾輩は猫である', '夏目漱石', '红楼梦', '한국어', 'مرحبا', 'שלום', 'भगवद्गीता', 'Москва', 'Ελληνικά',
  'Misérables', 'Straße', "Don't", 'Abroad', 'Crane', 'RETAiL', 'eBOOK-GRP', '1882', '2014', '—', '&', '...', 'x', 'Ærø', '½', '😀'];
const text = fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: 'grapheme', maxLength: 12 })), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const LANGS = ['en', 'fr', 'de', 'ja', 'zh', 'ko', 'ar', 'he', 'sa', 'hi', 'ru', 'el', 'uk', 'la', undefined];

describe('checkedReleaseName (property)', () => {
  for (const type of ['EBOOK', 'DOCS'] as const) {
    it(`${type}: every name built is accepted by the validator with the metadata's boundary`, async () => {
      const rs = await loadRuleSet(type);
      const formats: SourceFormat[] = type === 'EBOOK' ? ['EPUB', 'PDF', 'MOBI', 'AZW3', 'CBZ'] : ['PDF', 'DOCX', 'ODT', 'RTF', 'TXT'];
      let built = 0;
      fc.assert(fc.property(
        text, fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), fc.option(fc.integer({ min: 1500, max: 2199 }), { nil: undefined }),
        fc.constantFrom(...LANGS), fc.constantFrom(...formats), fc.constantFrom('RETAiL', 'SCAN', 'HYBRiD') as fc.Arbitrary<'RETAiL'>,
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_]{0,10}$/),
        (title, author, publisher, year, language, format, edition, group) => {
          const md: ReleaseMetadata = { format, fileName: 'x', size: 1, title, author, authors: author ? [author] : undefined, publisher, year, language };
          try {
            const r = checkedReleaseName(md, { type, group, edition }, rs);
            const failed = validateName(r.name, rs, { parts: r.boundary }).filter((c) => !c.ok);
            expect(failed).toEqual([]);
            expect(r.name).toMatch(/^[A-Za-z0-9._-]+$/);
            built++;
          } catch (e) {
            // only refusals with a reason the user can act on; never a name that fails the rules
            expect(e).toBeInstanceOf(NamingError);
            expect((e as Error).message).toMatch(/no title|no usable character/);
          }
        },
      ), { numRuns: 400, seed: 12 });
      expect(built).toBeGreaterThan(300);
    });
  }

  it('TV: show names in any script give names the validator accepts', async () => {
    const rs = await loadRuleSet('TV');
    fc.assert(fc.property(text, fc.option(text, { nil: undefined }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom(...LANGS),
      (show, episodeTitle, season, episode, language) => {
        const video = { container: 'Matroska', durationSec: 60, width: 1920, height: 1080, resolution: '1080p', videoCodec: 'AVC', audio: [], subtitles: [] };
        try {
          const r = checkedReleaseName({ format: 'MKV', fileName: 'x', size: 1, show, episodeTitle, season, episode, language, video }, { type: 'TV', group: 'GRP' }, rs);
          expect(validateName(r.name, rs, { parts: r.boundary }).every((c) => c.ok)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(NamingError);
          expect((e as Error).message).toMatch(/no show name/);
        }
      }), { numRuns: 300, seed: 7 });
  });
});

describe('the cases the W3C samples hit', () => {
  it('Thomas Crane Abroad 1882: a 19th-century year is accepted by the grammar', async () => {
    const rs = await loadRuleSet('EBOOK');
    const r = checkedReleaseName({ format: 'EPUB', fileName: 'x', size: 1, title: 'Abroad', author: 'Thomas Crane', year: 1882, language: 'en' }, { type: 'EBOOK', group: 'GRP' }, rs);
    expect(r.name).toBe('Thomas.Crane.Abroad.1882.RETAiL.ePUB.eBOOK-GRP');
    expect(r.checks.find((c) => c.rule === 'naming.grammar')!.detail).toContain('year=1882');
  });

  it('Charles Madison Curry: the check reads the author/title split from the metadata', async () => {
    const rs = await loadRuleSet('EBOOK');
    const r = checkedReleaseName({ format: 'EPUB', fileName: 'x', size: 1, title: "Children's Literature", author: 'Charles Madison Curry', year: 1921, language: 'en' }, { type: 'EBOOK', group: 'GRP' }, rs);
    expect(r.name).toBe('Charles.Madison.Curry.Childrens.Literature.1921.RETAiL.ePUB.eBOOK-GRP');
    const grammar = r.checks.find((c) => c.rule === 'naming.grammar')!;
    expect(grammar.detail).toContain('author=Charles.Madison.Curry');
    expect(grammar.detail).toContain('title=Childrens.Literature');
    // alone, the grammar splits it wrongly; with the boundary a name that contradicts it fails
    const alone = validateName(r.name, rs).find((c) => c.rule === 'naming.grammar')!;
    expect(alone.detail).toContain('author=Charles title=Madison.Curry.Childrens.Literature');
    const wrong = validateName(r.name, rs, { parts: { author: 'Charles.Madison', title: 'Curry.Childrens.Literature.Extra' } }).find((c) => c.rule === 'naming.grammar')!;
    expect(wrong.ok).toBe(false);
    expect(wrong.detail).toMatch(/does not split as the metadata says/);
  });

  it('non-Latin titles and authors are transliterated to ASCII', async () => {
    const rs = await loadRuleSet('EBOOK');
    const cases: [Partial<ReleaseMetadata>, RegExp][] = [
      [{ title: '吾輩は猫である', author: '夏目漱石', language: 'ja' }, /^Xia\.?Mu\.?Shu\.?Shi\.Wu.*\.2020\.JAPANESE\.RETAiL\.ePUB\.eBOOK-GRP$/i],
      [{ title: 'שלום עולם', author: 'עמוס עוז', language: 'he' }, /\.HEBREW\.RETAiL\.ePUB\.eBOOK-GRP$/],
      [{ title: 'भगवद्गीता', author: 'व्यास', language: 'sa' }, /^Vyas.*\.Bhgvdgita\.2020\.SANSKRIT\./i],
      [{ title: 'Война и мир', author: 'Лев Толстой', language: 'ru' }, /^Lev\.Tolstoy\.Voyna\.I\.Mir\.2020\.RUSSIAN\./],
      [{ title: '红楼梦', author: '曹雪芹', language: 'zh' }, /^Cao.*Hong.*Lou.*Meng.*\.CHINESE\./i],
      [{ title: '채식주의자', author: '한강', language: 'ko' }, /\.KOREAN\./],
      [{ title: 'مرحبا', author: 'نجيب محفوظ', language: 'ar' }, /\.ARABIC\./],
      [{ title: 'Ἰλιάς', author: 'Ὅμηρος', language: 'el' }, /^H?omiros\.Ilias\.2020\.GREEK\./i],
    ];
    for (const [md, re] of cases) {
      const r = checkedReleaseName({ format: 'EPUB', fileName: 'x', size: 1, year: 2020, ...md }, { type: 'EBOOK', group: 'GRP' }, rs);
      expect(r.name).toMatch(re);
    }
  });

  it('no date: today is used with a loud warning, a date out of range is refused', async () => {
    const rs = await loadRuleSet('EBOOK');
    const r = checkedReleaseName({ format: 'EPUB', fileName: 'x', size: 1, title: 'T', author: 'A' }, { type: 'EBOOK', group: 'GRP' }, rs);
    expect(r.warnings.join(' ')).toMatch(/no date in the metadata.*used/);
    expect(() => checkedReleaseName({ format: 'EPUB', fileName: 'x', size: 1, title: 'T', author: 'A', year: 1200 }, { type: 'EBOOK', group: 'GRP' }, rs)).toThrow(/outside 1500/);
  });
});
