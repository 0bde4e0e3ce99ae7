// Database access: Kysely over embedded PGlite (default, data under <data>/db) or a real PostgreSQL
// server (DATABASE_URL). Same SQL and migrations for both.
import path from 'node:path';
import fs from 'node:fs';
import {
  Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, PostgresDialect, CompiledQuery,
  type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings,
} from 'kysely';
import { PGlite, type Transaction as PGliteTx } from '@electric-sql/pglite';

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Kysely<any>;
  /** runs a multi-statement SQL script (migrations) */
  execScript(sqlText: string): Promise<void>;
  pglite?: PGlite;
  connectionString?: string;
  close(): Promise<void>;
}


/**
 * A Kysely connection on PGlite. PGlite has one backend: a Kysely transaction is mapped onto
 * PGlite's own transaction(), which holds PGlite's lock so no other statement (pg-boss's included)
 * can land inside it.
 */
class PGliteConnection implements DatabaseConnection {
  private pglite: PGlite;
  private tx: PGliteTx | null = null;
  private finish: ((commit: boolean) => void) | null = null;
  private done: Promise<unknown> | null = null;
  constructor(pglite: PGlite) {
    this.pglite = pglite;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.tx ?? this.pglite;
    const res = await target.query<R>(q.sql, q.parameters as unknown[]);
    const affected = res.affectedRows;
    return { rows: res.rows, numAffectedRows: affected !== undefined ? BigInt(affected) : undefined };
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(q);
  }

  async begin(): Promise<void> {
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    this.done = this.pglite.transaction(async (tx) => {
      this.tx = tx;
      ready();
      const commit = await new Promise<boolean>((r) => (this.finish = r));
      if (!commit) await tx.rollback();
    });
    // if BEGIN itself fails, surface it
    await Promise.race([started, this.done.then(() => undefined)]);
  }

  async end(commit: boolean): Promise<void> {
    const finish = this.finish;
    const done = this.done;
    this.finish = null;
    this.done = null;
    finish?.(commit);
    try {
      await done;
    } finally {
      this.tx = null;
    }
  }
}

class PGliteDriver implements Driver {
  private pglite: PGlite;
  constructor(pglite: PGlite) {
    this.pglite = pglite;
  }
  async init(): Promise<void> {
    await this.pglite.waitReady;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.pglite);
  }
  async beginTransaction(c: DatabaseConnection, _s: TransactionSettings): Promise<void> {
    await (c as PGliteConnection).begin();
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await (c as PGliteConnection).end(true);
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await (c as PGliteConnection).end(false);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/**
 * The embedded database's buffer cache for a short-lived process (a CLI command): PostgreSQL's default
 * 128 MB is set up at every start, and that is half of PGlite's start; a command reads a few pages.
 */
const SHORT_LIVED_SHARED_BUFFERS = '16MB';

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; memory?: boolean; shortLived?: boolean }): Promise<Database> {
  if (opts.databaseUrl) {
    // loaded here: an embedded process never needs node-postgres
    const { default: pg } = await import('pg');
    // node-postgres returns int8/numeric as strings by default; counts and sizes are safe as numbers here.
    pg.types.setTypeParser(20, (v) => Number(v));
    pg.types.setTypeParser(1700, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    await db.executeQuery(CompiledQuery.raw('select 1'));
    return {
      kind: 'postgres',
      db,
      connectionString: opts.databaseUrl,
      async execScript(sqlText) {
        const client = await pool.connect();
        try {
          await client.query(sqlText);
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        } finally {
          client.release();
        }
      },
      close: () => db.destroy(),
    };
  }
  let pglite: PGlite;
  const options = opts.shortLived ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHORT_LIVED_SHARED_BUFFERS}`] } : {};
  if (opts.memory) pglite = new PGlite(options);
  else {
    const dir = path.join(opts.dataDir, 'db');
    fs.mkdirSync(dir, { recursive: true });
    pglite = new PGlite(dir, options);
  }
  await pglite.waitReady;
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PGliteDriver(pglite),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return {
    kind: 'pglite',
    db,
    pglite,
    async execScript(sqlText) {
      try {
        await pglite.exec(sqlText);
      } catch (e) {
        await pglite.exec('ROLLBACK').catch(() => {});
        throw e;
      }
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
