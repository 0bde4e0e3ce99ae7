// Plain SQL migrations, one folder per module, applied once each in file order inside a transaction.
// An advisory lock makes concurrent starts (several workers on one PostgreSQL) apply them once.
// A database already up to date is seen with one read, without the lock or any DDL: every CLI
// command opens the platform, and most find nothing to apply.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from './db.ts';

export interface MigrationSet { module: string; dir?: string }

const LOCK_ID = 774411; // arbitrary, constant: "atelier migrations"

/** the migration files of each set, in order */
function migrationFiles(set: MigrationSet): string[] {
  if (!set.dir || !fs.existsSync(set.dir)) return [];
  return fs.readdirSync(set.dir).filter((f) => /^\d+.*\.sql$/.test(f)).sort();
}

/** true when every set's schema exists and every file is recorded as applied (one query) */
async function upToDate(database: Database, sets: MigrationSet[]): Promise<boolean> {
  const modules = sets.map((s) => s.module);
  try {
    const { rows } = await sql<{ module: string; name: string | null }>`
      SELECT n.nspname AS module, m.name FROM pg_namespace n LEFT JOIN core.migrations m ON m.module = n.nspname
      WHERE n.nspname IN (${sql.join(modules)})`.execute(database.db);
    const applied = new Set(rows.map((r) => `${r.module}/${r.name}`));
    const schemas = new Set(rows.map((r) => r.module));
    return sets.every((s) => schemas.has(s.module) && migrationFiles(s).every((f) => applied.has(`${s.module}/${f}`)));
  } catch {
    return false; // no core.migrations yet: a new database
  }
}

export async function migrate(database: Database, sets: MigrationSet[]): Promise<string[]> {
  const applied: string[] = [];
  const { db } = database;
  if (await upToDate(database, sets)) return applied;
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
      const files = migrationFiles(set);
      if (!files.length) continue;
      const done = new Set(
        (await sql<{ name: string }>`SELECT name FROM core.migrations WHERE module = ${set.module}`.execute(db)).rows.map((r) => r.name),
      );
      for (const f of files) {
        if (done.has(f)) continue;
        const body = fs.readFileSync(path.join(set.dir!, f), 'utf8');
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
