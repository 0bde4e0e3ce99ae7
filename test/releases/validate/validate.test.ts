import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFile, mkdir, truncate, unlink, rename, readFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRarVolumes } from '../../../src/releases/archive/rar4.ts';
import { writeZipVolumes } from '../../../src/releases/archive/zip.ts';
import { writeSfv } from '../../../src/releases/archive/sfv.ts';
import { loadRuleSet, parseRuleSet, RULES_DIR } from '../../../src/releases/rules/index.ts';
import { verifySfv } from '../../../src/releases/archive/sfv.ts';
import type { RuleSet } from '../../../src/releases/rules/index.ts';
import { validateRelease, validateName } from '../../../src/releases/validate/index.ts';
import { check, failed } from './report.ts';
import { CHECK_MESSAGES, noteText, type Note } from '../../../src/releases/validate/messages.ts';
import { tempDir, randomFile } from '../archive/tools.ts';

let dir: string;
let cleanup: () => Promise<void>;
let tv: RuleSet;
let ebook: RuleSet;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('atelier-validate-'));
  tv = await loadRuleSet('TV', 2024);
  ebook = await loadRuleSet('EBOOK');
});
afterAll(async () => cleanup());

// A CP437 NFO: box-drawing bytes (0xC9 0xCD 0xBB …) that are not valid UTF-8.
const NFO = Buffer.concat([
  Buffer.from([0xc9, ...Array(78).fill(0xcd), 0xbb, 0x0d, 0x0a]),
  Buffer.from(`\xba${' Show S01E01 - packed by atelier'.padEnd(78)}\xba\r\n`, 'latin1'),
  Buffer.from([0xc8, ...Array(78).fill(0xcd), 0xbc, 0x0d, 0x0a]),
]);

const SD = 'Show.S01E01.576p.HDTV.x264-GRP';
let source: string;

async function tvRelease(sub: string, opts: { name?: string; volumeSize?: number } = {}): Promise<string> {
  const name = opts.name ?? SD;
  const d = join(dir, sub, name);
  const base = name.toLowerCase();
  const r = await writeRarVolumes({ path: source, name: `${base}.mkv` }, d, base, { volumeSize: opts.volumeSize ?? 15_000_000 });
  await writeSfv(r.volumes, join(d, `${base}.sfv`), { crcs: r.volumeCrcs });
  await writeFile(join(d, `${base}.nfo`), NFO);
  return d;
}

describe('TV releases (RAR4 + SFV)', () => {
  let good: string;
  beforeAll(async () => {
    source = join(dir, 'episode.bin');
    await randomFile(source, 15_400_000); // two 15 MB volumes
    good = await tvRelease('good');
  });

  it('a correct release passes and every rule of the set is reported', async () => {
    const rep = await validateRelease(good, tv);
    expect(failed(rep)).toEqual([]);
    expect(rep.ok).toBe(true);
    expect(rep.checks.map((c) => c.rule)).toEqual([
      'naming.characters', 'naming.punctuation', 'naming.length', 'naming.grammar',
      'files.nfo', 'files.mandatory', 'files.unexpected', 'nfo.width', 'nfo.encoding',
      'archive.volume-naming', 'archive.volume-count', 'archive.volume-size', 'archive.format', 'archive.store',
      'archive.encryption', 'archive.recovery-record', 'archive.structure', 'archive.contents', 'archive.crc',
      'sfv.present', 'sfv.coverage', 'sfv.crc',
    ]);
    expect(check(rep, 'archive.volume-size').detail).toMatch(/15000000 bytes/);
    expect(check(rep, 'naming.grammar').detail).toContain('resolution=576p');
  });

  it('every check carries a code worded in French and English; detail is its English wording', async () => {
    const d = await tvRelease('coded-nonfo');
    await unlink(join(d, `${SD.toLowerCase()}.nfo`));
    const reports = [await validateRelease(good, tv), await validateRelease(d, tv, { name: 'Show..S01E01.576p.HDTV.x264-GR P' })];
    const codes = (n: Note): string[] => [n.code, ...Object.values(n.params ?? {}).flatMap((p) => (Array.isArray(p) ? p.flatMap(codes) : typeof p === 'object' && 'code' in p ? codes(p) : []))];
    for (const c of reports.flatMap((r) => r.checks)) {
      for (const code of codes(c)) {
        expect(CHECK_MESSAGES.fr[code], `${c.rule}: ${code}`).toBeDefined();
        expect(CHECK_MESSAGES.en[code], `${c.rule}: ${code}`).toBeDefined();
      }
      expect(c.detail).toBe(noteText(c, 'en'));
      expect(noteText(c, 'fr'), c.rule).not.toMatch(/\{\w+\}/);
    }
    const bad = reports[1]!;
    expect(noteText(check(bad, 'naming.characters'), 'fr')).toBe('caractère interdit " " (permis : A-Za-z0-9._-)');
    expect(noteText(check(bad, 'naming.punctuation'), 'fr')).toBe('ponctuation répétée : « .. »');
    expect(noteText(check(bad, 'files.nfo'), 'fr')).toBe('aucun fichier .nfo dans le dossier de la release');
    expect(noteText(check(reports[0]!, 'archive.volume-size'), 'fr')).toMatch(/^1 × 15000000 octets \(15 Mo\) \+ dernier de \d+ octets \(SD : 15 ou 20 Mo\)$/);
    expect(check(reports[0]!, 'archive.volume-size').detail).toMatch(/^1 × 15000000 bytes \(15 MB\) \+ last \d+ bytes \(SD: 15 or 20 MB\)$/);
  });

  it('FR and EN word the same codes', () => {
    expect(Object.keys(CHECK_MESSAGES.fr).filter((k) => !k.includes('#')).sort()).toEqual(Object.keys(CHECK_MESSAGES.en).filter((k) => !k.includes('#')).sort());
  });

  it('a name with a forbidden character fails naming.characters', async () => {
    const rep = await validateRelease(good, tv, { name: 'Show.S01E01.576p.HDTV.x264-GR P' });
    expect(rep.ok).toBe(false);
    expect(check(rep, 'naming.characters')).toMatchObject({ ok: false });
    expect(check(rep, 'naming.characters').detail).toContain('" "');
    const accents = validateName('Shöw.S01E01.576p.HDTV.x264-GRP', tv);
    expect(accents.find((c) => c.rule === 'naming.characters')!.ok).toBe(false);
    const dots = validateName('Show..S01E01.576p.HDTV.x264-GRP', tv);
    expect(dots.find((c) => c.rule === 'naming.punctuation')!).toMatchObject({ ok: false });
  });

  it('a missing NFO fails files.nfo (and the NFO checks say why)', async () => {
    const d = await tvRelease('nonfo');
    await unlink(join(d, `${SD.toLowerCase()}.nfo`));
    const rep = await validateRelease(d, tv);
    expect(rep.ok).toBe(false);
    expect(check(rep, 'files.nfo')).toEqual({ rule: 'files.nfo', ok: false, code: 'files.no_nfo', params: {}, detail: 'no .nfo file in the release directory' });
    expect(check(rep, 'files.mandatory').detail).toContain('*.nfo');
    expect(check(rep, 'nfo.width').detail).toMatch(/no NFO/);
  });

  it('a wrong volume size fails archive.volume-size', async () => {
    const d = await tvRelease('wrongsize', { volumeSize: 7_000_000 });
    const rep = await validateRelease(d, tv);
    expect(failed(rep)).toEqual(['archive.volume-size']);
    expect(check(rep, 'archive.volume-size').detail).toMatch(/7000000 bytes .* not an allowed size \(SD: 15 or 20 MB\)/);
    // HD names need multiples of 50 MB: 15 MB volumes are wrong for a 720p release
    const hd = 'Show.S01E01.720p.HDTV.x264-GRP';
    const d2 = await tvRelease('wrongsize-hd', { name: hd });
    expect(failed(await validateRelease(d2, tv))).toEqual(['archive.volume-size']);
  });

  it('a truncated volume fails sfv.crc (CRC mismatch named) and archive.structure', async () => {
    const d = await tvRelease('truncated');
    await truncate(join(d, `${SD.toLowerCase()}.rar`), 14_000_000);
    const rep = await validateRelease(d, tv);
    expect(rep.ok).toBe(false);
    expect(check(rep, 'sfv.crc')).toMatchObject({ ok: false });
    expect(check(rep, 'sfv.crc').detail).toMatch(new RegExp(`${SD.toLowerCase()}\\.rar: crc mismatch`));
    expect(check(rep, 'archive.structure').ok).toBe(false);
    expect(check(rep, 'archive.volume-size').ok).toBe(false);
  });

  it('corrupted data under a regenerated (matching) SFV still fails archive.crc, naming the volume', async () => {
    const d = await tvRelease('bitrot');
    const base = SD.toLowerCase();
    const p = join(d, `${base}.r00`);
    const buf = await readFile(p);
    buf[200_000] ^= 0x01;
    await writeFile(p, buf);
    await writeSfv([join(d, `${base}.rar`), p], join(d, `${base}.sfv`)); // SFV made after the damage
    const rep = await validateRelease(d, tv);
    expect(failed(rep)).toEqual(['archive.crc']);
    expect(check(rep, 'archive.crc').detail).toMatch(new RegExp(`^${base}\\.r00: file CRC of ${base}\\.mkv is [0-9a-f]{8}, header says [0-9a-f]{8}$`));
    const p0 = join(d, `${base}.rar`);
    const b0 = await readFile(p0);
    b0[100_000] ^= 0x01;
    await writeFile(p0, b0);
    await writeSfv([p0, p], join(d, `${base}.sfv`));
    expect(check(await validateRelease(d, tv), 'archive.crc').detail).toMatch(new RegExp(`^${base}\\.rar: part CRC of`));
  });

  it('a volume missing from the SFV, an unexpected file and a gap in the sequence are each named', async () => {
    const d = await tvRelease('sfvgap');
    const base = SD.toLowerCase();
    await writeSfv([join(d, `${base}.rar`)], join(d, `${base}.sfv`));
    await writeFile(join(d, 'notes.txt'), 'hi');
    const rep = await validateRelease(d, tv);
    expect(check(rep, 'sfv.coverage')).toMatchObject({ ok: false, detail: `volumes not listed: ${base}.r00` });
    expect(check(rep, 'files.unexpected')).toMatchObject({ ok: false, detail: 'not allowed here: notes.txt' });
    await rename(join(d, `${base}.r00`), join(d, `${base}.r01`));
    const rep2 = await validateRelease(d, tv);
    expect(check(rep2, 'archive.volume-naming').detail).toMatch(/sequence broken/);
  });

  it('reuses the caller\'s fresh verifySfv result for sfv.crc (no third read), only for the same SFV', async () => {
    const base = SD.toLowerCase();
    const sfvPath = join(good, `${base}.sfv`);
    const fresh = await verifySfv(sfvPath);
    expect(fresh.ok).toBe(true);
    const forged = { ...fresh, ok: false, entries: fresh.entries.map((e) => ({ ...e, ok: false, error: 'crc mismatch' })) };
    expect(check(await validateRelease(good, tv, { sfvResult: forged }), 'sfv.crc').ok).toBe(false);
    expect(check(await validateRelease(good, tv, { sfvResult: { ...forged, sfvPath: '/elsewhere/x.sfv' } }), 'sfv.crc').ok).toBe(true);
  });

  it('RAR5 volumes fail archive.format; a Sample/ dir with one video is accepted', async () => {
    const d = await tvRelease('rar5');
    const p = join(d, `${SD.toLowerCase()}.r00`);
    const buf = await readFile(p);
    Buffer.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]).copy(buf, 0);
    await writeFile(p, buf);
    await mkdir(join(d, 'Sample'));
    await writeFile(join(d, 'Sample', 'show-sample.mkv'), 'x');
    const rep = await validateRelease(d, tv);
    expect(check(rep, 'archive.format').detail).toMatch(/RAR5/);
    expect(check(rep, 'files.sample').ok).toBe(true);
  });
});

describe('EBOOK releases (ZIP volumes + DIZ)', () => {
  const NAME = 'Jane_Doe.The_Long_Book.2024.RETAiL.ePUB.eBOOK-GRP';
  const DIZ = 'The Long Book - Jane Doe\r\nRETAiL ePUB (c) 2024\r\n[xx/NN]\r\n';
  let good: string;

  async function ebookRelease(sub: string, opts: { diz?: string; nfo?: Buffer; extraInside?: { name: string; data: string } } = {}): Promise<string> {
    const d = join(dir, sub, NAME);
    await mkdir(d, { recursive: true });
    const nfo = opts.nfo ?? NFO;
    const extras = [{ name: 'FILE_ID.DIZ', data: opts.diz ?? DIZ }, { name: 'grp-tlb.nfo', data: nfo }, ...(opts.extraInside ? [opts.extraInside] : [])];
    await writeZipVolumes([{ path: join(dir, 'book.epub'), name: 'Jane_Doe-The_Long_Book.epub' }], d, 'grp-tlb', { volumeSize: 5_000_000, extras });
    await writeFile(join(d, 'grp-tlb.nfo'), nfo);
    return d;
  }

  beforeAll(async () => {
    await randomFile(join(dir, 'book.epub'), 11_000_000); // 3 disks of 5 MB (RAR parts inside)
    good = await ebookRelease('ebook-good');
  });

  it('a correct multi-disk release passes, with DIZ disk counts [01/03] … [03/03]', async () => {
    const rep = await validateRelease(good, ebook);
    expect(failed(rep)).toEqual([]);
    expect(check(rep, 'archive.volume-naming').detail).toContain('grp-tlb1.zip, grp-tlb2.zip, grp-tlb3.zip');
    expect(rep.checks.map((c) => c.rule)).toContain('diz.disk-count');
  });

  it('a missing NFO, a wrong DIZ count, a UTF-8 NFO, an over-wide NFO, an SFV inside a zip are each named', async () => {
    const d1 = await ebookRelease('ebook-nonfo');
    await unlink(join(d1, 'grp-tlb.nfo'));
    expect(failed(await validateRelease(d1, ebook))).toEqual(['files.nfo', 'files.mandatory', 'nfo.width', 'nfo.encoding']);

    const d2 = await ebookRelease('ebook-diz', { diz: 'The Long Book\r\n[01/01]\r\n' });
    const r2 = await validateRelease(d2, ebook);
    expect(failed(r2)).toEqual(['diz.disk-count']);
    expect(check(r2, 'diz.disk-count').detail).toContain('grp-tlb2.zip: says [01/01], expected disk 2 of 3');

    const d3 = await ebookRelease('ebook-utf8', { nfo: Buffer.from('╔══╗ café\r\n', 'utf8') });
    expect(check(await validateRelease(d3, ebook), 'nfo.encoding')).toMatchObject({ ok: false });

    const d4 = await ebookRelease('ebook-wide', { nfo: Buffer.from(`${'x'.repeat(81)}\r\n`) });
    expect(check(await validateRelease(d4, ebook), 'nfo.width').detail).toMatch(/81 columns \(line 1\)/);

    const d5 = await ebookRelease('ebook-sfv', { extraInside: { name: 'grp-tlb.sfv', data: 'x 00000000\r\n' } });
    expect(check(await validateRelease(d5, ebook), 'archive.contents').detail).toMatch(/grp-tlb\.sfv not allowed inside/);
  });

  it('a zip holding only the NFO and DIZ fails archive.contents', async () => {
    const d = join(dir, 'ebook-empty', NAME);
    await mkdir(d, { recursive: true });
    await writeFile(join(dir, 'only.nfo'), NFO);
    await writeZipVolumes([{ path: join(dir, 'only.nfo'), name: 'other.nfo' }], d, 'grp-tlb', { volumeSize: 5_000_000, extras: [{ name: 'FILE_ID.DIZ', data: DIZ }] });
    await writeFile(join(d, 'grp-tlb.nfo'), NFO);
    const rep = await validateRelease(d, ebook);
    expect(failed(rep)).toEqual(['archive.contents']);
    expect(check(rep, 'archive.contents').detail).toBe('grp-tlb1.zip: nothing but FILE_ID.DIZ + *.nfo');
  });

  it('a truncated zip and a too-wide DIZ fail', async () => {
    const d = join(dir, 'ebook-trunc', NAME);
    await cp(good, d, { recursive: true });
    await truncate(join(d, 'grp-tlb2.zip'), 1_000_000);
    const rep = await validateRelease(d, ebook);
    expect(check(rep, 'archive.structure').ok).toBe(false);
    expect(check(rep, 'archive.structure').detail).toContain('grp-tlb2.zip');
    const dw = await ebookRelease('ebook-wide-diz', { diz: `${'y'.repeat(45)}\r\n[xx/NN]\r\n` });
    expect(check(await validateRelease(dw, ebook), 'diz.size').detail).toMatch(/45×2 \(max 44×30\)/);
  });

  it('zips larger than every allowed disk size fail archive.volume-size; swapped disks break the inner RAR sequence', async () => {
    const yaml = await readFile(join(RULES_DIR, 'ebook-2024.yaml'), 'utf8');
    const tiny = parseRuleSet(yaml.replace('sizes: [5, 10, 50, 100, 150, 200, 250]', 'sizes: [1, 2]'), 'tiny.yaml');
    const rep = await validateRelease(good, tiny);
    expect(failed(rep)).toEqual(['archive.volume-size']);
    expect(check(rep, 'archive.volume-size').detail).toMatch(/exceeds every allowed size/);
    const d = join(dir, 'ebook-swap', NAME);
    await cp(good, d, { recursive: true });
    await rename(join(d, 'grp-tlb1.zip'), join(d, 'tmp.zip'));
    await rename(join(d, 'grp-tlb2.zip'), join(d, 'grp-tlb1.zip'));
    await rename(join(d, 'tmp.zip'), join(d, 'grp-tlb2.zip'));
    const r2 = await validateRelease(d, ebook);
    expect(check(r2, 'archive.structure').detail).toMatch(/inner RAR parts out of sequence at grp-tlb1\.zip/);
    expect(check(r2, 'diz.disk-count').ok).toBe(false);
  });

  it('the EBOOK grammar: language tag, no format tag for PDF, edition required', () => {
    const ok = (n: string) => validateName(n, ebook).find((c) => c.rule === 'naming.grammar')!.ok;
    expect(ok('Jane_Doe.The_Long_Book.2024.RETAiL.ePUB.eBOOK-GRP')).toBe(true);
    expect(ok('Jane.Doe.The.Long.Book.2024.GERMAN.RETAiL.eBOOK-GRP')).toBe(true);
    expect(ok('Jane_Doe.Book.2024.SCAN.eBOOK-GRP')).toBe(true);
    expect(ok('Jane_Doe.Book.2024.eBOOK-GRP')).toBe(false);
    expect(ok('Jane_Doe.Book.2024.RETAiL.PDF.eBOOK-GRP')).toBe(false);
    expect(ok('Book.2024.RETAiL.eBOOK-GRP')).toBe(false);
  });
});
