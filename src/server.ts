// Composes the platform and the modules into one Fastify app: auth, jobs, users, tokens, health,
// metrics, OpenAPI, the web app, then each module's routes under /api/<module>.
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import helmet from '@fastify/helmet';
import crypto from 'node:crypto';
import ipaddr from 'ipaddr.js';
import {
  serializerCompiler, validatorCompiler, jsonSchemaTransform, hasZodFastifySchemaValidationErrors, isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from './core/platform.ts';
import type { App, Role } from './core/module.ts';
import { HttpError } from './core/errors.ts';
import { scrub, registerSecret } from './core/log.ts';
import { ROLE_RANK, type User } from './core/auth.ts';
import { registry, httpMetrics } from './core/metrics.ts';
import { authRoutes } from './core/routes/auth.ts';
import { jobRoutes } from './core/routes/jobs.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
  interface FastifyContextConfig {
    role?: Role | 'public';
  }
}

export interface RouteInfo { method: string; url: string; role: Role | 'public' }

const WEB_DIST = path.resolve(import.meta.dirname, '../web/dist');
export const ACCESS_COOKIE = 'atelier_access';
const REFRESH_COOKIE = 'atelier_refresh';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// routes that plugins register on their own (the OpenAPI viewer, the web app's files): public
const PLUGIN_PUBLIC_ROUTES = [/^\/api\/docs(\/|$)/, /^\/\*$/];
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Why a request path is ambiguous, or null. A router decodes, and may fold or collapse, what it
 * matches: a path that only means something after such a step (an encoded letter or slash, a dot
 * segment, a double slash, a backslash, a mixed-case /api) is refused before anything else runs.
 */
export function ambiguousPath(rawUrl: string): string | null {
  const q = rawUrl.search(/[?#]/);
  const p = q === -1 ? rawUrl : rawUrl.slice(0, q);
  if (!p.startsWith('/')) return 'the path must start with /';
  if (p.includes('\\')) return 'backslash in the path';
  if (p.includes('//')) return 'empty path segment (//)';
  for (const m of p.matchAll(/%([0-9A-Fa-f]{0,2})/g)) {
    if (m[1].length < 2) return 'malformed percent-encoding';
    const c = String.fromCharCode(parseInt(m[1], 16));
    if (UNRESERVED.test(c)) return `needlessly encoded character (%${m[1]})`;
    if (c === '/' || c === '\\' || c === '%' || c === ';' || parseInt(m[1], 16) < 0x20 || parseInt(m[1], 16) === 0x7f) return `encoded separator or control character (%${m[1]})`;
  }
  if (p.split('/').some((seg) => seg === '.' || seg === '..')) return 'dot segment (. or ..)';
  const first = p.split('/')[1] ?? '';
  if (first.toLowerCase() === 'api' && first !== 'api') return 'the API prefix is /api, in lower case';
  return null;
}

function isLoopback(ip: string | undefined): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  let a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === 'loopback';
}

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function buildServer(p: Platform, _opts: Record<string, never> = {}): Promise<App & { routesInfo: RouteInfo[] }> {
  const app = Fastify({
    loggerInstance: p.log,
    bodyLimit: p.config.bodyLimit,
    // X-Forwarded-* are believed only from the proxies named in TRUST_PROXY: otherwise any client
    // could pick its own address (and its own login rate-limit bucket)
    trustProxy: p.config.trustProxy.length ? p.config.trustProxy : false,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array' } },
  }).withTypeProvider() as unknown as App & { routesInfo: RouteInfo[] };
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);

  const routesInfo: RouteInfo[] = [];
  (app as any).routesInfo = routesInfo;
  // deny by default: every route declares who may call it, or the server refuses to start (the
  // plugins' own routes — the OpenAPI viewer, the web app's files — are public by construction)
  app.addHook('onRoute', (r) => {
    if (!r.config?.role && PLUGIN_PUBLIC_ROUTES.some((re) => re.test(r.url))) r.config = { ...r.config, role: 'public' };
    const role = r.config?.role;
    if (!role) throw new Error(`route ${r.method} ${r.url} does not declare config.role`);
    if (!r.url.startsWith('/api/') || r.url.startsWith('/api/docs')) return;
    for (const m of ([] as string[]).concat(r.method)) if (m !== 'HEAD') routesInfo.push({ method: m, url: r.url, role });
  });
  // a form or text body where JSON is expected is refused (415), so a cross-site form cannot post
  app.removeContentTypeParser('text/plain');
  if (p.config.metricsToken) registerSecret(p.config.metricsToken);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'], connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    hsts: false, // set by the TLS-terminating proxy, which knows whether HTTPS is in use
  });

  await app.register(cookie);
  // preservePath: a dropped folder's files keep their relative names (busboy keeps only the base name
  // otherwise); each module cleans them (no '..', no leading '/') before use
  await app.register(multipart, { preservePath: true, limits: { fileSize: p.config.uploadLimit, files: 500, fields: 50, fieldSize: 1024 * 1024 } });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'atelier API', version: '0.1.0', description: 'Vinted Studio, promoteurs scraper and release Packer' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: ACCESS_COOKIE } } },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // the viewer's inline scripts get their own hashes in its CSP (staticCSP)
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  // Access is decided from the route that matched, never from the URL text: first the path must be
  // unambiguous, then the matched route's declared role applies (a route without one is refused).
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const bad = ambiguousPath(req.raw.url ?? '/');
    if (bad) return reply.code(400).send({ error: { code: 'bad_path', message: `ambiguous request path: ${bad}` } });
    if (req.is404) return; // no route: the not-found handler answers, no handler runs
    const role = req.routeOptions.config?.role;
    if (!role) return reply.code(403).send({ error: { code: 'forbidden', message: 'this route declares no access role' } });

    // authentication: cookie (web) or Authorization: Bearer <JWT | personal API token> (CLI, scripts)
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const cookieToken = req.cookies[ACCESS_COOKIE];
    // a browser sends cookies on its own: a state change carried by them must come from our own pages
    if (!bearer && (cookieToken || req.cookies[REFRESH_COOKIE]) && !SAFE_METHODS.has(req.method)) {
      const site = req.headers['sec-fetch-site'];
      const origin = req.headers.origin;
      let foreign = typeof site === 'string' && site !== 'same-origin' && site !== 'none';
      if (origin !== undefined) {
        try { foreign ||= new URL(origin).host !== req.headers.host; } catch { foreign = true; }
      }
      if (foreign) return reply.code(403).send({ error: { code: 'cross_site', message: 'cross-site request refused: use the web app from its own address' } });
    }
    if (role === 'public') {
      if (req.routeOptions.url === '/metrics' && !metricsAllowed(req)) return reply.code(404).send({ error: { code: 'not_found', message: 'no route GET /metrics' } });
      return;
    }
    const token = bearer ?? cookieToken;
    if (token) req.user = token.startsWith('atl_') ? await p.auth.verifyApiToken(token) : await p.auth.verifyAccess(token);
    if (!req.user) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: token ? 'session expired or token invalid: log in again' : 'authentication required' } });
    }
    if (ROLE_RANK[req.user.role] < ROLE_RANK[role]) {
      return reply.code(403).send({ error: { code: 'forbidden', message: `this action needs the ${role} role (you are ${req.user.role})` } });
    }
  });

  /** /metrics: with ATELIER_METRICS_TOKEN, that bearer token; without, direct loopback connections only */
  function metricsAllowed(req: FastifyRequest): boolean {
    if (p.config.metricsToken) {
      const h = req.headers.authorization ?? '';
      return h.startsWith('Bearer ') && sameBytes(h.slice(7).trim(), p.config.metricsToken);
    }
    const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
    return !proxied && isLoopback(req.socket.remoteAddress);
  }

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpMetrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpMetrics.duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: any, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({ error: { code: 'validation', message: `invalid request: ${err.validation.map((v: any) => `${v.instancePath || v.params?.issue?.path?.join('.') || ''} ${v.message}`.trim()).join('; ')}`, details: err.validation } });
    }
    if (err instanceof HttpError) return reply.code(err.status).send({ error: { code: err.code, message: scrub(err.message), details: err.details } });
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
      return reply.code(500).send({ error: { code: 'internal', message: 'internal error: response did not match its schema' } });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status === 413 || err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_FILES_LIMIT') {
      const limit = err.code === 'FST_FILES_LIMIT' ? 'at most 500 files per request' : err.code === 'FST_REQ_FILE_TOO_LARGE' ? `at most ${p.config.uploadLimit} bytes per file` : `at most ${p.config.bodyLimit} bytes per request body`;
      return reply.code(413).send({ error: { code: 'too_large', message: `request too large: ${limit}` } });
    }
    if (status === 429) return reply.code(429).send({ error: { code: 'rate_limited', message: scrub(err.message) } });
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send({ error: { code: err.code && typeof err.code === 'string' ? err.code.toLowerCase() : status >= 500 ? 'internal' : 'bad_request', message: scrub(status >= 500 ? `internal error: ${err.message}` : err.message) } });
  });

  app.setNotFoundHandler((req, reply) => {
    const spa = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/assets/')
      && typeof (reply as any).sendFile === 'function' && fs.existsSync(path.join(WEB_DIST, 'index.html'));
    if (!spa) return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
    return reply.header('cache-control', 'no-cache').type('text/html').sendFile('index.html'); // SPA fallback
  });

  // ---- health, readiness, metrics, docs
  app.get('/health', { config: { role: 'public' }, schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/ready', { config: { role: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const db = await p.db.selectNoFrom((eb) => eb.val(1).as('one')).execute().then(() => true, () => false);
    const queue = await p.jobs.ready();
    return reply.code(db && queue ? 200 : 503).send({ ok: db && queue, db, queue });
  });
  app.get('/metrics', { config: { role: 'public' }, schema: { hide: true } }, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/api/openapi.json', { config: { role: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/api/modules', {
    config: { role: 'public' },
    schema: { response: { 200: z.object({ modules: z.array(z.object({ name: z.string(), title: z.object({ fr: z.string(), en: z.string() }) })) }) } },
  }, async () => ({ modules: p.modules.map((m) => ({ name: m.name, title: m.title })) }));

  await authRoutes(app, p);
  await jobRoutes(app, p);

  for (const m of p.modules) {
    if (!m.routes) continue;
    await app.register(async (scope) => {
      await m.routes!(scope as unknown as App, p);
    }, { prefix: `/api/${m.name}` });
  }

  if (fs.existsSync(WEB_DIST)) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart;
    // hashed asset names can be cached for good, index.html never
    await app.register(fastifyStatic, {
      root: WEB_DIST, wildcard: true, index: ['index.html'],
      setHeaders: (reply, file) => reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }
  return app;
}
