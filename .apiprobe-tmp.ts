// one server, a profile of its main thread while /api/jobs is loaded
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, startServer, stop } from './test/helpers/server-process.ts';
import { startPostgres } from './bench/pg.ts';
const kind = process.argv[2] ?? 'pglite';
const pgServer = kind === 'postgres' ? await startPostgres() : null;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-probe-'));
const env: Record<string, string> = {
  ATELIER_DATA_DIR: dataDir, PORT: String(await freePort()), ATELIER_SECRET_KEY: 'bench-key-0123456789abcdef0123',
  ATELIER_ADMIN_EMAIL: 'bench@local.test', ATELIER_ADMIN_PASSWORD: 'bench-password-123', LOG_LEVEL: 'warn',
  NODE_OPTIONS: `--import /tmp/perfwork/eld.mjs ${process.env.PROF ? '--cpu-prof --cpu-prof-dir=/tmp/perfwork/srvprof' : ''}`,
  ...(pgServer ? { DATABASE_URL: pgServer.url } : {}),
};
const server = await startServer(env);
const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@local.test', password: 'bench-password-123' }) });
const auth = { authorization: `Bearer ${((await login.json()) as any).access_token}` };
for (let i = 0; i < 50; i++) await fetch(`${server.url}/api/jobs/demo`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ steps: 1, stepMs: 0 }) });
for (;;) { const r = await (await fetch(`${server.url}/api/jobs?limit=50&status=completed`, { headers: auth })).json() as any; if (r.jobs.length >= 50) break; await new Promise((r) => setTimeout(r, 500)); }
const run = async (url: string, headers: Record<string, string>, seconds: number) => {
  server.child.kill('SIGUSR2');
  const r = await autocannon({ url, headers, connections: 16, duration: seconds });
  server.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 200));
  console.log(`${url.replace(server.url, '')}: ${r.requests.average.toFixed(0)} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} max ${r.latency.max} non2xx ${r.non2xx}; load ${os.loadavg()[0].toFixed(1)}`);
  console.log('  ' + server.output.filter((l) => l.includes('ELD')).slice(-1)[0]?.trim());
};
await run(`${server.url}/health`, {}, 2);
await run(`${server.url}/api/jobs?limit=50`, auth, 2);
for (let i = 0; i < Number(process.env.ROUNDS ?? 1); i++) {
  await run(`${server.url}/health`, {}, 8);
  await run(`${server.url}/api/jobs?limit=50`, auth, 8);
}
await stop(server);
pgServer?.stop();
fs.rmSync(dataDir, { recursive: true, force: true });
