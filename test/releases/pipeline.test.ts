// The pack pipeline end to end without the platform: real sources in, real release directories
// out, checked by the validator and by Debian's own tools (unar, unrar-free, cksfv, unzip).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import yauzl from 'yauzl';
import { packRelease, PackError } from '../../src/releases/pack/pipeline.ts';
import { loadRuleSet } from '../../src/releases/rules/index.ts';
import { validateRelease } from '../../src/releases/validate/index.ts';
import { defaultTemplate, decodeNfo } from '../../src/releases/nfo/index.ts';
import { extractMetadata } from '../../src/releases/metadata/index.ts';
import { FIXTURES, PNG_1x1, writeCbz, writeDocx, writeEpub, writeMobi, writeOdt, writePdf, writeRtf, writeTxt, writeVideo } from './samples.ts';
import { officialUnrar } from './archive/tools.ts';

let dir: string;
beforeAll(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rel-pack-')); });
afterAll(async () => { await fs.rm(dir, { recursive: true, force: true }); });

const run = (cmd: string, args: string[], cwd?: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
};
const tpl = (type: 'EBOOK' | 'DOCS' | 'TV') => ({ nfo: defaultTemplate(type, 'nfo')!, diz: defaultTemplate(type, 'diz') });

function zipEntries(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => zip.openReadStream(e, (e2, s) => {
        if (e2 || !s) return reject(e2);
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => { out.set(e.fileName, Buffer.concat(chunks)); zip.readEntry(); });
      }));
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

describe('pack pipeline', () => {
  it('EBOOK from an EPUB: NFO + ZIP volume with the NFO and FILE_ID.DIZ inside; passes ebook-2024', async () => {
    const src = await writeEpub(path.join(dir, 'book.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr', isbn: '9782070413454' });
    const logs: string[] = [];
    const progress: number[] = [];
    const r = await packRelease({ sourcePath: src, type: 'EBOOK', group: 'ATL', ruleSet: await loadRuleSet('EBOOK'), outDir: path.join(dir, 'out'), templates: tpl('EBOOK'), volumeSize: 5_000_000 },
      { log: (_l, m) => { logs.push(m); }, progress: (b) => { progress.push(b); } });
    expect(r.validation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.release.name).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    expect(r.release.files.map((f) => f.name)).toEqual(['atlslr.nfo', 'atlslr1.zip']);
    const entries = await zipEntries(path.join(r.release.dir, 'atlslr1.zip'));
    expect([...entries.keys()].sort()).toEqual(['FILE_ID.DIZ', 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL.epub', 'atlslr.nfo']);
    expect(entries.get('Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL.epub')!.equals(await fs.readFile(src))).toBe(true);
    expect(decodeNfo(entries.get('FILE_ID.DIZ')!)).toContain('[01/01]');
    expect(entries.get('atlslr.nfo')!.equals(await fs.readFile(path.join(r.release.dir, 'atlslr.nfo')))).toBe(true);
    expect(run('unzip', ['-t', path.join(r.release.dir, 'atlslr1.zip')]).code).toBe(0);
    expect(logs.join('\n')).toMatch(/validation against ebook-2024: passed/);
    expect(progress.at(-1)).toBe((await fs.stat(src)).size);
    // no partial directory left behind
    expect((await fs.readdir(path.join(dir, 'out'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('DOCS from a DOCX and from a PDF pass docs-2024', async () => {
    const rs = await loadRuleSet('DOCS');
    const docx = await writeDocx(path.join(dir, 'g.docx'), { title: 'Guide Pratique', author: 'Jean Dupont', pages: 12, company: 'ACME', date: '2023-05-06T10:00:00Z', language: 'fr-FR' });
    const a = await packRelease({ sourcePath: docx, type: 'DOCS', group: 'ATL', ruleSet: rs, outDir: path.join(dir, 'docs'), templates: tpl('DOCS'), volumeSize: 5_000_000 });
    expect(a.validation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(a.release.name).toBe('ACME.Guide.Pratique.2023.FRENCH.RETAiL.DOCX.DOCS-ATL');
    const pdf = await writePdf(path.join(dir, 'r.pdf'), { title: 'Annual Report', author: 'Jane Doe', pages: 2, date: '2021-03-15', language: 'en' });
    const b = await packRelease({ sourcePath: pdf, type: 'DOCS', group: 'ATL', ruleSet: rs, outDir: path.join(dir, 'docs'), templates: tpl('DOCS'), volumeSize: 5_000_000 });
    expect(b.ok).toBe(true);
    expect(b.release.name).toBe('Jane.Doe.Annual.Report.2021.RETAiL.DOCS-ATL');
  });

  it('every other source format makes a valid release of its type', async () => {
    const cases: [string, 'EBOOK' | 'DOCS', () => Promise<string>, string][] = [
      ['mobi', 'EBOOK', () => writeMobi(path.join(dir, 'm.mobi'), { title: 'The Hobbit', author: 'Tolkien, J. R. R.', date: '2012-09-21', language: 'en' }), 'J.R.R.Tolkien.The.Hobbit.2012.RETAiL.MOBI.eBOOK-ATL'],
      ['azw3', 'EBOOK', () => writeMobi(path.join(dir, 'k.azw3'), { title: 'Vol de nuit', author: 'Antoine de Saint-Exupéry', date: '2019', language: 'fr', kf8: true }), 'Antoine.De.Saint.Exupery.Vol.De.Nuit.2019.FRENCH.RETAiL.AZW3.eBOOK-ATL'],
      ['cbz', 'EBOOK', () => writeCbz(path.join(dir, 'c.cbz'), { pages: 3, comicInfo: '<ComicInfo><Series>Blake et Mortimer</Series><Number>1</Number><Writer>Edgar P. Jacobs</Writer><Year>2010</Year><LanguageISO>fr</LanguageISO></ComicInfo>' }), 'Edgar.P.Jacobs.Blake.Et.Mortimer.1.2010.FRENCH.RETAiL.CBZ.eBOOK-ATL'],
      ['odt', 'DOCS', () => writeOdt(path.join(dir, 'o.odt'), { title: 'Rapport annuel', author: 'Jean Dupont', pages: 7 }), 'Jean.Dupont.Rapport.Annuel.2022.FRENCH.RETAiL.ODT.DOCS-ATL'],
      ['rtf', 'DOCS', () => writeRtf(path.join(dir, 'r.rtf'), { title: 'Notes de cours', author: 'Émile Zola', publisher: 'Charpentier', pages: 5, date: '2020-03-02' }), 'Charpentier.Notes.De.Cours.2020.FRENCH.RETAiL.RTF.DOCS-ATL'],
      ['txt', 'DOCS', () => writeTxt(path.join(dir, 't.txt'), 'Title: Plain Notes\nAuthor: Ann Writer\nRelease Date: 2018\n\nHello.\n', 'utf-8'), 'Ann.Writer.Plain.Notes.2018.RETAiL.TXT.DOCS-ATL'],
    ];
    for (const [label, type, make, expected] of cases) {
      const r = await packRelease({ sourcePath: await make(), type, group: 'ATL', ruleSet: await loadRuleSet(type), outDir: path.join(dir, `fmt-${label}`), templates: tpl(type), volumeSize: 5_000_000 });
      expect(r.release.name, label).toBe(expected);
      expect(r.validation.checks.filter((c) => !c.ok), label).toEqual([]);
    }
  });

  it('TV from an MKV: RAR4 volumes + SFV + NFO; cksfv passes, unar, unrar-free and RARLAB unrar (WASM) extract it byte for byte', async () => {
    const src = path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv');
    const original = await fs.readFile(src);
    // small volumes to get a real multi-volume set (the rule set then refuses the size, and says so)
    const r = await packRelease({ sourcePath: src, type: 'TV', group: 'ATL', ruleSet: await loadRuleSet('TV'), outDir: path.join(dir, 'tv'), templates: tpl('TV'), volumeSize: 20_000 });
    const files = r.release.files.map((f) => f.name);
    const base = 'sample.show.s01e02.pilot.episode.multi.720p.web.h264-atl';
    expect(files).toEqual([`${base}.nfo`, `${base}.r00`, `${base}.r01`, `${base}.r02`, `${base}.rar`, `${base}.sfv`]);
    expect(r.validation.checks.filter((c) => !c.ok).map((c) => c.rule)).toEqual(['archive.volume-size']);
    expect(run('cksfv', ['-f', `${base}.sfv`], r.release.dir).code).toBe(0);
    const x1 = path.join(dir, 'x-unar');
    expect(run('unar', ['-q', '-f', '-o', x1, path.join(r.release.dir, `${base}.rar`)]).code).toBe(0);
    expect((await fs.readFile(path.join(x1, 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL.mkv'))).equals(original)).toBe(true);
    const joined = path.join(dir, 'joined.rar');
    const order = [`${base}.rar`, `${base}.r00`, `${base}.r01`, `${base}.r02`];
    await fs.writeFile(joined, Buffer.concat(await Promise.all(order.map((n) => fs.readFile(path.join(r.release.dir, n))))));
    const x2 = path.join(dir, 'x-unrar') + '/';
    await fs.mkdir(x2);
    const u = run('unrar-free', ['-x', '-f', joined, x2]);
    expect(u.code, u.out).toBe(0);
    expect((await fs.readFile(path.join(x2, 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL.mkv'))).equals(original)).toBe(true);
    // RARLAB's own unrar code (node-unrar-js, WebAssembly) follows the volumes too
    const x3 = path.join(dir, 'x-official');
    expect(await officialUnrar(path.join(r.release.dir, `${base}.rar`), x3)).toEqual(['Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL.mkv']);
    expect((await fs.readFile(path.join(x3, 'Sample.Show.S01E02.Pilot.Episode.MULTi.720p.WEB.H264-ATL.mkv'))).equals(original)).toBe(true);
    expect(decodeNfo(await fs.readFile(path.join(r.release.dir, `${base}.nfo`)))).toMatch(/4 x RAR/);
    // a truncated volume fails validation with the rule named
    await fs.truncate(path.join(r.release.dir, `${base}.r00`), 5000);
    const broken = await validateRelease(r.release.dir, await loadRuleSet('TV'));
    expect(broken.checks.filter((c) => !c.ok).map((c) => c.rule).join(' ')).toMatch(/sfv\.|archive\.(structure|volume-size)/);

    // with the rule set's own size (50 MB) the same source is one valid volume
    const ok = await packRelease({ sourcePath: src, type: 'TV', group: 'ATL', ruleSet: await loadRuleSet('TV'), outDir: path.join(dir, 'tv-ok'), templates: tpl('TV'), volumeSize: 50_000_000 });
    expect(ok.validation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(run('cksfv', ['-f', `${base}.sfv`], ok.release.dir).code).toBe(0);
  });

  it('TV with --sample and --proof: a 60 s Sample/ (cut with ffmpeg, not archived) and Proof/ pass the rules', async () => {
    const proof = path.join(dir, 'proof.png');
    await fs.writeFile(proof, PNG_1x1);
    const src = await writeVideo(path.join(dir, 'long', 'Long.Show.S01E03.Third.Episode.mkv'), 120);
    const logs: string[] = [];
    const r = await packRelease({ sourcePath: src, type: 'TV', group: 'ATL', ruleSet: await loadRuleSet('TV'), outDir: path.join(dir, 'tv-sample'), templates: tpl('TV'), volumeSize: 15_000_000, sample: true, proof: [proof] },
      { log: (_l, m) => { logs.push(m); } });
    const base = 'long.show.s01e03.third.episode.480p.web.h264-atl';
    expect(r.release.name).toBe('Long.Show.S01E03.Third.Episode.480p.WEB.H264-ATL');
    expect(r.release.files.map((f) => f.name)).toEqual(expect.arrayContaining([`Proof/${base}-proof.png`, `Sample/${base}-sample.mkv`]));
    expect(r.validation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.validation.checks.find((c) => c.rule === 'files.sample')?.detail).toMatch(/not archived/);
    expect(r.validation.checks.find((c) => c.rule === 'sample.duration')?.detail).toBe(`Sample/${base}-sample.mkv: 60 s (allowed 50–70 s)`);
    const sample = await extractMetadata(path.join(r.release.dir, 'Sample', `${base}-sample.mkv`));
    expect(sample.video).toMatchObject({ width: 64, height: 36, videoCodec: 'AVC', durationSec: 60 });
    expect(logs).toContain('sample: 60 s from 30 s');
  });

  it('TV with --sample from a source shorter than the 50 s minimum is refused before anything is written', async () => {
    const src = await writeVideo(path.join(dir, 'short', 'Short.Show.S01E04.Brief.mkv'), 20);
    const out = path.join(dir, 'tv-short');
    const input = { sourcePath: src, type: 'TV' as const, group: 'ATL', ruleSet: await loadRuleSet('TV'), outDir: out, templates: tpl('TV'), volumeSize: 15_000_000, sample: true };
    for (const dryRun of [false, true]) {
      const err = await packRelease({ ...input, dryRun }).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(PackError);
      expect(err.code).toBe('sample_too_short');
      expect(err.message).toBe('Short.Show.S01E04.Brief.mkv: the video lasts 20 s, shorter than the 50 s a sample must last: tv-2024 wants a 50–70 s Sample/; pack without --sample ("sample": false) to make the release without one');
    }
    await expect(fs.readdir(out)).rejects.toThrow(/ENOENT/); // not even the partial directory
    // without --sample the same source packs into a valid release
    const ok = await packRelease({ ...input, sample: false });
    expect(ok.validation.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ok.release.files.some((f) => f.name.startsWith('Sample/'))).toBe(false);
  });

  it('an edited name the rule set refuses stops before writing, with the rules named', async () => {
    const src = await writeEpub(path.join(dir, 'n.epub'), { title: 'T', author: 'A', date: '2020' });
    const r = await packRelease({ sourcePath: src, type: 'EBOOK', group: 'ATL', ruleSet: await loadRuleSet('EBOOK'), outDir: path.join(dir, 'bad'), name: 'My Book!.2020.RETAiL.eBOOK-ATL', templates: tpl('EBOOK'), volumeSize: 5_000_000 });
    expect(r.ok).toBe(false);
    expect(r.validation.checks.filter((c) => !c.ok).map((c) => c.rule)).toEqual(expect.arrayContaining(['naming.characters']));
    await expect(fs.access(path.join(dir, 'bad', 'My Book!.2020.RETAiL.eBOOK-ATL'))).rejects.toThrow();
  });

  it('dry run plans without writing; a source of the wrong kind and an existing release are refused', async () => {
    const src = await writeEpub(path.join(dir, 'd.epub'), { title: 'Dry Run', author: 'Ann Author', date: '2021' });
    const rs = await loadRuleSet('EBOOK');
    const d = await packRelease({ sourcePath: src, type: 'EBOOK', group: 'ATL', ruleSet: rs, outDir: path.join(dir, 'dry'), templates: tpl('EBOOK'), volumeSize: 5_000_000, dryRun: true });
    expect(d.dryRun).toBe(true);
    expect(d.release.files.map((f) => f.name)).toEqual(['atlaad.nfo', 'atlaad1.zip']);
    await expect(fs.access(path.join(dir, 'dry'))).rejects.toThrow();
    await expect(packRelease({ sourcePath: src, type: 'TV', group: 'ATL', ruleSet: await loadRuleSet('TV'), outDir: dir, templates: tpl('TV'), volumeSize: 50_000_000 })).rejects.toThrow(/EPUB file cannot make a TV release/);
    const out = path.join(dir, 'twice');
    await packRelease({ sourcePath: src, type: 'EBOOK', group: 'ATL', ruleSet: rs, outDir: out, templates: tpl('EBOOK'), volumeSize: 5_000_000 });
    await expect(packRelease({ sourcePath: src, type: 'EBOOK', group: 'ATL', ruleSet: rs, outDir: out, templates: tpl('EBOOK'), volumeSize: 5_000_000 })).rejects.toBeInstanceOf(PackError);
    const again = await packRelease({ sourcePath: src, type: 'EBOOK', group: 'ATL', ruleSet: rs, outDir: out, templates: tpl('EBOOK'), volumeSize: 5_000_000, force: true });
    expect(again.ok).toBe(true);
  });
});

describe('volume count in the NFO', () => {
  it('is exact before writing: a 3-volume TV set and a multi-disk EBOOK say so in NFO and DIZ', async () => {
    const d = await fs.mkdtemp(path.join(os.tmpdir(), 'rel-vol-'));
    try {
      const tv = await packRelease({ sourcePath: path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'), type: 'TV', group: 'ATL', ruleSet: await loadRuleSet('TV'), outDir: d, templates: tpl('TV'), volumeSize: 30_000, dryRun: true });
      expect(tv.archive.volumes).toBe(3);
      expect(tv.nfo.text).toMatch(/3 x RAR/);
      // a 12 kB random "PDF" in 5 kB zips: the archive layer plans the multi-disk layout
      const pdf = path.join(d, 'big.pdf');
      const good = await fs.readFile(await writePdf(path.join(d, 'g.pdf'), { title: 'Big Scan', author: 'Ann Author', pages: 1, date: '2020' }));
      await fs.writeFile(pdf, Buffer.concat([good.subarray(0, good.length - 6), Buffer.from(crypto.getRandomValues(new Uint8Array(12_000))), Buffer.from('\n%%EOF\n')]));
      const r = await packRelease({ sourcePath: pdf, type: 'EBOOK', group: 'ATL', ruleSet: await loadRuleSet('EBOOK'), outDir: d, templates: tpl('EBOOK'), volumeSize: 5_000 });
      const zips = r.release.files.filter((f) => f.name.endsWith('.zip'));
      expect(zips.length).toBeGreaterThan(1);
      expect(r.nfo.text).toContain(`${zips.length} x ZIP`);
      expect(r.archive.volumes).toBe(zips.length);
    } finally {
      await fs.rm(d, { recursive: true, force: true });
    }
  });
});
