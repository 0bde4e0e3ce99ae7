// `atelier releases …`: pack (one source → a release directory), validate (a release directory
// against its rule set), batch (every source of a folder), jobs, logs, templates.
// Exit codes: 0 ok; 1 the release fails validation or the pack failed; 2 usage; 3 a server owns the
// data dir (batch; pack then goes through the server's API with ATELIER_TOKEN); 4 a path or job not found.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../core/config.ts';
import type { Command } from 'commander';
import type { CliContext, CoreContext } from '../core/module.ts';
import { CliError, EXIT } from '../core/cli-support.ts';
import { extractMetadata, formatOf, MetadataError } from './metadata/index.ts';
import { listRuleSets } from './rules/index.ts';
import { validateRelease, type ValidationCheck } from './validate/index.ts';
import { noteText } from './validate/messages.ts';
import { ruleSetFor, type PackPayload, type StoredPackResult } from './pack/job.ts';
import { SOURCE_FORMATS } from './pack/pipeline.ts';
import { listTemplates } from './nfo/store.ts';
import type { ReleaseType } from './nfo/index.ts';
import { deliveryCli, sendJson, sendRelease } from './deliver/cli.ts';
import { effectivePrefs, getPrefs, listPrefs, parseKey, PrefsError, setPrefs, type GroupPrefs } from './prefs.ts';

const TYPES = ['EBOOK', 'DOCS', 'TV'];

function usage(message: string): never {
  throw new CliError(message, EXIT.usage, 'usage');
}

function typeOf(v: string | undefined): ReleaseType {
  const t = (v ?? '').toUpperCase();
  if (!TYPES.includes(t)) usage(`--type must be EBOOK, DOCS or TV (got "${v ?? ''}")`);
  return t as ReleaseType;
}

function groupOf(v: string | undefined): string {
  if (!v || !/^[A-Za-z0-9_]{1,32}$/.test(v)) usage(`--group must be 1–32 letters, digits or _ (got "${v ?? ''}")`);
  return v;
}

interface PackOpts {
  type?: string; group?: string; out?: string; name?: string; dryRun?: boolean; ruleSet?: string; volumeMb?: string;
  edition?: string; source?: string; tag?: string[]; language?: string; nfoTemplate?: string; dizTemplate?: string; force?: boolean;
  sourceUrl?: string; notes?: string; sample?: boolean; proof?: string[]; dest?: string[];
}

function payloadOf(file: string, o: PackOpts, type: ReleaseType, group: string, outDir: string): PackPayload {
  if (o.edition && !['RETAiL', 'SCAN', 'HYBRiD'].includes(o.edition)) usage('--edition must be RETAiL, SCAN or HYBRiD');
  if ((o.sample || o.proof) && type !== 'TV') usage('--sample and --proof are for TV releases');
  const volumeMb = o.volumeMb !== undefined ? Number(o.volumeMb) : undefined;
  if (volumeMb !== undefined && !(volumeMb > 0)) usage('--volume-mb must be a positive number');
  return {
    source: { path: file, name: path.basename(file) }, type, group, ruleSet: o.ruleSet, name: o.name,
    naming: { edition: o.edition as 'RETAiL' | undefined, source: o.source, tags: o.tag, language: o.language },
    nfoTemplate: o.nfoTemplate, dizTemplate: o.dizTemplate, volumeMb, dryRun: !!o.dryRun, force: !!o.force,
    sourceUrl: o.sourceUrl, notes: o.notes, outDir, storeArtifacts: false, local: true,
    sample: !!o.sample, proof: o.proof?.map((f) => path.resolve(f)),
  };
}

/** runs one pack job embedded and returns its result; throws CliError with the job's error */
async function runPack(ctx: CoreContext, cliCtx: CliContext, payload: PackPayload): Promise<StoredPackResult & { job_id: string }> {
  const job = await ctx.jobs.enqueue('releases.pack', payload as unknown as Record<string, unknown>, { title: `CLI ${payload.type} ${payload.group}: ${payload.source.name}` });
  const done = await cliCtx.watch(ctx, job.id);
  if (done.status !== 'completed') throw new CliError(`pack ${done.status}: ${done.error ?? `see atelier releases logs ${job.id}`}`, EXIT.failed, `job_${done.status}`);
  return { ...(done.result as StoredPackResult), job_id: job.id };
}

function packJson(r: StoredPackResult & { job_id: string }) {
  return {
    ok: r.ok,
    job_id: r.job_id,
    dry_run: r.dryRun,
    release: { name: r.release.name, dir: r.release.dir, files: r.release.files.map((f) => f.name), bytes: r.release.files.reduce((n, f) => n + f.size, 0) },
    metadata: r.metadata,
    warnings: [...r.nameWarnings, ...r.nfo.warnings, ...(r.diz?.warnings ?? [])],
    validation: { ok: r.validation.ok, ruleSet: r.validation.ruleSet, checks: r.validation.checks },
  };
}

/** one line per rule: its id, then what was found in ATELIER_LANG (the JSON keeps code, params and the English detail) */
function printChecks(checks: ValidationCheck[]) {
  const lang = loadConfig().lang;
  for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.rule.padEnd(24)} ${c.code ? noteText(c, lang) : c.detail}`);
}

async function checkSource(file: string): Promise<void> {
  const st = await fsp.stat(file).catch(() => null);
  if (!st?.isFile()) throw new CliError(`${file}: no such file`, EXIT.notFound, 'not_found');
  // fail fast on an unreadable source, before a job is even queued
  try {
    await extractMetadata(file);
  } catch (e) {
    if (e instanceof MetadataError) throw new CliError(e.message, EXIT.failed, `source_${e.code}`);
    throw e;
  }
}

/**
 * `pack` while a server owns the data dir: upload the source to the server, start the pack job
 * there, wait for it, and download the release files into --out — the same result as embedded.
 */
export async function remotePack(server: { url: string; token?: string }, payload: PackPayload, outDir: string): Promise<StoredPackResult & { job_id: string }> {
  if (!server.token) throw new CliError('a server owns the data dir and ATELIER_TOKEN is not set: create a personal API token (web app → Account → API tokens) and export ATELIER_TOKEN, or stop the server', EXIT.unavailable, 'no_token');
  const call = async (method: string, url: string, body?: BodyInit, json = true): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(new URL(url, server.url), { method, body, headers: { authorization: `Bearer ${server.token}`, ...(json && body ? { 'content-type': 'application/json' } : {}) } });
    } catch (e) {
      throw new CliError(`cannot reach the server at ${server.url} (${(e as Error).message}); set ATELIER_URL`, EXIT.unavailable, 'unreachable');
    }
    if (!res.ok) {
      const err = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: string } };
      throw new CliError(`server answered ${res.status}: ${err.error?.message ?? res.statusText}`, res.status === 404 ? EXIT.notFound : EXIT.failed, err.error?.code ?? 'http_error');
    }
    return res;
  };
  if (payload.proof?.length) usage('--proof needs local access to the data dir (stop the server, or add the images later)');
  const file = payload.source.path!;
  const form = new FormData();
  form.append('file', await fs.openAsBlob(file), path.basename(file));
  const up = (await (await call('POST', '/api/releases/uploads', form, false)).json()) as { uploads: { id: string }[] };
  const { source: _s, outDir: _o, storeArtifacts: _a, local: _l, proof: _p, force: _f, ...rest } = payload;
  const started = (await (await call('POST', '/api/releases/jobs', JSON.stringify({ ...rest, source: { upload: up.uploads[0]!.id } }))).json()) as { job: { id: string } };
  const id = started.job.id;
  let job: { status: string; error: string | null; result: StoredPackResult };
  for (;;) {
    job = ((await (await call('GET', `/api/releases/jobs/${id}`)).json()) as { job: typeof job }).job;
    if (['completed', 'failed', 'cancelled'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (job.status !== 'completed') throw new CliError(`pack ${job.status}: ${job.error ?? `see atelier releases logs ${id}`}`, EXIT.failed, `job_${job.status}`);
  const r = job.result;
  const dir = path.join(outDir, r.release.name);
  if (!r.dryRun) {
    if (fs.existsSync(dir) && !payload.force) throw new CliError(`${dir} already exists: remove it or pack with --force`, EXIT.failed, 'exists');
    const { artifacts } = (await (await call('GET', `/api/releases/jobs/${id}/artifacts`)).json()) as { artifacts: { name: string; url: string }[] };
    for (const a of artifacts) {
      const rel = a.name.slice(r.release.name.length + 1);
      const target = path.join(dir, rel);
      if (!target.startsWith(dir + path.sep)) continue;
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const res = await call('GET', a.url);
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(target));
    }
  }
  return { ...r, release: { ...r.release, dir }, job_id: id };
}

export function releasesCli(group: Command, cliCtx: CliContext): void {
  group.description('release Packer: sources → validated releases (NFO, DIZ, SFV, ZIP/RAR volumes)');

  const packOptions = (c: Command) => c
    .requiredOption('--type <type>', 'EBOOK | DOCS | TV')
    .requiredOption('--group <group>', 'release group tag')
    .option('--out <dir>', 'folder the release directory is written into (default: the group\'s output folder from `prefs`, else the current folder)')
    .option('--name <name>', 'release name (default: built from the metadata); validated against the rule set')
    .option('--dry-run', 'show the name, NFO and planned files without writing anything')
    .option('--rule-set <id>', 'rule set id, e.g. ebook-2024 (default: the newest of the type)')
    .option('--volume-mb <mb>', 'volume size in MB (default from RELEASES_ZIP_VOLUME_MB / RELEASES_RAR_VOLUME_MB)')
    .option('--edition <edition>', 'EBOOK/DOCS: RETAiL | SCAN | HYBRiD')
    .option('--source <tag>', 'TV source tag (WEB, HDTV, BluRay …)')
    .option('--tag <tag...>', 'TV extra tags (PROPER, REPACK …)')
    .option('--language <code>', 'language override (ISO 639-1, or "multi")')
    .option('--nfo-template <id>', 'NFO template id (see `atelier releases templates`)')
    .option('--diz-template <id>', 'DIZ template id')
    .option('--source-url <url>', 'source URL printed in the NFO')
    .option('--notes <text>', 'notes printed in the NFO')
    .option('--force', 'replace an existing release directory of the same name')
    .option('--sample', 'TV: cut a 60 s sample from the middle into Sample/ (needs ffmpeg)')
    .option('--proof <image...>', 'TV: proof images copied into Proof/')
    .option('--dest <name...>', 'deliver the valid release to these destinations once written');

  packOptions(group.command('pack'))
    .description('pack one source file into a release directory and validate it')
    .argument('<path>', 'source file (EPUB, PDF, MOBI, AZW3, CBZ, DOCX, ODT, RTF, TXT, MKV, MP4)')
    .action(async (file: string, o: PackOpts) => {
      const type = typeOf(o.type);
      const grp = groupOf(o.group);
      const abs = path.resolve(file);
      await checkSource(abs);
      let ctx: CoreContext | undefined;
      try {
        ctx = await cliCtx.open();
      } catch (e) {
        if ((e as Error).name !== 'DataDirLockedError') throw e;
      }
      // the group's preferences (`atelier releases prefs`) fill the options not given
      if (ctx) {
        const pref = await effectivePrefs(ctx.db, grp, type);
        o = { ...o, ruleSet: o.ruleSet ?? pref.ruleSet, nfoTemplate: o.nfoTemplate ?? pref.nfoTemplate, dizTemplate: o.dizTemplate ?? pref.dizTemplate, out: o.out ?? pref.outputPath, dest: o.dest ?? pref.destinations };
      }
      const outDir = path.resolve(o.out ?? '.');
      await fsp.mkdir(outDir, { recursive: true });
      const payload = payloadOf(abs, o, type, grp, outDir);
      let r: StoredPackResult & { job_id: string };
      if (ctx) {
        r = await runPack(ctx, cliCtx, payload);
      } else {
        // a server owns the data dir: the same pack, done by the server
        const cfg = loadConfig();
        r = await remotePack({ url: cfg.serverUrl, token: cfg.token }, payload, outDir);
      }
      const out: ReturnType<typeof packJson> & { deliveries?: ReturnType<typeof sendJson>[] } = packJson(r);
      if (o.dest?.length && ctx && r.ok && !r.dryRun) {
        // a delivery failure is reported (and fails the exit code) but never undoes the pack
        out.deliveries = (await sendRelease(ctx, cliCtx, r.release.dir, o.dest, { type, group: grp })).map(sendJson);
        if (out.deliveries.some((d) => !d.ok)) process.exitCode = EXIT.failed;
      } else if (o.dest?.length && !ctx) usage('--dest needs the data dir: stop the server, or deliver from the web app');
      else if (o.dest?.length && !r.ok) console.error('not delivered: the release failed validation');
      if (cliCtx.json()) process.stdout.write(JSON.stringify(out) + '\n');
      else {
        console.log(`${r.dryRun ? '[dry run] ' : ''}${r.release.name}`);
        console.log(`  ${r.dryRun ? 'would write' : 'written to'} ${r.release.dir}`);
        for (const f of r.release.files) console.log(`    ${f.name}${r.dryRun ? '' : `  ${f.size} bytes`}`);
        for (const w of out.warnings) console.log(`  warning: ${w}`);
        console.log(r.dryRun
          ? `  name checks (${r.validation.ruleSet}): ${r.validation.ok ? 'PASSED' : 'FAILED'} — the full validation runs when the release is written`
          : `  validation (${r.validation.ruleSet}): ${r.validation.ok ? 'PASSED' : 'FAILED'}`);
        printChecks(r.validation.checks);
        for (const d of out.deliveries ?? []) console.log(`  delivered to ${d.destination.name}: ${d.ok ? 'VERIFIED' : 'FAILED'} (${d.files.filter((f) => f.verified).length}/${d.files.length} files)`);
      }
      if (!r.ok) process.exitCode = EXIT.failed;
    });

  deliveryCli(group, cliCtx);

  group.command('validate')
    .description('check a release directory against its rule set; lists every rule')
    .argument('<release-dir>', 'the release directory')
    .requiredOption('--type <type>', 'EBOOK | DOCS | TV')
    .option('--rule-set <id>', 'rule set id (default: the newest of the type)')
    .option('--name <name>', 'release name (default: the directory name)')
    .action(async (dir: string, o: { type?: string; ruleSet?: string; name?: string }) => {
      const type = typeOf(o.type);
      const abs = path.resolve(dir);
      const st = await fsp.stat(abs).catch(() => null);
      if (!st?.isDirectory()) throw new CliError(`${dir}: no such directory`, EXIT.notFound, 'not_found');
      // pure file checks: no database needed, so this also works while a server owns the data dir
      const ruleSet = await ruleSetFor(type, o.ruleSet).catch((e) => usage((e as Error).message));
      const report = await validateRelease(abs, ruleSet, { name: o.name });
      const out = { ok: report.ok, release: { name: report.name, dir: abs }, validation: { ok: report.ok, ruleSet: report.ruleSet, checks: report.checks } };
      if (cliCtx.json()) process.stdout.write(JSON.stringify(out) + '\n');
      else {
        console.log(`${report.name}: ${report.ok ? 'PASSED' : 'FAILED'} (${report.ruleSet})`);
        printChecks(report.checks);
      }
      if (!report.ok) process.exitCode = EXIT.failed;
    });

  packOptions(group.command('batch'))
    .description('pack every source of a folder (files of the type\'s formats); one bad file does not stop the batch')
    .argument('<dir>', 'folder of sources')
    .action(async (dir: string, o: PackOpts) => {
      const type = typeOf(o.type);
      const grp = groupOf(o.group);
      if (o.name) usage('--name cannot be used with batch (each release is named from its metadata)');
      const abs = path.resolve(dir);
      const entries = await fsp.readdir(abs, { withFileTypes: true }).catch(() => { throw new CliError(`${dir}: no such directory`, EXIT.notFound, 'not_found'); });
      const sources = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).filter((n) => {
        const f = formatOf(n);
        return f && SOURCE_FORMATS[type].includes(f);
      }).sort();
      if (!sources.length) usage(`no ${type} source (${SOURCE_FORMATS[type].join(', ')}) in ${dir}`);
      const outDir = path.resolve(o.out ?? '.');
      await fsp.mkdir(outDir, { recursive: true });
      const ctx = await cliCtx.open();
      const results: Record<string, unknown>[] = [];
      for (const name of sources) {
        const file = path.join(abs, name);
        try {
          await checkSource(file);
          const r = await runPack(ctx, cliCtx, payloadOf(file, o, type, grp, outDir));
          results.push({ source: name, ...packJson(r) });
          if (!cliCtx.json()) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name} → ${r.release.name}${r.ok ? '' : `: ${r.validation.checks.filter((c) => !c.ok).map((c) => c.rule).join(', ')}`}`);
        } catch (e) {
          results.push({ source: name, ok: false, error: (e as Error).message });
          if (!cliCtx.json()) console.log(`FAIL ${name}: ${(e as Error).message}`);
        }
      }
      const ok = results.every((r) => r.ok);
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok, count: results.length, failed: results.filter((r) => !r.ok).length, results }) + '\n');
      else console.log(`${results.filter((r) => r.ok).length}/${results.length} releases valid`);
      if (!ok) process.exitCode = EXIT.failed;
    });

  /** embedded when the data dir is free, else through the running server's API */
  async function local<T>(fn: (ctx: CoreContext) => Promise<T>, remote: () => Promise<T>): Promise<T> {
    let ctx: CoreContext;
    try {
      ctx = await cliCtx.open();
    } catch (e) {
      if ((e as Error).name === 'DataDirLockedError') return remote();
      throw e;
    }
    return fn(ctx);
  }

  group.command('jobs')
    .description('list pack jobs')
    .option('--limit <n>', 'how many', '20')
    .option('--status <status>', 'queued | running | completed | failed | cancelled')
    .action(async (o: { limit: string; status?: string }) => {
      const limit = Number(o.limit) || 20;
      const jobs = await local(async (ctx) => {
        const list = await ctx.jobs.list({ module: 'releases', kind: 'pack', limit, status: o.status });
        const packs = list.length ? await ctx.db.withSchema('releases').selectFrom('packs').select(['job_id', 'name', 'ok']).where('job_id', 'in', list.map((j) => j.id)).execute() : [];
        const byId = new Map(packs.map((p: any) => [p.job_id, p]));
        return list.map((j) => ({ ...j, pack: byId.get(j.id) ?? null }));
      }, async () => (await cliCtx.api<{ jobs: any[] }>('GET', `/api/releases/jobs?limit=${limit}${o.status ? `&status=${o.status}` : ''}`)).jobs);
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, jobs }) + '\n');
      else for (const j of jobs) console.log(`${j.id}  ${String(j.status).padEnd(9)} ${String(Math.round(j.progress)).padStart(3)}%  ${j.pack?.ok === false ? 'INVALID ' : j.pack?.ok ? 'valid   ' : '        '}${j.pack?.name ?? j.title ?? ''}`);
    });

  group.command('logs')
    .description('show the log of a pack job')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      const r = await local(async (ctx) => {
        const job = await ctx.jobs.get(id);
        if (!job || job.module !== 'releases') throw new CliError(`pack job ${id} not found`, EXIT.notFound, 'not_found');
        return { job, events: await ctx.jobs.eventsOf(id) };
      }, async () => ({ job: (await cliCtx.api<any>('GET', `/api/releases/jobs/${id}`)).job, events: (await cliCtx.api<any>('GET', `/api/releases/jobs/${id}/logs`)).events }));
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, job: r.job, events: r.events }) + '\n');
      else {
        console.log(`${r.job.id} ${r.job.status}${r.job.error ? ` — ${r.job.error}` : ''}`);
        for (const e of r.events) console.log(`${new Date(e.ts).toISOString()} [${e.level ?? e.type}] ${e.message ?? ''}`);
      }
    });

  const prefs = group.command('prefs').description('per-group defaults: rule set, NFO/DIZ templates, destinations and output folder per type (group "*" = every group)');
  const prefsError = (e: unknown): never => {
    if (e instanceof PrefsError) usage(e.message);
    throw e;
  };
  const printPrefs = (grp: string, p: GroupPrefs) => {
    const lines = Object.entries(p).flatMap(([t, v]) => Object.entries(v ?? {}).map(([k, x]) => `  ${t.toLowerCase()}.${k} = ${Array.isArray(x) ? x.join(',') : x}`));
    console.log(`${grp}${lines.length ? '' : '  (nothing set)'}`);
    for (const l of lines) console.log(l);
  };
  prefs.command('list').description('every group\'s preferences')
    .action(async () => {
      const list = await local((ctx) => listPrefs(ctx.db), async () => (await cliCtx.api<any>('GET', '/api/releases/prefs')).prefs);
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, prefs: list }) + '\n');
      else if (!list.length) console.log('no preferences yet: atelier releases prefs set <group|*> <type>.<key> <value>');
      else for (const x of list) printPrefs(x.group, x.prefs);
    });
  prefs.command('get').description('a group\'s own preferences, and what applies to a type once "*" is added (--type)')
    .argument('<group>', 'group tag, or * for every group').argument('[key]', '<type>.<key>, e.g. tv.ruleSet')
    .option('--type <type>', 'EBOOK | DOCS | TV: also show the effective values')
    .action(async (grp: string, key: string | undefined, o: { type?: string }) => {
      if (grp !== '*') groupOf(grp);
      const type = o.type ? typeOf(o.type) : undefined;
      const r = await local(async (ctx) => ({ prefs: await getPrefs(ctx.db, grp), effective: type ? await effectivePrefs(ctx.db, grp, type) : undefined }),
        async () => cliCtx.api<any>('GET', `/api/releases/prefs/${encodeURIComponent(grp)}${type ? `?type=${type}` : ''}`));
      if (key) {
        const [t, k] = (() => { try { return parseKey(key); } catch (e) { return prefsError(e); } })();
        const value = (r.prefs as GroupPrefs)[t]?.[k] ?? null;
        if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, group: grp, key, value }) + '\n');
        else console.log(value === null ? '(not set)' : Array.isArray(value) ? value.join(',') : value);
        return;
      }
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, group: grp, ...r }) + '\n');
      else {
        printPrefs(grp, r.prefs);
        if (r.effective) console.log(`effective for ${type}: ${JSON.stringify(r.effective)}`);
      }
    });
  const change = (verb: 'set' | 'unset') => async (grp: string, key: string, value: string | undefined) => {
    if (grp !== '*') groupOf(grp);
    const [t, k] = (() => { try { return parseKey(key); } catch (e) { return prefsError(e); } })();
    const apply = (p: GroupPrefs): GroupPrefs => {
      const next: GroupPrefs = JSON.parse(JSON.stringify(p));
      const tp = (next[t] ??= {}) as Record<string, unknown>;
      if (verb === 'unset') delete tp[k];
      else tp[k] = k === 'destinations' ? value!.split(',').map((x) => x.trim()).filter(Boolean) : k === 'outputPath' ? path.resolve(value!) : value;
      return next;
    };
    const saved = await local(async (ctx) => setPrefs(ctx.db, grp, apply(await getPrefs(ctx.db, grp))).catch(prefsError),
      async () => {
        const cur = (await cliCtx.api<any>('GET', `/api/releases/prefs/${encodeURIComponent(grp)}`)).prefs;
        return (await cliCtx.api<any>('PUT', `/api/releases/prefs/${encodeURIComponent(grp)}`, apply(cur))).prefs;
      });
    if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, group: grp, prefs: saved }) + '\n');
    else printPrefs(grp, saved);
  };
  prefs.command('set').description('set one preference: <type>.<key> with key ruleSet | nfoTemplate | dizTemplate | destinations (comma-separated) | outputPath')
    .argument('<group>', 'group tag, or * for every group').argument('<key>', 'e.g. tv.ruleSet, ebook.destinations').argument('<value>')
    .action(change('set'));
  prefs.command('unset').description('remove one preference').argument('<group>').argument('<key>')
    .action((g: string, k: string) => change('unset')(g, k, undefined));

  group.command('templates')
    .description('list NFO/DIZ templates (shipped defaults and your own)')
    .option('--type <type>', 'EBOOK | DOCS | TV')
    .action(async (o: { type?: string }) => {
      const type = o.type ? typeOf(o.type) : undefined;
      const list = await local((ctx) => listTemplates(ctx.db, { type }), async () => (await cliCtx.api<any>('GET', `/api/releases/templates${type ? `?type=${type}` : ''}`)).templates);
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, templates: list.map(({ body: _b, ...t }: any) => t) }) + '\n');
      else for (const t of list) console.log(`${t.id.padEnd(38)} ${t.type.padEnd(5)} ${t.kind}  ${t.name}`);
    });

  group.command('rulesets')
    .description('list the rule sets')
    .action(async () => {
      const list = await listRuleSets();
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, rulesets: list }) + '\n');
      else for (const r of list) console.log(`${r.id.padEnd(12)} ${r.type.padEnd(5)} ${r.year}  ${r.title}`);
    });
}
