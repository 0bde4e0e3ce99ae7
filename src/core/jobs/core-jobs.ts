// The platform's own job kinds: a demo job (to try the jobs page) and the retention purge.
import type { CoreContext, JobDefinition } from '../module.ts';

export function coreJobs(ctx: CoreContext): Record<string, JobDefinition> {
  return {
    demo: {
      retryLimit: 1,
      retryDelaySeconds: 1,
      async handler(job) {
        const steps = Math.max(1, Math.min(1000, Number(job.payload.steps ?? 10)));
        const stepMs = Math.max(0, Math.min(60_000, Number(job.payload.stepMs ?? 300)));
        const done = ((await job.checkpoint.get<{ done: number }>())?.done) ?? 0;
        for (let i = done; i < steps; i++) {
          job.throwIfCancelled();
          await new Promise((r) => setTimeout(r, stepMs));
          await job.checkpoint.set({ done: i + 1 });
          await job.progress(((i + 1) / steps) * 100, { steps_done: i + 1, steps_total: steps });
          await job.log('info', `step ${i + 1}/${steps} done`, { code: 'job.step_done', step: i + 1, steps });
        }
        return { steps };
      },
    },
    purge: {
      retryLimit: 1,
      async handler(job) {
        const purged = await ctx.jobs.purge(ctx.config.jobRetentionDays);
        await job.log('info', `purged ${purged} jobs older than ${ctx.config.jobRetentionDays} days`, { code: 'job.purged', count: purged, days: ctx.config.jobRetentionDays });
        return { purged };
      },
    },
  };
}
