import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractMetadata, MetadataError } from '../../src/releases/metadata/index.ts';
import { detectEncoding } from '../../src/releases/metadata/txt.ts';
import { parseEpisodeName } from '../../src/releases/metadata/video.ts';
import { FIXTURES, writeCbz, writeDocx, writeEpub, writeMobi, writeOdt, writePdf, writeRtf, writeTxt, writeZip } from './samples.ts';

let dir: string;
beforeAll(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rel-md-')); });
afterAll(async () => { await fs.rm(dir, { recursive: true, force: true }); });
const p = (name: string) => path.join(dir, name);

async function expectCorrupt(file: string, pattern: RegExp, label?: string) {
  const err = await extractMetadata(file, label).then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(MetadataError);
  expect(err.message).toMatch(pattern);
  return err as MetadataError;
}

describe('EPUB', () => {
  it('reads container.xml → OPF dc:* (authors only, not illustrators; ISBN from urn:isbn)', async () => {
    const f = await writeEpub(p('b.epub'), { title: 'Les Misérables', author: 'Hugo, Victor', publisher: 'Gallimard', date: '1862-04-03', language: 'fr', isbn: '978-2-07-040850-4' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'EPUB', title: 'Les Misérables', authors: ['Victor Hugo'], author: 'Victor Hugo', publisher: 'Gallimard', year: 1862, language: 'fr', isbn: '9782070408504', subjects: ['Fiction'] });
    expect(md.size).toBe((await fs.stat(f)).size);
  });
  it('fails clearly on a truncated zip and on a zip that is not an EPUB', async () => {
    const f = await writeEpub(p('t.epub'), { title: 'T', author: 'A' });
    const buf = await fs.readFile(f);
    await fs.writeFile(p('trunc.epub'), buf.subarray(0, Math.floor(buf.length / 2)));
    const e = await expectCorrupt(p('trunc.epub'), /not a readable ZIP.*truncated/);
    expect(e.code).toBe('corrupt');
    await writeZip(p('plain.epub'), [['hello.txt', 'hi']]);
    await expectCorrupt(p('plain.epub'), /container\.xml is missing/);
  });
});

describe('PDF', () => {
  it('reads the info dict (UTF-16 title, escaped parentheses), page count and XMP', async () => {
    const f = await writePdf(p('d.pdf'), { title: 'Þe Ünïcode Guide — 2e', author: 'Jane Doe', pages: 3, isbn: '9780306406157', date: '2021-03-15', xmp: true, publisher: 'O\'Reilly', language: 'de' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'PDF', title: 'Þe Ünïcode Guide — 2e', author: 'Jane Doe', pages: 3, year: 2021, date: '2021-03-15', isbn: '9780306406157', publisher: "O'Reilly", language: 'de', application: 'atelier test (sample)' });
  });
  it('finds an info dict inside a compressed object stream (PDF 1.5)', async () => {
    const f = await writePdf(p('c.pdf'), { title: 'Compressed Info', author: 'Zed Writer', pages: 2, compressInfo: true });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ title: 'Compressed Info', author: 'Zed Writer', pages: 2, language: 'en' });
  });
  it('refuses a file that is not a PDF, and a truncated one', async () => {
    await fs.writeFile(p('fake.pdf'), '<html>not a pdf</html>');
    await expectCorrupt(p('fake.pdf'), /not a PDF: the %PDF- header is missing/);
    const good = await fs.readFile(await writePdf(p('g.pdf'), { title: 'G', author: 'A', pages: 1 }));
    await fs.writeFile(p('cut.pdf'), good.subarray(0, good.length - 200));
    await expectCorrupt(p('cut.pdf'), /truncated PDF/);
  });
});

describe('MOBI / AZW3', () => {
  it('reads EXTH 100/101/104/106/503/524 from a MOBI', async () => {
    const f = await writeMobi(p('m.mobi'), { title: 'The Hobbit', author: 'Tolkien, J. R. R.', publisher: 'HarperCollins', isbn: '0-306-40615-2', date: '1937-09-21T00:00:00+00:00', language: 'en' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'MOBI', title: 'The Hobbit', author: 'J. R. R. Tolkien', publisher: 'HarperCollins', isbn: '0306406152', year: 1937, language: 'en' });
  });
  it('tells AZW3 (KF8, version 8) and falls back to the full name and the locale', async () => {
    const f = await writeMobi(p('k.azw3'), { title: 'Le Petit Prince', author: 'Antoine de Saint-Exupéry', kf8: true, exthTitle: false, language: '' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'AZW3', title: 'Le Petit Prince', author: 'Antoine de Saint-Exupéry', language: 'fr' });
  });
  it('refuses a bad PalmDB', async () => {
    await fs.writeFile(p('bad.mobi'), Buffer.alloc(200, 0x41));
    await expectCorrupt(p('bad.mobi'), /bad PalmDB: type\/creator/);
    await fs.writeFile(p('short.mobi'), Buffer.from('BOOKMOBI'));
    await expectCorrupt(p('short.mobi'), /bad PalmDB/);
    const good = await fs.readFile(await writeMobi(p('g.mobi'), { title: 'X', author: 'Y' }));
    await fs.writeFile(p('cut.mobi'), good.subarray(0, 120));
    await expectCorrupt(p('cut.mobi'), /bad PalmDB: record 0 spans/);
  });
});

describe('CBZ', () => {
  it('counts pages and reads ComicInfo.xml', async () => {
    const f = await writeCbz(p('c.cbz'), { pages: 4, comicInfo: '<?xml version="1.0"?><ComicInfo><Series>Astérix</Series><Number>1</Number><Writer>René Goscinny, Albert Uderzo</Writer><Publisher>Dargaud</Publisher><Year>1961</Year><LanguageISO>fr</LanguageISO></ComicInfo>' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'CBZ', title: 'Astérix 1', series: 'Astérix', authors: ['René Goscinny', 'Albert Uderzo'], publisher: 'Dargaud', year: 1961, language: 'fr', pages: 4 });
  });
  it('refuses a ZIP without images', async () => {
    await writeZip(p('e.cbz'), [['readme.txt', 'x']]);
    await expectCorrupt(p('e.cbz'), /no page images/);
  });
});

describe('DOCX / ODT', () => {
  it('reads docProps/core.xml and app.xml', async () => {
    const f = await writeDocx(p('w.docx'), { title: 'Guide de l’installateur', author: 'Marie Curie', pages: 12, language: 'fr-FR', company: 'ACME SA', date: '2023-05-06T10:00:00Z' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'DOCX', title: 'Guide de l’installateur', author: 'Marie Curie', pages: 12, words: 1234, language: 'fr', publisher: 'ACME SA', year: 2023, subjects: ['manual', 'guide'] });
  });
  it('reads ODT meta.xml', async () => {
    const f = await writeOdt(p('o.odt'), { title: 'Rapport annuel', author: 'Jean Dupont', pages: 7 });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'ODT', title: 'Rapport annuel', author: 'Jean Dupont', pages: 7, words: 321, language: 'fr', year: 2022, application: 'LibreOffice/7.4' });
  });
  it('refuses a DOCX that is not OOXML and a truncated ODT', async () => {
    await writeZip(p('n.docx'), [['a.txt', 'x']]);
    await expectCorrupt(p('n.docx'), /not a DOCX/);
    const good = await fs.readFile(await writeOdt(p('g.odt'), { title: 'G', author: 'A', pages: 1 }));
    await fs.writeFile(p('cut.odt'), good.subarray(0, 100));
    await expectCorrupt(p('cut.odt'), /not a readable ZIP/);
  });
});

describe('RTF', () => {
  it('reads the \\info group with cp1252 escapes and \\u characters', async () => {
    const f = await writeRtf(p('r.rtf'), { title: 'Études ŝpéciales', author: 'Émile Zola', publisher: 'Charpentier', pages: 5, date: '1885-03-02' });
    const md = await extractMetadata(f);
    expect(md).toMatchObject({ format: 'RTF', title: 'Études ŝpéciales', author: 'Émile Zola', publisher: 'Charpentier', pages: 5, year: 1885, date: '1885-03-02', language: 'fr' });
  });
  it('refuses a non-RTF and a truncated RTF', async () => {
    await fs.writeFile(p('x.rtf'), 'plain text');
    await expectCorrupt(p('x.rtf'), /not an RTF/);
    const good = await fs.readFile(await writeRtf(p('g.rtf'), { title: 'G', author: 'A', pages: 1 }));
    await fs.writeFile(p('cut.rtf'), good.subarray(0, 60));
    await expectCorrupt(p('cut.rtf'), /truncated RTF/);
  });
});

describe('TXT', () => {
  const content = 'Title: Le Comte de Monte-Cristo\nAuthor: Alexandre Dumas\nRelease Date: 1844\nLanguage: French\n\nChapitre premier. Marseille — L’arrivée. Élève, garçon, déjà.\n';
  it('detects UTF-8 and reads Gutenberg-style headers', async () => {
    const md = await extractMetadata(await writeTxt(p('u.txt'), content, 'utf-8'));
    expect(md).toMatchObject({ format: 'TXT', encoding: 'utf-8', title: 'Le Comte de Monte-Cristo', author: 'Alexandre Dumas', year: 1844, language: 'fr' });
  });
  it('detects Latin-1 / Windows-1252 and decodes accents right', async () => {
    const latin = 'Les Fleurs du mal\nby Charles Baudelaire\n\nÀ la très-chère, à la très-belle. Élévation.\n';
    const md = await extractMetadata(await writeTxt(p('l.txt'), latin, 'latin1'));
    expect(md).toMatchObject({ encoding: 'iso-8859-1', title: 'Les Fleurs du mal', author: 'Charles Baudelaire' });
    expect(detectEncoding(Buffer.from([0x93, 0x41, 0x94]))).toBe('windows-1252');
    expect(detectEncoding(Buffer.from('plain'))).toBe('ascii');
    const u16 = await extractMetadata(await writeTxt(p('w.txt'), 'Titre : Été\nAuteur : Zoé\n', 'utf-16le-bom'));
    expect(u16).toMatchObject({ encoding: 'utf-16le', title: 'Été', author: 'Zoé' });
  });
  it('refuses a binary file named .txt', async () => {
    await fs.writeFile(p('bin.txt'), Buffer.from([0x41, 0, 0, 0x42, 0xff, 0]));
    await expectCorrupt(p('bin.txt'), /NUL bytes/);
  });
});

describe('video (mediainfo.js)', () => {
  it('reads an MKV: duration, resolution, codecs, audio tracks and languages, subtitles, episode from the name', async () => {
    const md = await extractMetadata(path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'));
    expect(md).toMatchObject({ format: 'MKV', show: 'Sample Show', season: 1, episode: 2, episodeTitle: 'Pilot Episode', language: 'en' });
    expect(md.video).toMatchObject({ container: 'Matroska', width: 1280, height: 720, resolution: '720p', videoCodec: 'AVC', encoder: 'x264' });
    expect(md.video!.durationSec).toBeCloseTo(3, 0);
    expect(md.video!.audio.map((a) => [a.codec, a.language, a.channels])).toEqual([['AAC', 'en', 2], ['AAC', 'fr', 2]]);
    expect(md.video!.subtitles).toEqual([expect.objectContaining({ language: 'fr' })]);
  });
  it('reads an MP4', async () => {
    const md = await extractMetadata(path.join(FIXTURES, 'sample-clip.mp4'));
    expect(md.format).toBe('MP4');
    expect(md.video).toMatchObject({ container: 'MPEG-4', width: 640, height: 360, resolution: '480p', videoCodec: 'AVC' });
    expect(md.video!.audio[0]).toMatchObject({ codec: 'AAC', language: 'en' });
  });
  it('refuses a file with no video track', async () => {
    await fs.writeFile(p('junk.mkv'), Buffer.alloc(5000, 7));
    await expectCorrupt(p('junk.mkv'), /no video track found/);
    const mkv = await fs.readFile(path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'));
    await fs.writeFile(p('cut.mkv'), mkv.subarray(0, 100));
    await expectCorrupt(p('cut.mkv'), /no video track|could not read/);
  });
  it('parses episode names', () => {
    expect(parseEpisodeName('The.Office.US.2005.S02E10.Christmas.Party.720p.WEB.x264-GRP.mkv')).toEqual({ show: 'The Office US', year: 2005, season: 2, episode: 10, episodeTitle: 'Christmas Party' });
    expect(parseEpisodeName('Doctor Who - 3x07 - 42.mkv')).toMatchObject({ show: 'Doctor Who', season: 3, episode: 7, episodeTitle: '42' });
  });
});

describe('dispatch', () => {
  it('refuses unsupported extensions and empty files', async () => {
    await fs.writeFile(p('a.exe'), 'MZ');
    await expect(extractMetadata(p('a.exe'))).rejects.toThrow(/unsupported file type/);
    await fs.writeFile(p('empty.epub'), '');
    await expectCorrupt(p('empty.epub'), /empty/);
  });
});
