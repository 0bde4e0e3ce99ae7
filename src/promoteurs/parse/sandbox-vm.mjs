// The evaluation itself (see sandbox.ts for the why): a fresh node:vm context, no host objects in
// it, no string code generation, one timeout for script + promise jobs + extraction, and the
// result serialised to JSON inside the context. Plain JavaScript (types in sandbox-vm.d.mts): it
// is also loaded by the sandbox worker thread, which must start on any Node runtime without a
// TypeScript loader. Returns a plain outcome object: nothing of the page's realm escapes.
import vm from 'node:vm';

/**
 * @param {string} script
 * @param {number} timeoutMs
 * @param {string} extract
 * @returns {{ok: true, json: string} | {ok: false, kind: 'timeout' | 'error', message: string}}
 */
export function evaluateInVm(script, timeoutMs, extract) {
  // null-prototype global: `this.constructor` does not lead back to the host's Function
  const context = vm.createContext(Object.create(null), {
    name: 'promoteurs-sandbox',
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  try {
    // `window` and `self` are the context's own global, as in a browser
    vm.runInContext('var window = globalThis, self = globalThis;', context, { timeout: timeoutMs });
    vm.runInContext(script, context, { timeout: timeoutMs, filename: 'page-state.js' });
    const json = vm.runInContext(
      `(function () { var v = (${extract}); return v === undefined ? 'null' : JSON.stringify(v); })()`,
      context,
      { timeout: timeoutMs, filename: 'extract.js' },
    );
    if (typeof json !== 'string') return { ok: false, kind: 'error', message: 'page state could not be serialised' };
    return { ok: true, json };
  } catch (err) {
    if (err && err.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { ok: false, kind: 'timeout', message: `page script exceeded ${timeoutMs} ms` };
    // errors thrown inside the context are objects of the other realm: keep only their message
    let msg;
    try {
      msg = String(err && err.message !== undefined ? err.message : err);
    } catch {
      msg = 'unprintable error';
    }
    return { ok: false, kind: 'error', message: `page script failed: ${msg.slice(0, 300)}` };
  }
}
