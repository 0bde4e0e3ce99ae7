// Starts the whole platform for a test: temp data dir, PGlite in memory (or the PostgreSQL server of
// TEST_DATABASE_URL, one fresh database per call), all modules' migrations and routes, three users.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { openPlatform, type Platform } from '../../src/core/platform.ts';
import { buildServer } from '../../src/server.ts';
import type { AtelierModule, Role } from '../../src/core/module.ts';

export interface TestPlatform {
  app: Awaited<ReturnType<typeof buildServer>>;
  ctx: Platform;
  dataDir: string;
  tokens: Record<Role, string>;
  /** every log line written so far (JSON strings) */
  logs: string[];
  request(method: string, url: string, o?: { token?: string | null; body?: unknown; headers?: Record<string, string>; remoteAddress?: string }): Promise<{ status: number; body: any; text: string; headers: Record<string, any> }>;
  /** starts listening on 127.0.0.1:<random> and returns the base URL */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createDatabase(): Promise<string | undefined> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return undefined;
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestPlatform(o: { modules?: AtelierModule[]; env?: Record<string, string>; work?: boolean; schedules?: boolean } = {}): Promise<TestPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-test-'));
  const databaseUrl = await createDatabase();
  const logs: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { logs.push(...chunk.toString().split('\n').filter(Boolean)); cb(); } });
  const config: Config = loadConfig({
    ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'test-key-' + crypto.randomBytes(16).toString('hex'),
    ATELIER_HTTP_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'debug', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...o.env,
  });
  const log = createLogger({ level: 'debug', stream: stream as any });
  const ctx = await openPlatform({ config, modules: o.modules ?? [], role: 'server', work: o.work ?? true, schedules: o.schedules ?? false, memory: !databaseUrl, log });
  const app = await buildServer(ctx);
  await app.ready();
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'operator', 'viewer'] as Role[]) {
    const u = await ctx.auth.createUser(`${role}@test.local`, `${role}-password-123`, role);
    tokens[role] = (await ctx.auth.createApiToken(u.id, 'test')).token;
  }
  let listening = false;
  return {
    app, ctx, dataDir, tokens, logs,
    async request(method, url, r = {}) {
      const headers: Record<string, string> = { ...r.headers };
      if (r.token) headers.authorization = `Bearer ${r.token}`;
      const res = await app.inject({ method: method as any, url, headers, payload: r.body as any, ...(r.remoteAddress ? { remoteAddress: r.remoteAddress } : {}) });
      let body: any;
      try { body = res.json(); } catch { body = undefined; }
      return { status: res.statusCode, body, text: res.body, headers: res.headers };
    },
    async listen() {
      const addr = await app.listen({ port: 0, host: '127.0.0.1' });
      listening = true;
      return addr;
    },
    async close() {
      await app.close();
      await ctx.close();
      void listening;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
