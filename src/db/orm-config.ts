import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from 'pino';
import { ENTITIES } from './entities';
import { MIGRATIONS_DIR } from './index-migrations';

export interface OrmOptions {
  databaseUrl: string;
  logger?: Logger;
  poolSize?: number;
}

/**
 * The ORM settings shared by the server and the MikroORM CLI. It leaves out the migrations
 * index, which the CLI may be in the middle of writing; connectDatabase adds it.
 */
export function ormConfig({ databaseUrl, logger, poolSize = 20 }: OrmOptions): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    forceUtcTimezone: true,
    pool: { min: 0, max: poolSize },
    discovery: { disableDynamicFileAccess: true },
    // The job queue's tables are graphile-worker's own, migrated by it (jobs/job-queue.ts).
    schemaGenerator: { ignoreSchema: ['graphile_worker'] },
    migrations: {
      // `path` is where `migration:create` writes new files.
      path: MIGRATIONS_DIR,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      snapshot: false,
    },
    logger: (message) => logger?.debug({ orm: true }, message),
    debug: logger?.isLevelEnabled('debug') ? ['query', 'query-params'] : false,
  });
}

