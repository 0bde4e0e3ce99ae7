// Prometheus metrics (prom-client), served at /metrics by `serve`.
//
// prom-client is loaded only by a process that serves metrics (enableMetrics(), called by the server):
// a CLI command never pays for it. The metrics below are declared at import time and do nothing
// until then, so modules and core code can count unconditionally.
import type Prom from 'prom-client';

type Labels = Record<string, string>;
type Kind = 'counter' | 'gauge' | 'histogram';
interface Spec { kind: Kind; name: string; help: string; labelNames: string[]; buckets?: number[]; collect?: (g: Prom.Gauge<string>) => Promise<void> | void }

let prom: typeof Prom | null = null; // the module, once loaded
let registry: Prom.Registry | null = null;
const declared: Lazy[] = [];

class Lazy {
  readonly spec: Spec;
  real: any = null;
  constructor(spec: Spec) {
    this.spec = spec;
    declared.push(this);
    if (prom) this.materialize();
  }
  materialize() {
    const { kind, name, help, labelNames, buckets, collect } = this.spec;
    const existing = registry!.getSingleMetric(name);
    if (existing) { this.real = existing; return; }
    const common = { name, help, labelNames, registers: [registry!] };
    this.real = kind === 'counter' ? new prom!.Counter(common)
      : kind === 'gauge' ? new prom!.Gauge({ ...common, ...(collect ? { async collect(this: Prom.Gauge<string>) { await collect(this); } } : {}) })
        : new prom!.Histogram({ ...common, buckets });
  }
}

export class Counter extends Lazy {
  inc(labels: Labels = {}, n = 1): void {
    this.real?.inc(labels, n);
  }
}

export class Gauge extends Lazy {
  inc(labels: Labels = {}, n = 1): void {
    this.real?.inc(labels, n);
  }
  dec(labels: Labels = {}, n = 1): void {
    this.real?.dec(labels, n);
  }
}

export class Histogram extends Lazy {
  observe(labels: Labels, seconds: number): void {
    this.real?.observe(labels, seconds);
  }
  /** returns a function that records the time elapsed since this call */
  startTimer(labels: Labels): () => void {
    const t0 = performance.now();
    return () => this.observe(labels, (performance.now() - t0) / 1000);
  }
}

/** Loads prom-client and makes every declared metric real (idempotent). */
export async function enableMetrics(): Promise<Prom.Registry> {
  if (registry) return registry;
  const client = (await import('prom-client')).default;
  registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'atelier_' });
  prom = client;
  for (const m of declared) m.materialize();
  return registry;
}

/** the text served at /metrics (empty until enableMetrics) */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const r = await enableMetrics();
  return { contentType: r.contentType, body: await r.metrics() };
}

export const jobMetrics = {
  enqueued: new Counter({ kind: 'counter', name: 'atelier_jobs_enqueued_total', help: 'jobs enqueued', labelNames: ['module', 'kind'] }),
  finished: new Counter({ kind: 'counter', name: 'atelier_jobs_finished_total', help: 'jobs finished, by final status', labelNames: ['module', 'kind', 'status'] }),
  running: new Gauge({ kind: 'gauge', name: 'atelier_jobs_running', help: 'jobs running in this process', labelNames: [] }),
  duration: new Histogram({ kind: 'histogram', name: 'atelier_job_duration_seconds', help: 'job run duration (one attempt), by kind', labelNames: ['module', 'kind'], buckets: [0.1, 0.5, 1, 5, 30, 120, 600, 3600] }),
};

export const httpMetrics = {
  requests: new Counter({ kind: 'counter', name: 'atelier_http_requests_total', help: 'HTTP requests served', labelNames: ['method', 'route', 'status'] }),
  duration: new Histogram({ kind: 'histogram', name: 'atelier_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: [0.005, 0.02, 0.1, 0.5, 2, 10] }),
  outbound: new Counter({ kind: 'counter', name: 'atelier_outbound_requests_total', help: 'outbound HTTP requests', labelNames: ['host', 'status'] }),
};

let depthSource: (() => Promise<{ module: string; kind: string; status: string; n: number }[]>) | null = null;

/** jobs waiting (queued or retrying), read from the database when /metrics is scraped: every process's jobs */
export const queueDepth = new Gauge({
  kind: 'gauge', name: 'atelier_jobs_waiting', help: 'jobs waiting in the queue (queued or retrying), by kind', labelNames: ['module', 'kind', 'status'],
  async collect(g) {
    g.reset();
    const rows = await depthSource?.().catch(() => []) ?? [];
    for (const r of rows) g.set({ module: r.module, kind: r.kind, status: r.status }, r.n);
  },
});

/** where the queue depth comes from (the server's job service) */
export function setQueueDepthSource(source: typeof depthSource): void {
  depthSource = source;
}

/**
 * A module's own counter, named `atelier_<module>_<what>_total`, e.g.
 * `moduleCounter('vinted', 'photos_ingested', 'photos ingested')`. Declare it once at the top of the
 * file that counts; `.inc()` costs nothing in a process that serves no metrics.
 */
export function moduleCounter(module: string, what: string, help: string, labelNames: string[] = []): Counter {
  const name = `atelier_${module}_${what.replace(/_total$/, '')}_total`;
  const existing = declared.find((m) => m.spec.name === name);
  if (existing) return existing as Counter;
  return new Counter({ kind: 'counter', name, help, labelNames });
}
