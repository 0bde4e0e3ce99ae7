// `atelier vinted …`: ingest photos (a folder, a ZIP or files) embedded, and print the plan.
// Exit codes: 0 done (per-file errors are listed, not fatal), 1 the job failed, 2 usage (no photos,
// too many, bad option), 3 the data dir is owned by a running server, 4 a path or job not found.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext, CoreContext } from '../core/module.ts';
import { CliError, EXIT } from '../core/cli-support.ts';
import { loadConfig } from '../core/config.ts';
import { DataDirLockedError } from '../core/lock.ts';
import { settingsOf } from './catalog/runtime.ts';
import { createCatalog, loadCatalog, savePlan, getSetting } from './catalog/store.ts';
import { clusterSummaries } from './catalog/view.ts';
import { isImageCandidate } from './catalog/names.ts';
import type { IngestPayload } from './catalog/ingest-job.ts';
import { buildPlan, type Plan } from './listings/plan.ts';
import { cachedPriceEvidence, learnedFor } from './analytics/stats.ts';
import { publishCli } from './cli-publish.ts';
import { afterPublishingCli } from './cli-after.ts';
// the vision job, the export and the import (sharp, ZIP, mail code) are loaded by their commands only
const llmJob = () => import('./llm/job.ts');
import { pipeline } from 'node:stream/promises';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

async function walk(dir: string, base: string, out: { name: string; path: string }[]): Promise<void> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => collator.compare(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, base, out);
    else if (e.isFile()) {
      const name = path.relative(base, full).split(path.sep).join('/');
      if (isImageCandidate(name)) out.push({ name, path: full });
    }
  }
}

function isZip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    fs.readSync(fd, b, 0, 4, 0);
    return b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) ;
  } finally {
    fs.closeSync(fd);
  }
}

/** Turns the command's arguments into the job's inputs; names are what the user knows the files by. */
export async function resolveInputs(args: string[], cwd = process.cwd()): Promise<Pick<IngestPayload, 'inputs' | 'zip'>> {
  const inputs: { name: string; path: string }[] = [];
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    let st: fs.Stats;
    try {
      st = await fsp.stat(abs);
    } catch {
      throw new CliError(`${arg}: no such file or directory`, EXIT.notFound, 'not_found');
    }
    if (st.isDirectory()) {
      // one folder: names relative to it; several arguments: names keep the folder given
      const found: { name: string; path: string }[] = [];
      await walk(abs, args.length === 1 ? abs : cwd, found);
      inputs.push(...found);
    } else if (args.length === 1 && st.size > 0 && isZip(abs)) {
      return { zip: { name: path.basename(abs), path: abs } };
    } else {
      const rel = path.relative(cwd, abs);
      inputs.push({ name: (rel.startsWith('..') || path.isAbsolute(rel) ? arg : rel).split(path.sep).join('/'), path: abs });
    }
  }
  return { inputs };
}

function bad(message: string): never {
  throw new CliError(message, EXIT.usage, 'usage');
}

type IngestResult = { ok: boolean; job_id: string; files: number; errors: { file: string; reason: string }[]; duplicates: { file: string; of: string }[]; clusters: { id: string; photos: string[]; category: string | null; color: string | null; score: number }[] };

/**
 * A server owns the data dir: upload to it (ATELIER_URL + ATELIER_TOKEN) and follow the job through
 * GET /bulk/status — same output as the embedded run. Files are streamed (fs.openAsBlob), not loaded.
 */
async function ingestViaServer(resolved: Pick<IngestPayload, 'inputs' | 'zip'>, backend: string | undefined, json: boolean): Promise<IngestResult> {
  const cfg = loadConfig();
  if (!cfg.token) throw new CliError('a server owns the data dir and ATELIER_TOKEN is not set: create a personal API token (web app → Account → API tokens) and export ATELIER_TOKEN, or stop the server', EXIT.unavailable, 'no_token');
  const form = new FormData();
  let route = '/api/vinted/bulk/ingest/photos';
  if (resolved.zip) {
    route = '/api/vinted/bulk/ingest/zip';
    form.append('file', await fs.openAsBlob(resolved.zip.path!), resolved.zip.name);
  } else for (const i of resolved.inputs ?? []) form.append('files', await fs.openAsBlob(i.path!), i.name);
  const headers = { authorization: `Bearer ${cfg.token}` };
  const call = async (url: string, init: RequestInit = {}) => {
    let res: Response;
    try {
      res = await fetch(new URL(url, cfg.serverUrl), { ...init, headers });
    } catch (e) {
      throw new CliError(`cannot reach the server at ${cfg.serverUrl} (${(e as Error).message}); set ATELIER_URL`, EXIT.unavailable, 'unreachable');
    }
    const body = (await res.json().catch(() => ({}))) as any;
    if (!res.ok) throw new CliError(`server answered ${res.status}: ${body?.error?.message ?? res.statusText}`, res.status === 404 ? EXIT.notFound : res.status === 413 || res.status === 400 ? EXIT.usage : EXIT.failed, body?.error?.code ?? 'http_error');
    return body;
  };
  const started = await call(`${route}${backend ? `?backend=${backend}` : ''}`, { method: 'POST', body: form });
  const tty = process.stderr.isTTY && !json;
  for (;;) {
    const st = await call(`/api/vinted/bulk/status?job=${started.job_id}`);
    if (tty) process.stderr.write(`\r ${Math.round(st.percent)}% ${st.status} — ${st.progress.scanned}/${st.progress.total} photos   `);
    if (['completed', 'failed', 'cancelled'].includes(st.status)) {
      if (tty) process.stderr.write('\n');
      if (st.status !== 'completed') throw new CliError(`ingest ${st.status}: ${st.message ?? 'see atelier jobs show ' + started.job_id}`, EXIT.failed, `job_${st.status}`);
      return {
        ok: true, job_id: started.job_id, files: st.progress.total, errors: st.errors, duplicates: st.duplicates,
        clusters: st.clusters.map((x: any) => ({ id: x.id, photos: x.photos, category: x.category, color: x.color, score: x.score })),
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function openCtx(cliCtx: CliContext): Promise<CoreContext & { close(): Promise<void> }> {
  const ctx = await cliCtx.open();
  return ctx;
}

export function vintedCli(group: Command, cliCtx: CliContext): void {
  group.description('Vinted Studio: photos → articles → listings → Vinted');
  publishCli(group, cliCtx);
  afterPublishingCli(group, cliCtx);

  group.command('ingest')
    .description('analyse photos (a folder, a ZIP, or files): deduplicate, group into articles, recognise; prints the catalog')
    .argument('<inputs...>', 'a folder, a ZIP, or photo files')
    .option('--backend <backend>', 'auto | classic | clip (default VISION_BACKEND or auto)')
    .action(async (args: string[], o: { backend?: string }) => {
      if (o.backend && !['auto', 'classic', 'clip'].includes(o.backend)) bad(`--backend must be auto, classic or clip (got "${o.backend}")`);
      const resolved = await resolveInputs(args);
      if (resolved.inputs && resolved.inputs.length === 0) bad(`no photo found in ${args.join(' ')}`);
      let result: IngestResult;
      let backendUsed: string | null = null;
      let ctx: (CoreContext & { close(): Promise<void> }) | null = null;
      try {
        ctx = await openCtx(cliCtx);
      } catch (e) {
        if (!(e instanceof DataDirLockedError) || !loadConfig().token) throw e;
      }
      if (!ctx) result = await ingestViaServer(resolved, o.backend, cliCtx.json());
      else {
        const s = settingsOf(ctx);
        const n = resolved.inputs?.length ?? 0;
        if (n > s.maxFiles) bad(`${n} photos: at most ${s.maxFiles} per ingest (BULK_MAX_FILES); split the batch`);
        const payload: IngestPayload = { source: 'cli', ...resolved, backend: o.backend as IngestPayload['backend'] };
        const title = resolved.zip ? `CLI: ${resolved.zip.name}` : `CLI: ${n} photos`;
        const job = await ctx.jobs.enqueue('vinted.ingest', payload as unknown as Record<string, unknown>, { title });
        await createCatalog(ctx.db, job.id, { source: 'cli', files: n });
        const done = await cliCtx.watch(ctx, job.id);
        if (done.status !== 'completed') throw new CliError(`ingest ${done.status}: ${done.error ?? 'see atelier jobs show ' + job.id}`, EXIT.failed, `job_${done.status}`);
        const c = await loadCatalog(ctx.db, job.id);
        if (!c) throw new CliError(`catalog of job ${job.id} missing`, EXIT.failed);
        backendUsed = c.backend;
        const clusters = clusterSummaries(c).map((x) => ({ id: x.id, photos: x.photos, category: x.category, color: x.color, score: x.score }));
        result = { ok: true, job_id: job.id, files: c.files, errors: c.errors, duplicates: c.duplicates, clusters };
      }
      if (cliCtx.json()) process.stdout.write(JSON.stringify(result) + '\n');
      else {
        console.log(`job ${result.job_id}: ${result.files} files → ${result.clusters.length} articles, ${result.duplicates.length} duplicates, ${result.errors.length} errors${backendUsed ? ` (backend ${backendUsed})` : ''}`);
        for (const x of result.clusters) console.log(`  ${x.id.padEnd(5)} ${(x.category ?? '?').padEnd(14)} ${(x.color ?? '?').padEnd(9)} ${x.score.toFixed(2)}  ${x.photos.join(', ')}`);
        for (const d of result.duplicates) console.log(`  duplicate ${d.file} of ${d.of}`);
        for (const e of result.errors) console.log(`  error ${e.file}: ${e.reason}`);
        console.log(`next: atelier vinted plan ${result.job_id}`);
      }
    });

  group.command('plan')
    .description('draft the listings of an ingested catalog (templates, prices, quality gates); saves and prints the plan')
    .argument('<job_id>', 'the ingest job id')
    .option('--condition <condition>', 'default condition (e.g. "Très bon état")')
    .option('--size <size>', 'default size')
    .option('--category <category>', 'default category for articles without one')
    .option('--city <city>', 'city named in descriptions')
    .action(async (jobId: string, o: { condition?: string; size?: string; category?: string; city?: string }) => {
      const defaults = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
      let plan: Plan & { summary?: unknown };
      let ctx: (CoreContext & { close(): Promise<void> }) | null = null;
      try {
        ctx = await openCtx(cliCtx);
      } catch (e) {
        if (!(e instanceof DataDirLockedError)) throw e;
      }
      if (ctx) {
        const c = await loadCatalog(ctx.db, jobId).catch(() => null);
        if (!c) throw new CliError(`no catalog for job ${jobId}`, EXIT.notFound, 'not_found');
        const stored = await getSetting<{ title?: string; description?: string }>(ctx.db, 'templates');
        const planOpts = { defaults, templates: { title: stored?.title, description: stored?.description } };
        plan = buildPlan(c, settingsOf(ctx), planOpts);
        // the same learned prices as the API's plan
        const learned = learnedFor(plan.items, await cachedPriceEvidence(ctx.db));
        if (Object.keys(learned).length) plan = buildPlan(c, settingsOf(ctx), { ...planOpts, learned });
        await savePlan(ctx.db, plan, { defaults, ...(Object.keys(learned).length ? { learned } : {}) });
      } else {
        // a server owns the data dir: ask it
        plan = await cliCtx.api('POST', '/api/vinted/bulk/listings/plan', { job: jobId, defaults });
      }
      const ready = plan.items.filter((i) => i.publish_ready).length;
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, job_id: jobId, items: plan.items, summary: { items: plan.items.length, publish_ready: ready } }) + '\n');
      else {
        for (const i of plan.items) {
          console.log(`${i.cluster_id.padEnd(5)} ${String(i.price ?? '-').padStart(4)} €  ${i.publish_ready ? 'ready  ' : 'blocked'}  ${i.title}${i.missing_fields.length ? `  [${i.missing_fields.join(', ')}]` : ''}`);
        }
        console.log(`${ready}/${plan.items.length} listings pass the quality gates`);
      }
    });

  group.command('llm-key')
    .description('store the vision model API key in the vault, read from standard input (never from the command line: it would stay in the shell history)')
    .option('--delete', 'forget the stored key')
    .action(async (o: { delete?: boolean }) => {
      let key = '';
      if (!o.delete) {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        key = Buffer.concat(chunks).toString('utf8').trim();
        if (!key) throw new CliError('no key on standard input (e.g. `atelier vinted llm-key < key.txt`)', EXIT.usage, 'usage');
      }
      let ctx: (CoreContext & { close(): Promise<void> }) | null = null;
      try {
        ctx = await openCtx(cliCtx);
      } catch (e) {
        if (!(e instanceof DataDirLockedError)) throw e;
      }
      if (ctx) {
        const { LLM_KEY_VAULT_NAME } = await llmJob();
        if (o.delete) await ctx.vault.delete(LLM_KEY_VAULT_NAME);
        else await ctx.vault.set(LLM_KEY_VAULT_NAME, key);
      } else if (o.delete) await cliCtx.api('DELETE', '/api/vinted/llm/key');
      else await cliCtx.api('PUT', '/api/vinted/llm/key', { api_key: key });
      if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, stored: !o.delete }) + '\n');
      else console.log(o.delete ? 'vision model key deleted' : 'vision model key stored in the vault');
    });

  // export / import of the Studio on the embedded platform (with a server running, use the
  // Données page or GET /api/vinted/transfer/export.zip, POST /api/vinted/transfer/import)
  const embedded = async () => {
    try {
      return await openCtx(cliCtx);
    } catch (e) {
      if (e instanceof DataDirLockedError) throw new CliError('a server owns the data dir: use the Données page, or GET /api/vinted/transfer/export.zip and POST /api/vinted/transfer/import', EXIT.unavailable, 'unavailable');
      throw e;
    }
  };
  group.command('export')
    .description('export the Studio (or one batch with --job) as a ZIP of JSON + photos + listings.csv; no cookie, token or key is included')
    .requiredOption('--out <file>', 'the ZIP to write')
    .option('--job <id>', 'only this batch')
    .action(async (o: { out: string; job?: string }) => {
      const ctx = await embedded();
      try {
        if (o.job && !(await ctx.db.withSchema('vinted').selectFrom('catalogs').select('job_id').where('job_id', '=', o.job).executeTakeFirst())) {
          throw new CliError(`batch ${o.job} not found`, EXIT.notFound, 'not_found');
        }
        const { exportZip } = await import('./transfer/export.ts');
        const { stream, manifest } = await exportZip(ctx.db, ctx.files, o.job ? { kind: 'batch', job: o.job } : { kind: 'account' });
        await pipeline(stream, fs.createWriteStream(o.out, { mode: 0o600 }));
        if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, file: o.out, counts: manifest.counts }) + '\n');
        else console.log(`${o.out}: ${manifest.counts.catalogs} batches, ${manifest.counts.photos} photos, ${manifest.counts.publications} publications (no secrets)`);
      } finally {
        await ctx.close();
      }
    });
  group.command('import')
    .description('import an export ZIP: all or nothing; batches get new ids; accounts come without their session (reconnect them)')
    .argument('<file>', 'the export ZIP')
    .action(async (file: string) => {
      if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`, EXIT.notFound, 'not_found');
      const ctx = await embedded();
      try {
        const { importZip, ImportError } = await import('./transfer/import.ts');
        const r = await importZip(ctx.db, ctx.files, file, { isAdmin: true }).catch((e) => {
          if (e instanceof ImportError) throw new CliError(`${file}: ${e.message}`, EXIT.failed, e.code);
          throw e;
        });
        if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, ...r }) + '\n');
        else {
          console.log(`imported ${r.counts.catalogs} batches, ${r.counts.photos} photos, ${r.counts.publications} publications, ${r.counts.relist_rules} relist rules, ${r.counts.orders} orders, ${r.counts.reply_templates} reply templates, ${r.counts.webhooks} webhook endpoints; reconnect the ${r.counts.accounts} imported Vinted accounts before publishing`);
          const why = { relist_rule_dry_run: 'relist rule imported in dry run', reply_auto_off: 'reply template imported without automatic sending', webhook_secret_required: 'webhook endpoint imported paused: generate a new secret before resuming it' };
          for (const w of r.warnings) console.log(`  ${why[w.code]}: ${w.name}`);
        }
      } finally {
        await ctx.close();
      }
    });
}
