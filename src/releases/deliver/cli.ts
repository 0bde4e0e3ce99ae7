// `atelier releases destinations …` and `atelier releases send …` (contract in issue 12: scripts rely
// on the JSON shapes). `send` runs the delivery in this process: it is its own worker, so a
// `kill -9` of it is a worker crash, and the next `send` resumes from the server's part files.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext, CoreContext } from '../../core/module.ts';
import { CliError, EXIT } from '../../core/cli-support.ts';
import { addDestination, DestinationError, getDestination, listDestinations, pinFingerprint, publicDestination, removeDestination, testDestination, type Destination } from './destinations.ts';
import { runDelivery, type DeliveryOutcome } from './job.ts';
import { listLocal } from './deliver.ts';
import { DeliveryError } from './transport.ts';

const KINDS = ['ftp', 'ftps', 'sftp'];

async function readSecretFile(file: string | undefined, what: string): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    const v = await fsp.readFile(file, 'utf8');
    return what === 'password' ? v.replace(/\r?\n$/, '') : v;
  } catch (e) {
    throw new CliError(`cannot read the ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.notFound, 'not_found');
  }
}

function fail(e: unknown): never {
  if (e instanceof DestinationError) throw new CliError(e.message, e.status === 404 ? EXIT.notFound : e.status === 409 ? EXIT.failed : EXIT.usage, e.code);
  if (e instanceof DeliveryError) throw new CliError(e.message, EXIT.failed, e.code);
  throw e;
}

async function embedded(cliCtx: CliContext): Promise<CoreContext> {
  try {
    return await cliCtx.open();
  } catch (e) {
    if ((e as Error).name === 'DataDirLockedError') {
      throw new CliError(`${(e as Error).message} Destinations and send need the data dir: use the web app's Destinations page and "Envoyer vers…", or stop the server.`, EXIT.unavailable, 'locked');
    }
    throw e;
  }
}

export function sendJson(r: DeliveryOutcome) {
  return {
    ok: r.ok,
    destination: r.destination,
    release: r.release,
    remote_dir: r.remoteDir,
    files: r.files.map((f) => ({ name: f.name, bytes: f.bytes, verified: f.verified, ...(f.check ? { check: f.check } : {}), ...(f.skipped ? { skipped: true } : {}), sent: f.sent, ...(f.error ? { error: f.error } : {}) })),
    sent: r.sent,
    seconds: Math.round(r.seconds * 1000) / 1000,
  };
}

/** sends a release directory to destinations (names or ids); used by `send` and by `pack --dest` */
export async function sendRelease(ctx: CoreContext, cliCtx: CliContext, dir: string, dests: string[], meta: { type?: string; group?: string } = {}): Promise<DeliveryOutcome[]> {
  const files = await listLocal(dir);
  if (!files.length) throw new CliError(`${dir} holds no file to send`, EXIT.notFound, 'empty');
  const out: DeliveryOutcome[] = [];
  for (const ref of dests) {
    const d = await getDestination(ctx.db, ref);
    if (!d) throw new CliError(`no destination "${ref}" (see atelier releases destinations list)`, EXIT.notFound, 'not_found');
    const tty = process.stderr.isTTY && !cliCtx.json();
    let lastLine = 0;
    try {
      out.push(await runDelivery(ctx, d, { name: path.basename(dir), ...meta, files }, {
        log: (level, m) => { if (!cliCtx.json() && level !== 'info') process.stderr.write(`${level}: ${m}\n`); },
        progress: (p) => {
          if (!tty || Date.now() - lastLine < 500) return;
          lastLine = Date.now();
          const pct = p.total ? Math.floor((p.bytes / p.total) * 100) : 100;
          process.stderr.write(`\r${d.name}: ${String(pct).padStart(3)}%  ${(p.rate / 1048576).toFixed(1)} MiB/s  ETA ${p.etaSeconds ?? '?'} s   `);
        },
        retries: process.env.ATELIER_DELIVERY_RETRIES ? Number(process.env.ATELIER_DELIVERY_RETRIES) : undefined,
        backoffMs: process.env.ATELIER_DELIVERY_BACKOFF_MS ? Number(process.env.ATELIER_DELIVERY_BACKOFF_MS) : undefined,
      }));
      if (tty) process.stderr.write('\n');
    } catch (e) {
      fail(e);
    }
  }
  return out;
}

export function deliveryCli(group: Command, cliCtx: CliContext): void {
  const dests = group.command('destinations').description('FTP / FTPS / SFTP destinations releases are delivered to');

  dests.command('add')
    .description('add a destination; credentials go to the vault')
    .requiredOption('--name <name>', 'destination name')
    .requiredOption('--kind <kind>', 'ftp | ftps | sftp')
    .requiredOption('--host <host>', 'server host name or address')
    .option('--port <port>', 'port (default 21, SFTP 22)')
    .requiredOption('--user <user>', 'login')
    .option('--password-file <file>', 'file holding the password (kept in the vault)')
    .option('--key-file <file>', 'SFTP private key file (kept in the vault)')
    .option('--passphrase-file <file>', 'passphrase of the private key')
    .requiredOption('--path <dir>', 'remote base directory; {type} and {group} are filled in; releases land in <path>/<release name>/')
    .option('--host-key <fingerprint>', 'pin this SHA256:… fingerprint (SFTP host key, FTPS certificate)')
    .option('--accept-host-key', 'connect now and pin the key the server shows (check it with the server admin)')
    .option('--parallel <n>', 'files sent at once (default 2)')
    .option('--limit-kbps <n>', 'bandwidth cap in KiB/s for this destination')
    .action(async (o: { name: string; kind: string; host: string; port?: string; user: string; passwordFile?: string; keyFile?: string; passphraseFile?: string; path: string; hostKey?: string; acceptHostKey?: boolean; parallel?: string; limitKbps?: string }) => {
      if (!KINDS.includes(o.kind)) throw new CliError('--kind must be ftp, ftps or sftp', EXIT.usage, 'usage');
      if (o.hostKey && o.acceptHostKey) throw new CliError('give --host-key or --accept-host-key, not both', EXIT.usage, 'usage');
      const port = o.port ? Number(o.port) : undefined;
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new CliError('--port must be 1–65535', EXIT.usage, 'usage');
      const ctx = await embedded(cliCtx);
      let d: Destination;
      try {
        d = await addDestination(ctx.db, ctx.vault, {
          name: o.name, kind: o.kind as 'ftp', host: o.host, port, username: o.user, path: o.path,
          password: await readSecretFile(o.passwordFile, 'password'), privateKey: await readSecretFile(o.keyFile, 'key'), passphrase: await readSecretFile(o.passphraseFile, 'passphrase'),
          fingerprint: o.hostKey, acceptHostKey: !!o.acceptHostKey,
          parallel: o.parallel ? Number(o.parallel) : undefined, limitKbps: o.limitKbps ? Number(o.limitKbps) : undefined,
        });
      } catch (e) {
        fail(e);
      }
      const out = { ok: true, destination: { id: d.id, name: d.name, kind: d.kind, fingerprint: d.fingerprint } };
      if (cliCtx.json()) process.stdout.write(JSON.stringify(out) + '\n');
      else {
        console.log(`destination ${d.name} (${d.kind}://${d.host}:${d.port}${d.path}) added`);
        if (d.fingerprint) console.log(`  pinned key ${d.fingerprint}`);
        else if (d.kind !== 'ftp') console.log('  no key pinned yet: the first send will be refused until you pin one (--host-key or `destinations pin`)');
      }
    });

  dests.command('list').description('list destinations (credentials masked)').action(async () => {
    const ctx = await embedded(cliCtx);
    const list = await Promise.all((await listDestinations(ctx.db)).map((d) => publicDestination(ctx.vault, d)));
    if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, destinations: list }) + '\n');
    else for (const d of list) console.log(`${d.name.padEnd(20)} ${d.kind.padEnd(5)} ${d.username}@${d.host}:${d.port}${d.path}  ${d.password ?? d.key ?? ''} ${d.fingerprint ?? ''}`);
  });

  dests.command('test').description('connect, list, write and delete a probe file').argument('<name>').action(async (name: string) => {
    const ctx = await embedded(cliCtx);
    const d = await getDestination(ctx.db, name);
    if (!d) throw new CliError(`no destination "${name}"`, EXIT.notFound, 'not_found');
    const r = await testDestination(ctx.vault, d);
    if (cliCtx.json()) process.stdout.write(JSON.stringify({ ...r, destination: { id: d.id, name: d.name, kind: d.kind } }) + '\n');
    else for (const s of r.steps) console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(8)} ${s.detail}`);
    if (!r.ok) process.exitCode = EXIT.failed;
  });

  dests.command('pin').description('connect and pin the key the server shows now (after a planned re-key)').argument('<name>').action(async (name: string) => {
    const ctx = await embedded(cliCtx);
    const d = await getDestination(ctx.db, name);
    if (!d) throw new CliError(`no destination "${name}"`, EXIT.notFound, 'not_found');
    const p = await pinFingerprint(ctx.db, ctx.vault, d).catch(fail);
    if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true, destination: { id: p.id, name: p.name, kind: p.kind, fingerprint: p.fingerprint } }) + '\n');
    else console.log(`${p.name}: pinned ${p.fingerprint}`);
  });

  dests.command('remove').description('delete a destination and its credentials').argument('<name>').action(async (name: string) => {
    const ctx = await embedded(cliCtx);
    const d = await getDestination(ctx.db, name);
    if (!d) throw new CliError(`no destination "${name}"`, EXIT.notFound, 'not_found');
    await removeDestination(ctx.db, ctx.vault, d.id);
    if (cliCtx.json()) process.stdout.write(JSON.stringify({ ok: true }) + '\n');
    else console.log(`${name} removed`);
  });

  group.command('send')
    .description('deliver a release directory to destinations: resumable, verified; sending again uploads only what is missing')
    .argument('<release-dir>', 'the release directory')
    .requiredOption('--dest <name...>', 'destination name(s)')
    .option('--type <type>', 'EBOOK | DOCS | TV, for {type} in remote paths')
    .option('--group <group>', 'group, for {group} in remote paths (default: after the last "-" of the name)')
    .action(async (dir: string, o: { dest: string[]; type?: string; group?: string }) => {
      const abs = path.resolve(dir);
      const st = await fsp.stat(abs).catch(() => null);
      if (!st?.isDirectory()) throw new CliError(`${dir}: no such directory`, EXIT.notFound, 'not_found');
      const ctx = await embedded(cliCtx);
      const results = await sendRelease(ctx, cliCtx, abs, o.dest, { type: o.type?.toUpperCase(), group: o.group ?? /-([A-Za-z0-9_]+)$/.exec(path.basename(abs))?.[1] });
      const ok = results.every((r) => r.ok);
      if (cliCtx.json()) {
        const { ok: _first, ...one } = sendJson(results[0]!);
        process.stdout.write(JSON.stringify(results.length === 1 ? { ok, ...one } : { ok, ...one, results: results.map(sendJson) }) + '\n');
      } else {
        for (const r of results) {
          console.log(`${r.destination.name}: ${r.ok ? 'VERIFIED' : 'FAILED'} ${r.remoteDir}`);
          for (const f of r.files) console.log(`  ${f.verified ? 'ok  ' : 'FAIL'} ${f.name.padEnd(40)} ${String(f.bytes).padStart(12)}  ${f.skipped ? 'already there' : f.verified ? f.check : f.error?.message ?? ''}`);
        }
      }
      if (!ok) process.exitCode = EXIT.failed;
    });
}
