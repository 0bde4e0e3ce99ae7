// Walks every registered API route with no token, a viewer, an operator and an admin, and checks
// that each gets through exactly when its declared role allows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { modules } from '../../src/modules.ts';

const RANK = { public: 0, viewer: 1, operator: 2, admin: 3 } as const;
const DUMMY_UUID = '00000000-0000-4000-8000-000000000000';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ modules, work: false });
});
afterAll(async () => t?.close());

describe('route × role', () => {
  it('every API route declares a role and enforces it', async () => {
    const routes = t.app.routesInfo;
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const r of routes) {
      const url = r.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => (/id$/i.test(name) ? DUMMY_UUID : 'x')).replace(/\*/g, 'x');
      for (const who of ['none', 'viewer', 'operator', 'admin'] as const) {
        // logout would end nothing here, but login/setup are rate limited: skip hammering them with bodies
        const res = await t.request(r.method, url, { token: who === 'none' ? null : t.tokens[who], body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
        const allowed = r.role === 'public' || (who !== 'none' && RANK[who] >= RANK[r.role]);
        const expected = allowed ? 'not 401/403' : who === 'none' ? '401' : '403';
        const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === (who === 'none' ? 401 : 403);
        // public auth endpoints answer 401 for wrong credentials by design
        const publicAuth = r.role === 'public' && /\/api\/auth\/(login|refresh)$/.test(r.url) && res.status === 401;
        if (!ok && !publicAuth) failures.push(`${r.method} ${r.url} [${r.role}] as ${who}: got ${res.status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('covers the platform and every module', () => {
    const urls = t.app.routesInfo.map((r) => r.url);
    for (const prefix of ['/api/jobs', '/api/auth/login', '/api/users', ...modules.filter((m) => m.routes).map((m) => `/api/${m.name}/`)]) {
      expect(urls.some((u) => u.startsWith(prefix)), prefix).toBe(true);
    }
  });
});
