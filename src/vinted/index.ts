// The vinted module (the Studio): photos in → grouped, recognised articles → drafted listings.
import path from 'node:path';
import type { AtelierModule } from '../core/module.ts';
import { vintedRoutes } from './routes.ts';
import { ingestHandler } from './catalog/ingest-job.ts';
import { describeHandler } from './llm/job.ts';
import { vintedCli } from './cli.ts';
import { settings } from './settings.ts';

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
    // the optional vision LLM, after an ingest: a slow remote model never holds the photos back
    describe: {
      handler: (job, core) => describeHandler(job, core),
      retryLimit: 2,
      retryDelaySeconds: 30,
      expireInSeconds: 2 * 3600,
      concurrency: 1,
    },
  },
  cli: vintedCli,
  settings,
};

export default vinted;
export { settings } from './settings.ts';
