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
import {
  serializerCompiler, validatorCompiler, jsonSchemaTransform, hasZodFastifySchemaValidationErrors, isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from './core/platform.ts';
import type { App, Role } from './core/module.ts';
import { HttpError } from './core/errors.ts';
import { scrub } from './core/log.ts';
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

export async function buildServer(p: Platform, _opts: Record<string, never> = {}): Promise<App & { routesInfo: RouteInfo[] }> {
  const app = Fastify({
    loggerInstance: p.log,
    bodyLimit: p.config.bodyLimit,
    trustProxy: true,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array' } },
  }).withTypeProvider() as unknown as App & { routesInfo: RouteInfo[] };
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);

  const routesInfo: RouteInfo[] = [];
  (app as any).routesInfo = routesInfo;
  // every API route must declare its minimum role: refuse to start otherwise
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/') || r.url.startsWith('/api/docs')) return;
    const role = r.config?.role;
    if (!role) throw new Error(`route ${r.method} ${r.url} does not declare config.role`);
    for (const m of ([] as string[]).concat(r.method)) if (m !== 'HEAD') routesInfo.push({ method: m, url: r.url, role });
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
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  // authentication: cookie (web) or Authorization: Bearer <JWT | personal API token> (CLI, scripts)
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const role = req.routeOptions.config?.role;
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/docs') || role === undefined) return;
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? req.cookies[ACCESS_COOKIE];
    if (token) req.user = token.startsWith('atl_') ? await p.auth.verifyApiToken(token) : await p.auth.verifyAccess(token);
    if (role === 'public') return;
    if (!req.user) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: token ? 'session expired or token invalid: log in again' : 'authentication required' } });
    }
    if (ROLE_RANK[req.user.role] < ROLE_RANK[role]) {
      return reply.code(403).send({ error: { code: 'forbidden', message: `this action needs the ${role} role (you are ${req.user.role})` } });
    }
  });

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
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/ready', { schema: { hide: true } }, async (_req, reply) => {
    const db = await p.db.selectNoFrom((eb) => eb.val(1).as('one')).execute().then(() => true, () => false);
    const queue = await p.jobs.ready();
    return reply.code(db && queue ? 200 : 503).send({ ok: db && queue, db, queue });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
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
