import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations';
import { ormConfig, type OrmOptions } from './orm-config';

export async function connectDatabase(options: OrmOptions): Promise<MikroORM> {
  if (options.createMissing === false) await assertDatabaseExists(options.databaseUrl, options.timeouts?.acquireTimeoutMs);
  const config = ormConfig(options);
  // Migrations run from the imported list, so no TypeScript loader is needed to find them.
  return MikroORM.init({ ...config, migrations: { ...config.migrations, migrationsList: MIGRATIONS } });
}

// Arbitrary constant: the advisory lock key under which one process at a time migrates.
const MIGRATION_LOCK_KEY = 72_616_101;

/**
 * With DATABASE_URL naming a database that does not exist, MikroORM would create it. Outside
 * development that is a typo to report, not a fresh empty shop to serve: fail with one line.
 */
async function assertDatabaseExists(databaseUrl: string, connectTimeoutMs?: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: connectTimeoutMs });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
    const url = new URL(databaseUrl);
    throw new Error(
      `Database "${decodeURIComponent(url.pathname.slice(1))}" does not exist on ${url.host}. Create it first: the server creates a missing database only in development and tests.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Applies every committed migration not yet applied; the schema only ever changes this way.
 * Several servers starting at once queue on an advisory lock, so only the first migrates.
 * The serving ORM cancels long statements (DATABASE_STATEMENT_TIMEOUT_MS); a migration (an
 * index on a large table, a backfill) may rightly take longer, so it runs on its own ORM
 * without timeouts, made only when there is something to apply.
 */
export async function migrate(orm: MikroORM, databaseUrl: string, before?: () => Promise<void>): Promise<void> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // The job queue's schema first: the app's migrations and statements call its add_job().
    await before?.();
    if ((await orm.getMigrator().getPendingMigrations()).length === 0) return;
    const unbounded = await connectDatabase({ databaseUrl });
    try {
      await unbounded.getMigrator().up();
    } finally {
      await unbounded.close();
    }
  } finally {
    await lock.end();
  }
}

export interface StatementCounts {
  /** Every statement, whichever server it went to. */
  read(): number;
  onPrimary(): number;
  onReplicas(): number;
}

/**
 * Counts the SQL statements the process sends, per pool: the tests use it to bound the cost
 * of a page and to see where reads went, the benchmarks to report statements per request.
 */
export function countStatements(orm: MikroORM): StatementCounts {
  let primary = 0;
  let replicas = 0;
  orm.em.getConnection().getKnex().on('query', () => {
    primary += 1;
  });
  // MikroORM keeps its replica connections to itself (getConnection('read') picks one at random).
  const driver = orm.em.getDriver() as unknown as { replicas: Array<ReturnType<typeof orm.em.getConnection>> };
  for (const replica of driver.replicas) {
    replica.getKnex().on('query', () => {
      replicas += 1;
    });
  }
  return { read: () => primary + replicas, onPrimary: () => primary, onReplicas: () => replicas };
}
