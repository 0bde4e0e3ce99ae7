// Worker thread rendering NFO/DIZ templates (see render-isolated.ts): a template that loops too long
// or allocates too much is stopped here, never in the server's event loop.
import { parentPort } from 'node:worker_threads';
import { renderTemplateInline, type RenderOptions } from './render.ts';

parentPort!.on('message', (m: { id: number; source: string; context: Record<string, unknown>; opts: RenderOptions }) => {
  try {
    parentPort!.postMessage({ id: m.id, ok: true, result: renderTemplateInline(m.source, m.context, m.opts) });
  } catch (e) {
    const err = e as Error & { line?: number };
    parentPort!.postMessage({ id: m.id, ok: false, message: err.message ?? String(e), line: err.line });
  }
});
parentPort!.postMessage({ ready: true });
