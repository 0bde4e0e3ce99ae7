// Prometheus metrics (prom-client), served at /metrics.
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'atelier_' });

export const jobMetrics = {
  enqueued: new client.Counter({ name: 'atelier_jobs_enqueued_total', help: 'jobs enqueued', labelNames: ['module', 'kind'], registers: [registry] }),
  finished: new client.Counter({ name: 'atelier_jobs_finished_total', help: 'jobs finished, by final status', labelNames: ['module', 'kind', 'status'], registers: [registry] }),
  running: new client.Gauge({ name: 'atelier_jobs_running', help: 'jobs running in this process', registers: [registry] }),
  duration: new client.Histogram({ name: 'atelier_job_duration_seconds', help: 'job run duration', labelNames: ['module', 'kind'], buckets: [0.1, 1, 5, 30, 120, 600, 3600], registers: [registry] }),
};

export const httpMetrics = {
  requests: new client.Counter({ name: 'atelier_http_requests_total', help: 'HTTP requests served', labelNames: ['method', 'route', 'status'], registers: [registry] }),
  duration: new client.Histogram({ name: 'atelier_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: [0.005, 0.02, 0.1, 0.5, 2, 10], registers: [registry] }),
  outbound: new client.Counter({ name: 'atelier_outbound_requests_total', help: 'outbound HTTP requests', labelNames: ['host', 'status'], registers: [registry] }),
};

/** a module's own counter, e.g. moduleCounter('vinted_photos_ingested_total', 'photos ingested') */
export function moduleCounter(name: string, help: string, labelNames: string[] = []) {
  const existing = registry.getSingleMetric(`atelier_${name}`);
  if (existing) return existing as client.Counter<string>;
  return new client.Counter({ name: `atelier_${name}`, help, labelNames, registers: [registry] });
}
