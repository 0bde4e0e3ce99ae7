// Finding 1 (critical): the API answered without a login when /api/ was spelled differently
// (`POST /%61pi/users` created an admin). Access is now decided from the matched route, every route
// declares its role (deny by default), and ambiguous paths are refused before anything runs.
// This walks every route of the OpenAPI document, under every spelling a router might normalise,
// for each role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { modules } from '../../src/modules.ts';
import { buildServer, ambiguousPath } from '../../src/server.ts';
import type { AtelierModule } from '../../src/core/module.ts';

const RANK = { public: 0, viewer: 1, operator: 2, admin: 3 } as const;
const UUID = '00000000-0000-4000-8000-000000000000';
type Who = 'none' | 'viewer' | 'operator' | 'admin';

let t: TestPlatform;
let port: number;
beforeAll(async () => {
  t = await createTestPlatform({ modules, work: false });
  port = Number(new URL(await t.listen()).port);
});

/**
 * One request over a raw socket: the request line goes out byte for byte (an HTTP client library,
 * or Fastify's inject, would resolve the dot segments and backslashes an attacker sends).
 */
function raw(method: string, path: string, o: { token?: string | null; body?: unknown } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? '' : JSON.stringify(o.body);
    const head = [
      `${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close',
      ...(o.token ? [`Authorization: Bearer ${o.token}`] : []),
      ...(body ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`] : []),
    ].join('\r\n');
    const socket = net.connect(port, '127.0.0.1', () => socket.end(`${head}\r\n\r\n${body}`));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}
afterAll(async () => t?.close());

/** the spellings a router or a proxy might fold into `path` (which starts with /api/) */
function spellings(path: string): string[] {
  const rest = path.slice('/api/'.length);
  const firstLetter = rest.search(/[a-z]/);
  const encodedLetter = firstLetter === -1 ? null : `/api/${rest.slice(0, firstLetter)}%${rest.charCodeAt(firstLetter).toString(16)}${rest.slice(firstLetter + 1)}`;
  return [
    `/%61pi/${rest}`, `/%41PI/${rest}`, `/API/${rest}`, `/Api/${rest}`, `/aPi/${rest}`,
    `/%2561pi/${rest}`, `//api/${rest}`, `/api//${rest}`, `/./api/${rest}`, `/api/./${rest}`,
    `/x/../api/${rest}`, `/api/%2e/${rest}`, `/api/%2e%2e/api/${rest}`, `/api%2f${rest}`, `/api%2F${rest}`,
    `/api\\${rest}`, `\\api/${rest}`, `/api/${rest.replace(/\//g, '%2f')}`, `/api/${rest}%00`,
    ...(encodedLetter ? [encodedLetter] : []),
  ].filter((x) => x !== path);
}

function concrete(openapiPath: string): string {
  return openapiPath.replace(/\{([^}]+)\}/g, (_m, name: string) => (/id$/i.test(name) ? UUID : 'x'));
}

describe('finding 1: access is decided from the matched route', () => {
  it('every route of the OpenAPI document, under every ambiguous spelling, for every role, is refused before any handler', async () => {
    const spec = (await t.request('GET', '/api/openapi.json')).body;
    const routes: { method: string; path: string }[] = [];
    for (const [p, ops] of Object.entries<Record<string, unknown>>(spec.paths)) {
      for (const m of Object.keys(ops)) if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) routes.push({ method: m.toUpperCase(), path: concrete(p) });
    }
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.some((r) => r.method === 'POST' && r.path === '/api/users')).toBe(true);
    const usersBefore = (await t.ctx.auth.listUsers()).length;
    const reached: string[] = [];
    let tried = 0;
    for (const r of routes) {
      for (const url of spellings(r.path)) {
        for (const who of ['none', 'viewer', 'operator', 'admin'] as Who[]) {
          const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : { email: 'intruder@evil.test', password: 'intruder-password-123', role: 'admin' };
          const res = await raw(r.method, url, { token: who === 'none' ? null : t.tokens[who], body });
          tried++;
          // refused with bad_path before routing (or, for a request line Node itself rejects, 400 from Node)
          if (res.status !== 400) reached.push(`${r.method} ${url} as ${who}: ${res.status}`);
          // (a backslash is refused by Node's HTTP parser itself: Fastify answers its "Client Error")
          else if (!res.text.includes('"bad_path"') && !res.text.includes('"message":"Client Error"')) reached.push(`${r.method} ${url} as ${who}: 400 ${res.text.slice(-120)}`);
        }
      }
    }
    expect(reached).toEqual([]);
    expect(tried).toBeGreaterThan(1000);
    expect((await t.ctx.auth.listUsers()).length).toBe(usersBefore);
  }, 300_000);

  it('the canonical spelling obeys each route\'s declared role', async () => {
    const failures: string[] = [];
    for (const r of t.app.routesInfo) {
      const url = r.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => (/id$/i.test(name) ? UUID : 'x')).replace(/\*/g, 'x');
      for (const who of ['none', 'viewer', 'operator', 'admin'] as Who[]) {
        if (r.role === 'public') continue;
        const res = await t.request(r.method, url, { token: who === 'none' ? null : t.tokens[who], body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
        const allowed = who !== 'none' && RANK[who] >= RANK[r.role];
        if (!allowed && res.status !== (who === 'none' ? 401 : 403)) failures.push(`${r.method} ${url} [${r.role}] as ${who}: ${res.status}`);
        if (allowed && (res.status === 401 || res.status === 403)) failures.push(`${r.method} ${url} [${r.role}] as ${who}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('the attack of the report: POST /%61pi/users with no credentials creates nothing', async () => {
    const before = (await t.ctx.auth.listUsers()).length;
    const r = await raw('POST', '/%61pi/users', { body: { email: 'root@evil.test', password: 'root-password-123', role: 'admin' } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('"bad_path"');
    for (const p of ['/API/users', '/Api/users', '/%41PI/users']) expect((await raw('GET', p)).status).toBe(400);
    expect((await t.ctx.auth.listUsers()).length).toBe(before);
  });

  it('a route that declares no role stops the server from starting (deny by default)', async () => {
    const rogue: AtelierModule = { name: 'rogue', title: { fr: 'x', en: 'x' }, routes: (app) => { app.get('/open', async () => ({ ok: true })); } };
    await expect(buildServer({ ...t.ctx, modules: [rogue] } as any)).rejects.toThrow(/does not declare config.role/);
    const rogueRoot: AtelierModule = { name: 'rogue2', title: { fr: 'x', en: 'x' }, routes: (app) => { app.get('/../../health2', async () => ({ ok: true })); } };
    await expect(buildServer({ ...t.ctx, modules: [rogueRoot] } as any)).rejects.toThrow(/does not declare config.role/);
  });

  it('ambiguousPath names what is wrong and lets ordinary paths through', () => {
    expect(ambiguousPath('/api/users')).toBeNull();
    expect(ambiguousPath('/api/releases/jobs/x/artifacts/y?download=1')).toBeNull();
    expect(ambiguousPath('/assets/index-AbC.js')).toBeNull();
    expect(ambiguousPath('/api/files/%C3%A9t%C3%A9.jpg')).toBeNull();
    expect(ambiguousPath('/%61pi/users')).toMatch(/encoded/);
    expect(ambiguousPath('/api/x/%2e%2e/users')).toMatch(/encoded/);
    expect(ambiguousPath('/api/x/../users')).toMatch(/dot segment/);
    expect(ambiguousPath('/API/users')).toMatch(/lower case/);
    expect(ambiguousPath('/api%2fusers')).toMatch(/separator/);
    expect(ambiguousPath('/api/users%')).toMatch(/malformed/);
  });
});
