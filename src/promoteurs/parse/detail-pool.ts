// Detail pages are parsed in worker threads (piscina): a run crawls up to 19 sites at once, and a
// 150–500 kB page costs 5–30 ms of CPU to parse (more with a Nuxt state script run in the QuickJS
// sandbox). On the scraper's one event loop those costs add up across sites and stretch every
// site's politeness schedule; in workers they use the other cores and leave the loop to fetching,
// pacing and the database. Only registry sources go to the pool (a worker imports the registry);
// any other source object (tests, overrides of the parser) is parsed in this thread.
import os from 'node:os';
import { Piscina } from 'piscina';
import { getSource } from '../sources/index.ts';
import { SourceParseError, type ParseContext, type ProgrammeCard, type ProgrammeDetail, type Source } from '../types.ts';
import type { DetailOutcome, DetailTask } from './detail-worker.ts';

let pool: Piscina<DetailTask, DetailOutcome> | null = null;

function thePool(): Piscina<DetailTask, DetailOutcome> {
  pool ??= new Piscina<DetailTask, DetailOutcome>({
    filename: new URL('./detail-worker.ts', import.meta.url).href,
    // one core stays for the event loop (fetching, pacing, DB); at least one worker; idle workers exit
    minThreads: 0,
    maxThreads: Math.max(1, Math.min(4, (os.availableParallelism?.() ?? os.cpus().length) - 1)),
    idleTimeout: 30_000,
    // a page is parsed with a 256 MB heap at most; a worker that dies is replaced by piscina
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  return pool;
}

/** true when `source`'s detail parser is the registry's (and so can run in a worker) */
export function poolable(source: Source): boolean {
  return getSource(source.key)?.parseDetail === source.parseDetail;
}

/** `source.parseDetail`, in a worker thread when possible; the same result and the same errors. */
export async function parseDetailOffThread(source: Source, html: string, card: ProgrammeCard, ctx: ParseContext): Promise<ProgrammeDetail> {
  if (!poolable(source)) return source.parseDetail(html, card, ctx);
  const r = await thePool().run({ source: source.key, html, card, ctx });
  if (r.ok) return r.detail;
  if (r.name === 'SourceParseError' && r.source && r.level) {
    const e = new SourceParseError(r.source, r.level, '');
    e.message = r.message;
    throw e;
  }
  const e = new Error(r.message);
  e.name = r.name;
  throw e;
}

/**
 * Starts a worker and loads the parsers in it now (a run calls this first: the first detail page
 * then finds a warm worker instead of waiting for the registry to load).
 */
export async function warmDetailPool(): Promise<void> {
  await thePool().run({ source: '', html: '', card: { sourceApi: '', idExterne: '', name: '', urlExterne: '' }, ctx: {} }).catch(() => {});
}

/** Stops the workers (end of a CLI run, tests); the next parse starts them again. */
export async function closeDetailPool(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.destroy();
}
