// Runs a page's inline state script (e.g. Nuxt's `window.__NUXT__ = (function(a,b,…){…})(…)`) in an
// isolated interpreter and hands back plain JSON. Never `eval` in the process: the script is
// third-party code. Layers:
//  - QuickJS compiled to WebAssembly (sandbox-vm.mjs): the script's whole world is the interpreter's
//    own heap — no object, function or `process` of ours exists there, so no prototype chain leads
//    out (node:vm, used before, is not a security boundary); `eval` and the Function constructor
//    are taken away too;
//  - one deadline covering the script, its promise jobs and the extraction (interrupt handler);
//  - the interpreter's WebAssembly memory has a hard maximum: a script allocating without end gets
//    "out of memory", the process does not grow;
//  - the result crosses back as a JSON string parsed in our realm: no object, getter or proxy of
//    the page ever reaches the caller;
//  - by default the interpreter lives in a worker thread with its own heap limit (resourceLimits),
//    replaced at the next call if it dies or hangs. The call stays synchronous (parsers are
//    synchronous): the caller blocks on Atomics.wait until the worker answers, and reads the answer
//    with receiveMessageOnPort.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { evaluateInVm, type VmOutcome } from './sandbox-vm.mjs';

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
  /** 'worker' (default): separate heap with a memory cap; 'vm': in this thread (no memory cap) */
  isolation?: 'worker' | 'vm';
  /** heap cap of the worker, MB (default 256) */
  maxMemoryMb?: number;
}

// ---------------------------------------------------------------------------------------------
// the worker, started on first use and replaced when it dies or hangs

interface SandboxWorker {
  worker: Worker;
  flag: Int32Array;
  port: MessagePort;
  nextId: number;
  memoryMb: number;
}
let current: SandboxWorker | null = null;
/** extra time granted to the worker beyond the script timeout (startup, message passing) */
const STARTUP_GRACE_MS = 10_000;
const REPLY_GRACE_MS = 1_000;

function startWorker(memoryMb: number): SandboxWorker {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./sandbox-worker.mjs', import.meta.url), {
    workerData: { flag, reply: port2, memoryMb },
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: true, // the page script cannot print anyway; keep the worker silent
    stderr: true,
  });
  worker.unref(); // never keeps the process alive
  port1.unref();
  worker.on('error', () => {
    /* out of memory or crash: noticed by the waiting caller, replaced at the next call */
  });
  worker.on('exit', () => {
    if (current?.worker === worker) current = null;
  });
  return { worker, flag, port: port1, nextId: 1, memoryMb };
}

function killWorker(w: SandboxWorker): void {
  if (current === w) current = null;
  void w.worker.terminate();
  w.port.close();
}

function evaluateInWorker(script: string, timeoutMs: number, extract: string, memoryMb: number): VmOutcome {
  let w = current && current.memoryMb === memoryMb ? current : null;
  const fresh = !w;
  if (!w) {
    if (current) killWorker(current);
    w = current = startWorker(memoryMb);
  }
  const id = w.nextId++;
  w.worker.postMessage({ id, script, timeoutMs, extract, memoryMb });
  const deadline = Date.now() + timeoutMs + (fresh ? STARTUP_GRACE_MS : REPLY_GRACE_MS);
  for (;;) {
    const msg = receiveMessageOnPort(w.port) as { message: { id: number; outcome: VmOutcome } } | undefined;
    if (msg) {
      if (msg.message.id === id) return msg.message.outcome;
      continue; // a late answer to an abandoned call
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    Atomics.wait(w.flag, 0, Atomics.load(w.flag, 0), Math.min(left, 50));
  }
  // no answer: the worker died (out of memory) or hangs beyond the vm timeout
  killWorker(w);
  return { ok: false, kind: 'error', message: `sandbox worker gave no answer within ${timeoutMs} ms (killed: out of memory or stuck)` };
}

/** Evaluates `script` in a sandbox and returns the JSON value of `extract`. Throws SandboxError. */
export function runInSandbox(script: string, opts: SandboxOptions = {}): unknown {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const extract = opts.extract ?? 'window.__NUXT__';
  const outcome =
    opts.isolation === 'vm' ? evaluateInVm(script, timeoutMs, extract, opts.maxMemoryMb ?? 128) : evaluateInWorker(script, timeoutMs, extract, opts.maxMemoryMb ?? 256);
  if (!outcome.ok) throw new SandboxError(outcome.message);
  try {
    return JSON.parse(outcome.json);
  } catch {
    throw new SandboxError('page state is not valid JSON');
  }
}

/** Stops the sandbox worker (tests, shutdown). The next runInSandbox starts a new one. */
export async function closeSandbox(): Promise<void> {
  const w = current;
  current = null;
  if (w) {
    w.port.close();
    await w.worker.terminate();
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
