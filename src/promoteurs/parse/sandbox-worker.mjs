// Worker thread of the page-state sandbox (plain JavaScript: starts on any Node runtime): receives
// {id, script, timeoutMs, extract} on parentPort, evaluates it (sandbox-vm.mjs), posts the outcome
// on the reply port and wakes the waiting caller through the shared flag. Runs under the
// resourceLimits set by sandbox.ts, so a script exhausting memory kills this thread, not the crawler.
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateInVm, loadInterpreter } from './sandbox-vm.mjs';

const { flag, reply, memoryMb } = workerData;
// this worker's interpreter: its WebAssembly memory is capped at the worker's memory budget
const QuickJS = await loadInterpreter(memoryMb);

parentPort.on('message', (m) => {
  const outcome = evaluateInVm(m.script, m.timeoutMs, m.extract, m.memoryMb, QuickJS);
  reply.postMessage({ id: m.id, outcome });
  Atomics.store(flag, 0, m.id);
  Atomics.notify(flag, 0);
});
