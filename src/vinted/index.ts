// The vinted module (the Studio): photos in → grouped, recognised articles → drafted listings.
import path from 'node:path';
import type { AtelierModule } from '../core/module.ts';
import { vintedCli } from './cli.ts';
import { settings, readSettings } from './settings.ts';

// routes and job code are loaded by the process that serves or runs them: a CLI command such as
// `atelier vinted accounts list` declares the module without loading sharp, the mailer or the ZIP code

const vinted: AtelierModule = {
  name: 'vinted',
  title: { fr: 'Studio Vinted', en: 'Vinted Studio' },
  migrationsDir: path.join(import.meta.dirname, 'migrations'),
  routes: async (app, ctx) => (await import('./routes.ts')).vintedRoutes(app, ctx),
  jobs: {
    ingest: {
      handler: async (job, core) => (await import('./catalog/ingest-job.ts')).ingestHandler(job, core),
      retryLimit: 2,
      retryDelaySeconds: 5,
      // a 500-photo HEIC batch on a small machine takes minutes, not hours
      expireInSeconds: 2 * 3600,
      concurrency: 1,
    },
    // one runner per account queue (a lease), several accounts at once; a killed runner is retried
    // and resumes from the recorded steps
    publish: { handler: async (job, core) => (await import('./publish/worker.ts')).publishQueueHandler(job, core), retryLimit: 20, retryDelaySeconds: 2, expireInSeconds: 12 * 3600, concurrency: 4 },
    'publish-tick': { handler: async (_job, core) => ({ kicked: await (await import('./publish/service.ts')).kickAll(core) }), retryLimit: 0 },
    sync: { handler: async (job, core) => (await import('./wardrobe/sync.ts')).syncHandler(job, core), retryLimit: 1, retryDelaySeconds: 30, expireInSeconds: 3600, concurrency: 1 },
    // notifications, e-mails and webhooks from the events outbox (also polled by a server with workers)
    // buyer messages and offers read from Vinted, then the automatic replies that are due
    inbox: { handler: async (job, core) => (await import('./inbox/service.ts')).inboxHandler(job, core), retryLimit: 1, retryDelaySeconds: 60, expireInSeconds: 1800, concurrency: 1 },
    deliver: { handler: async (_job, core) => (await import('./notify/deliver.ts')).deliverOnce(core), retryLimit: 0, expireInSeconds: 600 },
    // a relist run resumes from its recorded steps when retried (a crash mid-delete is asked to Vinted)
    relist: { handler: async (job, core) => (await import('./relist/run.ts')).relistHandler(job, core), retryLimit: 10, retryDelaySeconds: 5, expireInSeconds: 12 * 3600, concurrency: 2 },
    'relist-tick': { handler: async (_job, core) => ({ started: await (await import('./relist/schedule.ts')).relistTick(core) }), retryLimit: 0 },
    // a failed read is not retried: the next schedule reads again
    orders: { handler: async (job, core) => (await import('./orders/sync.ts')).ordersHandler(job, core), retryLimit: 0, expireInSeconds: 3600, concurrency: 1 },
    // drafts, abandoned batches, temporary files, old job logs (a dry run until switched on)
    purge: { handler: async (job, core) => (await import('./purge/purge.ts')).purgeHandler(job as any, core), retryLimit: 1, retryDelaySeconds: 300, expireInSeconds: 3600, concurrency: 1 },
    // the optional vision LLM, after an ingest: a slow remote model never holds the photos back
    describe: {
      handler: async (job, core) => (await import('./llm/job.ts')).describeHandler(job, core),
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
