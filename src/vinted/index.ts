// The vinted module (the Studio): photos in → grouped, recognised articles → drafted listings.
import path from 'node:path';
import type { AtelierModule } from '../core/module.ts';
import { vintedRoutes } from './routes.ts';
import { ingestHandler } from './catalog/ingest-job.ts';
import { describeHandler } from './llm/job.ts';
import { vintedCli } from './cli.ts';
import { settings, readSettings } from './settings.ts';
import { publishQueueHandler } from './publish/worker.ts';
import { kickAll } from './publish/service.ts';
import { syncHandler } from './wardrobe/sync.ts';

const vinted: AtelierModule = {
  name: 'vinted',
  title: { fr: 'Studio Vinted', en: 'Vinted Studio' },
  migrationsDir: path.join(import.meta.dirname, 'migrations'),
  routes: vintedRoutes,
  jobs: {
    ingest: {
      handler: (job, core) => ingestHandler(job, core),
      retryLimit: 2,
      retryDelaySeconds: 5,
      // a 500-photo HEIC batch on a small machine takes minutes, not hours
      expireInSeconds: 2 * 3600,
      concurrency: 1,
    },
    // one runner per account queue (a lease), several accounts at once; a killed runner is retried
    // and resumes from the recorded steps
    publish: { handler: (job, core) => publishQueueHandler(job, core), retryLimit: 20, retryDelaySeconds: 2, expireInSeconds: 12 * 3600, concurrency: 4 },
    'publish-tick': { handler: async (_job, core) => ({ kicked: await kickAll(core) }), retryLimit: 0 },
    sync: { handler: (job, core) => syncHandler(job, core), retryLimit: 1, retryDelaySeconds: 30, expireInSeconds: 3600, concurrency: 1 },
    // the optional vision LLM, after an ingest: a slow remote model never holds the photos back
    describe: {
      handler: (job, core) => describeHandler(job, core),
      retryLimit: 2,
      retryDelaySeconds: 30,
      expireInSeconds: 2 * 3600,
      concurrency: 1,
    },
  },
  schedules: (config) => {
    const s = readSettings(config.env, config.dataDir).publish;
    return [
      { name: 'vinted.publish-tick', cron: s.queueCron, job: 'publish-tick' },
      { name: 'vinted.sync', cron: s.syncCron, job: 'sync' },
    ];
  },
  cli: vintedCli,
  settings,
};

export default vinted;
export { settings } from './settings.ts';
