// The promoteurs module: scrapes new-build programmes of French developers (listing per city, then a
// detail page per programme), keeps them deduplicated in promoteurs.* and optionally in EspoCRM.
import path from 'node:path';
import type { AtelierModule, CoreContext } from '../core/module.ts';
import { JobFailedError, type JobContext } from '../core/jobs/types.ts';
import { promoteursCli } from './cli.ts';
import { readSettings, settings } from './settings.ts';
import type { ScrapePayload } from './run/scrape.ts';

// the routes and the scraper are loaded by the process that uses them: a CLI command such as
// `atelier promoteurs stats` declares the module without loading its crawler and parsers
const scrape = () => import('./run/scrape.ts');

/** The job handler gets only the JobContext; the platform's CoreContext is captured when routes/CLI open it. */
let core: CoreContext | null = null;
export function bindCore(ctx: CoreContext): void {
  core = ctx;
}

const SCRAPE_RETRIES = 1;

async function scrapeHandler(job: JobContext<ScrapePayload>, given?: CoreContext): Promise<unknown> {
  // the platform passes its context to handlers (newer core); otherwise the one bound by routes()/the CLI,
  // which workers may see a moment after they start inside openPlatform
  if (given) core = given;
  for (let i = 0; i < 60 && !core; i++) await new Promise((r) => setTimeout(r, 500));
  if (!core) throw new Error('promoteurs: platform context not bound (this process registered no routes: a bare `atelier worker` needs core to pass the CoreContext to job handlers)');
  try {
    return await (await scrape()).runScrape(core, job);
  } catch (e) {
    // a run that ended failed (every page failed) recorded its status and alert itself
    if (e instanceof JobFailedError) throw e;
    if (job.signal.aborted) {
      await core.db.withSchema('promoteurs').updateTable('runs').set({ status: 'cancelled', finished_at: new Date() }).where('id', '=', job.id).execute().catch(() => {});
      throw e;
    }
    // the final attempt failed: record and alert (earlier attempts are retried by the queue)
    if (job.attempt > SCRAPE_RETRIES) await (await scrape()).onScrapeFailure(core, job.id, e as Error, !!job.payload?.dryRun);
    throw e;
  }
}

const promoteurs: AtelierModule & { settings: typeof settings } = {
  name: 'promoteurs',
  title: { fr: 'Programmes neufs', en: 'New-build programmes' },
  migrationsDir: path.join(import.meta.dirname, 'migrations'),
  routes: async (app, ctx) => {
    bindCore(ctx);
    return (await import('./routes.ts')).promoteursRoutes(app, ctx);
  },
  jobs: {
    scrape: {
      handler: scrapeHandler,
      retryLimit: SCRAPE_RETRIES,
      retryDelaySeconds: 60,
      // a full run of ~20 sites × 380 cities with 10 s / 5 s delays takes hours; heartbeats keep it alive
      expireInSeconds: 12 * 3600,
      concurrency: 1,
    },
  },
  schedules: (config) => {
    const s = readSettings(config);
    if (!s.schedule) return [];
    return [{ name: 'promoteurs.scrape', cron: s.cron, job: 'scrape', payload: { promoteurs: 'all', scheduled: true } }];
  },
  cli: (group, cliCtx) => promoteursCli(group, cliCtx, bindCore),
  settings,
};

export default promoteurs;
export { settings };
