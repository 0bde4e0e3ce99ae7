// The `atelier` command: platform commands (serve, worker, migrate, users, tokens, jobs, config)
// and each module's group (`atelier vinted …`, `atelier promoteurs …`, `atelier releases …`).
// Start time matters (`--help` in a fraction of a second): only light imports at the top; the
// platform (database, queue, auth) and each module are imported by the commands that use them.
import { enableCompileCache } from 'node:module';
import type { Command as CommandType } from 'commander';
import type { Logger } from './core/log.ts';
import type { Platform } from './core/platform.ts';
import type { AtelierModule, CliContext, Role } from './core/module.ts';
import type { ModuleEntry } from './module-index.ts';

// Node keeps the compiled (and type-stripped) code of the modules imported from here on disk: later
// starts skip parsing them again (NODE_COMPILE_CACHE chooses the folder; NODE_DISABLE_COMPILE_CACHE=1
// turns it off). Hence the imports below come after it: static imports would be loaded, and their
// TypeScript stripped, before this line runs (that was 40 % of `atelier --help`).
enableCompileCache?.();
const { Command, CommanderError } = await import('commander');
const { loadConfig, settings } = await import('./core/config.ts');
const { readLock } = await import('./core/lock.ts');
const { CliError, EXIT, callApi, watchJob } = await import('./core/cli-support.ts');

const ROLE_NAMES: readonly Role[] = ['viewer', 'operator', 'admin'];

/**
 * `modules` are the loaded modules; `unloaded` are only named (in `atelier --help`), for a command that
 * does not need their code.
 */
export function buildCli(modules: AtelierModule[], unloaded: ModuleEntry[] = []): CommandType {
  const program = new Command('atelier');
  program
    .description(`atelier — self-hosted automation workshops.\nModules: ${[...modules, ...unloaded].map((m) => `${m.name} (${m.title.en})`).join(', ')}`)
    .option('--json', 'print exactly one JSON object on stdout (logs go to stderr)')
    .showHelpAfterError()
    .exitOverride();

  const isJson = () => !!program.opts().json || process.argv.includes('--json');
  const config = () => loadConfig();
  const log = async (): Promise<Logger> => (await import('./core/log.ts')).createLogger({ level: isJson() ? 'warn' : config().logLevel, file: config().logFile });
  const opened: Platform[] = [];

  async function open(work = true): Promise<Platform> {
    const { openPlatform } = await import('./core/platform.ts');
    const p = await openPlatform({ config: config(), modules, role: 'cli', work, log: await log() });
    opened.push(p);
    return p;
  }

  const cliCtx: CliContext = {
    open: async (o) => open(o?.work ?? true),
    json: isJson,
    api: (method, path, body) => callApi(config().serverUrl, config().token, method, path, body),
    watch: (ctx, jobId) => watchJob(ctx, jobId, isJson()),
    localOrApi: (local, remote, o) => withPlatformOrApi(local, remote, o?.work ?? false),
  };
  (program as any).closeAll = async () => {
    for (const p of opened.splice(0)) await p.close();
  };

  program.command('serve')
    .description('start the web app, the API and (unless ATELIER_WORKERS=false) the job workers')
    .option('-p, --port <port>', 'port (default PORT or 8080)')
    .action(async (o) => {
      const { startServer } = await import('./main.ts');
      await startServer(modules, { port: o.port ? Number(o.port) : undefined });
    });

  program.command('worker')
    .description('run job workers only (for a PostgreSQL deployment with separate worker processes)')
    .action(async () => {
      const cfg = config();
      const { openPlatform } = await import('./core/platform.ts');
      const p = await openPlatform({ config: cfg, modules, role: 'worker', work: true, schedules: true, log: await log() });
      p.log.info({ kinds: p.jobs.kinds() }, 'worker started');
      // SIGTERM: running jobs go back to the queue at a checkpoint (JobService.stop); cut after 20 s
      const stop = async () => {
        setTimeout(() => process.exit(1), 20_000).unref();
        await p.close();
        process.exit(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      await new Promise(() => {});
    });

  program.command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const p = await open(false);
      out({ ok: true, database: p.database.kind }, `migrations applied (${p.database.kind})`);
    });

  program.command('config')
    .description('list every environment variable with its default and meaning')
    .option('--markdown', 'as a Markdown table')
    .action((o) => {
      const all: { env: string; default: string; meaning: string }[] = [...settings, ...modules.flatMap((m) => m.settings ?? [])];
      if (isJson()) return out({ ok: true, settings: all }, '');
      if (o.markdown) {
        console.log('| variable | default | meaning |\n|---|---|---|');
        for (const s of all) console.log(`| \`${s.env}\` | ${s.default} | ${s.meaning} |`);
      } else for (const s of all) console.log(`${s.env.padEnd(28)} ${s.default.padEnd(14)} ${s.meaning}`);
    });

  const users = program.command('users').description('manage users');
  users.command('create-admin')
    .description('create an admin user')
    .requiredOption('--email <email>').requiredOption('--password <password>')
    .action(async (o) => {
      const user = await createUser(o.email, o.password, 'admin');
      out({ ok: true, user }, `admin ${user.email} created`);
    });
  users.command('create')
    .description('create a user with a role')
    .requiredOption('--email <email>').requiredOption('--password <password>')
    .option('--role <role>', `one of ${ROLE_NAMES.join(', ')}`, 'operator')
    .action(async (o) => {
      if (!ROLE_NAMES.includes(o.role)) throw new CliError(`--role must be one of ${ROLE_NAMES.join(', ')}`, EXIT.usage, 'usage');
      const user = await createUser(o.email, o.password, o.role as Role);
      out({ ok: true, user }, `${user.role} ${user.email} created`);
    });
  users.command('list').description('list users').action(async () => {
    const list = await withPlatformOrApi(
      async (p) => p.auth.listUsers(),
      async () => (await cliCtx.api<{ users: Awaited<ReturnType<Platform['auth']['listUsers']>> }>('GET', '/api/users')).users,
    );
    out({ ok: true, users: list }, list.map((u) => `${u.email}\t${u.role}`).join('\n'));
  });
  users.command('token')
    .description('create a personal API token for a user (shown once)')
    .requiredOption('--email <email>').option('--name <name>', 'token name', 'cli')
    .action(async (o) => {
      const p = await open(false);
      const u = await p.auth.findByEmail(o.email);
      if (!u) throw new CliError(`no user ${o.email}`, EXIT.notFound, 'not_found');
      const t = await p.auth.createApiToken(u.id, o.name);
      out({ ok: true, token: t.token, id: t.id }, t.token);
    });

  const jobs = program.command('jobs').description('list and follow jobs');
  jobs.command('list')
    .option('--module <m>').option('--status <s>').option('--limit <n>', 'how many (1–500)', '20')
    .action(async (o) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError(`--limit must be a whole number from 1 to 500, got "${o.limit}"`, EXIT.usage, 'usage');
      const query = new URLSearchParams({ limit: String(limit), ...(o.module ? { module: o.module } : {}), ...(o.status ? { status: o.status } : {}) });
      const list = await withPlatformOrApi(
        async (p) => p.jobs.list({ module: o.module, status: o.status, limit }),
        async () => (await cliCtx.api<{ jobs: any[] }>('GET', `/api/jobs?${query}`)).jobs,
      );
      out({ ok: true, jobs: list }, list.map((j: any) => `${j.id}  ${j.module}.${j.kind}  ${j.status}  ${Math.round(j.progress)}%  ${j.title ?? ''}`).join('\n'));
    });
  jobs.command('show <id>').action(async (id) => {
    jobId(id);
    const r = await withPlatformOrApi(
      async (p) => ({ job: await p.jobs.get(id), events: await p.jobs.eventsOf(id), artifacts: await p.jobs.artifacts(id) }),
      async () => cliCtx.api('GET', `/api/jobs/${id}`),
    );
    if (!r.job) throw new CliError(`job ${id} not found`, EXIT.notFound, 'not_found');
    out({ ok: true, ...r }, [`${r.job.module}.${r.job.kind} ${r.job.status} ${Math.round(r.job.progress)}%${r.job.error ? ` — ${r.job.error}` : ''}`, ...r.events.map((e: any) => `${new Date(e.ts).toISOString()} [${e.level}] ${e.message}`)].join('\n'));
  });
  jobs.command('cancel <id>').action(async (id) => {
    jobId(id);
    const r = await withPlatformOrApi(async (p) => p.jobs.cancel(id), async () => (await cliCtx.api('POST', `/api/jobs/${id}/cancel`)).job);
    if (!r) throw new CliError(`job ${id} not found`, EXIT.notFound, 'not_found');
    out({ ok: true, job: r }, `job ${id}: ${r.status}`);
  });
  jobs.command('demo')
    .description('run a demo job with a progress bar')
    .option('--steps <n>', 'steps', '10')
    .action(async (o) => {
      const steps = Number(o.steps);
      if (!Number.isInteger(steps) || steps < 1 || steps > 1000) throw new CliError(`--steps must be a whole number from 1 to 1000, got "${o.steps}"`, EXIT.usage, 'usage');
      const done = await withPlatformOrApi(
        async (p) => {
          const job = await p.jobs.enqueue('core.demo', { steps, stepMs: 200 }, { title: 'Demo job' });
          return watchJob(p, job.id, isJson());
        },
        async () => {
          // on the server: its workers run it; follow it through the API
          const { job } = await cliCtx.api<{ job: { id: string } }>('POST', '/api/jobs/demo', { steps, stepMs: 200 });
          if (!isJson()) process.stderr.write(`job ${job.id} (on the server)\n`);
          for (;;) {
            const cur = (await cliCtx.api<{ job: any }>('GET', `/api/jobs/${job.id}`)).job;
            if (['completed', 'failed', 'cancelled'].includes(cur.status)) return cur;
            await new Promise((r) => setTimeout(r, 300));
          }
        },
        true, // embedded, this process runs it
      );
      out({ ok: done.status === 'completed', job: done }, `demo job ${done.status}`);
      if (done.status !== 'completed') process.exitCode = EXIT.failed;
    });

  for (const m of modules) {
    if (!m.cli) continue;
    const group = program.command(m.name).description(m.title.en);
    m.cli(group, cliCtx);
  }
  // named in --help only: running `atelier <module> …` loads that module (see main below)
  for (const m of unloaded) program.command(m.name).description(m.title.en);

  /**
   * Runs through the server's API when a server owns the data dir, or when ATELIER_TOKEN and
   * ATELIER_URL point at one (a remote server); otherwise embedded. Without a token, the API call
   * says how to get one (exit 3).
   */
  async function withPlatformOrApi<T>(local: (p: Platform) => Promise<T>, remote: () => Promise<T>, work = false): Promise<T> {
    const cfg = config();
    if (cfg.token && cfg.env.ATELIER_URL) return remote();
    if (!cfg.databaseUrl && readLock(cfg.dataDir)?.kind === 'server') return remote();
    let p: Platform;
    try {
      p = await open(work);
    } catch (e) {
      // a server took the data dir between the check and the open
      if ((e as Error).name === 'DataDirLockedError' && (e as { owner?: { kind?: string } }).owner?.kind === 'server') return remote();
      throw e;
    }
    return local(p);
  }

  /** embedded, or through the server (POST /api/users, an admin's token) */
  function createUser(email: string, password: string, role: Role) {
    return withPlatformOrApi(
      (p) => p.auth.createUser(email, password, role).catch((e: Error) => { throw new CliError(e.message, EXIT.usage, 'invalid_user'); }),
      async () => (await cliCtx.api<{ user: Awaited<ReturnType<Platform['auth']['createUser']>> }>('POST', '/api/users', { email, password, role })).user,
    );
  }

  /** job ids are UUIDs: anything else is a typing error, said as such (exit 2), not a database error */
  function jobId(id: string): void {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new CliError(`"${id}" is not a job id (a UUID such as 0b6e…-…; see \`atelier jobs list\`)`, EXIT.usage, 'usage');
  }

  function out(json: Record<string, unknown>, human: string) {
    if (isJson()) process.stdout.write(JSON.stringify(json) + '\n');
    else if (human) console.log(human);
  }

  return program;
}

export async function runCli(argv: string[], modules: AtelierModule[], unloaded: ModuleEntry[] = []): Promise<number> {
  const program = buildCli(modules, unloaded);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code: 'usage', message: e.message } }) + '\n');
      return EXIT.usage;
    }
    const err = e as Error & { exitCode?: number; code?: string };
    const locked = err.name === 'DataDirLockedError';
    const code = locked ? EXIT.unavailable : (err.exitCode ?? EXIT.failed);
    const errCode = locked ? 'data_dir_locked' : (typeof err.code === 'string' ? err.code : 'failed');
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code: errCode, message: err.message } }) + '\n');
    process.stderr.write(`atelier: ${err.message}\n`);
    return code;
  } finally {
    await (program as any).closeAll?.();
  }
}

/** The modules a command line needs: its module's group only; none for the platform's own commands and --help. */
export async function modulesFor(argv: string[]): Promise<{ modules: AtelierModule[]; unloaded: ModuleEntry[] }> {
  const { moduleIndex } = await import('./module-index.ts');
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  const own = moduleIndex.find((m) => m.name === command);
  // jobs/users work on core's tables; serve, worker, migrate and config need every module
  const none = command === undefined || command === 'help' || command === 'jobs' || command === 'users';
  const wanted = own ? [own] : none ? [] : moduleIndex;
  return { modules: await Promise.all(wanted.map((m) => m.load())), unloaded: moduleIndex.filter((m) => !wanted.includes(m)) };
}

/** the command line of this process (bin/atelier.mjs, or `node src/cli.ts`) */
export async function main(): Promise<void> {
  // everything atelier writes (data dir, release folders, temp files) is its user's alone
  process.umask(0o077);
  const { modules, unloaded } = await modulesFor(process.argv);
  const code = await runCli(process.argv, modules, unloaded);
  // a running server or worker keeps the process alive; one that could not start exits with its code
  if (code !== EXIT.ok || (!process.argv.includes('serve') && !process.argv.includes('worker'))) process.exit(code);
}

if (import.meta.main) await main();
