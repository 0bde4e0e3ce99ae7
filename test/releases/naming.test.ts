import { describe, it, expect } from 'vitest';
import { buildReleaseName, cleanName, nameProblems, segment, transliterate, zipBaseName } from '../../src/releases/naming/index.ts';
import { loadRuleSet } from '../../src/releases/rules/index.ts';
import { validateName } from '../../src/releases/validate/index.ts';
import type { ReleaseMetadata } from '../../src/releases/metadata/types.ts';

const book = (o: Partial<ReleaseMetadata>): ReleaseMetadata => ({ format: 'EPUB', fileName: 'x.epub', size: 1, ...o });

describe('naming', () => {
  it('EBOOK: Author.Title.Year[.LANGUAGE].RETAiL[.FORMAT].eBOOK-GROUP, no language tag for English, no format tag for PDF', async () => {
    const rs = await loadRuleSet('EBOOK');
    const fr = buildReleaseName(book({ title: 'Les Misérables', author: 'Victor Hugo', year: 2012, language: 'fr' }), { type: 'EBOOK', group: 'ATL' });
    expect(fr.name).toBe('Victor.Hugo.Les.Miserables.2012.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    const en = buildReleaseName(book({ format: 'PDF', title: "The Hitchhiker's Guide to the Galaxy: 42 & More", author: 'Douglas Adams', year: 2005, language: 'en' }), { type: 'EBOOK', group: 'ATL', edition: 'SCAN' });
    expect(en.name).toBe('Douglas.Adams.The.Hitchhikers.Guide.To.The.Galaxy.42.And.More.2005.SCAN.eBOOK-ATL');
    const mobi = buildReleaseName(book({ format: 'AZW3', title: 'Straße der Ölbäume', author: 'Jürgen Œlsner', year: 2020, language: 'de' }), { type: 'EBOOK', group: 'ATL', edition: 'HYBRiD' });
    expect(mobi.name).toBe('Jurgen.OElsner.Strasse.Der.Olbaume.2020.GERMAN.HYBRiD.AZW3.eBOOK-ATL');
    for (const n of [fr.name, en.name, mobi.name]) expect(validateName(n, rs).filter((c) => !c.ok)).toEqual([]);
  });

  it('DOCS: Publisher.Title.Year[.LANGUAGE].RETAiL[.FORMAT].DOCS-GROUP, validated by docs-2024', async () => {
    const rs = await loadRuleSet('DOCS');
    const r = buildReleaseName(book({ format: 'DOCX', title: 'Guide de l’installateur', author: 'Marie Curie', publisher: 'ACME SA', year: 2023, language: 'fr' }), { type: 'DOCS', group: 'ATL' });
    expect(r.name).toBe('ACME.SA.Guide.De.Linstallateur.2023.FRENCH.RETAiL.DOCX.DOCS-ATL');
    expect(validateName(r.name, rs).every((c) => c.ok)).toBe(true);
    const pdf = buildReleaseName(book({ format: 'PDF', title: 'Annual Report', author: 'Jane Doe', year: 2021, language: 'en' }), { type: 'DOCS', group: 'ATL' });
    expect(pdf.name).toBe('Jane.Doe.Annual.Report.2021.RETAiL.DOCS-ATL');
  });

  it('TV: Show.[YEAR].SxxEyy[.Episode.Title].[TAGS].[LANGUAGE].<RES>.<SOURCE>.<CODEC>-GROUP', async () => {
    const rs = await loadRuleSet('TV');
    const video = { container: 'Matroska', durationSec: 3, width: 1920, height: 1080, resolution: '1080p', videoCodec: 'HEVC', audio: [{ codec: 'AAC', language: 'fr' }], subtitles: [] };
    const r = buildReleaseName({ format: 'MKV', fileName: 'x.mkv', size: 1, show: 'Le Bureau des Légendes', year: 2015, season: 1, episode: 3, episodeTitle: "L'Épisode", language: 'fr', video }, { type: 'TV', group: 'ATL', source: 'HDTV', tags: ['PROPER'] });
    expect(r.name).toBe('Le.Bureau.Des.Legendes.2015.S01E03.LEpisode.PROPER.FRENCH.1080p.HDTV.x265-ATL');
    expect(validateName(r.name, rs).every((c) => c.ok)).toBe(true);
    const en = buildReleaseName({ format: 'MP4', fileName: 'x.mp4', size: 1, show: 'Some Show', season: 2, episode: 10, video: { ...video, width: 1280, height: 720, resolution: '720p', videoCodec: 'AVC', audio: [{ codec: 'AAC', language: 'en' }, { codec: 'AAC', language: 'de' }] } }, { type: 'TV', group: 'ATL' });
    expect(en.name).toBe('Some.Show.S02E10.MULTi.720p.WEB.H264-ATL');
    expect(() => buildReleaseName({ format: 'MKV', fileName: 'x.mkv', size: 1, show: 'X' }, { type: 'TV', group: 'ATL' })).toThrow(/season\/episode/);
  });

  it('warns when the year or author is missing instead of inventing silently', () => {
    const r = buildReleaseName(book({ title: 'Untitled Notes' }), { type: 'EBOOK', group: 'ATL' });
    expect(r.warnings.join(' ')).toMatch(/no author.*|no year/);
    expect(r.name).toMatch(/^Anonymous\.Untitled\.Notes\.\d{4}\.RETAiL\.ePUB\.eBOOK-ATL$/);
  });

  it('edited names: forbidden characters and repeated punctuation are named; cleanName repairs them', async () => {
    const rs = await loadRuleSet('EBOOK');
    const bad = 'Victor Hugo..Les Misérables!.2012.RETAiL.eBOOK-ATL';
    const failed = validateName(bad, rs).filter((c) => !c.ok).map((c) => c.rule);
    expect(failed).toEqual(expect.arrayContaining(['naming.characters', 'naming.punctuation']));
    expect(nameProblems(bad).join(' ')).toMatch(/forbidden characters.*" ".*"é".*"!"/);
    expect(cleanName(bad)).toBe('Victor.Hugo.Les.Miserables.2012.RETAiL.eBOOK-ATL');
    expect(validateName(cleanName(bad), rs).every((c) => c.ok)).toBe(true);
  });

  it('helpers', () => {
    expect(transliterate('Ærø Čapek ß')).toBe('AEro Capek ss');
    expect(segment("rock 'n' roll — vol. 2")).toBe('Rock.N.Roll.Vol.2');
    expect(zipBaseName('Victor.Hugo.Les.Miserables.2012.FRENCH.RETAiL.ePUB.eBOOK-ATL', 'ATL')).toBe('atlvhl');
    expect(zipBaseName('X-Y', '___')).toMatch(/^[a-z0-9]{1,6}$/);
  });
});
