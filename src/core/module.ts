// The contract every workshop module (vinted, promoteurs, releases) implements.
// server.ts and cli.ts only compose these objects; a module never imports another module.
import type { Command } from 'commander';
import type { FastifyInstance, FastifyBaseLogger, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Vault } from './vault.ts';
import type { BlobStore } from './files.ts';
import type { HttpClient } from './http.ts';
import type { JobService, JobHandler } from './jobs/service.ts';

export type Role = 'viewer' | 'operator' | 'admin';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Everything a module gets from the platform. */
export interface CoreContext {
  config: Config;
  db: Kysely<any>;
  log: Logger;
  vault: Vault;
  files: BlobStore;
  http: HttpClient;
  jobs: JobService;
}

export interface JobDefinition {
  /** Runs the job; receives progress/log/artifact helpers and an AbortSignal for cancellation. */
  handler: JobHandler;
  /** pg-boss retry policy (defaults: 2 retries, 10 s backoff). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** An active job not heard from (heartbeat) for this long is considered dead and retried. */
  expireInSeconds?: number;
  /** How many of these run at once in one worker process (default 1). */
  concurrency?: number;
}

export interface ScheduleDefinition {
  /** unique schedule name, e.g. "promoteurs.scrape" */
  name: string;
  /** cron expression (5 fields, UTC unless tz given) */
  cron: string;
  tz?: string;
  /** job kind of this module to enqueue at each tick */
  job: string;
  payload?: Record<string, unknown>;
}

export interface CliContext {
  /**
   * Opens the platform embedded (own data dir) or refuses when a server owns it. Call inside actions only.
   * `work: false` for a command that only reads: the queue and its workers are not started (they cost
   * seconds embedded, and would pick up waiting jobs the command has nothing to do with).
   */
  open(o?: { work?: boolean }): Promise<CoreContext & { close(): Promise<void> }>;
  /** true when --json was given: print exactly one JSON object on stdout, logs to stderr */
  json(): boolean;
  /** Calls the running server's API (ATELIER_URL + ATELIER_TOKEN); throws a clear error when not configured. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * Runs `local` on the embedded platform, or `remote` (through `api`) when a server owns the data dir
   * or ATELIER_TOKEN + ATELIER_URL point at one: every command with an API equivalent uses it.
   * `work: true` when `local` enqueues a job this process must run (the queue's workers start).
   */
  localOrApi<T>(local: (ctx: CoreContext) => Promise<T>, remote: () => Promise<T>, o?: { work?: boolean }): Promise<T>;
  /** Waits for a job, drawing a progress bar on stderr in a TTY; returns the finished job. */
  watch(ctx: CoreContext, jobId: string): Promise<import('./jobs/types.ts').JobRecord>;
}

export interface AtelierModule {
  /** "vinted" | "promoteurs" | "releases": also the Postgres schema, the API prefix /api/<name>, the CLI group */
  name: string;
  title: { fr: string; en: string };
  /** absolute path of a folder of plain SQL migrations named NNN_description.sql, applied in order */
  migrationsDir?: string;
  /** registered under the prefix /api/<name>; every route must set config.role */
  routes?: (app: App, ctx: CoreContext) => Promise<void> | void;
  /** job kinds, enqueued with ctx.jobs.enqueue('<name>.<kind>', payload) */
  jobs?: Record<string, JobDefinition>;
  schedules?: (config: Config) => ScheduleDefinition[];
  /** the module's own environment variables, listed by `atelier config` and in the README */
  settings?: readonly { env: string; default: string; meaning: string }[];
  /** adds sub-commands to `atelier <name> …` */
  cli?: (group: Command, ctx: CliContext) => void;
}
