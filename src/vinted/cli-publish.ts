// `atelier vinted accounts|publish|listings|fake-server`: the CLI contract of issue 11.
//   accounts add --name N --kind web --cookies-file F --user-agent UA --json → {ok, account:{id,name,kind,login,…}}
//   accounts add --name N --kind pro --token-file F                         (the "<access_key>,<signing_key>" token)
//   accounts check <name> · accounts list · accounts resume|pause <name>
//   publish <job> --account N [--only c1,c2] [--confirm] [--wait] --json → {ok, items:[{cluster_id, state, vinted_id, url, error}]}
//     (no --confirm: a dry run that publishes nothing and shows the payloads)
//   listings [--account N] [--sync] --json
//   fake-server --port N   (GET /__fake/stats, GET /__fake/session: see src/vinted/fakes/vinted.ts)
// Embedded (own data dir) or, when a server owns the data dir, through its API (ATELIER_TOKEN).
// Exit codes: 0 done, 1 something failed (an item not published, a check refused), 2 usage,
// 3 the data dir is owned by a server and no token is set, 4 not found.
import fs from 'node:fs';
import crypto from 'node:crypto';
import type { Command } from 'commander';
import type { CliContext } from '../core/module.ts';
import { CliError, EXIT } from '../core/cli-support.ts';
import { HttpError } from '../core/errors.ts';
import { openOrNull, out } from './cli-common.ts';
import { AccountInputError, getAccount, listAccounts, publicAccount, saveAccount, setQueue, updateAccount } from './accounts/store.ts';
import { execute, kick, queueView } from './publish/service.ts';
import { FINAL, getPublication } from './publish/store.ts';
import { message } from './publish/messages.ts';
import { syncAccount } from './wardrobe/sync.ts';
import { listListings } from './wardrobe/store.ts';

// a session check (HTTP client) and the fake Vinted (sharp) are loaded by the commands that use them
const checkAccount: typeof import('./accounts/check.ts').checkAccount = async (...args) => (await import('./accounts/check.ts')).checkAccount(...args);


function readFileArg(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`${what} ${file}: cannot read the file`, EXIT.notFound, 'not_found');
  }
}

const apiErr = (e: unknown): never => {
  if (e instanceof HttpError) throw new CliError(e.message, e.status === 404 ? EXIT.notFound : e.status === 400 ? EXIT.usage : EXIT.failed, e.code);
  if (e instanceof AccountInputError) throw new CliError(e.message, EXIT.usage, 'usage');
  throw e;
};

const short = (a: ReturnType<typeof publicAccount>) => ({ id: a.id, name: a.name, kind: a.kind, login: a.login, status: a.status, session_expires_at: a.session_expires_at, queue_state: a.queue_state, queue_code: a.queue_code });

export function publishCli(group: Command, cli: CliContext): void {
  const accounts = group.command('accounts').description('Vinted seller accounts (web session or Pro): add, check, list, resume/pause the queue');

  accounts.command('add')
    .description('connect an account; the secret goes to the vault, then the account is checked against Vinted')
    .requiredOption('--name <name>', 'a name for the account (letters, digits, . - _)')
    .requiredOption('--kind <kind>', 'web (browser session cookies) or pro (Vinted Pro Integrations token)')
    .option('--cookies-file <file>', 'web: the cookies of the logged-in browser (cookies.txt, JSON export or a Cookie header)')
    .option('--user-agent <ua>', 'web: the user agent of that browser')
    .option('--token-file <file>', 'pro: a file holding "<access_key>,<signing_key>"')
    .action(async (o: { name: string; kind: string; cookiesFile?: string; userAgent?: string; tokenFile?: string }) => {
      if (o.kind !== 'web' && o.kind !== 'pro') throw new CliError('--kind must be web or pro', EXIT.usage, 'usage');
      if (o.kind === 'web' && (!o.cookiesFile || !o.userAgent)) throw new CliError('--kind web needs --cookies-file and --user-agent', EXIT.usage, 'usage');
      if (o.kind === 'pro' && !o.tokenFile) throw new CliError('--kind pro needs --token-file', EXIT.usage, 'usage');
      const cookies = o.cookiesFile ? readFileArg(o.cookiesFile, '--cookies-file') : undefined;
      const token = o.tokenFile ? readFileArg(o.tokenFile, '--token-file').trim() : undefined;
      const ctx = await openOrNull(cli);
      let account: ReturnType<typeof publicAccount>;
      if (ctx) {
        const a = await saveAccount(ctx, { name: o.name, kind: o.kind, cookies, userAgent: o.userAgent, token }).catch(apiErr);
        account = publicAccount(await checkAccount(ctx, a));
      } else {
        account = (await cli.api<{ account: ReturnType<typeof publicAccount> }>('POST', '/api/vinted/accounts', { name: o.name, kind: o.kind, cookies, user_agent: o.userAgent, token })).account;
      }
      const ok = account.status === 'ok';
      out(cli, { ok, account: short(account) }, `${account.name} (${account.kind}): ${ok ? `connected as ${account.login}${account.session_expires_at ? `, session until ${account.session_expires_at}` : ''}` : `not usable (${account.status}${account.status_code ? `, ${account.status_code}` : ''})`}`);
      if (!ok) process.exitCode = EXIT.failed;
    });

  accounts.command('check')
    .description('call Vinted with the account: login, session expiry')
    .argument('<name>', 'account name or id')
    .action(async (name: string) => {
      const ctx = await openOrNull(cli);
      let account: ReturnType<typeof publicAccount>;
      if (ctx) {
        const a = await getAccount(ctx, name);
        if (!a) throw new CliError(`no Vinted account ${name}`, EXIT.notFound, 'not_found');
        account = publicAccount(await checkAccount(ctx, a));
      } else account = (await cli.api<{ account: ReturnType<typeof publicAccount> }>('POST', `/api/vinted/accounts/${encodeURIComponent(name)}/check`)).account;
      const ok = account.status === 'ok';
      out(cli, { ok, account: short(account) }, `${account.name}: ${account.status}${account.login ? ` (${account.login})` : ''}${account.session_expires_at ? `, session until ${account.session_expires_at}` : ''}`);
      if (!ok) process.exitCode = EXIT.failed;
    });

  accounts.command('list')
    .description('the accounts, their status and queues (never a secret)')
    .action(async () => {
      const ctx = await openOrNull(cli, { work: false });
      const list = ctx ? (await listAccounts(ctx)).map(publicAccount) : (await cli.api<{ accounts: ReturnType<typeof publicAccount>[] }>('GET', '/api/vinted/accounts')).accounts;
      out(cli, { ok: true, accounts: list.map(short) }, list.map((a) => `${a.name.padEnd(16)} ${a.kind.padEnd(4)} ${a.status.padEnd(10)} queue ${a.queue_state}${a.queue_code ? ` (${a.queue_code})` : ''}  ${a.login ?? ''}`).join('\n') || 'no account');
    });

  for (const action of ['resume', 'pause'] as const) {
    accounts.command(action)
      .description(action === 'resume' ? 'restart the account\'s queue (after a captcha you passed yourself)' : 'pause the account\'s queue')
      .argument('<name>', 'account name or id')
      .action(async (name: string) => {
        const ctx = await openOrNull(cli);
        if (ctx) {
          const a = await getAccount(ctx, name);
          if (!a) throw new CliError(`no Vinted account ${name}`, EXIT.notFound, 'not_found');
          if (action === 'pause') await setQueue(ctx, a.id, 'paused', 'user');
          else {
            await setQueue(ctx, a.id, 'running', null);
            await updateAccount(ctx, a.id, { circuit_until: null, failures: 0 });
          }
        } else await cli.api('POST', `/api/vinted/accounts/${encodeURIComponent(name)}/queue`, { action });
        out(cli, { ok: true }, `${name}: queue ${action === 'pause' ? 'paused' : 'running'}`);
      });
  }

  group.command('publish')
    .description('publish the planned articles of an ingest job to a Vinted account; without --confirm: a dry run that publishes nothing')
    .argument('<job>', 'the ingest job id (its plan must exist: atelier vinted plan <job>)')
    .requiredOption('--account <name>', 'the Vinted account')
    .option('--only <ids>', 'only these articles, e.g. c1,c3')
    .option('--confirm', 'publish for real (queue them, paced)')
    .option('--wait', 'with --confirm: return once every article is final (published, refused, manual, dead) or the queue stops')
    .option('--timeout <seconds>', 'with --wait: give up waiting after this long (the queue goes on)')
    .action(async (job: string, o: { account: string; only?: string; confirm?: boolean; wait?: boolean; timeout?: string }) => {
      const only = o.only ? o.only.split(',').map((x) => x.trim()).filter(Boolean) : undefined;
      const timeoutMs = o.timeout ? Number(o.timeout) * 1000 : 0;
      if (o.timeout && !(timeoutMs > 0)) throw new CliError('--timeout must be a number of seconds', EXIT.usage, 'usage');
      const ctx = await openOrNull(cli);
      const key = `cli:${crypto.randomUUID()}`;
      let items: { cluster_id: string; publication_id: string | null; state: string; vinted_id: string | null; url: string | null; error: string | null; payload?: unknown; expected_at?: string | null }[];
      let queueNote: string | null = null;
      if (ctx) {
        const r = await execute(ctx, { job, account: o.account, only, dryRun: !o.confirm, key }).catch(apiErr);
        items = r.items;
        if (o.confirm && o.wait) {
          const deadline = timeoutMs ? Date.now() + timeoutMs : Infinity;
          for (;;) {
            const ids = items.filter((i) => i.publication_id).map((i) => i.publication_id!);
            const pubs = await Promise.all(ids.map((id) => getPublication(ctx.db, id)));
            for (const p of pubs) {
              const it = p && items.find((i) => i.publication_id === p.id);
              if (it && p) Object.assign(it, { state: p.state, vinted_id: p.vinted_id, url: p.url, error: p.error });
            }
            if (pubs.every((p) => !p || FINAL.includes(p.state))) break;
            const a = await getAccount(ctx, r.account.id);
            if (!a || a.queue_state !== 'running') {
              queueNote = a?.queue_code ? message(ctx.config.lang, a.queue_code) : 'queue not running';
              break;
            }
            if (Date.now() > deadline) break;
            await kick(ctx, r.account.id);
            await new Promise((res) => setTimeout(res, 400));
          }
          for (const it of items) if (!FINAL.includes(it.state as never) && queueNote && !it.error) it.error = queueNote;
        } else if (o.confirm) {
          const v = await queueView(ctx, r.account);
          for (const it of items) it.expected_at = v.items.find((x) => x.id === it.publication_id)?.expected_at ?? null;
        }
      } else {
        const r = await cli.api<{ items: typeof items; account: string }>('POST', '/api/vinted/bulk/listings/execute', { job, account: o.account, only, dry_run: !o.confirm });
        items = r.items;
        if (o.confirm && o.wait) {
          const deadline = timeoutMs ? Date.now() + timeoutMs : Infinity;
          for (;;) {
            const q = await cli.api<{ items: { id: string; state: string; vinted_id: string | null; url: string | null; error: string | null }[]; queue_state: string; queue_message: string | null }>('GET', `/api/vinted/publish/queue?account=${encodeURIComponent(o.account)}&job=${job}`);
            for (const it of items) {
              const p = q.items.find((x) => x.id === it.publication_id);
              if (p) Object.assign(it, { state: p.state, vinted_id: p.vinted_id, url: p.url, error: p.error });
            }
            if (items.every((i) => !i.publication_id || FINAL.includes(i.state as never))) break;
            if (q.queue_state !== 'running') {
              queueNote = q.queue_message;
              break;
            }
            if (Date.now() > deadline) break;
            await new Promise((res) => setTimeout(res, 1000));
          }
          for (const it of items) if (!FINAL.includes(it.state as never) && queueNote && !it.error) it.error = queueNote;
        }
      }
      const good = o.confirm ? (o.wait ? ['published'] : ['queued', 'uploading', 'creating', 'submitted', 'published']) : ['dry_run'];
      const ok = items.every((i) => good.includes(i.state));
      const shown = items.map((i) => ({
        cluster_id: i.cluster_id, state: i.state, vinted_id: i.vinted_id, url: i.url, error: i.error,
        ...(i.publication_id ? { publication_id: i.publication_id } : {}), ...(i.expected_at ? { expected_at: i.expected_at } : {}), ...(i.payload !== undefined ? { payload: i.payload } : {}),
      }));
      out(cli, { ok, dry_run: !o.confirm, items: shown }, [
        o.confirm ? '' : 'dry run: nothing was published (add --confirm to publish)',
        ...shown.map((i) => `${i.cluster_id.padEnd(5)} ${i.state.padEnd(12)} ${i.url ?? i.expected_at ?? ''}${i.error ? `  ${i.error}` : ''}`),
      ].filter(Boolean).join('\n'));
      if (!ok) process.exitCode = EXIT.failed;
    });

  group.command('listings')
    .description('the wardrobe (listings on Vinted) as last synced; --sync reads it from Vinted first')
    .option('--account <name>', 'one account (default: all)')
    .option('--sync', 'read the wardrobe from Vinted now')
    .action(async (o: { account?: string; sync?: boolean }) => {
      const ctx = await openOrNull(cli, { work: !!o.sync });
      let listings: Awaited<ReturnType<typeof listListings>>;
      let ok = true;
      if (ctx) {
        const accs = o.account ? [await getAccount(ctx, o.account)] : await listAccounts(ctx);
        if (o.account && !accs[0]) throw new CliError(`no Vinted account ${o.account}`, EXIT.notFound, 'not_found');
        if (o.sync) {
          for (const a of accs) {
            try {
              await syncAccount(ctx, a!);
            } catch (e) {
              ok = false;
              process.stderr.write(`${a!.name}: sync failed: ${(e as Error).message}\n`);
            }
          }
        }
        listings = await listListings(ctx.db, { accountId: o.account ? accs[0]!.id : undefined });
      } else {
        if (o.sync) ok = (await cli.api<{ ok: boolean }>('POST', '/api/vinted/listings/sync', o.account ? { account: o.account } : {})).ok;
        listings = (await cli.api<{ listings: typeof listings }>('GET', `/api/vinted/listings${o.account ? `?account=${encodeURIComponent(o.account)}` : ''}`)).listings;
      }
      out(cli, { ok, listings }, listings.map((l) => `${l.vinted_id.padEnd(12)} ${l.state.padEnd(9)} ${String(l.price ?? '').padStart(6)} €  ${l.title}${l.cluster_id ? `  [${l.cluster_id}]` : ''}`).join('\n') || 'no listing');
      if (!ok) process.exitCode = EXIT.failed;
    });

  group.command('fake-server')
    .description('serve a fake Vinted (web + Pro) for tries offline and tests: GET /__fake/stats, GET /__fake/session, POST /__fake/mode')
    .option('--port <port>', 'port (0 = any free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (o: { port: string; host: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be a port number', EXIT.usage, 'usage');
      const { startFakeVinted } = await import('./fakes/vinted.ts');
      const fake = await startFakeVinted({ port, host: o.host });
      out(cli, { ok: true, url: fake.url }, `fake Vinted listening on ${fake.url}\n  cookies of a session: curl ${fake.url}/__fake/session > cookies.txt\n  counters:             curl ${fake.url}/__fake/stats\n  failure modes:        curl -d '{"mode":"captcha"}' ${fake.url}/__fake/mode\nthen VINTED_BASE_URL=${fake.url} VINTED_PRO_BASE_URL=${fake.url} ATELIER_HTTP_ALLOW_PRIVATE=true`);
      const stop = async () => {
        await fake.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
      await new Promise(() => {});
    });
}
