// The pack pipeline, independent of jobs and HTTP: source → metadata → name → NFO/DIZ → archives
// (ZIP volumes with NFO + DIZ inside for EBOOK/DOCS; RAR4 store volumes + SFV for TV) → validate.
// The release is written into "<outDir>/.<name>.partial" and renamed to "<outDir>/<name>" once
// complete, so a crash or a cancel never leaves a half release under its real name.
import fs from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { extractMetadata } from '../metadata/index.ts';
import type { ReleaseMetadata, SourceFormat } from '../metadata/types.ts';
import { zipBaseName, type NameOptions } from '../naming/index.ts';
import { checkedReleaseName } from '../naming/checked.ts';
import type { NameParts } from '../validate/index.ts';
import { renderDiz, renderNfo, templateContext, type ReleaseType } from '../nfo/index.ts';
import { planRarVolumes, planZipVolumes, writeRarVolumes, writeSfv, verifySfv, writeZipVolumes } from '../archive/index.ts';
import type { RuleSet } from '../rules/index.ts';
import { validateName, validateRelease, type ValidationCheck, type ValidationReport } from '../validate/index.ts';

export const SOURCE_FORMATS: Record<ReleaseType, SourceFormat[]> = {
  EBOOK: ['EPUB', 'PDF', 'MOBI', 'AZW3', 'CBZ'],
  DOCS: ['PDF', 'DOCX', 'TXT', 'ODT', 'RTF'],
  TV: ['MKV', 'MP4'],
};

export class PackError extends Error {
  /** a bad source or an option the rules refuse fails the same way on every retry */
  readonly permanent = true;
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'PackError';
    this.code = code;
  }
}

export interface PackInput {
  sourcePath: string;
  /** the name the user knows the file by (upload name); used for episode parsing and errors */
  sourceName?: string;
  type: ReleaseType;
  group: string;
  ruleSet: RuleSet;
  /** the release directory is created inside this folder */
  outDir: string;
  /** edited name; default: built from the metadata */
  name?: string;
  /** edited metadata fields, merged over what was extracted */
  metadata?: Partial<ReleaseMetadata>;
  /** precomputed metadata (skips extraction, e.g. a re-run or the wizard's edited copy) */
  extracted?: ReleaseMetadata;
  naming?: Omit<NameOptions, 'type' | 'group'>;
  templates: { nfo: string; diz?: string };
  encoding?: 'cp437' | 'ascii';
  /** bytes; default per type from settings */
  volumeSize: number;
  sourceUrl?: string;
  notes?: string;
  dryRun?: boolean;
  /** replace an existing release directory of the same name */
  force?: boolean;
  /**
   * TV: cut a 60 s sample from the middle into Sample/ (not archived); needs ffmpeg (FFMPEG_BINARY).
   * A source shorter than the rule set's sample.minSeconds is refused before anything is written.
   */
  sample?: boolean;
  /** TV: images copied into Proof/ */
  proof?: string[];
}

export const SAMPLE_SECONDS = 60;

/** the sample length for a rule set: 60 s, brought within its sample bounds if it has any */
export function sampleSeconds(rs: RuleSet): number {
  return rs.sample ? Math.min(Math.max(SAMPLE_SECONDS, rs.sample.minSeconds), rs.sample.maxSeconds) : SAMPLE_SECONDS;
}

/**
 * Refuses a sample that would break the rule set: the source must last at least sample.minSeconds
 * (a shorter cut fails sample.duration), and its duration must be known to cut one at all.
 */
export function checkSampleSource(rs: RuleSet, durationSec: number | undefined, label: string): void {
  const b = rs.sample;
  if (!b) return;
  const how = `${rs.id} wants a ${b.minSeconds}–${b.maxSeconds} s Sample/; pack without --sample ("sample": false) to make the release without one`;
  if (!durationSec || !(durationSec > 0)) throw new PackError('sample_duration_unknown', `${label}: MediaInfo reports no duration, so no sample can be cut: ${how}`);
  if (durationSec < b.minSeconds) throw new PackError('sample_too_short', `${label}: the video lasts ${Math.round(durationSec * 100) / 100} s, shorter than the ${b.minSeconds} s a sample must last: ${how}`);
}

/** cuts `target` seconds (default 60) from the middle of the video without re-encoding (ffmpeg stream copy) */
export async function cutSample(src: string, out: string, durationSec: number, signal?: AbortSignal, target = SAMPLE_SECONDS): Promise<{ start: number; seconds: number }> {
  // a source shorter than the target is copied whole (no rounding down below its own length)
  const seconds = Math.max(1, Math.min(target, durationSec));
  const start = Math.max(0, Math.floor(durationSec / 2 - seconds / 2));
  const bin = process.env.FFMPEG_BINARY || 'ffmpeg';
  await new Promise<void>((resolve, reject) => {
    const p = spawn(bin, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-ss', String(start), '-i', src, '-t', String(seconds), '-map', '0', '-c', 'copy', '-y', out], { signal, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => (err += c));
    p.on('error', (e) => reject(new PackError('sample', (e as NodeJS.ErrnoException).code === 'ENOENT' ? `a sample needs ffmpeg: install it (apt-get install ffmpeg) or set FFMPEG_BINARY` : `ffmpeg: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new PackError('sample', `ffmpeg could not cut the sample (exit ${code}): ${err.trim().slice(0, 500)}`))));
  });
  return { start, seconds };
}

export interface PackHooks {
  signal?: AbortSignal;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void | Promise<void>;
  /** bytes of the source archived so far, of `total` */
  progress?: (done: number, total: number, stage: string) => void | Promise<void>;
}

export interface PackResult {
  ok: boolean;
  dryRun: boolean;
  release: { name: string; dir: string; files: { name: string; size: number }[] };
  metadata: ReleaseMetadata;
  nameWarnings: string[];
  nfo: { name: string; columns: number; lines: number; warnings: string[]; text: string };
  diz?: { columns: number; lines: number; warnings: string[]; text: string };
  archive: { format: 'zip' | 'rar4'; volumes: number; volumeSize: number; mode?: string };
  validation: { ok: boolean; ruleSet: string; checks: ValidationCheck[] };
}

export function mergeMetadata(found: ReleaseMetadata, edits?: Partial<ReleaseMetadata>): ReleaseMetadata {
  if (!edits) return found;
  const clean = Object.fromEntries(Object.entries(edits).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const md = { ...found, ...clean } as ReleaseMetadata;
  if (clean.author && !clean.authors) md.authors = [String(clean.author), ...(found.authors ?? []).filter((a) => a !== found.author)];
  if (clean.authors && !clean.author) md.author = (clean.authors as string[])[0];
  if (clean.year !== undefined) md.year = Number(clean.year);
  for (const k of ['season', 'episode', 'pages'] as const) if (clean[k] !== undefined) md[k] = Number(clean[k]);
  return md;
}

function estimateVolumes(size: number, volumeSize: number, overhead: number): number {
  return Math.max(1, Math.ceil(size / Math.max(1, volumeSize - overhead)));
}

async function listRelease(dir: string): Promise<{ name: string; size: number }[]> {
  const out: { name: string; size: number }[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) await walk(path.join(d, e.name), `${rel}${e.name}/`);
      else out.push({ name: `${rel}${e.name}`, size: (await fs.stat(path.join(d, e.name))).size });
    }
  };
  await walk(dir, '');
  return out;
}

export async function packRelease(input: PackInput, hooks: PackHooks = {}): Promise<PackResult> {
  const log = async (level: 'info' | 'warn' | 'error', m: string, d?: Record<string, unknown>) => { await hooks.log?.(level, m, d); };
  const signal = hooks.signal;
  const label = input.sourceName ?? path.basename(input.sourcePath);
  if (input.ruleSet.type !== input.type) throw new PackError('rule_set_mismatch', `rule set ${input.ruleSet.id} is for ${input.ruleSet.type}, not ${input.type}`);

  // 1. metadata
  const found = input.extracted ?? await extractMetadata(input.sourcePath, label);
  const md = mergeMetadata(found, input.metadata);
  if (!SOURCE_FORMATS[input.type].includes(md.format)) {
    throw new PackError('wrong_source', `${label}: a ${md.format} file cannot make a ${input.type} release (${input.type} takes ${SOURCE_FORMATS[input.type].join(', ')})`);
  }
  // a sample the rules would refuse is refused now, before the (long) archive step and in dry runs
  if (input.type === 'TV' && input.sample) checkSampleSource(input.ruleSet, md.video?.durationSec, label);
  await log('info', `metadata: ${md.format}${md.title ? ` "${md.title}"` : ''}${md.author ? ` by ${md.author}` : ''}${md.video ? ` ${md.video.resolution} ${md.video.videoCodec}` : ''}`, { code: 'pack.metadata', format: md.format });

  // 2. name
  let name: string;
  let nameWarnings: string[] = [];
  let boundary: NameParts | undefined;
  if (input.name) name = input.name.trim();
  else {
    try {
      const r = checkedReleaseName(md, { type: input.type, group: input.group, ...input.naming }, input.ruleSet);
      name = r.name;
      nameWarnings = r.warnings;
      boundary = r.boundary;
    } catch (e) {
      throw new PackError('naming', (e as Error).message);
    }
  }
  for (const w of nameWarnings) await log('warn', `name: ${w}`, { code: 'pack.name_warning', warning: w });
  await log('info', `name: ${name}`, { code: 'pack.name', name });
  const nameChecks = validateName(name, input.ruleSet, { parts: boundary });

  // 3. NFO / DIZ (the volume count in the text is the estimate; corrected below if it differs)
  const isZip = input.ruleSet.archive.format === 'zip';
  const zipBase = zipBaseName(name, input.group);
  const nfoName = isZip ? `${zipBase}.nfo` : `${name.toLowerCase()}.nfo`;
  const render = async (volumes: number) => {
    const ctx = templateContext(md, { name, group: input.group, type: input.type, volumes, volumeSize: input.volumeSize, sourceUrl: input.sourceUrl, notes: input.notes, files: [{ name: label, size: md.size }] });
    const nfo = await renderNfo(input.templates.nfo, ctx, input.encoding);
    const diz = isZip && input.templates.diz ? await renderDiz(input.templates.diz, ctx, input.encoding) : undefined;
    return { nfo, diz };
  };
  const ext = path.extname(label).toLowerCase() || `.${md.format.toLowerCase()}`;
  const innerName = `${name}${ext}`;
  const extrasOf = (n: { data: Buffer }, d?: { data: Buffer }) => [...(d ? [{ name: 'FILE_ID.DIZ', data: d.data }] : []), { name: nfoName, data: n.data }];
  let volumes = estimateVolumes(md.size, input.volumeSize, isZip ? 4096 : 256);
  let { nfo, diz } = await render(volumes);
  // the exact volume count (the archive layer plans it without writing) goes into the NFO/DIZ text
  try {
    const planned = isZip
      ? (await planZipVolumes([{ path: input.sourcePath, name: innerName }], zipBase, { volumeSize: input.volumeSize, extras: extrasOf(nfo, diz) })).count
      : planRarVolumes([{ size: md.size, nameLength: Buffer.byteLength(innerName) }], input.volumeSize);
    if (planned !== volumes) {
      volumes = planned;
      ({ nfo, diz } = await render(volumes));
    }
  } catch {
    // no local source (a dry run of a remote blob) or a size the writer refuses: keep the estimate
  }
  for (const w of [...nfo.warnings, ...(diz?.warnings ?? [])]) await log('warn', `nfo: ${w}`, { code: 'pack.nfo_warning', warning: w });
  const finalDir = path.join(input.outDir, name);
  const result = (files: { name: string; size: number }[], validation: PackResult['validation'], mode?: string): PackResult => ({
    ok: validation.ok,
    dryRun: !!input.dryRun,
    release: { name, dir: finalDir, files },
    metadata: md,
    nameWarnings,
    nfo: { name: nfoName, columns: nfo.columns, lines: nfo.lines, warnings: nfo.warnings, text: nfo.text },
    diz: diz ? { columns: diz.columns, lines: diz.lines, warnings: diz.warnings, text: diz.text } : undefined,
    archive: { format: isZip ? 'zip' : 'rar4', volumes, volumeSize: input.volumeSize, mode },
    validation,
  });

  const nameOk = nameChecks.every((c) => c.ok);
  if (input.dryRun || !nameOk) {
    // planned tree only; a name the rule set refuses stops here, with the rules named
    const planned = isZip
      ? [{ name: nfoName, size: nfo.data.length }, ...Array.from({ length: volumes }, (_, i) => ({ name: `${zipBase}${String(i + 1).padStart(String(volumes).length, '0')}.zip`, size: i < volumes - 1 ? input.volumeSize : 0 }))]
      : [{ name: nfoName, size: nfo.data.length }, { name: `${name.toLowerCase()}.sfv`, size: 0 }, ...Array.from({ length: volumes }, (_, i) => ({ name: `${name.toLowerCase()}.${i === 0 ? 'rar' : `r${String(i - 1).padStart(2, '0')}`}`, size: i < volumes - 1 ? input.volumeSize : 0 }))];
    if (!nameOk) await log('error', `name refused by ${input.ruleSet.id}: ${nameChecks.filter((c) => !c.ok).map((c) => `${c.rule}: ${c.detail}`).join('; ')}`, { code: 'pack.name_refused', rules: input.ruleSet.id, n: nameChecks.filter((c) => !c.ok).length });
    return result(planned, { ok: nameOk, ruleSet: input.ruleSet.id, checks: nameChecks });
  }

  // 4. archives, in a partial directory
  try {
    await fs.access(finalDir);
    if (!input.force) throw new PackError('exists', `${finalDir} already exists: remove it or pack with --force`);
    await fs.rm(finalDir, { recursive: true, force: true });
  } catch (e) {
    if (e instanceof PackError) throw e;
  }
  const work = path.join(input.outDir, `.${name}.partial`);
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  let mode: string | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const total = md.size;
    const onProgress = (bytes: number) => void hooks.progress?.(bytes, total, 'archive');
    await fs.writeFile(path.join(work, nfoName), nfo.data);
    if (isZip) {
      const write = () => writeZipVolumes([{ path: input.sourcePath, name: innerName }], work, zipBase, {
        volumeSize: input.volumeSize, signal, onProgress, extras: extrasOf(nfo, diz),
      });
      let z = await write();
      if (z.volumes.length !== volumes) {
        // the NFO says how many volumes there are: render again with the real count and rewrite
        volumes = z.volumes.length;
        ({ nfo, diz } = await render(volumes));
        await fs.writeFile(path.join(work, nfoName), nfo.data);
        for (const v of z.volumes) await fs.rm(v, { force: true });
        z = await write();
      }
      mode = z.mode;
      await log('info', `archives: ${z.volumes.length} ZIP volume(s) of ≤ ${input.volumeSize} bytes (${z.mode})`, { code: 'pack.zip', n: z.volumes.length, size: input.volumeSize });
    } else {
      let rarSource = input.sourcePath;
      if (process.env.RAR_BINARY) {
        // the real `rar` stores a file under its own name: give it a link named like the release
        const linkDir = await fs.mkdtemp(path.join(input.outDir, `.${name}.src-`));
        rarSource = path.join(linkDir, innerName);
        await fs.symlink(path.resolve(input.sourcePath), rarSource);
        cleanups.push(() => fs.rm(linkDir, { recursive: true, force: true }));
      }
      const r = await writeRarVolumes({ path: rarSource, name: innerName }, work, name.toLowerCase(), { volumeSize: input.volumeSize, signal, onProgress });
      if (r.volumes.length !== volumes) {
        volumes = r.volumes.length;
        ({ nfo, diz } = await render(volumes));
        await fs.writeFile(path.join(work, nfoName), nfo.data);
      }
      const sfvPath = path.join(work, `${name.toLowerCase()}.sfv`);
      await writeSfv(r.volumes, sfvPath, { crcs: r.volumeCrcs, comment: `${name}\n${r.volumes.length} volumes, made by atelier`, signal });
      const check = await verifySfv(sfvPath, { signal });
      if (!check.ok) throw new PackError('sfv', `SFV verification failed after writing: ${check.errors.join('; ')}`);
      await log('info', `archives: ${r.volumes.length} RAR4 volume(s) of ${input.volumeSize} bytes + SFV (verified)`, { code: 'pack.rar', n: r.volumes.length, size: input.volumeSize });
    }
    if (input.type === 'TV' && input.sample) {
      const sampleDir = path.join(work, 'Sample');
      await fs.mkdir(sampleDir);
      const cut = await cutSample(input.sourcePath, path.join(sampleDir, `${name.toLowerCase()}-sample${ext}`), md.video?.durationSec ?? 0, signal, sampleSeconds(input.ruleSet));
      await log('info', `sample: ${Math.round(cut.seconds * 100) / 100} s from ${cut.start} s`, { code: 'pack.sample', seconds: Math.round(cut.seconds * 100) / 100, start: cut.start });
    }
    if (input.type === 'TV' && input.proof?.length) {
      const proofDir = path.join(work, 'Proof');
      await fs.mkdir(proofDir);
      for (const [i, f] of input.proof.entries()) await fs.copyFile(f, path.join(proofDir, `${name.toLowerCase()}-proof${input.proof.length > 1 ? i + 1 : ''}${path.extname(f).toLowerCase()}`));
    }
    await hooks.progress?.(total, total, 'validate');

    // 5. validate, then publish the directory under its real name
    const report: ValidationReport = await validateRelease(work, input.ruleSet, { name, parts: boundary, signal });
    for (const c of report.checks.filter((x) => !x.ok)) await log('error', `rule ${c.rule}: ${c.detail}`, { code: 'pack.rule_failed', rule: { code: `rule.${c.rule}` }, check: { code: c.code, params: c.params } });
    await log(report.ok ? 'info' : 'error', `validation against ${input.ruleSet.id}: ${report.ok ? 'passed' : 'FAILED'} (${report.checks.filter((c) => c.ok).length}/${report.checks.length} rules ok)`, { code: report.ok ? 'pack.valid' : 'pack.invalid', rules: input.ruleSet.id, ok: report.checks.filter((c) => c.ok).length, total: report.checks.length });
    await fs.rename(work, finalDir);
    return result(await listRelease(finalDir), { ok: report.ok, ruleSet: report.ruleSet, checks: report.checks }, mode);
  } catch (e) {
    await fs.rm(work, { recursive: true, force: true }).catch(() => {});
    throw e;
  } finally {
    for (const c of cleanups) await c().catch(() => {});
  }
}
