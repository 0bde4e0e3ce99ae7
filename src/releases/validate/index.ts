// Checks a release directory against its rule set and reports EVERY rule checked, each as
// {rule, ok, detail}. Rules that cannot be evaluated because something they need is missing are
// reported as failed with the reason, never silently skipped. Streams everything it reads.
import { readdir, stat, readFile, open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { RuleSet } from '../rules/types.ts';
import { grammarRegex, volumeSizeRule, isAllowedVolumeSize } from '../rules/index.ts';
import { readRarVolume, crcRarVolume } from '../archive/rar4-read.ts';
import { crc32Combine, crc32File } from '../archive/crc.ts';
import type { RarVolumeInfo } from '../archive/rar4-read.ts';
import { parseSfv } from '../archive/sfv.ts';
import { extractVideo } from '../metadata/video.ts';
import type { SfvVerifyEntry } from '../archive/sfv.ts';
import { noteText, type Note, type Param } from './messages.ts';
import { MHD_VOLUME, MHD_FIRSTVOLUME, MHD_NEWNUMBERING, LHD_SPLIT_BEFORE, LHD_SPLIT_AFTER, LHD_PASSWORD, METHOD_STORE, EARC_NEXT_VOLUME } from '../archive/rar4.ts';

export interface ValidationCheck {
  /** stable rule id, e.g. "naming.characters", "files.nfo", "archive.volume-size", "sfv.crc" */
  rule: string;
  ok: boolean;
  /** what was found, as a message code and its params (worded by ./messages.ts in FR or EN) */
  code: string;
  params: Record<string, Param>;
  /** the same in English, for scripts */
  detail: string;
}

/** A check from its note: the code and params kept, the English words as `detail`. */
function check(rule: string, ok: boolean, note: Note): ValidationCheck {
  return { rule, ok, code: note.code, params: note.params ?? {}, detail: noteText(note, 'en') };
}
const note = (code: string, params?: Note['params']): Note => ({ code, params });
const text = (t: string): Note => note('text', { text: t });
/** a list of findings, the first five shown and the rest counted */
const firstFive = (items: Note[]): Note => (items.length > 5 ? note('list.more', { items: items.slice(0, 5), n: items.length - 5 }) : note('list', { items }));

export interface ValidationReport {
  ok: boolean;
  ruleSet: string;
  name: string;
  checks: ValidationCheck[];
}

const VIDEO_EXT = /\.(mkv|mp4|avi|m4v|ts)$/i;
const IMAGE_EXT = /\.(jpe?g|png|gif|webp)$/i;

/** Glob with * ? and [..] classes, case-insensitive, on a single path component. */
export function globToRegex(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      src += glob.slice(i, end + 1);
      i = end;
    } else src += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'i');
}
const matchAny = (name: string, globs: string[]) => globs.some((g) => globToRegex(g).test(name));

/**
 * The pieces of a name the metadata fixed, by the grammar's group names ({author, title} for EBOOK,
 * {publisher, title} for DOCS, {show} for TV): the grammar alone cannot tell where a three-word
 * author ends and the title starts ("Charles.Madison.Curry.Childrens.Literature"), the packer can.
 */
export type NameParts = Record<string, string | undefined>;

/** replaces the pattern of named group `group` in a regex source by a literal (same group name kept) */
function pinGroup(src: string, group: string, literal: string): string {
  const start = src.indexOf(`(?<${group}>`);
  if (start < 0) return src;
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return `${src.slice(0, start)}(?<${group}>${literal.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')})${src.slice(i + 1)}`;
  }
  return src;
}

const groupsDetail = (m: RegExpExecArray) => Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(' ');

/**
 * Checks only the release name: characters, punctuation, length, grammar. With `parts` (what the
 * metadata says the author/title/show are), the grammar is matched with those groups pinned, so a
 * name whose author/title split differs from the metadata's is reported, not read some other way.
 */
export function validateName(name: string, rs: RuleSet, opts: { parts?: NameParts } = {}): ValidationCheck[] {
  const checks: ValidationCheck[] = [];
  const bad = [...new Set(name.replace(new RegExp(`[${rs.naming.allowedChars}]`, 'g'), ''))];
  const allowed = rs.naming.allowedChars;
  checks.push(check('naming.characters', bad.length === 0 && name.length > 0,
    name.length === 0 ? note('naming.empty') : bad.length === 0 ? note('naming.chars_ok', { allowed }) : note('naming.chars_bad', { chars: bad.map((c) => JSON.stringify(c)).join(' '), allowed, n: bad.length })));
  const hits = rs.naming.forbidden.filter((f) => new RegExp(f.regex).test(name));
  // a rule set's own wording of a forbidden pattern: a known code when it gives one, else its text
  const what = (h: RuleSet['naming']['forbidden'][number]) => (h.code ? note(`naming.punct.${h.code}`) : text(h.detail));
  checks.push(check('naming.punctuation', hits.length === 0,
    hits.length ? note('list', { items: hits.map((h) => note('naming.punct_hit', { what: what(h), match: new RegExp(h.regex).exec(name)![0] })) }) : note('naming.punct_ok')));
  checks.push(check('naming.length', name.length <= rs.naming.maxLength, note('naming.length', { n: name.length, max: rs.naming.maxLength })));
  const free = grammarRegex(rs);
  const m = free.exec(name);
  const pinned = Object.entries(opts.parts ?? {}).filter(([k, v]) => v && free.source.includes(`(?<${k}>`)) as [string, string][];
  if (m && pinned.length) {
    let src = free.source;
    for (const [k, v] of pinned) src = pinGroup(src, k, v);
    const pm = new RegExp(src).exec(name);
    checks.push(check('naming.grammar', !!pm, pm
      ? note('naming.groups', { groups: groupsDetail(pm) })
      : note('naming.split', { pinned: pinned.map(([k, v]) => `${k}=${v}`).join(' '), groups: groupsDetail(m) })));
  } else {
    checks.push(check('naming.grammar', !!m, m ? note('naming.groups', { groups: groupsDetail(m) }) : note('naming.no_match', { pattern: rs.naming.pattern })));
  }
  return checks;
}

// ---------------------------------------------------------------- NFO / DIZ text checks

function textLines(buf: Buffer): string[] {
  let text = buf.toString('latin1'); // 1 byte = 1 column in CP437
  if (text.endsWith('\x1a')) text = text.slice(0, -1); // DOS EOF marker
  return text.split(/\r?\n/).map((l) => l.replace(/\r$/, ''));
}
function columns(line: string): number {
  let col = 0;
  for (const ch of line) col = ch === '\t' ? col + 8 - (col % 8) : col + 1;
  return col;
}
export function checkEncoding(buf: Buffer): { ok: boolean; note: Note } {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { ok: false, note: note('encoding.bom') };
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) return { ok: false, note: note('encoding.utf16') };
  const nul = buf.indexOf(0);
  if (nul >= 0) return { ok: false, note: note('encoding.nul', { offset: nul }) };
  let high = 0;
  for (const b of buf) if (b >= 0x80) high++;
  if (high === 0) return { ok: true, note: note('encoding.ascii') };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { ok: false, note: note('encoding.utf8', { n: high }) };
  } catch {
    return { ok: true, note: note('encoding.cp437', { n: high }) };
  }
}

function checkNfo(buf: Buffer, rs: RuleSet, label: string): ValidationCheck[] {
  const lines = textLines(buf);
  let worst = 0;
  let worstLine = 0;
  lines.forEach((l, i) => { const c = columns(l); if (c > worst) { worst = c; worstLine = i + 1; } });
  const enc = checkEncoding(buf);
  return [
    check('nfo.width', worst <= rs.nfo.maxColumns, note(worst > rs.nfo.maxColumns ? 'nfo.width_over' : 'nfo.width', { file: label, worst, line: worstLine, max: rs.nfo.maxColumns })),
    check('nfo.encoding', enc.ok, note('file.note', { file: label, note: enc.note })),
  ];
}

// ---------------------------------------------------------------- ZIP helpers (yauzl)

interface ZipEntryInfo { name: string; size: number; crcOk: boolean; data?: Buffer }

function openZip(path: string): Promise<ZipFile> {
  return new Promise((res, rej) => yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, autoClose: false }, (err, zf) => (err ? rej(err) : res(zf!))));
}

/** Reads every entry once (streaming), checking each CRC32; keeps the bytes of small text entries (DIZ/NFO). */
async function readZip(path: string, keep: (name: string) => boolean, signal?: AbortSignal): Promise<ZipEntryInfo[]> {
  const zf = await openZip(path);
  try {
    const entries: ZipEntryInfo[] = [];
    await new Promise<void>((res, rej) => {
      zf.on('error', rej);
      zf.on('end', () => res());
      zf.on('entry', (entry: Entry) => {
        if (signal?.aborted) return rej(signal.reason);
        if (entry.fileName.endsWith('/')) return zf.readEntry();
        zf.openReadStream(entry, (err, rs) => {
          if (err) return rej(err);
          let c = 0;
          const chunks: Buffer[] = [];
          const k = keep(entry.fileName) && entry.uncompressedSize <= 1024 * 1024;
          rs!.on('data', (d: Buffer) => { c = crc32(d, c); if (k) chunks.push(d); });
          rs!.on('error', rej);
          rs!.on('end', () => {
            entries.push({ name: entry.fileName, size: entry.uncompressedSize, crcOk: c >>> 0 === entry.crc32 >>> 0, ...(k ? { data: Buffer.concat(chunks) } : {}) });
            zf.readEntry();
          });
        });
      });
      zf.readEntry();
    });
    return entries;
  } finally {
    zf.close();
  }
}

// ---------------------------------------------------------------- volume ordering

/** RAR old-style volume index: .rar → 0, .r00 → 1 …, .s00 → 101. */
export function rarVolumeIndex(file: string): number {
  const m = /\.(rar|([r-z])(\d{2}))$/i.exec(file);
  if (!m) return -1;
  if (m[1]!.toLowerCase() === 'rar') return 0;
  return 1 + (m[2]!.toLowerCase().charCodeAt(0) - 'r'.charCodeAt(0)) * 100 + Number(m[3]);
}

const fmtMB = (n: number): Note => note('size.mb', { bytes: n, mb: Number((n / 1e6).toFixed(3)) });

// ---------------------------------------------------------------- the validator

export interface ValidateOptions {
  /** release name (default: the directory's base name) */
  name?: string;
  /** the author/title (show) boundary known from the metadata: see validateName */
  parts?: NameParts;
  signal?: AbortSignal;
  /**
   * result of verifySfv() on this directory's SFV, just computed by the caller (the pack pipeline
   * verifies after writing): reused for sfv.crc instead of reading every volume once more.
   */
  sfvResult?: { sfvPath: string; ok: boolean; entries: SfvVerifyEntry[] };
}

export async function validateRelease(dir: string, rs: RuleSet, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const name = opts.name ?? basename(resolve(dir));
  const checks: ValidationCheck[] = [];
  const add: Add = (rule, ok, n) => { checks.push(check(rule, ok, n)); };

  checks.push(...validateName(name, rs, { parts: opts.parts }));

  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    add('files.directory', false, note('files.unreadable', { dir, error: (err as Error).message }));
    return { ok: false, ruleSet: rs.id, name, checks };
  }
  const files = dirents.filter((d) => d.isFile()).map((d) => d.name).sort();
  const dirs = dirents.filter((d) => d.isDirectory()).map((d) => d.name).sort();

  // ---- files
  const nfos = files.filter((f) => /\.nfo$/i.test(f));
  add('files.nfo', nfos.length >= 1 && nfos.length <= rs.nfo.maxCount,
    nfos.length === 0 ? note('files.no_nfo') : nfos.length > rs.nfo.maxCount ? note('files.too_many_nfo', { n: nfos.length, max: rs.nfo.maxCount, files: nfos.join(', ') }) : text(nfos[0]!));
  const missing = rs.files.mandatory.filter((g) => !files.some((f) => globToRegex(g).test(f)));
  add('files.mandatory', missing.length === 0, missing.length ? note('files.missing', { files: missing.join(', ') }) : note('files.present', { files: rs.files.mandatory.join(', ') }));
  const unexpected = [
    ...files.filter((f) => !matchAny(f, rs.files.allowed)),
    ...dirs.filter((d) => !(rs.files.optionalDirs ?? []).includes(d)).map((d) => `${d}/`),
  ];
  add('files.unexpected', unexpected.length === 0, unexpected.length ? note('files.not_allowed', { files: unexpected.join(', ') }) : note('files.nothing_else'));
  for (const d of dirs.filter((x) => (rs.files.optionalDirs ?? []).includes(x))) {
    const inner = (await readdir(join(dir, d), { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    if (d === 'Sample') {
      const vids = inner.filter((f) => VIDEO_EXT.test(f));
      const bad = inner.filter((f) => !VIDEO_EXT.test(f));
      add('files.sample', vids.length === 1 && bad.length === 0, vids.length === 1 && bad.length === 0 ? note('files.sample_ok', { file: vids[0]! }) : note('files.sample_bad', { found: inner.length ? text(inner.join(', ')) : note('nothing') }));
      if (rs.sample) await checkSampleDuration(join(dir, d), vids.sort(), rs.sample, add, opts.signal);
    } else if (d === 'Proof') {
      const imgs = inner.filter((f) => IMAGE_EXT.test(f));
      add('files.proof', imgs.length >= 1, imgs.length ? note('files.proof_ok', { files: imgs.join(', ') }) : note('files.proof_none'));
    }
  }

  // ---- NFO
  if (nfos.length >= 1) {
    const buf = await readFile(join(dir, nfos[0]!));
    checks.push(...checkNfo(buf, rs, nfos[0]!));
  } else {
    add('nfo.width', false, note('cannot.no_nfo'));
    add('nfo.encoding', false, note('cannot.no_nfo'));
  }

  // ---- archive
  const sizeRule = volumeSizeRule(rs, name);
  if (rs.archive.format === 'rar4') {
    const vols = files.filter((f) => rarVolumeIndex(f) >= 0).sort((a, b) => rarVolumeIndex(a) - rarVolumeIndex(b));
    const known = await checkRar(dir, vols, rs, sizeRule, add, opts.signal);
    if (rs.sfv) await checkSfv(dir, files, vols, rs, add, opts, known);
  } else {
    const vols = files.filter((f) => /\.zip$/i.test(f)).sort();
    await checkZips(dir, vols, rs, sizeRule, add, opts.signal);
    if (rs.sfv) await checkSfv(dir, files, vols, rs, add, opts);
  }

  return { ok: checks.every((c) => c.ok), ruleSet: rs.id, name, checks };
}

type Add = (rule: string, ok: boolean, note: Note) => void;

const secs = (n: number) => Math.round(n * 100) / 100;

/**
 * sample.duration: every video in Sample/ lasts within the rule set's bounds, as MediaInfo reads it
 * (the same reader as the pack metadata). A file MediaInfo cannot read, or one cut short of the
 * duration its headers declare, fails with that reason rather than with a made-up length.
 */
async function checkSampleDuration(sampleDir: string, vids: string[], bounds: NonNullable<RuleSet['sample']>, add: Add, signal?: AbortSignal): Promise<void> {
  const allowed = note('sample.allowed', { min: bounds.minSeconds, max: bounds.maxSeconds });
  if (vids.length === 0) return add('sample.duration', false, note('sample.no_video', { allowed }));
  const results: { ok: boolean; note: Note }[] = [];
  for (const v of vids) {
    signal?.throwIfAborted();
    const label = `Sample/${v}`;
    let info;
    try {
      info = (await extractVideo(join(sampleDir, v), label)).video;
    } catch (err) {
      const msg = (err as Error).message;
      results.push({ ok: false, note: note('sample.unreadable', { file: label, error: msg.startsWith(`${label}: `) ? msg.slice(label.length + 2) : msg }) });
      continue;
    }
    const d = info?.durationSec ?? 0;
    if (!info || d <= 0) results.push({ ok: false, note: note('sample.no_duration', { file: label }) });
    else if (info.truncated) results.push({ ok: false, note: note('sample.truncated', { file: label, secs: secs(d) }) });
    else if (d < bounds.minSeconds) results.push({ ok: false, note: note('sample.short', { file: label, secs: secs(d), min: bounds.minSeconds }) });
    else if (d > bounds.maxSeconds) results.push({ ok: false, note: note('sample.long', { file: label, secs: secs(d), max: bounds.maxSeconds }) });
    else results.push({ ok: true, note: note('sample.ok', { file: label, secs: secs(d) }) });
  }
  add('sample.duration', results.every((r) => r.ok), note('sample.all', { items: results.map((r) => r.note), allowed }));
}

async function sizesOf(dir: string, vols: string[]): Promise<number[]> {
  return Promise.all(vols.map(async (v) => (await stat(join(dir, v))).size));
}

function checkVolumeSizes(vols: string[], sizes: number[], rs: RuleSet, sizeRule: ReturnType<typeof volumeSizeRule>, add: Add, equalSized: boolean): void {
  const label = ruleText(sizeRule.label, sizeRule.label_fr);
  if (vols.length === 0) return add('archive.volume-size', false, note('cannot.no_volume'));
  if (equalSized) {
    // RAR: every volume but the last has the same, allowed size; the last may be smaller
    const first = sizes[0]!;
    if (vols.length === 1) {
      const okSingle = sizeRule.sizes.some((mb) => rs.archive.units.some((u) => first <= mb * u)) || sizeRule.multipleOf !== undefined;
      return add('archive.volume-size', okSingle, note('size.single', { size: fmtMB(first), label }));
    }
    const odd = vols.slice(0, -1).filter((_, i) => sizes[i] !== first);
    const last = sizes.at(-1)!;
    const allowed = isAllowedVolumeSize(rs, sizeRule, first);
    const ok = allowed && odd.length === 0 && last <= first && last > 0;
    const why = !allowed ? note('size.not_allowed', { size: fmtMB(first), label })
      : odd.length ? note('size.differ', { size: fmtMB(first), list: odd.map((v) => `${v}=${sizes[vols.indexOf(v)]}`).join(', ') })
      : last > first ? note('size.last_larger', { bytes: last }) : last === 0 ? note('size.last_empty') : note('size.rar_ok', { k: vols.length - 1, size: fmtMB(first), bytes: last, label });
    return add('archive.volume-size', ok, why);
  }
  // ZIP: every volume within one allowed disk size
  const max = Math.max(...sizes);
  const disk = sizeRule.sizes.flatMap((mb) => rs.archive.units.map((u) => Math.round(mb * u))).sort((a, b) => a - b).find((s) => s >= max);
  add('archive.volume-size', disk !== undefined, disk !== undefined ? note('size.zip_fits', { size: fmtMB(max), disk: fmtMB(disk), label }) : note('size.zip_exceeds', { size: fmtMB(max), label }));
}

/** Returns the CRC32 of every RAR4 volume it read (lowercase name → crc), for the SFV check. */
async function checkRar(dir: string, vols: string[], rs: RuleSet, sizeRule: ReturnType<typeof volumeSizeRule>, add: Add, signal?: AbortSignal): Promise<Map<string, number>> {
  // naming: one base, old-style sequence without gaps
  const re = new RegExp(rs.archive.volumeName);
  const badNames = vols.filter((v) => !re.test(v));
  const bases = new Set(vols.map((v) => v.replace(/\.(rar|[r-z]\d{2})$/i, '')));
  const gaps = vols.map((v, i) => (rarVolumeIndex(v) === i ? null : v)).filter(Boolean);
  add('archive.volume-naming', vols.length > 0 && badNames.length === 0 && bases.size === 1 && gaps.length === 0,
    vols.length === 0 ? note('rar.no_volume') : badNames.length ? note('rar.bad_names', { pattern: rs.archive.volumeName, files: badNames.join(', ') }) : bases.size > 1 ? note('rar.bases', { files: [...bases].join(', ') }) : gaps.length ? note('rar.gap', { file: gaps[0]! }) : note('volumes.range', { first: vols[0]!, last: vols.at(-1)!, naming: ruleText(rs.archive.volumeNaming, rs.archive.volumeNaming_fr) }));
  add('archive.volume-count', vols.length >= 1 && vols.length <= rs.archive.maxVolumes, note('rar.count', { n: vols.length, max: rs.archive.maxVolumes }));
  const sizes = await sizesOf(dir, vols);
  checkVolumeSizes(vols, sizes, rs, sizeRule, add, true);

  const infos: RarVolumeInfo[] = [];
  for (const v of vols) infos.push(await readRarVolume(join(dir, v)));
  const notRar4 = vols.filter((_, i) => infos[i]!.format !== 'rar4');
  add('archive.format', vols.length > 0 && notRar4.length === 0, vols.length === 0 ? note('cannot.no_volume') : notRar4.length ? note('list', { items: notRar4.map((v) => note(infos[vols.indexOf(v)]!.format === 'rar5' ? 'rar.rar5' : 'rar.not_rar', { file: v })) }) : note('rar.format_ok'));
  const rar4 = infos.filter((i) => i.format === 'rar4');
  const blocks = rar4.flatMap((i) => i.files);
  const notStored = blocks.filter((b) => b.method !== METHOD_STORE);
  add('archive.store', rar4.length > 0 && notStored.length === 0, rar4.length === 0 ? note('cannot.no_rar4') : notStored.length ? note('rar.compressed', { method: notStored[0]!.method.toString(16), file: notStored[0]!.name }) : note('rar.stored'));
  const enc = rar4.some((i) => i.mainFlags & 0x0080) || blocks.some((b) => b.flags & LHD_PASSWORD);
  add('archive.encryption', rar4.length > 0 && !enc, rar4.length === 0 ? note('cannot.no_rar4') : note(enc ? 'rar.encrypted' : 'rar.not_encrypted'));
  const rr = rar4.some((i) => (i.mainFlags & 0x0040) !== 0 || i.otherBlocks.some((t) => t === 0x78 || t === 0x7a));
  add('archive.recovery-record', rar4.length > 0 && !rr, rar4.length === 0 ? note('cannot.no_rar4') : note(rr ? 'rar.recovery' : 'rar.no_recovery'));

  // structure: header CRCs, truncation, volume flags, split chain
  const problems: Note[] = [];
  infos.forEach((inf, i) => {
    if (inf.format !== 'rar4') return;
    const v = vols[i]!;
    const file = v;
    // the reader's own findings are technical English (header names, offsets): kept as they are
    for (const e of inf.errors) problems.push(note('file.error', { file, error: e }));
    const multi = vols.length > 1;
    if (multi && !(inf.mainFlags & MHD_VOLUME)) problems.push(note('rar.no_volume_flag', { file }));
    if ((i === 0) !== ((inf.mainFlags & MHD_FIRSTVOLUME) !== 0) && (inf.mainFlags & MHD_VOLUME)) problems.push(note(i === 0 ? 'rar.first_missing' : 'rar.first_later', { file }));
    if (inf.mainFlags & MHD_NEWNUMBERING) problems.push(note('rar.new_numbering', { file }));
    const last = i === vols.length - 1;
    if (inf.end && ((inf.end.flags & EARC_NEXT_VOLUME) !== 0) === last) problems.push(note(last ? 'rar.end_more' : 'rar.end_last', { file }));
    if (inf.files.length === 0) problems.push(note('rar.no_data', { file }));
    const firstBlock = inf.files[0];
    const prevLast = i > 0 ? infos[i - 1]!.files.at(-1) : undefined;
    const cont = !!prevLast && (prevLast.flags & LHD_SPLIT_AFTER) !== 0;
    if (firstBlock && cont !== ((firstBlock.flags & LHD_SPLIT_BEFORE) !== 0)) problems.push(note('rar.split_before', { file }));
    if (last && inf.files.at(-1) && inf.files.at(-1)!.flags & LHD_SPLIT_AFTER) problems.push(note('rar.continues', { file }));
  });
  // every file's parts add up to its size
  const totals = new Map<string, { pack: number; unp: number }>();
  for (const b of blocks) {
    const t = totals.get(b.name) ?? { pack: 0, unp: b.unpSize };
    t.pack += b.packSize;
    totals.set(b.name, t);
  }
  for (const [n, t] of totals) if (t.pack !== t.unp) problems.push(note('rar.size_mismatch', { file: n, pack: t.pack, unp: t.unp }));
  add('archive.structure', vols.length > 0 && rar4.length === vols.length && problems.length === 0, vols.length === 0 ? note('cannot.no_volume') : problems.length ? firstFive(problems) : note('rar.structure_ok', { n: vols.length }));
  const names = [...totals.keys()];
  const videoOk = rs.type !== 'TV' || (names.length === 1 && VIDEO_EXT.test(names[0]!));
  add('archive.contents', names.length > 0 && videoOk, names.length === 0 ? note('contents.empty') : note(videoOk ? 'contents.ok' : 'contents.tv', { files: names.join(', ') }));

  // data: one read of every volume gives the whole-volume CRC (SFV) and each part's CRC, checked
  // like `rar t` / unrar do: FILE_CRC of a SPLIT_AFTER part = CRC of that part; last part = whole file
  const volumeCrcs = new Map<string, number>();
  const crcProblems: Note[] = [];
  const running = new Map<string, number>();
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let checkedParts = 0;
  for (let i = 0; i < vols.length; i++) {
    const inf = infos[i]!;
    if (inf.format !== 'rar4') continue;
    signal?.throwIfAborted();
    const { volumeCrc, partCrcs } = await crcRarVolume(join(dir, vols[i]!), inf, buffer);
    volumeCrcs.set(vols[i]!.toLowerCase(), volumeCrc);
    inf.files.forEach((b, k) => {
      const part = partCrcs[k];
      if (part === null || part === undefined) { crcProblems.push(note('crc.cut', { file: vols[i]!, name: b.name })); return; }
      checkedParts++;
      const whole = crc32Combine((b.flags & LHD_SPLIT_BEFORE) ? running.get(b.name) ?? 0 : 0, part, b.packSize);
      running.set(b.name, whole);
      const expected = b.flags & LHD_SPLIT_AFTER ? part : whole;
      if (expected !== b.fileCrc >>> 0) crcProblems.push(note(b.flags & LHD_SPLIT_AFTER ? 'crc.part' : 'crc.file', { file: vols[i]!, name: b.name, actual: hex(expected), expected: hex(b.fileCrc) }));
    });
  }
  add('archive.crc', vols.length > 0 && rar4.length === vols.length && crcProblems.length === 0 && checkedParts > 0,
    rar4.length === 0 ? note('cannot.no_rar4') : crcProblems.length ? firstFive(crcProblems) : note('crc.ok', { n: checkedParts }));
  return volumeCrcs;
}

async function checkZips(dir: string, vols: string[], rs: RuleSet, sizeRule: ReturnType<typeof volumeSizeRule>, add: Add, signal?: AbortSignal): Promise<void> {
  const re = new RegExp(rs.archive.volumeName);
  const badNames = vols.filter((v) => !re.test(v));
  // numbering: <stem><n>.zip with n = 1..N, all with the same digit width and stem
  const parsed = vols.map((v) => /^(.*?)(\d+)\.zip$/i.exec(v));
  const stems = new Set(parsed.map((m) => (m ? `${m[1]}|${m[2]!.length}` : '?')));
  const nums = parsed.map((m) => (m ? Number(m[2]) : NaN)).sort((a, b) => a - b);
  const seqOk = parsed.every(Boolean) && stems.size === 1 && nums.every((n, i) => n === i + 1);
  add('archive.volume-naming', vols.length > 0 && badNames.length === 0 && (seqOk || vols.length === 1),
    vols.length === 0 ? note('zip.no_volume') : badNames.length ? note('zip.not_83', { pattern: rs.archive.volumeName, files: badNames.join(', ') }) : !(seqOk || vols.length === 1) ? note('zip.numbering', { n: vols.length, files: vols.join(', ') }) : note('volumes.list', { files: vols.join(', '), naming: ruleText(rs.archive.volumeNaming, rs.archive.volumeNaming_fr) }));
  add('archive.volume-count', vols.length >= 1 && vols.length <= rs.archive.maxVolumes, note('zip.count', { n: vols.length, max: rs.archive.maxVolumes }));
  const sizes = await sizesOf(dir, vols);
  checkVolumeSizes(vols, sizes, rs, sizeRule, add, false);

  const formatErr: Note[] = [];
  const integrity: Note[] = [];
  const contents: Note[] = [];
  const dizSize: Note[] = [];
  const dizCount: Note[] = [];
  const dizRe = rs.diz ? new RegExp(rs.diz.diskCount) : null;
  const innerParts: (string | null)[] = [];
  for (let i = 0; i < vols.length; i++) {
    const v = vols[i]!;
    let entries: ZipEntryInfo[];
    try {
      const head = Buffer.alloc(4);
      const fh = await open(join(dir, v), 'r');
      await fh.read(head, 0, 4, 0);
      await fh.close();
      if (head.readUInt32LE(0) !== 0x04034b50) { formatErr.push(note('zip.not_zip', { file: v })); continue; }
      entries = await readZip(join(dir, v), (n) => /^file_id\.diz$/i.test(n) || /\.nfo$/i.test(n), signal);
    } catch (err) {
      integrity.push(note('file.error', { file: v, error: (err as Error).message }));
      continue;
    }
    for (const e of entries) if (!e.crcOk) integrity.push(note('zip.crc', { file: v, name: e.name }));
    const names = entries.map((e) => e.name);
    const parts = names.filter((n) => rarVolumeIndex(n) >= 0);
    if (parts.length > 1) integrity.push(note('zip.parts', { file: v, n: parts.length }));
    innerParts.push(parts[0] ?? null);
    for (const g of rs.archive.insideEachVolume ?? []) if (!names.some((n) => globToRegex(g).test(n))) contents.push(note('zip.lacks', { file: v, glob: g }));
    for (const g of rs.archive.forbiddenInside ?? []) for (const n of names.filter((x) => globToRegex(g).test(x))) contents.push(note('zip.forbidden', { file: v, name: n }));
    if (entries.some((e) => e.name.includes('/'))) contents.push(note('zip.dirs', { file: v }));
    const extrasRe = [...(rs.archive.insideEachVolume ?? []), ...(rs.archive.forbiddenInside ?? [])].map(globToRegex);
    if (!names.some((n) => !extrasRe.some((r) => r.test(n)))) contents.push(note('zip.nothing_but', { file: v, files: (rs.archive.insideEachVolume ?? []).join(' + ') }));
    if (rs.diz) {
      const diz = entries.find((e) => /^file_id\.diz$/i.test(e.name));
      if (!diz?.data) { dizSize.push(note('zip.no_diz', { file: v })); dizCount.push(note('zip.no_diz', { file: v })); continue; }
      const lines = textLines(diz.data);
      while (lines.length && lines.at(-1) === '') lines.pop();
      const w = Math.max(0, ...lines.map(columns));
      if (w > rs.diz.maxColumns || lines.length > rs.diz.maxLines) dizSize.push(note('diz.too_big', { file: v, w, h: lines.length, maxW: rs.diz.maxColumns, maxH: rs.diz.maxLines }));
      const m = dizRe!.exec(diz.data.toString('latin1'));
      const idx = Number(parsed[i]?.[2] ?? i + 1);
      if (!m) dizCount.push(note('diz.no_count', { file: v, total: String(vols.length).padStart(2, '0') }));
      else if (Number(m[1]) !== idx || Number(m[2]) !== vols.length) dizCount.push(note('diz.wrong_count', { file: v, a: m[1]!, b: m[2]!, index: idx, n: vols.length }));
    }
  }
  // RAR-in-ZIP layout: zip k carries part k of one RAR set (.rar, .r00 …), same base everywhere
  if (innerParts.some((p) => p !== null)) {
    const bases = new Set(innerParts.map((p) => p?.replace(/\.(rar|[r-z]\d{2})$/i, '')));
    const order = innerParts.findIndex((p, k) => p === null || rarVolumeIndex(p) !== k);
    if (bases.size !== 1 || order >= 0) integrity.push(order >= 0 ? note('zip.inner_order_at', { file: vols[order]!, part: innerParts[order] ? text(innerParts[order]) : note('zip.no_part') }) : note('zip.inner_order'));
  }
  // every finding of a rule, or the one line saying the rule holds
  const findings = (items: Note[], fine: Note): Note => (vols.length === 0 ? note('cannot.no_volume') : items.length ? note('list', { items }) : fine);
  add('archive.format', vols.length > 0 && formatErr.length === 0, findings(formatErr, note('zip.format_ok')));
  add('archive.structure', vols.length > 0 && integrity.length === 0 && formatErr.length === 0, findings(integrity, note(formatErr.length ? 'zip.not_all' : 'zip.structure_ok')));
  const inside = (rs.archive.insideEachVolume ?? []).join(' + ');
  add('archive.contents', vols.length > 0 && contents.length === 0,
    findings(contents, rs.archive.forbiddenInside?.length ? note('zip.contents_ok_no', { files: inside, forbidden: rs.archive.forbiddenInside.join(', ') }) : note('zip.contents_ok', { files: inside })));
  if (rs.diz) {
    add('diz.size', vols.length > 0 && dizSize.length === 0, findings(dizSize, note('diz.size_ok', { maxW: rs.diz.maxColumns, maxH: rs.diz.maxLines })));
    add('diz.disk-count', vols.length > 0 && dizCount.length === 0, findings(dizCount, note('diz.count_ok', { total: String(vols.length).padStart(2, '0') })));
  }
}

async function checkSfv(dir: string, files: string[], vols: string[], rs: RuleSet, add: Add, opts: ValidateOptions, known = new Map<string, number>()): Promise<void> {
  const sfvs = files.filter((f) => /\.sfv$/i.test(f));
  add('sfv.present', rs.sfv!.required ? sfvs.length === 1 : sfvs.length <= 1, sfvs.length === 1 ? text(sfvs[0]!) : sfvs.length === 0 ? note('sfv.none') : note('sfv.many', { n: sfvs.length, files: sfvs.join(', ') }));
  if (sfvs.length !== 1) {
    add('sfv.coverage', false, note('cannot.no_sfv'));
    add('sfv.crc', false, note('cannot.no_sfv'));
    return;
  }
  const path = join(dir, sfvs[0]!);
  const parsed = parseSfv(await readFile(path, 'latin1'));
  const listed = new Set(parsed.entries.map((e) => e.name.toLowerCase()));
  const notListed = rs.sfv!.coverAllVolumes ? vols.filter((v) => !listed.has(v.toLowerCase())) : [];
  const ghost = parsed.entries.filter((e) => !files.some((f) => f.toLowerCase() === e.name.toLowerCase())).map((e) => e.name);
  const coverage = [
    ...(notListed.length ? [note('sfv.not_listed', { files: notListed.join(', ') })] : []),
    ...(ghost.length ? [note('sfv.ghost', { files: ghost.join(', ') })] : []),
    ...parsed.errors.map(text), // the SFV parser's own words (line numbers, the text it could not read)
    ...(vols.length === 0 ? [note('sfv.no_volume')] : []),
  ];
  add('sfv.coverage', coverage.length === 0, coverage.length ? note('list', { items: coverage }) : note('sfv.all_listed', { n: vols.length }));
  const reuse = opts.sfvResult && resolve(opts.sfvResult.sfvPath) === resolve(path) ? opts.sfvResult : undefined;
  // CRCs already computed by the archive pass are used; anything else is streamed now
  const entries: SfvVerifyEntry[] = reuse ? reuse.entries : [];
  if (!reuse) {
    for (const e of parsed.entries) {
      let actual = known.get(e.name.toLowerCase());
      if (actual === undefined) {
        try {
          actual = (await crc32File(join(dir, e.name), { signal: opts.signal })).crc;
        } catch (err) {
          if ((err as Error).name === 'AbortError') throw err;
          entries.push({ name: e.name, expected: e.crc, ok: false, error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message });
          continue;
        }
      }
      entries.push({ name: e.name, expected: e.crc, actual, ok: actual === e.crc, ...(actual === e.crc ? {} : { error: 'crc mismatch' }) });
    }
  }
  const res = { entries };
  const bad = res.entries.filter((e) => !e.ok);
  // verifySfv's reasons: 'missing' and 'crc mismatch' have words of their own, anything else is a system error kept as is
  const reason = (error = ''): Note => (error === 'missing' ? note('sfv.missing') : error === 'crc mismatch' ? note('sfv.mismatch') : text(error));
  add('sfv.crc', bad.length === 0 && res.entries.length > 0,
    bad.length ? note('list', { items: bad.map((e) => (e.actual !== undefined ? note('sfv.bad_crc', { file: e.name, error: reason(e.error), expected: hex(e.expected), actual: hex(e.actual) }) : note('file.error', { file: e.name, error: reason(e.error) }))) }) : note('sfv.ok', { n: res.entries.length }));
}

const hex = (crc: number) => (crc >>> 0).toString(16).padStart(8, '0');

/** a text of the rule set, with its French wording when the rule set gives one */
function ruleText(en: string, fr?: string): { en: string; fr?: string } {
  return fr ? { en, fr } : { en };
}
