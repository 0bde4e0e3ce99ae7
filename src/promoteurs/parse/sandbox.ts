// Runs a page's inline state script (e.g. Nuxt's `window.__NUXT__ = (function(a,b,…){…})(…)`) in an
// isolated V8 context and hands back plain JSON. Never `eval` in the process: the script is
// third-party code. Safety measures:
//  - fresh context whose global has a null prototype (the classic
//    `this.constructor.constructor('return process')()` escape reaches nothing of ours);
//  - no require/process/timers/fetch in the context; string code generation (eval, new Function)
//    and WebAssembly disabled inside it;
//  - a timeout covering the script, its promise jobs (microtaskMode 'afterEvaluate') and the
//    extraction;
//  - the result crosses back as a JSON string parsed in our realm: no object, getter or proxy
//    from the page ever reaches the caller.
// Not covered: memory exhaustion within the timeout (V8 contexts share the process heap); the
// page scripts we run are a few hundred KB of data literals.
import vm from 'node:vm';

export class SandboxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxError';
  }
}

export interface SandboxOptions {
  /** ms for the whole evaluation (default 2000) */
  timeoutMs?: number;
  /**
   * JavaScript expression evaluated in the context after the script, whose value is returned
   * (JSON-serialised inside the sandbox). Default: `window.__NUXT__`.
   */
  extract?: string;
}

/** Evaluates `script` in a sandbox and returns the JSON value of `extract`. Throws SandboxError. */
export function runInSandbox(script: string, opts: SandboxOptions = {}): unknown {
  const timeout = opts.timeoutMs ?? 2000;
  const extract = opts.extract ?? 'window.__NUXT__';
  const global = Object.create(null) as object;
  const context = vm.createContext(global, {
    name: 'promoteurs-sandbox',
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  let json: unknown;
  try {
    // `window` and `self` are the context's own global, as in a browser
    vm.runInContext('var window = globalThis, self = globalThis;', context, { timeout });
    vm.runInContext(script, context, { timeout, filename: 'page-state.js' });
    json = vm.runInContext(
      `(function () { var v = (${extract}); return v === undefined ? 'null' : JSON.stringify(v); })()`,
      context,
      { timeout, filename: 'extract.js' },
    );
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new SandboxError(`page script exceeded ${timeout} ms`, { cause: err });
    // errors thrown inside the context are objects of the other realm: keep only their message
    throw new SandboxError(`page script failed: ${String(e?.message ?? err).slice(0, 300)}`);
  }
  if (typeof json !== 'string') throw new SandboxError('page state could not be serialised');
  try {
    return JSON.parse(json);
  } catch {
    throw new SandboxError('page state is not valid JSON');
  }
}

/**
 * Finds an inline `<script>` assigning `marker` (e.g. "window.__NUXT__=") and returns its code,
 * or null. String search, not an HTML parse: the documents are large and this is all we need.
 */
export function findInlineScript(html: string, marker: string): string | null {
  const at = html.indexOf(marker);
  if (at < 0) return null;
  const end = html.indexOf('</script>', at);
  if (end < 0) return null;
  return html.slice(at, end);
}
