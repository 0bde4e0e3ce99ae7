// Job `vinted.ingest`: runs the photo pipeline on an upload, a ZIP or local files, reports progress
// (percent + scanned/total/clusters/duplicates/errors), and persists the catalog.
// Resumable: uploads are in the blob store before the job starts; the pipeline's result is kept as a
// blob and checkpointed, so a job killed after the analysis only re-saves, and one killed during it
// re-runs the analysis from the stored uploads (never asks the seller to upload again).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JobContext } from '../../core/jobs/types.ts';
import type { CoreContext } from '../../core/module.ts';
import type { PipelineInput, PipelineOptions, PipelineResult, PipelineHooks } from '../vision/types.ts';
import type { BlobStore } from '../../core/files.ts';
import { settingsOf } from './runtime.ts';
import { moduleCounter } from '../../core/metrics.ts';
import { createCatalog, saveResult, setCatalogStatus, loadCatalog } from './store.ts';
import { catalogExport } from './view.ts';
import { isImageCandidate } from './names.ts';

export interface IngestPayload {
  source: 'upload' | 'zip' | 'cli';
  /** uploads (blob keys) or local files (CLI, embedded only) */
  inputs?: { name: string; blob?: string; path?: string }[];
  /** a ZIP: blob key (upload) or local path (CLI) */
  zip?: { name: string; blob?: string; path?: string };
  /** prefix of the uploaded originals, deleted once the catalog is saved (they carry EXIF/GPS) */
  uploadPrefix?: string;
  /** per-file errors found while receiving the upload (too large, empty…) */
  preErrors?: { file: string; reason: string }[];
  backend?: 'auto' | 'clip' | 'classic';
}

interface Checkpoint { stage: 'analysed' | 'saved'; resultKey: string; describeQueued?: boolean }

const STAGES: Record<string, [number, number]> = {
  decode: [2, 70], dedup: [70, 75], embed: [75, 88], cluster: [88, 94], recognise: [94, 99],
};

type RunPipeline = (inputs: PipelineInput[], opts: PipelineOptions, files: BlobStore, hooks?: PipelineHooks) => Promise<PipelineResult>;

async function loadPipeline(): Promise<RunPipeline> {
  const mod = await import('../vision/pipeline.ts');
  return mod.runPipeline as RunPipeline;
}

async function loadZip(): Promise<typeof import('../ingest/zip.ts')> {
  return import('../ingest/zip.ts');
}

/** Local path of a blob (downloaded to `tmp` when the store is not local). */
export async function localCopy(files: BlobStore, key: string, tmp: string): Promise<string> {
  const p = files.localPath?.(key);
  if (p && fs.existsSync(p)) return p;
  const dest = path.join(tmp, 'blobs', key.replace(/[^\w.-]+/g, '_'));
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  await fsp.writeFile(dest, await files.get(key));
  return dest;
}

const photosIngested = moduleCounter('vinted', 'photos_ingested', 'photos analysed into a catalog (refused files not counted)');

export function summaryCounters(r: { photos: unknown[]; clusters: unknown[]; duplicates: unknown[]; errors: unknown[] }, total: number) {
  return { scanned: total, total, clusters: r.clusters.length, duplicates: r.duplicates.length, errors: r.errors.length };
}

export async function ingestHandler(job: JobContext<IngestPayload>, ctx: CoreContext): Promise<unknown> {
  const p = job.payload;
  const s = settingsOf(ctx);
  const tmp = path.join(os.tmpdir(), `atelier-vinted-${job.id}`);
  const resultKey = `vinted/${job.id}/result.json`;
  await createCatalog(ctx.db, job.id, { source: p.source, files: p.inputs?.length ?? 0 });
  const preErrors = [...(p.preErrors ?? [])];
  try {
    const cp = await job.checkpoint.get<Checkpoint>();
    let result: PipelineResult | null = null;
    let total = 0;
    if (cp && (await ctx.files.stat(cp.resultKey))) {
      result = JSON.parse((await ctx.files.get(cp.resultKey)).toString('utf8')) as PipelineResult;
      total = Number((result as any).total ?? result.photos.length + result.duplicates.length + result.errors.length);
      await job.log('info', `resuming from the checkpoint: analysis already done (${result.photos.length} photos)`, { code: 'ingest.resumed', count: result.photos.length });
    } else {
      const inputs: PipelineInput[] = [];
      if (p.zip) {
        const zipPath = p.zip.blob ? await localCopy(ctx.files, p.zip.blob, tmp) : p.zip.path!;
        const { extractZip, ZipError } = await loadZip();
        await job.log('info', `extracting ${p.zip.name}`, { code: 'ingest.extracting', file: p.zip.name });
        try {
          const z = await extractZip(zipPath, path.join(tmp, 'zip'), {});
          preErrors.push(...z.errors);
          const images = z.files.filter((f) => isImageCandidate(f.name));
          for (const f of z.files) if (!isImageCandidate(f.name)) preErrors.push({ file: f.name, reason: 'not a photo (skipped by name: system or hidden file)' });
          if (images.length > s.maxFiles) {
            for (const f of images.slice(s.maxFiles)) preErrors.push({ file: f.name, reason: `over the limit of ${s.maxFiles} photos per ingest (BULK_MAX_FILES)` });
          }
          inputs.push(...images.slice(0, s.maxFiles).map((f) => ({ name: f.name, path: f.path })));
        } catch (e) {
          if (!(e instanceof ZipError)) throw e;
          // the archive as a whole is refused (bomb, too many entries, not a ZIP): one error, the job completes
          preErrors.push({ file: p.zip.name, reason: e.message });
        }
      }
      for (const i of p.inputs ?? []) {
        inputs.push({ name: i.name, path: i.blob ? await localCopy(ctx.files, i.blob, tmp) : i.path! });
      }
      total = inputs.length + preErrors.length;
      await job.progress(1, { scanned: 0, total, clusters: 0, duplicates: 0, errors: preErrors.length }, `${inputs.length} photos to analyse`, { code: 'ingest.to_analyse', count: inputs.length });
      await job.log('info', `analysing ${inputs.length} photos`, { code: 'ingest.analysing', count: inputs.length, backend: p.backend ?? s.backend });
      let last = 0;
      let pending: Promise<void> = Promise.resolve();
      const hooks: PipelineHooks = {
        progress: ({ stage, done, total: n }) => {
          const [a, b] = STAGES[stage] ?? [0, 99];
          const pct = a + (n > 0 ? (b - a) * (done / n) : 0);
          const now = Date.now();
          // one database write per 300 ms at most (a 500-photo batch would otherwise write 2 500 times)
          if (now - last < 300 && done < n) return;
          last = now;
          const counters: Record<string, number> = stage === 'decode' ? { scanned: done + preErrors.length } : {};
          pending = pending.then(() => job.progress(pct, counters, stage, { code: `ingest.stage.${stage}` })).catch(() => {});
        },
        log: (level, message, data) => {
          pending = pending.then(() => job.log(level, message, data)).catch(() => {});
        },
      };
      const runPipeline = await loadPipeline();
      result = await runPipeline(inputs, {
        backend: p.backend ?? s.backend,
        dupHamming: s.dupHamming,
        clusterEps: s.clusterEps,
        minSamples: s.minSamples,
        maxPerArticle: s.maxPerArticle,
        categories: s.categories,
        classLabels: s.classLabels,
        categoryMinScore: s.categoryMinScore,
        brands: s.brandTiers.flatMap((t) => t.brands.map((b) => b.brand)),
        modelsDir: s.modelsDir,
        blobPrefix: `vinted/${job.id}/`,
        signal: job.signal,
      }, ctx.files, hooks);
      await pending;
      job.throwIfCancelled();
      result = { ...result, errors: [...preErrors, ...result.errors] };
      await ctx.files.put(resultKey, JSON.stringify({ ...result, total }));
      await job.checkpoint.set({ stage: 'analysed', resultKey } satisfies Checkpoint);
    }
    await saveResult(ctx.db, job.id, result, [], total);
    photosIngested.inc({}, Math.max(0, total - result.errors.length));
    await job.checkpoint.set({ stage: 'saved', resultKey } satisfies Checkpoint);
    const counters = summaryCounters(result, total);
    await job.progress(100, counters, 'catalog ready', { code: 'ingest.ready' });
    await job.log('info', `catalog ready: ${counters.clusters} articles, ${counters.duplicates} duplicates, ${counters.errors} errors`, { ...counters, code: 'ingest.summary' });
    // the catalog as first analysed, attached to the job (the live, edited one is exported by the API)
    const saved = await loadCatalog(ctx.db, job.id);
    if (saved) await job.artifact('catalog.json', JSON.stringify(catalogExport(saved), null, 2), 'application/json');
    if (p.uploadPrefix) await ctx.files.deletePrefix(p.uploadPrefix).catch(() => 0);
    // the optional vision model runs after, in its own job: the catalog is ready without it
    if (s.llm.auto && s.llm.baseUrl && s.llm.model && counters.clusters > 0 && !cp?.describeQueued) {
      const d = await ctx.jobs.enqueue('vinted.describe', { job: job.id }, { title: 'Studio: vision model' });
      await job.checkpoint.set({ stage: 'saved', resultKey, describeQueued: true } satisfies Checkpoint);
      await job.log('info', `vision model suggestions requested (job ${d.id})`, { code: 'ingest.describe_queued', job: d.id });
    }
    return { ...counters, backend: result.backend, photos: result.photos.length };
  } catch (e) {
    if (!job.signal.aborted) await setCatalogStatus(ctx.db, job.id, 'failed').catch(() => {});
    throw e;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}
