import type { Readable } from 'node:stream';
import type { CoreContext } from '../module.ts';

export type JobStatus = 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  module: string;
  kind: string;
  status: JobStatus;
  title: string | null;
  payload: Record<string, unknown>;
  progress: number;
  counters: Record<string, number>;
  result: unknown;
  error: string | null;
  attempts: number;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface JobEvent {
  seq: number;
  job_id: string;
  ts: Date;
  type: 'log' | 'progress' | 'status' | 'artifact';
  level: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
}

export interface ArtifactRecord {
  id: string;
  job_id: string;
  name: string;
  blob_key: string;
  size: number;
  content_type: string;
  created_at: Date;
}

/** What a job handler gets. */
export interface JobContext<P = Record<string, unknown>> {
  id: string;
  payload: P;
  /** 1 on the first run; >1 when resumed after a crash or retried after a failure */
  attempt: number;
  /** aborted when the job is cancelled (or the process shuts down): stop at the next safe point */
  signal: AbortSignal;
  /**
   * percent 0–100 (clamped) and named counters (merged into the existing ones); a message becomes a
   * progress line, with `data` ({ code, …values }) so the web app words it in the user's language
   */
  progress(percent: number | null, counters?: Record<string, number>, message?: string, data?: Record<string, unknown>): Promise<void>;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): Promise<void>;
  /** stores a file in the blob store under jobs/<id>/<name> and lists it on the job */
  artifact(name: string, data: Buffer | string | Readable, contentType?: string): Promise<ArtifactRecord>;
  /** small resumable state kept with the job: what was already done survives a crash */
  checkpoint: {
    get<T = unknown>(): Promise<T | undefined>;
    set(value: unknown): Promise<void>;
  };
  /** throws JobCancelledError when the job was cancelled */
  throwIfCancelled(): void;
}

/** a job handler: the job's own context, and the platform (db, files, vault, http…) it runs in */
export type JobHandler = (job: JobContext<any>, core: CoreContext) => Promise<unknown>;

export class JobCancelledError extends Error {
  constructor() {
    super('job cancelled');
    this.name = 'JobCancelledError';
  }
}

/**
 * Thrown by a handler whose work ran to its end and failed (e.g. every page of a scrape failed): the
 * job ends `failed` at once with this message and keeps `result` (what was counted), and it is not
 * retried — running it again would fail the same way. Any error with `permanent === true` (a bad
 * source, an option the rules refuse) is final the same way; any other error is retried per the
 * queue policy.
 */
export class JobFailedError extends Error {
  readonly permanent = true;
  readonly result: unknown;
  constructor(message: string, result?: unknown) {
    super(message);
    this.name = 'JobFailedError';
    this.result = result ?? null;
  }
}

/** the abort reason a running job sees when its process stops: it is requeued, not failed */
export class ShutdownError extends Error {
  constructor() {
    super('the process is stopping');
    this.name = 'ShutdownError';
  }
}
