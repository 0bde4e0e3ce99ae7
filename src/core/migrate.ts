// Plain SQL migrations, one folder per module, applied once each in file order inside a transaction.
// An advisory lock makes concurrent starts (several workers on one PostgreSQL) apply them once.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from './db.ts';

export interface MigrationSet { module: string; dir?: string }

const LOCK_ID = 774411; // arbitrary, constant: "atelier migrations"

export async function migrate(database: Database, sets: MigrationSet[]): Promise<string[]> {
  const applied: string[] = [];
  const { db } = database;
  await database.execScript(`SELECT pg_advisory_lock(${LOCK_ID});`);
  try {
    await database.execScript(
      `CREATE SCHEMA IF NOT EXISTS core;
       CREATE TABLE IF NOT EXISTS core.migrations (module text NOT NULL, name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (module, name));`,
    );
    for (const set of sets) {
      if (!/^[a-z][a-z0-9_]*$/.test(set.module)) throw new Error(`invalid module name for a schema: ${set.module}`);
      await database.execScript(`CREATE SCHEMA IF NOT EXISTS ${set.module};`);
      if (!set.dir || !fs.existsSync(set.dir)) continue;
      const files = fs.readdirSync(set.dir).filter((f) => /^\d+.*\.sql$/.test(f)).sort();
      const done = new Set(
        (await sql<{ name: string }>`SELECT name FROM core.migrations WHERE module = ${set.module}`.execute(db)).rows.map((r) => r.name),
      );
      for (const f of files) {
        if (done.has(f)) continue;
        const body = fs.readFileSync(path.join(set.dir, f), 'utf8');
        const name = f.replace(/'/g, "''");
        try {
          await database.execScript(`BEGIN;\n${body}\n;\nINSERT INTO core.migrations (module, name) VALUES ('${set.module}', '${name}');\nCOMMIT;`);
        } catch (e) {
          throw new Error(`migration ${set.module}/${f} failed: ${(e as Error).message}`);
        }
        applied.push(`${set.module}/${f}`);
      }
    }
  } finally {
    await database.execScript(`SELECT pg_advisory_unlock(${LOCK_ID});`);
  }
  return applied;
}
