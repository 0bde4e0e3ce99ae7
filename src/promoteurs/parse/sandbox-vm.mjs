// The evaluation itself (see sandbox.ts for the why): the page's script runs in QuickJS compiled to
// WebAssembly — a separate interpreter whose whole world is its own heap. Nothing of the host (no
// object, no function, no `process`) exists in it, so no prototype chain leads out: unlike node:vm,
// this is a boundary by construction. One deadline covers the script, its promise jobs and the
// extraction; the heap and the stack are capped. The result leaves as a JSON string. Plain
// JavaScript (types in sandbox-vm.d.mts): it is also loaded by the sandbox worker thread.
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';

const STACK_LIMIT = 1024 * 1024;
const PAGE = 64 * 1024;

/**
 * An interpreter whose WebAssembly memory cannot grow past `maxMb`: the hard cap (QuickJS's own
 * accounting misses some allocations, e.g. `new Array(1e6).fill(x)`, and WebAssembly memory never
 * shrinks). Past it, allocations fail and the script gets "out of memory".
 * @param {number} maxMb
 */
export async function loadInterpreter(maxMb) {
  const maximum = Math.max(256, Math.ceil((maxMb * 1024 * 1024) / PAGE));
  return newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmMemory: new WebAssembly.Memory({ initial: 256, maximum }) }));
}

/** the interpreter of the calling thread (isolation 'vm'); the worker loads its own */
const inThread = await loadInterpreter(256);

/**
 * @param {string} script
 * @param {number} timeoutMs
 * @param {string} extract
 * @param {number} [memoryMb] heap cap of the interpreter (default 128)
 * @param {Awaited<ReturnType<typeof loadInterpreter>>} [QuickJS] the interpreter (default: this thread's)
 * @returns {{ok: true, json: string} | {ok: false, kind: 'timeout' | 'error', message: string}}
 */
export function evaluateInVm(script, timeoutMs, extract, memoryMb = 128, QuickJS = inThread) {
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(STACK_LIMIT);
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => (timedOut = Date.now() > deadline));
  const ctx = runtime.newContext();
  /** @param {string} code @param {string} filename @returns {{ok: true, value: unknown} | {ok: false, kind: 'timeout' | 'error', message: string}} */
  const run = (code, filename) => {
    const r = ctx.evalCode(code, filename);
    if (r.error) {
      const e = ctx.dump(r.error);
      r.error.dispose();
      if (timedOut) return { ok: false, kind: 'timeout', message: `page script exceeded ${timeoutMs} ms` };
      const msg = typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
      return { ok: false, kind: 'error', message: `page script failed: ${msg.slice(0, 300)}` };
    }
    const value = ctx.dump(r.value);
    r.value.dispose();
    return { ok: true, value };
  };
  try {
    // `window` and `self` are the global, as in a browser; string code generation is taken away
    let r = run('var window = globalThis, self = globalThis; delete globalThis.eval; Function.prototype.constructor = undefined;', 'init.js');
    if (!r.ok) return r;
    r = run(script, 'page-state.js');
    if (!r.ok) return r;
    // promise jobs the script queued run now, under the same deadline
    const jobs = runtime.executePendingJobs(-1);
    if (jobs.error) {
      jobs.error.dispose();
      if (timedOut) return { ok: false, kind: 'timeout', message: `page script exceeded ${timeoutMs} ms` };
    }
    if (timedOut) return { ok: false, kind: 'timeout', message: `page script exceeded ${timeoutMs} ms` };
    r = run(`(function () { var v = (${extract}); return v === undefined ? 'null' : JSON.stringify(v); })()`, 'extract.js');
    if (!r.ok) return r;
    if (typeof r.value !== 'string') return { ok: false, kind: 'error', message: 'page state could not be serialised' };
    return { ok: true, json: r.value };
  } catch (err) {
    // the interpreter itself failed (out of memory inside WebAssembly): the page's fault, not ours
    return { ok: false, kind: 'error', message: `page script failed: ${String(err && err.message ? err.message : err).slice(0, 300)}` };
  } finally {
    try { ctx.dispose(); runtime.dispose(); } catch { /* a runtime that ran out of memory may not dispose cleanly */ }
  }
}
