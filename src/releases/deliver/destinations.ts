// Destinations: where releases are delivered. Credentials live in the vault only; what leaves this
// file for an API response or the CLI is `publicDestination`, with secrets masked.
import fsp from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Vault } from '../../core/vault.ts';
import { mask } from '../../core/vault.ts';
import { connect } from './sftp.ts';
import { DeliveryError, HostKeyError, joinRemote, type DestinationKind, type Transport } from './transport.ts';

export interface PathRule { type?: string; group?: string; path: string }

export interface Destination {
  id: string;
  name: string;
  kind: DestinationKind;
  host: string;
  port: number;
  username: string;
  path: string;
  path_rules: PathRule[];
  fingerprint: string | null;
  parallel: number;
  limit_kbps: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface DestinationInput {
  name: string;
  kind: DestinationKind;
  host: string;
  port?: number;
  username: string;
  path: string;
  pathRules?: PathRule[];
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** "SHA256:…" to pin; with acceptHostKey the key seen on a first connection is pinned */
  fingerprint?: string;
  acceptHostKey?: boolean;
  parallel?: number;
  limitKbps?: number | null;
}

export const DEFAULT_PORTS: Record<DestinationKind, number> = { ftp: 21, ftps: 21, sftp: 22 };
const secretName = (id: string, what: 'password' | 'key' | 'passphrase') => `releases.destination.${id}.${what}`;
const table = (db: Kysely<any>) => db.withSchema('releases');

export function parseRules(v: unknown): PathRule[] {
  const arr = typeof v === 'string' ? JSON.parse(v) : v;
  return Array.isArray(arr) ? (arr as PathRule[]) : [];
}

function rowOf(r: any): Destination {
  return { ...r, path_rules: parseRules(r.path_rules) };
}

/** a destination as the API and the CLI show it: credentials masked, never in clear */
export async function publicDestination(vault: Vault, d: Destination) {
  const pw = await vault.get(secretName(d.id, 'password'));
  const key = await vault.has(secretName(d.id, 'key'));
  return {
    id: d.id, name: d.name, kind: d.kind, host: d.host, port: d.port, username: d.username, path: d.path, pathRules: d.path_rules,
    fingerprint: d.fingerprint, parallel: d.parallel, limitKbps: d.limit_kbps,
    password: mask(pw), key: key ? '****(private key)' : null,
    createdAt: d.created_at, updatedAt: d.updated_at,
  };
}

export async function listDestinations(db: Kysely<any>): Promise<Destination[]> {
  return (await table(db).selectFrom('destinations').selectAll().orderBy('name').execute()).map(rowOf);
}

/** by id or by name */
export async function getDestination(db: Kysely<any>, ref: string): Promise<Destination | undefined> {
  const r = await table(db).selectFrom('destinations').selectAll()
    .where((eb) => eb.or([eb('name', '=', ref), eb(sql<string>`id::text`, '=', ref)])).executeTakeFirst();
  return r ? rowOf(r) : undefined;
}

export async function credentials(vault: Vault, d: Destination) {
  return {
    password: await vault.get(secretName(d.id, 'password')),
    privateKey: await vault.get(secretName(d.id, 'key')),
    passphrase: await vault.get(secretName(d.id, 'passphrase')),
  };
}

export async function openDestination(vault: Vault, d: Destination, opts: { acceptUnpinned?: boolean; timeoutMs?: number } = {}): Promise<Transport> {
  return connect({ kind: d.kind, host: d.host, port: d.port, user: d.username, ...(await credentials(vault, d)), fingerprint: d.fingerprint ?? undefined, acceptUnpinned: opts.acceptUnpinned, timeoutMs: opts.timeoutMs });
}

export class DestinationError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'DestinationError';
    this.code = code;
    this.status = status;
  }
}

function validate(i: Partial<DestinationInput>) {
  if (i.name !== undefined && !/^[\w.-]{1,64}$/.test(i.name)) throw new DestinationError('invalid_name', 'a destination name is 1–64 letters, digits, . _ -');
  if (i.host !== undefined && !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(i.host)) throw new DestinationError('invalid_host', `"${i.host}" is not a host name or address`);
  if (i.path !== undefined && !i.path.startsWith('/')) throw new DestinationError('invalid_path', 'the remote path must be absolute (start with /)');
  for (const p of [i.path, ...(i.pathRules ?? []).map((r) => r.path)]) {
    if (p && p.split('/').includes('..')) throw new DestinationError('invalid_path', `"${p}": ".." is not allowed in a remote path`);
  }
  if (i.fingerprint !== undefined && i.fingerprint !== null && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(i.fingerprint)) {
    throw new DestinationError('invalid_fingerprint', 'a fingerprint is "SHA256:" and 43 base64 characters, as `ssh-keygen -l -E sha256` prints it');
  }
}

/**
 * Creates a destination. SFTP and FTPS need a pinned fingerprint: the given one, or (acceptHostKey)
 * the one seen on a first connection made now — the key is shown and pinned, as ssh asks on first use.
 */
export async function addDestination(db: Kysely<any>, vault: Vault, i: DestinationInput, createdBy?: string): Promise<Destination> {
  validate(i);
  if (await getDestination(db, i.name)) throw new DestinationError('exists', `a destination named "${i.name}" already exists`, 409);
  if (i.kind === 'sftp' && !i.password && !i.privateKey) throw new DestinationError('no_credentials', 'an SFTP destination needs a password or a private key');
  const row = await table(db).insertInto('destinations').values({
    name: i.name, kind: i.kind, host: i.host, port: i.port ?? DEFAULT_PORTS[i.kind], username: i.username, path: i.path,
    path_rules: JSON.stringify(i.pathRules ?? []), fingerprint: i.fingerprint ?? null, parallel: i.parallel ?? 2, limit_kbps: i.limitKbps ?? null, created_by: createdBy ?? null,
  }).returningAll().executeTakeFirstOrThrow();
  const d = rowOf(row);
  try {
    if (i.password) await vault.set(secretName(d.id, 'password'), i.password);
    if (i.privateKey) await vault.set(secretName(d.id, 'key'), i.privateKey);
    if (i.passphrase) await vault.set(secretName(d.id, 'passphrase'), i.passphrase);
    if (d.kind !== 'ftp' && !d.fingerprint && i.acceptHostKey) return await pinFingerprint(db, vault, d);
  } catch (e) {
    await removeDestination(db, vault, d.id);
    throw e;
  }
  return d;
}

/** connects once accepting whatever key the server shows, and pins it */
export async function pinFingerprint(db: Kysely<any>, vault: Vault, d: Destination): Promise<Destination> {
  const t = await openDestination(vault, { ...d, fingerprint: null }, { acceptUnpinned: true, timeoutMs: 15_000 });
  await t.close();
  if (!t.fingerprint) throw new DestinationError('no_fingerprint', 'the server showed no key to pin');
  const row = await table(db).updateTable('destinations').set({ fingerprint: t.fingerprint, updated_at: new Date() }).where('id', '=', d.id).returningAll().executeTakeFirstOrThrow();
  return rowOf(row);
}

export async function updateDestination(db: Kysely<any>, vault: Vault, id: string, i: Omit<Partial<DestinationInput>, 'fingerprint'> & { fingerprint?: string | null }): Promise<Destination> {
  validate({ ...i, fingerprint: i.fingerprint ?? undefined });
  const set: Record<string, unknown> = { updated_at: new Date() };
  for (const [k, col] of [['name', 'name'], ['host', 'host'], ['port', 'port'], ['username', 'username'], ['path', 'path'], ['parallel', 'parallel'], ['limitKbps', 'limit_kbps'], ['fingerprint', 'fingerprint']] as const) {
    if (i[k] !== undefined) set[col] = i[k];
  }
  if (i.pathRules) set.path_rules = JSON.stringify(i.pathRules);
  // another host or port is another server: its key must be pinned again
  if ((i.host !== undefined || i.port !== undefined) && i.fingerprint === undefined) set.fingerprint = null;
  const row = await table(db).updateTable('destinations').set(set).where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) throw new DestinationError('not_found', `destination ${id} not found`, 404);
  if (i.password) await vault.set(secretName(id, 'password'), i.password);
  if (i.privateKey) await vault.set(secretName(id, 'key'), i.privateKey);
  if (i.passphrase) await vault.set(secretName(id, 'passphrase'), i.passphrase);
  return rowOf(row);
}

export async function removeDestination(db: Kysely<any>, vault: Vault, id: string): Promise<boolean> {
  for (const w of ['password', 'key', 'passphrase'] as const) await vault.delete(secretName(id, w));
  const r = await table(db).deleteFrom('destinations').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** the release's remote directory: the first matching rule's path (else the base path), {type} {group} filled, + the release name */
export function remoteDirOf(d: Pick<Destination, 'path' | 'path_rules'>, r: { name: string; type?: string; group?: string }): string {
  const rule = d.path_rules.find((x) => (!x.type || x.type === r.type) && (!x.group || x.group.toLowerCase() === (r.group ?? '').toLowerCase()));
  const base = (rule?.path ?? d.path).replace(/\{type\}/g, (r.type ?? 'release').toLowerCase()).replace(/\{group\}/g, r.group ?? 'group');
  if (base.split('/').includes('..')) throw new DestinationError('invalid_path', `"${base}": ".." is not allowed in a remote path`);
  return joinRemote(base, r.name);
}

/**
 * The *Tester*: connect, list the base directory, write a probe file, read its size, delete it.
 * Every step is reported, the first failing one with its reason.
 */
export async function testDestination(vault: Vault, d: Destination): Promise<{ ok: boolean; fingerprint?: string; steps: { step: string; ok: boolean; detail: string }[] }> {
  const steps: { step: string; ok: boolean; detail: string }[] = [];
  let t: Transport | undefined;
  const started = Date.now();
  try {
    t = await openDestination(vault, d, { timeoutMs: 15_000 });
    steps.push({ step: 'connect', ok: true, detail: `${d.kind} ${d.host}:${d.port} as ${d.username}${t.fingerprint ? `, key ${t.fingerprint}` : ''} (${Date.now() - started} ms)` });
    const base = d.path.replace(/\{type\}|\{group\}/g, '').replace(/\/+$/, '').replace(/\/\/+/g, '/') || '/';
    await t.mkdirp(base);
    const entries = await t.list(base);
    steps.push({ step: 'list', ok: true, detail: `${base}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}` });
    const probe = joinRemote(base, `.atelier-probe-${Date.now()}`);
    const tmp = `${(await import('node:os')).tmpdir()}/atelier-probe-${process.pid}-${Date.now()}`;
    await fsp.writeFile(tmp, 'atelier destination test\n');
    try {
      await t.upload(tmp, probe, 0, () => {}, {});
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    const size = await t.size(probe);
    steps.push({ step: 'write', ok: size === 25, detail: `${probe}: ${size ?? 'missing'} bytes written` });
    await t.remove(probe);
    steps.push({ step: 'delete', ok: (await t.size(probe)) === undefined, detail: `${probe} deleted` });
    return { ok: steps.every((s) => s.ok), fingerprint: t.fingerprint, steps };
  } catch (e) {
    const err = e as DeliveryError;
    steps.push({ step: steps.length === 0 ? 'connect' : steps.length === 1 ? 'list' : 'write', ok: false, detail: err.message });
    return { ok: false, fingerprint: e instanceof HostKeyError ? e.seen : undefined, steps };
  } finally {
    await t?.close();
  }
}
