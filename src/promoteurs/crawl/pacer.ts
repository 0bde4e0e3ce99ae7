// Per-site politeness: one request at a time, and a minimum spacing between two request *starts*
// (so the response latency is absorbed by the delay instead of added to it). Each wait is drawn with
// the source's jitter and summed: that sum is the site's politeness floor (the benchmark compares the
// wall time of a run with the floor of its slowest site).

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    if (ms <= 0) return resolve();
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason ?? new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** delay × random factor in [1 - jitter, 1 + jitter] (jitter clamped to 0..1) */
export function jittered(ms: number, jitter: number, rnd: () => number = Math.random): number {
  const j = Math.min(1, Math.max(0, jitter));
  return Math.max(0, ms * (1 - j + 2 * j * rnd()));
}

export class Pacer {
  private lastStart = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** sum of the politeness delays drawn (ms): the mandatory floor of this site */
  drawnMs = 0;
  /** sum of server-requested / retry backoff waits (ms) */
  backoffMs = 0;
  /** time actually spent waiting in pace() (ms) */
  waitedMs = 0;

  /**
   * Runs fn once at least `delayMs` (jittered) after the start of the previous request of this site.
   * Calls are serialised: one request at a time per site.
   */
  run<T>(delayMs: number, jitter: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const next = this.chain.then(async () => {
      if (this.lastStart > 0 && delayMs > 0) {
        const d = jittered(delayMs, jitter);
        this.drawnMs += d;
        const wait = this.lastStart + d - Date.now();
        if (wait > 0) { this.waitedMs += wait; await sleep(wait, signal); }
      }
      this.lastStart = Date.now();
      return fn();
    });
    this.chain = next.catch(() => {});
    return next;
  }

  /** a backoff wait inside a request (retry): pushes the next start too */
  async backoff(ms: number, signal?: AbortSignal): Promise<void> {
    this.backoffMs += ms;
    await sleep(ms, signal);
    this.lastStart = Date.now();
  }
}
