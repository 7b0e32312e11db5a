import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from 'pino';
import { ENTITIES } from './entities';
import { MIGRATIONS_DIR } from './index-migrations';
import { ReplicaRotationDriver } from './replica-driver';

export interface OrmOptions {
  databaseUrl: string;
  /** Streaming standbys of `databaseUrl`; only reads that ask for a 'read' connection go there. */
  replicaUrls?: string[];
  logger?: Logger;
  poolSize?: number;
  /** Absent: no timeouts, for migrations and the CLI, which may rightly run long. */
  timeouts?: DatabaseTimeouts;
  /** Create the database when it does not exist (MikroORM's default); false in production. */
  createMissing?: boolean;
}

export interface DatabaseTimeouts {
  statementTimeoutMs: number;
  acquireTimeoutMs: number;
}

/**
 * How long past its statement_timeout a statement may stay unanswered before the driver gives
 * up on the server itself (frozen, or the network gone): PostgreSQL would have cancelled it by then.
 */
const UNANSWERED_MARGIN_MS = 2_000;

/**
 * The driver settings that keep a request from waiting on PostgreSQL for ever: the server
 * cancels a long statement; the driver stops waiting for an answer that does not come (a frozen
 * server cannot cancel anything) and for a connection that does not open; the pool stops
 * waiting for a free connection. Each ends in an error the API answers with 503.
 */
function driverTimeouts(timeouts: DatabaseTimeouts) {
  return {
    acquireConnectionTimeout: timeouts.acquireTimeoutMs,
    connection: {
      statement_timeout: timeouts.statementTimeoutMs,
      query_timeout: timeouts.statementTimeoutMs + UNANSWERED_MARGIN_MS,
      connectionTimeoutMillis: timeouts.acquireTimeoutMs,
    },
  };
}

/**
 * A connection whose statement timed out on our side still has it in flight, perhaps inside a
 * transaction; it must not serve another request. pg marks a connection ready only once the
 * server has answered everything, and reports whether a transaction is still open.
 */
function isReusable(connection: { readyForQuery?: boolean; getTransactionStatus?(): string | null }): boolean {
  const transaction = connection.getTransactionStatus?.();
  return connection.readyForQuery === true && (transaction === 'I' || transaction == null);
}

/** host:port of a replica, for logs (never its credentials). */
export function replicaName(url: string): string {
  return `replica ${new URL(url).host}`;
}

/**
 * The ORM settings shared by the server and the MikroORM CLI. It leaves out the migrations
 * index, which the CLI may be in the middle of writing; connectDatabase adds it.
 */
export function ormConfig({ databaseUrl, replicaUrls = [], logger, poolSize = 20, timeouts, createMissing = true }: OrmOptions): Options {
  return defineConfig({
    // MikroORM's driver, but a replica that lags can be left out of the reads (db/replica-driver.ts).
    driver: ReplicaRotationDriver,
    clientUrl: databaseUrl,
    // Each replica gets its own pool with the primary's pool size and driverOptions (the
    // timeouts and the reuse check below): MikroORM copies whatever a replica entry leaves out.
    replicas: replicaUrls.map((clientUrl) => ({ clientUrl, name: replicaName(clientUrl) })),
    // MikroORM would send every find outside a transaction to a replica; here only the reads
    // that may lag say so (connectionType 'read'), and everything else reads its own writes.
    preferReadReplicas: false,
    entities: ENTITIES,
    extensions: [Migrator],
    forceUtcTimezone: true,
    pool: { min: 0, max: poolSize },
    driverOptions: {
      // knex's own pool options (MikroORM's PoolConfig type lacks `validate`).
      pool: { validate: isReusable },
      // knex warns on the console (e.g. of each connection lost in an outage); keep it in the JSON log.
      log: {
        warn: (message: unknown) => logger?.warn({ orm: true }, String(message)),
        error: (message: unknown) => logger?.error({ orm: true }, String(message)),
      },
      ...(timeouts ? driverTimeouts(timeouts) : {}),
    },
    ensureDatabase: createMissing,
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

