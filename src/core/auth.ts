// Users, passwords (argon2id), access tokens (short-lived JWT), rotating refresh tokens and personal
// API tokens (only their SHA-256 is stored).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

// @node-rs/argon2's Algorithm is a const enum (not importable under verbatimModuleSyntax): 2 = Argon2id
const ARGON2ID = 2;

// argon2, jose and zxcvbn are loaded by the first call that needs them: a CLI command that only
// reads (`jobs list`) never does, and they are a third of its start time
const argon2 = () => import('@node-rs/argon2');
const jose = () => import('jose');
import { sql, type Kysely } from 'kysely';
import type { Role } from './module.ts';

export interface User { id: string; email: string; role: Role }

export const ROLE_RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
export const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** How long a just-rotated refresh token may still be presented without revoking its family. */
export const REFRESH_REUSE_GRACE_MS = 30_000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** how long a session, user or API token check is reused before the database is asked again */
const CHECK_TTL_MS = 5000;

/**
 * A check cached for CHECK_TTL_MS, asked again once when it expires: concurrent requests share that
 * one query instead of each sending their own (16 connections sent 16 at once, every 5 s).
 */
class CheckCache<V> {
  private entries = new Map<string, { value: V; at: number }>();
  private pending = new Map<string, Promise<V>>();
  private max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < CHECK_TTL_MS) return Promise.resolve(hit.value);
    let p = this.pending.get(key);
    if (!p) {
      const loading = load();
      p = loading.then((value) => {
        // dropped meanwhile (a logout, a suspension): this answer may predate it and is not kept
        if (this.pending.get(key) === p) {
          if (this.entries.size >= this.max) this.entries.clear();
          this.entries.set(key, { value, at: Date.now() });
        }
        return value;
      }).finally(() => { if (this.pending.get(key) === p) this.pending.delete(key); });
      this.pending.set(key, p);
    }
    return p;
  }
  delete(key: string): void {
    this.entries.delete(key);
    this.pending.delete(key);
  }
  clear(): void {
    this.entries.clear();
    this.pending.clear();
  }
}

/** Failed logins of one account allowed before it is locked; each failure past them doubles the lock. */
export const LOGIN_FREE_FAILURES = 5;
const LOCK_BASE_MS = 30_000;
const LOCK_MAX_MS = 60 * 60_000;
/** failures older than this are forgotten */
const FAILURE_MEMORY_MS = 24 * 3600_000;

// zxcvbn's scoring with its common dictionary (the most used passwords, repeats, sequences, keyboard
// patterns): a password that is long but guessable ("aaaaaaaaaa", "motdepasse123") is refused. The
// French and English word lists add little to it and cost 10× more per check (60 ms instead of 7).
let zxcvbn: ZxcvbnFactory | null = null;
function passwordScore(pw: string, userInputs: string[]): number {
  if (!zxcvbn) {
    // loaded on the first check, synchronously (validatePassword is synchronous)
    const require = createRequire(import.meta.url);
    const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const zxcvbnCommon = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    zxcvbn = new ZxcvbnFactory({ graphs: zxcvbnCommon.adjacencyGraphs, dictionary: { ...zxcvbnCommon.dictionary } });
  }
  // scoring is slow on long inputs and their tail adds nothing: score the first 100 characters
  return zxcvbn.check(pw.slice(0, 100), userInputs).score;
}

export function validatePassword(pw: string, userInputs: string[] = []): string | null {
  if (typeof pw !== 'string' || pw.length < 10) return 'password must be at least 10 characters';
  if (pw.length > 256) return 'password too long';
  const inputs = userInputs.flatMap((u) => [u, ...u.split(/[@.+_-]/)]).filter((u) => u.length >= 3);
  if (passwordScore(pw, [...inputs, 'atelier', 'vinted']) < 3) {
    return 'password too easy to guess (a common password, a word, a repeat or a sequence): use a longer phrase of unrelated words';
  }
  return null;
}

export class AccountLockedError extends Error {
  readonly retryAfterSeconds: number;
  constructor(seconds: number) {
    super(`too many failed logins for this account: try again in ${seconds} s`);
    this.name = 'AccountLockedError';
    this.retryAfterSeconds = seconds;
  }
}

export class AuthService {
  private db: Kysely<any>;
  private jwtKey: Uint8Array;
  private accessTtl: number;
  private refreshTtl: number;

  constructor(db: Kysely<any>, jwtKey: Uint8Array, accessTtl: number, refreshTtl: number) {
    this.db = db;
    this.jwtKey = jwtKey;
    this.accessTtl = accessTtl;
    this.refreshTtl = refreshTtl;
  }

  private users() {
    return this.db.withSchema('core');
  }

  async countUsers(): Promise<number> {
    const r = await this.users().selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async createUser(email: string, password: string, role: Role): Promise<User> {
    const problem = validatePassword(password, [email]);
    if (problem) throw new Error(problem);
    const normalized = email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(normalized)) throw new Error(`invalid email: ${email}`);
    const existing = await this.findByEmail(normalized);
    if (existing) throw new Error(`a user with email ${normalized} already exists`);
    const password_hash = await (await argon2()).hash(password, { algorithm: ARGON2ID });
    const row = await this.users().insertInto('users').values({ email: normalized, password_hash, role }).returning(['id', 'email', 'role']).executeTakeFirstOrThrow();
    return row as User;
  }

  /** A new password ends every session and revokes every personal API token of the user. */
  async setPassword(userId: string, password: string): Promise<void> {
    const user = await this.getUser(userId);
    const problem = validatePassword(password, user ? [user.email] : []);
    if (problem) throw new Error(problem);
    const password_hash = await (await argon2()).hash(password, { algorithm: ARGON2ID });
    await this.users().updateTable('users').set({ password_hash }).where('id', '=', userId).execute();
    await this.revokeAllSessions(userId);
    await this.users().updateTable('api_tokens').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    for (const [k, v] of this.tokenCache) if (v.userId === userId) this.tokenCache.delete(k);
  }

  async revokeAllSessions(userId: string): Promise<void> {
    const rows = await this.users().updateTable('refresh_tokens').set({ revoked_at: new Date() })
      .where('user_id', '=', userId).where('revoked_at', 'is', null).returning('family').execute();
    for (const r of rows) this.sessionCache.delete(r.family);
  }

  async setRole(userId: string, role: Role): Promise<void> {
    await this.users().updateTable('users').set({ role }).where('id', '=', userId).execute();
    this.userCache.delete(userId);
  }

  /**
   * Suspends (or lifts the suspension of) a user: a suspended user cannot log in, and their sessions
   * and API tokens stop working at once (sessions are ended; tokens are refused while suspended and
   * work again when it is lifted). Other processes see it within their 5 s caches.
   */
  async setSuspended(userId: string, suspended: boolean): Promise<void> {
    await this.users().updateTable('users').set({ disabled: suspended }).where('id', '=', userId).execute();
    this.userCache.delete(userId);
    if (suspended) {
      await this.revokeAllSessions(userId);
      for (const [k, v] of this.tokenCache) if (v.userId === userId) this.tokenCache.delete(k);
    }
  }

  async deleteUser(userId: string): Promise<void> {
    await this.users().deleteFrom('users').where('id', '=', userId).execute();
    this.userCache.delete(userId);
    this.sessionCache.clear();
    for (const [k, v] of this.tokenCache) if (v.userId === userId) this.tokenCache.delete(k);
  }

  async listUsers(): Promise<(User & { created_at: Date; suspended: boolean })[]> {
    return (await this.users().selectFrom('users').select(['id', 'email', 'role', 'created_at', 'disabled as suspended']).orderBy('created_at').execute()) as any;
  }

  async findByEmail(email: string) {
    return this.users().selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  }

  /** recently verified users: a token check per request must not cost a query per request */
  private userCache = new CheckCache<User | undefined>(1000);

  getUserCached(id: string): Promise<User | undefined> {
    return this.userCache.get(id, () => this.getUser(id));
  }

  async getUser(id: string): Promise<User | undefined> {
    return (await this.users().selectFrom('users').select(['id', 'email', 'role']).where('id', '=', id).where('disabled', '=', false).executeTakeFirst()) as User | undefined;
  }

  /** Checks the password; returns the user or null. Constant work whether or not the user exists. */
  async checkPassword(email: string, password: string): Promise<User | null> {
    const row = await this.findByEmail(email);
    const { verify } = await argon2();
    const ok = row ? await verify(row.password_hash, password).catch(() => false) : (await verify(DUMMY_HASH, password).catch(() => false), false);
    if (!row || !ok || row.disabled) return null;
    return { id: row.id, email: row.email, role: row.role };
  }

  /**
   * Login throttling per account, beside the per-IP rate limit: past LOGIN_FREE_FAILURES failures
   * the account is locked for 30 s, doubling at each further failure (at most 1 h). Throws
   * AccountLockedError while locked, whether the password is right or not.
   */
  async checkLogin(email: string, password: string): Promise<User | null> {
    const key = sha256(email.trim().toLowerCase());
    const row = await this.users().selectFrom('login_failures').selectAll().where('email_hash', '=', key).executeTakeFirst();
    const now = Date.now();
    if (row?.locked_until && new Date(row.locked_until).getTime() > now) {
      throw new AccountLockedError(Math.ceil((new Date(row.locked_until).getTime() - now) / 1000));
    }
    const user = await this.checkPassword(email, password);
    if (user) {
      if (row) await this.users().deleteFrom('login_failures').where('email_hash', '=', key).execute();
      return user;
    }
    // counted atomically: parallel guesses cannot share one count
    const stale = !row || now - new Date(row.last_failure_at).getTime() > FAILURE_MEMORY_MS;
    const counted = await this.users().insertInto('login_failures').values({ email_hash: key, failures: 1, last_failure_at: new Date(now) })
      .onConflict((oc) => oc.column('email_hash').doUpdateSet({
        failures: stale ? 1 : sql`login_failures.failures + 1`, last_failure_at: new Date(now),
      } as any))
      .returning('failures').executeTakeFirstOrThrow();
    const failures = Number(counted.failures);
    if (failures > LOGIN_FREE_FAILURES) {
      const lockMs = Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** Math.min(20, failures - LOGIN_FREE_FAILURES - 1));
      await this.users().updateTable('login_failures').set({ locked_until: new Date(now + lockMs) }).where('email_hash', '=', key).execute();
    }
    return null;
  }

  /** `sid` ties the access token to its session (refresh family), so that logout ends it at once */
  async accessToken(user: User, sid: string): Promise<string> {
    const { SignJWT } = await jose();
    return new SignJWT({ role: user.role, email: user.email, sid })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuedAt()
      .setExpirationTime(`${this.accessTtl}s`).setIssuer('atelier').sign(this.jwtKey);
  }

  /**
   * Access tokens whose signature and claims were checked, until their expiry: the HMAC check goes
   * through WebCrypto and cost more than the rest of a GET /api/jobs. Keyed by the whole token, so
   * only the very same token is spared the check; the session and the user are still checked below.
   */
  private verifiedTokens = new Map<string, { sub: string; sid: string; exp: number }>();

  async verifyAccess(token: string): Promise<User | null> {
    try {
      let claims = this.verifiedTokens.get(token);
      if (!claims || claims.exp * 1000 <= Date.now()) {
        this.verifiedTokens.delete(token);
        const { payload } = await (await jose()).jwtVerify(token, this.jwtKey, { issuer: 'atelier', algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'sub', 'sid'] });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') return null;
        claims = { sub: payload.sub, sid: payload.sid, exp: payload.exp };
        if (this.verifiedTokens.size >= 5000) this.verifiedTokens.clear();
        this.verifiedTokens.set(token, claims);
      }
      if (!(await this.sessionAlive(claims.sid, claims.sub))) return null;
      // roles can change: trust the database (cached for 5 s), not the token
      return (await this.getUserCached(claims.sub)) ?? null;
    } catch {
      return null;
    }
  }

  /** sessions checked in the last 5 s; a logout or password change in this process drops its entries */
  private sessionCache = new CheckCache<boolean>(5000);

  private sessionAlive(sid: string, userId: string): Promise<boolean> {
    return this.sessionCache.get(sid, async () => {
      const row = await this.users().selectFrom('refresh_tokens').select('id')
        .where('family', '=', sid).where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', new Date())
        .limit(1).executeTakeFirst().catch(() => undefined);
      return !!row;
    });
  }


  async issueRefresh(userId: string, family: string = crypto.randomUUID()): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    await this.users().insertInto('refresh_tokens').values({
      user_id: userId, family, token_hash: sha256(token), expires_at: new Date(Date.now() + this.refreshTtl * 1000),
    }).execute();
    return token;
  }

  /**
   * Rotation: the presented token is used up and a new one issued. Reuse of a used token revokes the
   * family — except within REFRESH_REUSE_GRACE_MS of its first use, where it is answered with another
   * token of the same family (two tabs refreshing together, a page unloaded before the answer's
   * Set-Cookie was stored): the same leeway as Auth0's "reuse interval" or Okta's grace period.
   */
  async rotateRefresh(token: string): Promise<{ user: User; refresh: string; sid: string } | null> {
    const row = await this.users().selectFrom('refresh_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    if (!row || row.revoked_at || new Date(row.expires_at) < new Date()) return null;
    const upd = await this.users().updateTable('refresh_tokens').set({ used_at: sql`coalesce(used_at, now())` })
      .where('id', '=', row.id).returning('used_at').executeTakeFirst();
    if (!upd) return null;
    if (Date.now() - new Date(upd.used_at).getTime() > REFRESH_REUSE_GRACE_MS) {
      await this.users().updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family', '=', row.family).execute();
      return null;
    }
    const user = await this.getUser(row.user_id);
    if (!user) return null;
    return { user, refresh: await this.issueRefresh(user.id, row.family), sid: row.family };
  }

  async revokeRefresh(token: string): Promise<void> {
    const row = await this.users().selectFrom('refresh_tokens').select('family').where('token_hash', '=', sha256(token)).executeTakeFirst();
    if (row) await this.revokeSession(row.family);
  }

  /** Ends one session: its refresh tokens and the access tokens carrying its sid. */
  async revokeSession(sid: string): Promise<void> {
    await this.users().updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family', '=', sid).execute();
    this.sessionCache.delete(sid);
  }

  /** the session (refresh family) an access token belongs to, without checking it is still alive */
  async sessionOf(token: string): Promise<string | null> {
    try {
      const { payload } = await (await jose()).jwtVerify(token, this.jwtKey, { issuer: 'atelier', algorithms: ['HS256'], requiredClaims: ['exp', 'sid'] });
      return typeof payload.sid === 'string' ? payload.sid : null;
    } catch {
      return null;
    }
  }

  async createApiToken(userId: string, name: string): Promise<{ id: string; token: string; prefix: string; name: string }> {
    const token = `atl_${crypto.randomBytes(24).toString('base64url')}`;
    const prefix = token.slice(0, 8);
    const row = await this.users().insertInto('api_tokens').values({ user_id: userId, name, prefix, token_hash: sha256(token) }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, token, prefix, name };
  }

  async listApiTokens(userId: string) {
    return this.users().selectFrom('api_tokens').select(['id', 'name', 'prefix', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at').execute();
  }

  async revokeApiToken(userId: string, id: string): Promise<boolean> {
    for (const [k, v] of this.tokenCache) if (v.id === id) this.tokenCache.delete(k);
    const r = await this.users().updateTable('api_tokens').set({ revoked_at: new Date() })
      .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
    return !!r;
  }

  private tokenCache = new Map<string, { id: string; userId: string; at: number; usedAt: number }>();

  async verifyApiToken(token: string): Promise<User | null> {
    const h = sha256(token);
    let hit = this.tokenCache.get(h);
    if (!hit || Date.now() - hit.at > 5000) {
      const row = await this.users().selectFrom('api_tokens').select(['id', 'user_id']).where('token_hash', '=', h).where('revoked_at', 'is', null).executeTakeFirst();
      if (!row) {
        this.tokenCache.delete(h);
        return null;
      }
      if (this.tokenCache.size > 1000) this.tokenCache.clear();
      hit = { id: row.id, userId: row.user_id, at: Date.now(), usedAt: hit?.usedAt ?? 0 };
      this.tokenCache.set(h, hit);
    }
    // last use is recorded at most once a minute: a write per request would cost more than the request
    if (Date.now() - hit.usedAt > 60_000) {
      hit.usedAt = Date.now();
      await this.users().updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', hit.id).execute();
    }
    return (await this.getUserCached(hit.userId)) ?? null;
  }

}

// a valid argon2id hash of a random string, verified when the email is unknown (same timing)
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0gH4LSKQKSUdKV1pzcEA3Tzl1OAjgsuq8ElYL7b4G2I';
