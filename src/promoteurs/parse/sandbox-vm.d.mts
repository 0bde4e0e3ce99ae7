export type VmOutcome = { ok: true; json: string } | { ok: false; kind: 'timeout' | 'error'; message: string };
export function evaluateInVm(script: string, timeoutMs: number, extract: string, memoryMb?: number, interpreter?: unknown): VmOutcome;
export function loadInterpreter(maxMb: number): Promise<unknown>;
