import { describe, it, expect } from 'vitest';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleSet, listRuleSets, parseRuleSet, grammarRegex, pickVolumeSize, isAllowedVolumeSize, volumeSizeRule, RULES_DIR } from '../../../src/releases/rules/index.ts';

describe('rule sets as data', () => {
  it('lists one rule set per type and year and loads the newest by default', async () => {
    const all = await listRuleSets();
    expect(all.map((r) => r.id).sort()).toEqual(['docs-2024', 'ebook-2024', 'tv-2024']);
    expect((await loadRuleSet('TV')).id).toBe('tv-2024');
    expect((await loadRuleSet('EBOOK', 2024)).archive.format).toBe('zip');
    await expect(loadRuleSet('TV', 1999)).rejects.toThrow(/no TV rule set for 1999 \(available: 2024\)/);
    await expect(loadRuleSet('GAMES' as never)).rejects.toThrow(/unknown release type/);
  });

  it('a newer rule year in another directory wins; a broken file names the field', async () => {
    const d = await mkdtemp(join(tmpdir(), 'atelier-rules-'));
    const tv = await readFile(join(RULES_DIR, 'tv-2024.yaml'), 'utf8');
    await writeFile(join(d, 'tv-2024.yaml'), tv);
    await writeFile(join(d, 'tv-2025.yaml'), tv.replace('id: tv-2024', 'id: tv-2025').replace('year: 2024', 'year: 2025'));
    expect((await loadRuleSet('TV', undefined, d)).year).toBe(2025);
    expect((await loadRuleSet('TV', 2024, d)).year).toBe(2024);
    expect(() => parseRuleSet(tv.replace('maxVolumes: 101', 'maxVolumes: many'), 'x.yaml')).toThrow(/x\.yaml: archive\.maxVolumes/);
    expect(() => parseRuleSet(tv.replace('volumeName: "', 'volumeName: "(['), 'x.yaml')).toThrow(/archive\.volumeName: not a valid regular expression/);
    expect(() => parseRuleSet('a: [', 'y.yaml')).toThrow(/y\.yaml: invalid YAML/);
  });

  it('TV grammar: Show.[YEAR].SxxEyy[.Episode.Title].[TAGS].[LANGUAGE].<RES>.<SOURCE>.<CODEC>-GROUP', async () => {
    const re = grammarRegex(await loadRuleSet('TV'));
    for (const ok of ['Show.S01E01.720p.HDTV.x264-GRP', 'The.Show.2019.S02E10.Episode.Title.PROPER.GERMAN.1080p.WEB.H264-GRP', 'Show.S01E01E02.2160p.AMZN.WEB-DL.H.265-GRP', 'Show.S10E100.576p.DVDRip.XviD-GRP'])
      expect(re.test(ok), ok).toBe(true);
    for (const bad of ['Show.720p.HDTV.x264-GRP', 'Show.S01E01.HDTV.x264-GRP', 'Show.S01E01.720p.HDTV-GRP', 'Show.S01E01.720p.HDTV.x264', 'Show.S1E1.720p.HDTV.x264-GRP'])
      expect(re.test(bad), bad).toBe(false);
  });

  it('DOCS grammar by analogy with EBOOK', async () => {
    const re = grammarRegex(await loadRuleSet('DOCS'));
    expect(re.test('OReilly.Learning_Python.2025.RETAiL.DOCS-GRP')).toBe(true);
    expect(re.test('OReilly.Learning_Python.2025.FRENCH.SCAN.DOCX.DOCS-GRP')).toBe(true);
    expect(re.test('OReilly.Learning_Python.2025.RETAiL.eBOOK-GRP')).toBe(false);
  });

  it('volume sizes: SD 15/20 MB, HD multiples of 50 MB, ebook disks; decimal or binary MB', async () => {
    const tv = await loadRuleSet('TV');
    const sd = volumeSizeRule(tv, 'Show.S01E01.480p.HDTV.x264-GRP');
    const hd = volumeSizeRule(tv, 'Show.S01E01.1080p.WEB.H264-GRP');
    expect(isAllowedVolumeSize(tv, sd, 15_000_000)).toBe(true);
    expect(isAllowedVolumeSize(tv, sd, 20 * 1048576)).toBe(true);
    expect(isAllowedVolumeSize(tv, sd, 50_000_000)).toBe(false);
    expect(isAllowedVolumeSize(tv, hd, 150_000_000)).toBe(true);
    expect(isAllowedVolumeSize(tv, hd, 15_000_000)).toBe(false);
    expect(pickVolumeSize(tv, 'Show.S01E01.1080p.WEB.H264-GRP', 2 ** 30)).toBe(50_000_000);
    expect(pickVolumeSize(tv, 'Show.S01E01.1080p.WEB.H264-GRP', 8e9)).toBe(100_000_000);
    expect(pickVolumeSize(tv, 'Show.S01E01.576p.HDTV.x264-GRP', 3e8)).toBe(15_000_000);
    const eb = await loadRuleSet('EBOOK');
    expect(pickVolumeSize(eb, 'x', 3_000_000)).toBe(5_000_000);
    expect(pickVolumeSize(eb, 'x', 120_000_000)).toBe(150_000_000);
    expect(pickVolumeSize(eb, 'x', 2e9)).toBe(250_000_000);
  });
});
