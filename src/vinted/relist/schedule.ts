// The relist rules' schedules: pg-boss runs one tick every five minutes; each enabled rule out of
// dry-run whose cron fired since its last run gets one run (a job), at most one at a time per rule.
// The tick also resumes the runs left unfinished (the account was stopped, or the job gave up) once
// their account's queue runs again: a relist caught in `deleting` is then settled with Vinted.
import type { CoreContext } from '../../core/module.ts';
import { cronDue, listRules } from './rules.ts';

export async function relistTick(ctx: CoreContext, now = new Date()): Promise<number> {
  let started = 0;
  for (const r of await listRules(ctx.db)) {
    if (!r.enabled || r.dry_run || !r.acknowledged_at || !r.cron) continue;
    // since the last run, or the last ten minutes for a rule never run (a missed tick is not replayed for days)
    const since = r.last_run_at ? new Date(Math.max(Date.parse(r.last_run_at), now.getTime() - 86_400_000)) : new Date(now.getTime() - 10 * 60_000);
    if (!cronDue(r.cron, since, now)) continue;
    const live = await ctx.db.withSchema('core').selectFrom('jobs').select('id').where('module', '=', 'vinted').where('kind', '=', 'relist')
      .where('status', 'in', ['queued', 'running', 'retrying']).where((eb) => eb(eb.ref('payload', '->>').key('rule_id' as never), '=', r.id)).executeTakeFirst();
    if (live) continue;
    // the run id is the rule and the minute: two ticks racing start one run's rows once
    await ctx.jobs.enqueue('vinted.relist', { account_id: r.account_id, rule_id: r.id, run_id: `cron:${r.id}:${now.toISOString().slice(0, 16)}` }, { title: `Relist · ${r.name}` });
    await ctx.db.withSchema('vinted').updateTable('relist_rules').set({ last_run_at: now }).where('id', '=', r.id).execute();
    started++;
  }
  // unfinished runs whose account runs again and whose job is gone
  const open = await ctx.db.withSchema('vinted').selectFrom('relists as r').innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['r.run_id', 'r.account_id', 'r.rule_id']).distinct()
    .where('r.state', 'in', ['queued', 'deleting', 'recreating']).where('a.queue_state', '=', 'running').where('r.updated_at', '<', new Date(now.getTime() - 60_000)).execute();
  for (const o of open) {
    const live = await ctx.db.withSchema('core').selectFrom('jobs').select('id').where('module', '=', 'vinted').where('kind', '=', 'relist')
      .where('status', 'in', ['queued', 'running', 'retrying']).where((eb) => eb(eb.ref('payload', '->>').key('run_id' as never), '=', o.run_id)).executeTakeFirst();
    if (live) continue;
    await ctx.jobs.enqueue('vinted.relist', { account_id: o.account_id, rule_id: o.rule_id, run_id: o.run_id }, { title: 'Relist · reprise' });
    started++;
  }
  return started;
}
