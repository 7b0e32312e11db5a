import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations';
import { ormConfig, type OrmOptions } from './orm-config';

export async function connectDatabase(options: OrmOptions): Promise<MikroORM> {
  const config = ormConfig(options);
  // Migrations run from the imported list, so no TypeScript loader is needed to find them.
  return MikroORM.init({ ...config, migrations: { ...config.migrations, migrationsList: MIGRATIONS } });
}

// Arbitrary constant: the advisory lock key under which one process at a time migrates.
const MIGRATION_LOCK_KEY = 72_616_101;

/**
 * Applies every committed migration not yet applied; the schema only ever changes this way.
 * Several servers starting at once queue on an advisory lock, so only the first migrates.
 */
export async function migrate(orm: MikroORM, databaseUrl: string, before?: () => Promise<void>): Promise<void> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // The job queue's schema first: the app's migrations and statements call its add_job().
    await before?.();
    await orm.getMigrator().up();
  } finally {
    await lock.end();
  }
}

/**
 * Counts the SQL statements the process sends: the tests use it to bound the cost of a
 * page, the benchmarks to report statements per request.
 */
export function countStatements(orm: MikroORM): { read(): number } {
  let count = 0;
  orm.em.getConnection().getKnex().on('query', () => {
    count += 1;
  });
  return { read: () => count };
}
