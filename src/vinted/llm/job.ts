// Job `vinted.describe`: the optional vision LLM, as a follow-up of an ingest (never part of it).
// Per article it sends 1–3 photos (label close-up first, then the cover, then the next photo), keeps
// the zod-checked answer as suggestions (source "llm") the seller accepts on the card, and counts
// tokens and cost. One article failing (HTTP error after retries, malformed answer) is logged and
// counted, never fatal; articles already described are skipped when the job resumes (checkpoint).
import sharp from 'sharp';
import type { JobContext } from '../../core/jobs/types.ts';
import type { CoreContext } from '../../core/module.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { loadCatalog, saveClusters, VersionConflict } from '../catalog/store.ts';
import type { Catalog, CatalogCluster } from '../catalog/types.ts';
import { listingCopy } from '../ingest/listing.ts';
import type { Suggestion } from '../vision/types.ts';
import { costOf, describeArticle, LlmError, prompt, type LlmAnswer, type LlmConfig } from './client.ts';

export const LLM_KEY_VAULT_NAME = 'vinted.llm.api_key';
/** long edge of the photos sent (enough to read a label, few image tokens) */
export const LLM_IMAGE_EDGE = 1024;

export interface DescribePayload { job: string; clusters?: string[] }
interface Checkpoint { done: string[]; promptTokens: number; completionTokens: number; failed: number }

export function llmConfig(ctx: CoreContext): LlmConfig | null {
  const s = settingsOf(ctx);
  return s.llm.baseUrl && s.llm.model ? { baseUrl: s.llm.baseUrl, model: s.llm.model, priceInput: s.llm.priceInput, priceOutput: s.llm.priceOutput } : null;
}

/** The photos to send: label close-ups first, then the cover, then the others; at most 3. */
export function pickPhotos(c: CatalogCluster): string[] {
  const labels = c.suggestions?.label_photos ?? [];
  return [...new Set([...labels.filter((p) => c.photos.includes(p)), c.cover, ...c.photos])].slice(0, 3);
}

function toSuggestions(a: LlmAnswer): CatalogCluster['suggestions'] {
  const conf = a.confidence ?? 0.7;
  const one = (v: string | null, score = conf): Suggestion[] | undefined => (v && v.trim() ? [{ value: v.trim(), score, source: 'llm' }] : undefined);
  return {
    category: one(a.category), brand: one(a.brand), size: one(a.size), material: one(a.material),
    colors: a.colors.length ? a.colors.map((c) => ({ value: c, score: conf, source: 'llm' as const })) : undefined,
    defects: a.defects.length ? a.defects.map((d) => ({ value: d, score: conf, source: 'llm' as const })) : undefined,
    description: one(a.description),
  };
}

/** llm suggestions go first in each list; the others (classifier, OCR) stay after them */
function mergeSuggestions(old: CatalogCluster['suggestions'] = {}, add: CatalogCluster['suggestions'] = {}): CatalogCluster['suggestions'] {
  const out: Record<string, unknown> = { ...old };
  for (const [k, v] of Object.entries(add)) {
    if (!Array.isArray(v) || !v.length) continue;
    const prev = ((old as Record<string, unknown>)[k] as Suggestion[] | undefined ?? []).filter((s) => s.source !== 'llm');
    out[k] = [...(v as Suggestion[]), ...prev.filter((s) => !(v as Suggestion[]).some((n) => n.value === s.value))];
  }
  return out as CatalogCluster['suggestions'];
}

async function saveSuggestions(ctx: CoreContext, jobId: string, clusterId: string, add: CatalogCluster['suggestions']): Promise<void> {
  // the seller may be editing the same catalog: re-read and retry on a version conflict
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await loadCatalog(ctx.db, jobId);
    const x = c?.clusters.find((k) => k.id === clusterId);
    if (!c || !x) return; // article merged or removed meanwhile
    x.suggestions = mergeSuggestions(x.suggestions, add);
    try {
      await saveClusters(ctx.db, c, c.version);
      return;
    } catch (e) {
      if (!(e instanceof VersionConflict)) throw e;
    }
  }
}

export async function describeHandler(job: JobContext<DescribePayload>, ctx: CoreContext): Promise<unknown> {
  const cfg = llmConfig(ctx);
  if (!cfg) throw new Error('no vision model configured (VINTED_LLM_BASE_URL and VINTED_LLM_MODEL)');
  const key = (await ctx.vault.get(LLM_KEY_VAULT_NAME)) ?? null;
  const catalog: Catalog | null = await loadCatalog(ctx.db, job.payload.job);
  if (!catalog) throw new Error(`catalog ${job.payload.job} not found`);
  const s = settingsOf(ctx);
  const categories = [...new Set([...Object.values(s.classLabels), ...s.categories])];
  const cp: Checkpoint = (await job.checkpoint.get<Checkpoint>()) ?? { done: [], promptTokens: 0, completionTokens: 0, failed: 0 };
  const todo = catalog.clusters.filter((c) => !job.payload.clusters || job.payload.clusters.includes(c.id));
  const photoBlobs = new Map(catalog.photos.map((p) => [p.id, p.blobs]));
  let n = 0;
  for (const c of todo) {
    job.throwIfCancelled();
    n++;
    if (cp.done.includes(c.id)) continue;
    try {
      const images: Buffer[] = [];
      for (const id of pickPhotos(c)) {
        const blobs = photoBlobs.get(id);
        if (!blobs) continue;
        const src = (await listingCopy(ctx.files, blobs)) ?? (await ctx.files.get(blobs.work));
        images.push(await sharp(src).resize(LLM_IMAGE_EDGE, LLM_IMAGE_EDGE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer());
      }
      const r = await describeArticle(ctx.http, cfg, key, images, prompt(categories, { category: c.category, brand: c.brand, size: c.size }), job.signal);
      cp.promptTokens += r.promptTokens;
      cp.completionTokens += r.completionTokens;
      await saveSuggestions(ctx, catalog.job_id, c.id, toSuggestions(r.answer));
      await job.log('info', `article ${c.id} described (${r.promptTokens} + ${r.completionTokens} tokens)`, { code: 'describe.done', cluster: c.id, prompt: r.promptTokens, completion: r.completionTokens });
    } catch (e) {
      if (!(e instanceof LlmError)) throw e;
      cp.failed++;
      await job.log('warn', `article ${c.id} not described: ${e.message}`, { cluster: c.id, code: e.code, status: e.status });
    }
    cp.done.push(c.id);
    await job.checkpoint.set(cp);
    const cost = costOf(cfg, cp.promptTokens, cp.completionTokens);
    await job.progress((100 * n) / todo.length, { articles: todo.length, described: cp.done.length - cp.failed, failed: cp.failed, prompt_tokens: cp.promptTokens, completion_tokens: cp.completionTokens }, `cost ${cost.toFixed(4)} €`);
  }
  const cost = Math.round(costOf(cfg, cp.promptTokens, cp.completionTokens) * 1e6) / 1e6;
  const result = { articles: todo.length, described: cp.done.length - cp.failed, failed: cp.failed, prompt_tokens: cp.promptTokens, completion_tokens: cp.completionTokens, cost_eur: cost, model: cfg.model };
  await job.log(cp.failed ? 'warn' : 'info', `vision model: ${result.described}/${todo.length} articles described, ${cp.promptTokens} + ${cp.completionTokens} tokens, ${cost} €`, result);
  // every article failing is a failed job (endpoint down, wrong model): said as such, not a green run
  if (todo.length > 0 && result.described === 0) throw new Error(`the vision model described none of the ${todo.length} articles (see the job log)`);
  return result;
}
