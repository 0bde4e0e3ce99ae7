// Login, first-run setup, refresh with rotation, logout, personal API tokens, user management.
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../module.ts';
import type { Platform } from '../platform.ts';
import { HttpError } from '../errors.ts';
import { AccountLockedError, validatePassword, type User } from '../auth.ts';

const ACCESS = 'atelier_access';
const REFRESH = 'atelier_refresh';
const UserOut = z.object({ id: z.string(), email: z.string(), role: z.enum(['admin', 'operator', 'viewer']) });
const Credentials = z.object({ email: z.string().min(3).max(320), password: z.string().min(1).max(256) });
const Ok = z.object({ ok: z.boolean() });

export async function authRoutes(app: App, p: Platform): Promise<void> {
  const cookieOpts = (req: FastifyRequest) => ({ httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https' });

  /** a new session (refresh family): cookies set, the access token returned */
  async function startSession(req: FastifyRequest, reply: FastifyReply, user: User): Promise<string> {
    const sid = crypto.randomUUID();
    const refresh = await p.auth.issueRefresh(user.id, sid);
    const access = await p.auth.accessToken(user, sid);
    reply.setCookie(ACCESS, access, { ...cookieOpts(req), path: '/', maxAge: p.config.accessTtl });
    reply.setCookie(REFRESH, refresh, { ...cookieOpts(req), path: '/api/auth', maxAge: p.config.refreshTtl });
    return access;
  }

  app.get('/api/auth/setup', {
    config: { role: 'public' },
    schema: { tags: ['auth'], summary: 'whether the first admin must still be created', response: { 200: z.object({ needsSetup: z.boolean() }) } },
  }, async () => ({ needsSetup: (await p.auth.countUsers()) === 0 }));

  app.post('/api/auth/setup', {
    config: { role: 'public', rateLimit: { max: p.config.loginRate, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'create the first admin (only while no user exists)', body: Credentials, response: { 200: z.object({ user: UserOut }) } },
  }, async (req, reply) => {
    if ((await p.auth.countUsers()) > 0) throw new HttpError(409, 'already_setup', 'an admin already exists: log in instead');
    const problem = validatePassword(req.body.password, [req.body.email]);
    if (problem) throw new HttpError(400, 'weak_password', problem);
    const user = await p.auth.createUser(req.body.email, req.body.password, 'admin').catch((e: Error) => {
      throw new HttpError(400, 'invalid_user', e.message);
    });
    await startSession(req, reply, user);
    return { user };
  });

  app.post('/api/auth/login', {
    config: { role: 'public', rateLimit: { max: p.config.loginRate, timeWindow: '1 minute', errorResponseBuilder: (_r: unknown, ctx: { after: string }) => ({ statusCode: 429, message: `too many login attempts: try again in ${ctx.after}` }) } },
    schema: { tags: ['auth'], summary: 'log in; sets httpOnly access and refresh cookies', body: Credentials, response: { 200: z.object({ user: UserOut, access_token: z.string() }) } },
  }, async (req, reply) => {
    const user = await p.auth.checkLogin(req.body.email, req.body.password).catch((e: Error) => {
      if (!(e instanceof AccountLockedError)) throw e;
      reply.header('retry-after', String(e.retryAfterSeconds));
      throw new HttpError(429, 'account_locked', e.message, { retry_after: e.retryAfterSeconds });
    });
    if (!user) throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
    return { user, access_token: await startSession(req, reply, user) };
  });

  app.post('/api/auth/refresh', {
    config: { role: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'rotate the refresh cookie and get a new access cookie', response: { 200: z.object({ user: UserOut }) } },
  }, async (req, reply) => {
    const token = req.cookies[REFRESH];
    const rotated = token ? await p.auth.rotateRefresh(token) : null;
    if (!rotated) {
      reply.clearCookie(ACCESS, { path: '/' }).clearCookie(REFRESH, { path: '/api/auth' });
      throw new HttpError(401, 'session_expired', 'session expired: log in again');
    }
    reply.setCookie(ACCESS, await p.auth.accessToken(rotated.user, rotated.sid), { ...cookieOpts(req), path: '/', maxAge: p.config.accessTtl });
    reply.setCookie(REFRESH, rotated.refresh, { ...cookieOpts(req), path: '/api/auth', maxAge: p.config.refreshTtl });
    return { user: rotated.user };
  });

  app.post('/api/auth/logout', {
    config: { role: 'public' },
    schema: { tags: ['auth'], response: { 200: Ok } },
  }, async (req, reply) => {
    // the session ends for both cookies: the refresh family, and the access token carrying its sid
    const token = req.cookies[REFRESH];
    if (token) await p.auth.revokeRefresh(token);
    const access = req.cookies[ACCESS];
    const sid = access ? await p.auth.sessionOf(access) : null;
    if (sid) await p.auth.revokeSession(sid);
    reply.clearCookie(ACCESS, { path: '/' }).clearCookie(REFRESH, { path: '/api/auth' });
    return { ok: true };
  });

  app.get('/api/auth/me', {
    config: { role: 'viewer' },
    schema: { tags: ['auth'], response: { 200: z.object({ user: UserOut }) } },
  }, async (req) => ({ user: req.user! }));

  app.post('/api/auth/password', {
    config: { role: 'viewer', rateLimit: { max: p.config.loginRate, timeWindow: '1 minute' } },
    schema: { tags: ['auth'], summary: 'change your own password: every session and personal API token is revoked; this browser gets a new session', body: z.object({ current: z.string().min(1).max(256), password: z.string().min(1).max(256) }), response: { 200: Ok } },
  }, async (req, reply) => {
    const ok = await p.auth.checkPassword(req.user!.email, req.body.current);
    if (!ok) throw new HttpError(400, 'wrong_password', 'the current password is wrong');
    await p.auth.setPassword(req.user!.id, req.body.password).catch((e: Error) => { throw new HttpError(400, 'weak_password', e.message); });
    // a browser session goes on with fresh cookies; a script calling with an API token must use a new one
    if (req.cookies[ACCESS] || req.cookies[REFRESH]) await startSession(req, reply, req.user!);
    return { ok: true };
  });

  // ---- personal API tokens (for the CLI and scripts); the token is shown once, stored hashed
  const TokenOut = z.object({ id: z.string(), name: z.string(), prefix: z.string(), created_at: z.coerce.date(), last_used_at: z.coerce.date().nullable() });
  app.get('/api/tokens', {
    config: { role: 'viewer' },
    schema: { tags: ['auth'], response: { 200: z.object({ tokens: z.array(TokenOut) }) } },
  }, async (req) => ({ tokens: await p.auth.listApiTokens(req.user!.id) as any }));

  app.post('/api/tokens', {
    config: { role: 'viewer' },
    schema: { tags: ['auth'], body: z.object({ name: z.string().min(1).max(100) }), response: { 200: z.object({ id: z.string(), name: z.string(), prefix: z.string(), token: z.string() }) } },
  }, async (req) => p.auth.createApiToken(req.user!.id, req.body.name));

  app.delete('/api/tokens/:id', {
    config: { role: 'viewer' },
    schema: { tags: ['auth'], params: z.object({ id: z.uuid() }), response: { 200: Ok } },
  }, async (req) => {
    if (!(await p.auth.revokeApiToken(req.user!.id, req.params.id))) throw new HttpError(404, 'not_found', 'token not found');
    return { ok: true };
  });

  // ---- users (admin)
  const UserRow = UserOut.extend({ created_at: z.coerce.date() });
  app.get('/api/users', {
    config: { role: 'admin' },
    schema: { tags: ['users'], response: { 200: z.object({ users: z.array(UserRow) }) } },
  }, async () => ({ users: await p.auth.listUsers() }));

  app.post('/api/users', {
    config: { role: 'admin' },
    schema: { tags: ['users'], body: Credentials.extend({ role: z.enum(['admin', 'operator', 'viewer']) }), response: { 200: z.object({ user: UserOut }) } },
  }, async (req) => {
    const user = await p.auth.createUser(req.body.email, req.body.password, req.body.role).catch((e: Error) => {
      throw new HttpError(400, 'invalid_user', e.message);
    });
    return { user };
  });

  app.patch('/api/users/:id', {
    config: { role: 'admin' },
    schema: { tags: ['users'], params: z.object({ id: z.uuid() }), body: z.object({ role: z.enum(['admin', 'operator', 'viewer']).optional(), password: z.string().optional() }), response: { 200: Ok } },
  }, async (req) => {
    if (!(await p.auth.getUser(req.params.id))) throw new HttpError(404, 'not_found', 'user not found');
    if (req.body.role) await p.auth.setRole(req.params.id, req.body.role);
    if (req.body.password) await p.auth.setPassword(req.params.id, req.body.password).catch((e: Error) => { throw new HttpError(400, 'weak_password', e.message); });
    return { ok: true };
  });

  app.delete('/api/users/:id', {
    config: { role: 'admin' },
    schema: { tags: ['users'], params: z.object({ id: z.uuid() }), response: { 200: Ok } },
  }, async (req) => {
    if (req.params.id === req.user!.id) throw new HttpError(400, 'self_delete', 'you cannot delete your own account');
    await p.auth.deleteUser(req.params.id);
    return { ok: true };
  });
}
