// The releases module (the Packer): sources → metadata → name → NFO/DIZ → ZIP/RAR volumes + SFV
// → validated release, as `releases.pack` jobs; retention cleanup as `releases.cleanup`.
import path from 'node:path';
import type { AtelierModule } from '../core/module.ts';
import { releasesCli } from './cli.ts';
import { readSettings, settings } from './settings.ts';

// routes and job code are loaded by the process that serves or runs them: a CLI command such as
// `atelier releases jobs` declares the module without loading the packer, SFTP or templates
const packJob = () => import('./pack/job.ts');
const deliverJob = () => import('./deliver/job.ts');

const releases: AtelierModule = {
  name: 'releases',
  title: { fr: 'Packer de releases', en: 'Release Packer' },
  migrationsDir: path.join(import.meta.dirname, 'migrations'),
  routes: async (app, ctx) => (await import('./routes.ts')).releasesRoutes(app, ctx),
  jobs: {
    pack: {
      handler: async (job, core) => (await packJob()).packHandler(job, core),
      // bad sources are refused before the job is queued (upload / CLI checks); a retry is for crashes
      retryLimit: 1,
      retryDelaySeconds: 5,
      expireInSeconds: 6 * 3600,
      concurrency: 1,
    },
    cleanup: { handler: async (job, core) => (await packJob()).cleanupHandler(job, core), retryLimit: 1 },
    // a retry resumes from the server's part files; a worker killed mid-upload is picked up on expiry
    deliver: { handler: async (job, core) => (await deliverJob()).deliverHandler(job, core), retryLimit: 2, retryDelaySeconds: 30, expireInSeconds: 6 * 3600, concurrency: 2 },
  },
  schedules: (config) => [{ name: 'releases.cleanup', cron: readSettings(config.env, config.dataDir).cleanupCron, job: 'cleanup' }],
  cli: releasesCli,
  settings,
};

export default releases;
export { settings } from './settings.ts';
