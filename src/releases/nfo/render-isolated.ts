// NFO/DIZ templates are written by users (any viewer can preview one): Nunjucks runs them in a worker
// thread with a time budget and a heap cap, so `{% for i in range(1e9) %}` costs that worker, not
// the server. One worker, reused; a template over budget gets its worker terminated (a new one
// starts at the next render) and a clear TemplateError.
import { Worker } from 'node:worker_threads';
import { TemplateError, renderTemplateInline, type RenderOptions, type RenderResult } from './render.ts';

/** time one render may take once the worker is up */
export const RENDER_BUDGET_MS = 2000;
const MEMORY_MB = 96;
const STARTUP_MS = 20_000;

interface Pending { id: number; resolve: (r: RenderResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | null }
interface Slot { worker: Worker; ready: Promise<void>; pending: Pending | null }
let slot: Slot | null = null;
let seq = 0;
let chain: Promise<unknown> = Promise.resolve();

function drop(s: Slot, error: Error): void {
  if (slot === s) slot = null;
  const p = s.pending;
  s.pending = null;
  if (p) { if (p.timer) clearTimeout(p.timer); p.reject(error); }
  void s.worker.terminate();
}

function spawn(): Slot {
  // own execArgv: a parent's loaders/flags (test runners) must not leak into the worker
  const worker = new Worker(new URL('./render-worker.ts', import.meta.url), { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB, maxYoungGenerationSizeMb: 16 } });
  worker.unref();
  let onReady!: () => void;
  const s: Slot = { worker, ready: new Promise<void>((r) => { onReady = r; }), pending: null };
  worker.on('message', (m: { ready?: true; id?: number; ok?: boolean; result?: RenderResult; message?: string; line?: number }) => {
    if (m.ready) return onReady();
    const p = s.pending;
    if (!p || p.id !== m.id) return;
    s.pending = null;
    if (p.timer) clearTimeout(p.timer);
    worker.unref();
    if (m.ok) p.resolve(m.result!);
    else p.reject(new TemplateError(m.message ?? 'template error'));
  });
  worker.on('error', (e: Error & { code?: string }) => {
    drop(s, new TemplateError(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the template used more than ${MEMORY_MB} MB to render: make its loops smaller` : `the template renderer failed: ${e.message}`));
  });
  worker.on('exit', () => drop(s, new TemplateError('the template renderer stopped')));
  return s;
}

function renderOnce(source: string, context: Record<string, unknown>, opts: RenderOptions): Promise<RenderResult> {
  const s = (slot ??= spawn());
  return new Promise<RenderResult>((resolve, reject) => {
    const id = ++seq;
    const startup = setTimeout(() => drop(s, new TemplateError('the template renderer did not start')), STARTUP_MS);
    s.worker.ref();
    s.pending = { id, resolve, reject, timer: startup };
    void s.ready.then(() => {
      if (s.pending?.id !== id) return;
      clearTimeout(startup);
      s.pending.timer = setTimeout(() => drop(s, new TemplateError(`the template took longer than ${RENDER_BUDGET_MS / 1000} s to render: make its loops smaller`)), RENDER_BUDGET_MS);
      // plain data only crosses (structured clone): the template never sees our objects
      s.worker.postMessage({ id, source, context: JSON.parse(JSON.stringify(context)), opts });
    });
  });
}

/** Renders off the main thread, one render at a time, within RENDER_BUDGET_MS and a heap cap. */
export function renderTemplate(source: string, context: Record<string, unknown>, opts: RenderOptions): Promise<RenderResult> {
  // without a Node that runs TypeScript itself (a test runner transpiling on the fly) no worker can start
  if (!(process.features as { typescript?: string | false }).typescript) return Promise.resolve().then(() => renderTemplateInline(source, context, opts));
  const run = () => renderOnce(source, context, opts);
  const p = chain.then(run, run);
  chain = p.catch(() => {});
  return p;
}
