// A throwaway PostgreSQL 15 cluster on loopback for benchmarks (Debian's server binaries), or the one
// given by BENCH_DATABASE_URL / TEST_DATABASE_URL.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

export async function startPostgres(): Promise<{ url: string; stop(): void } | null> {
  const given = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (given) return { url: await freshDb(given), stop() {} };
  if (!fs.existsSync(path.join(BIN, 'initdb'))) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-pg-'));
  const port = 56000 + Math.floor(Math.random() * 1000);
  const asPg = process.getuid?.() === 0;
  if (asPg) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (cmd: string) => {
    const r = asPg ? spawnSync('su', ['postgres', '-c', cmd], { encoding: 'utf8' }) : spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  run(`${BIN}/initdb -D ${dir}/data -A trust -U postgres >/dev/null`);
  run(`${BIN}/pg_ctl -D ${dir}/data -l ${dir}/log -w -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null`);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url: await freshDb(url),
    stop() {
      try { run(`${BIN}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`); } catch { /* already down */ }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshDb(base: string): Promise<string> {
  const name = `bench_${crypto.randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}
