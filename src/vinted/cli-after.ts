// `atelier vinted relist|orders|stats`: after publishing, part A.
//   relist rules [--account N] --json                 → {ok, rules:[…]}
//   relist preview <rule-id> --json                   → {ok, matched, will_relist, caps, items:[{vinted_id, reason}]}
//   relist run <rule-id> [--wait] --json              → {ok, job_id, run_id, result?}  (refused while the rule is in dry-run)
//   orders [--account N] [--side sold|purchased] [--sync] --json → {ok, orders:[…]}
//   stats [--account N] [--bucket day|week|month] [--csv] → the analytics (JSON) or CSV on stdout
// Embedded (own data dir) or, when a server owns the data dir, through its API (ATELIER_TOKEN).
// Exit codes: 0 done, 1 failed, 2 usage, 3 data dir owned by a server without a token, 4 not found.
import crypto from 'node:crypto';
import type { Command } from 'commander';
import type { CliContext } from '../core/module.ts';
import { CliError, EXIT } from '../core/cli-support.ts';
import { HttpError } from '../core/errors.ts';
import { openOrNull, out, type Ctx } from './cli-common.ts';
import { getAccount } from './accounts/store.ts';
import { adapterFor } from './vinted-api/index.ts';
import { getRule, listRules, previewRule } from './relist/rules.ts';
import { listOrders, syncOrders } from './orders/sync.ts';
import { stats, statsCsv } from './analytics/stats.ts';


const fail = (e: unknown): never => {
  if (e instanceof HttpError) throw new CliError(e.message, e.status === 404 ? EXIT.notFound : e.status === 400 || e.status === 409 ? EXIT.usage : EXIT.failed, e.code);
  throw e;
};

async function accountId(ctx: Ctx, name?: string): Promise<string | undefined> {
  if (!name) return undefined;
  const a = await getAccount(ctx, name);
  if (!a) throw new CliError(`Vinted account ${name} not found`, EXIT.notFound, 'not_found');
  return a.id;
}

export function afterPublishingCli(group: Command, cli: CliContext): void {
  const relist = group.command('relist').description('relist rules: list, preview, run (delete then re-create: new id, likes lost)');
  relist.command('rules').option('--account <name>').description('the relist rules').action(async (o: { account?: string }) => {
    const ctx = await openOrNull(cli, { work: false });
    const rules = ctx
      ? await (async () => { try { return await listRules(ctx.db, await accountId(ctx, o.account)); } finally { await ctx.close(); } })()
      : (await cli.api<{ rules: Awaited<ReturnType<typeof listRules>> }>('GET', `/api/vinted/relist/rules${o.account ? `?account=${encodeURIComponent(o.account)}` : ''}`)).rules;
    out(cli, { ok: true, rules }, rules.map((r) => `${r.id}  ${r.name}  ${r.dry_run ? 'dry-run' : 'active'}  age≥${r.min_age_days}d cap ${r.daily_cap}/day${r.cron ? `  cron ${r.cron}` : ''}`).join('\n') || 'no rule');
  });
  relist.command('preview <rule>').description('what the rule would relist now, and why the others not (changes nothing)').action(async (id: string) => {
    const ctx = await openOrNull(cli, { work: false });
    let pv: Awaited<ReturnType<typeof previewRule>>;
    if (ctx) {
      try {
        const r = await getRule(ctx.db, id);
        if (!r) throw new CliError(`relist rule ${id} not found`, EXIT.notFound, 'not_found');
        const a = await getAccount(ctx, r.account_id);
        let offers: Set<string> | null = null;
        let err: string | null = null;
        if (a?.kind === 'web') {
          try {
            offers = await (adapterFor(ctx, a) as Extract<ReturnType<typeof adapterFor>, { kind: 'web' }>).openOfferItems();
          } catch (e) {
            err = (e as Error).message;
          }
        }
        pv = await previewRule(ctx.db, r, offers, err);
      } finally {
        await ctx.close();
      }
    } else pv = await cli.api('POST', `/api/vinted/relist/rules/${encodeURIComponent(id)}/preview`, {}).catch(fail);
    out(cli, { ok: true, ...pv }, [`${pv.matched} matched, ${pv.will_relist} would be relisted now (left today: ${pv.caps.left})`, ...pv.items.slice(0, 200).map((i) => `${i.vinted_id.padEnd(12)} ${(i.reason ?? 'RELIST').padEnd(15)} ${i.age_days}d ${i.views ?? '-'} views  ${i.title}`)].join('\n'));
  });
  relist.command('run <rule>').option('--wait', 'wait for the run to end').description('run a rule now (refused while it is in dry-run)').action(async (id: string, o: { wait?: boolean }) => {
    const ctx = await openOrNull(cli);
    let res: { job_id: string; run_id: string; result?: unknown; status?: string };
    if (ctx) {
      try {
        const r = await getRule(ctx.db, id);
        if (!r) throw new CliError(`relist rule ${id} not found`, EXIT.notFound, 'not_found');
        if (r.dry_run || !r.acknowledged_at) throw new CliError(`relist rule "${r.name}" is in dry-run: acknowledge the warning and turn dry-run off first (web page or PATCH /api/vinted/relist/rules/${r.id})`, EXIT.usage, 'dry_run');
        const runId = `cli:${crypto.randomUUID()}`;
        const job = await ctx.jobs.enqueue('vinted.relist', { account_id: r.account_id, rule_id: r.id, run_id: runId }, { title: `Relist · ${r.name}` });
        res = { job_id: job.id, run_id: runId };
        if (o.wait) {
          const done = await ctx.jobs.wait(job.id);
          res = { ...res, status: done.status, result: done.result };
        }
      } finally {
        await ctx.close();
      }
    } else {
      res = await cli.api<{ job_id: string; run_id: string }>('POST', `/api/vinted/relist/rules/${encodeURIComponent(id)}/run`, {}).catch(fail);
    }
    const ok = !res.status || res.status === 'completed';
    out(cli, { ok, ...res }, `${res.run_id}: ${res.status ?? 'started'}${res.result ? ` ${JSON.stringify(res.result)}` : ''}`);
    if (!ok) process.exitCode = EXIT.failed;
  });

  group.command('orders').option('--account <name>').option('--side <side>', 'sold or purchased').option('--sync', 'read them from Vinted first')
    .description('orders (sold and purchased) with their state and deadline to ship').action(async (o: { account?: string; side?: string; sync?: boolean }) => {
      if (o.side && !['sold', 'purchased'].includes(o.side)) throw new CliError('--side is sold or purchased', EXIT.usage, 'usage');
      const side = o.side as 'sold' | 'purchased' | undefined;
      const ctx = await openOrNull(cli, { work: !!o.sync });
      let orders: Awaited<ReturnType<typeof listOrders>>;
      let ok = true;
      if (ctx) {
        try {
          const id = await accountId(ctx, o.account);
          if (o.sync) {
            for (const a of id ? [await getAccount(ctx, id)] : []) {
              try {
                await syncOrders(ctx, a!);
              } catch (e) {
                ok = false;
                console.error(`${a!.name}: ${(e as Error).message}`);
              }
            }
            if (!id) throw new CliError('--sync needs --account', EXIT.usage, 'usage');
          }
          orders = await listOrders(ctx.db, { accountId: id, side });
        } finally {
          await ctx.close();
        }
      } else {
        if (o.sync) ok = (await cli.api<{ ok: boolean }>('POST', '/api/vinted/orders/sync', o.account ? { account: o.account } : {})).ok;
        const q = new URLSearchParams({ ...(o.account ? { account: o.account } : {}), ...(side ? { side } : {}) });
        orders = (await cli.api<{ orders: typeof orders }>('GET', `/api/vinted/orders?${q}`)).orders;
      }
      out(cli, { ok, orders }, orders.map((x) => `${x.ordered_at.slice(0, 10)} ${x.side.padEnd(9)} ${x.order_id.padEnd(12)} ${(x.state === 'unknown' ? `unknown (${x.status})` : x.state).padEnd(10)} ${String(x.price ?? '').padStart(6)} ${x.ship_by ? `ship by ${x.ship_by.slice(0, 10)}` : ''}${x.overdue ? ' OVERDUE' : ''}  ${x.title}`).join('\n') || 'no order');
      if (!ok) process.exitCode = EXIT.failed;
    });

  group.command('stats').option('--account <name>').option('--bucket <b>', 'day, week or month', 'week').option('--csv', 'CSV on stdout')
    .description('sales analytics: revenue, sales, views, favourites, conversion; over time and by category, brand, price band').action(async (o: { account?: string; bucket: string; csv?: boolean }) => {
      if (!['day', 'week', 'month'].includes(o.bucket)) throw new CliError('--bucket is day, week or month', EXIT.usage, 'usage');
      const ctx = await openOrNull(cli, { work: false });
      let s: Awaited<ReturnType<typeof stats>>;
      if (ctx) {
        try {
          s = await stats(ctx.db, { accountId: await accountId(ctx, o.account), bucket: o.bucket as 'week' });
        } finally {
          await ctx.close();
        }
      } else s = await cli.api('GET', `/api/vinted/analytics?${new URLSearchParams({ bucket: o.bucket, ...(o.account ? { account: o.account } : {}) })}`);
      if (o.csv) return void process.stdout.write(statsCsv(s));
      const t = s.totals;
      out(cli, { ok: true, ...s }, `${t.sales} sales, ${t.revenue} ${t.currency}, ${t.listings} listings (${t.live} live), ${t.views} views, ${t.favourites} favourites, conversion ${(t.conversion * 100).toFixed(1)} %, median ${t.median_days_to_sell ?? '-'} days to sell`);
    });
}
