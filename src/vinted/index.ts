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
import { deliverOnce } from './notify/deliver.ts';
import { inboxHandler } from './inbox/service.ts';
import { relistHandler } from './relist/run.ts';
import { relistTick } from './relist/schedule.ts';
import { ordersHandler } from './orders/sync.ts';
import { purgeHandler } from './purge/purge.ts';

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
    // notifications, e-mails and webhooks from the events outbox (also polled by a server with workers)
    // buyer messages and offers read from Vinted, then the automatic replies that are due
    inbox: { handler: (job, core) => inboxHandler(job, core), retryLimit: 1, retryDelaySeconds: 60, expireInSeconds: 1800, concurrency: 1 },
    deliver: { handler: async (_job, core) => deliverOnce(core), retryLimit: 0, expireInSeconds: 600 },
    // a relist run resumes from its recorded steps when retried (a crash mid-delete is asked to Vinted)
    relist: { handler: (job, core) => relistHandler(job, core), retryLimit: 10, retryDelaySeconds: 5, expireInSeconds: 12 * 3600, concurrency: 2 },
    'relist-tick': { handler: async (_job, core) => ({ started: await relistTick(core) }), retryLimit: 0 },
    // a failed read is not retried: the next schedule reads again
    orders: { handler: (job, core) => ordersHandler(job, core), retryLimit: 0, expireInSeconds: 3600, concurrency: 1 },
    // drafts, abandoned batches, temporary files, old job logs (a dry run until switched on)
    purge: { handler: (job, core) => purgeHandler(job as any, core), retryLimit: 1, retryDelaySeconds: 300, expireInSeconds: 3600, concurrency: 1 },
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
    const all = readSettings(config.env, config.dataDir);
    const s = all.publish;
    return [
      { name: 'vinted.purge', cron: all.purge.cron, job: 'purge' },
      { name: 'vinted.publish-tick', cron: s.queueCron, job: 'publish-tick' },
      { name: 'vinted.sync', cron: s.syncCron, job: 'sync' },
      { name: 'vinted.deliver', cron: '* * * * *', job: 'deliver' },
      { name: 'vinted.inbox', cron: config.env.VINTED_INBOX_CRON || '*/10 * * * *', job: 'inbox' },
      { name: 'vinted.orders', cron: s.syncCron, job: 'orders' },
      // the rules' own cron expressions are checked every five minutes
      { name: 'vinted.relist-tick', cron: '*/5 * * * *', job: 'relist-tick' },
    ];
  },
  cli: vintedCli,
  settings,
};

export default vinted;
export { settings } from './settings.ts';
