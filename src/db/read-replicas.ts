import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectionType } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { ReplicaRotation } from './replica-driver';
import { isDatabaseUnavailable } from './unavailable';

/**
 * Runs one read on the connection it is given: `'read'` is a replica picked by MikroORM
 * (`em.getConnection('read')`, `connectionType: 'read'`), `'write'` the primary. A read may be
 * run twice (replica, then primary), so it must not write and must not keep state between runs.
 */
export type Read<T> = (connection: ConnectionType) => Promise<T>;

/** Where a module's reads go for the current request; the module does not decide it. */
export interface CatalogReads {
  run<T>(read: Read<T>): Promise<T>;
}

/** Every read on the primary: the default, and all a request that must read its own writes gets. */
export const PRIMARY_READS: CatalogReads = { run: (read) => read('write') };

/**
 * SQLSTATEs a standby answers that the primary would not: a query cancelled because WAL replay
 * needed the rows it was reading (hot_standby_feedback off), or a deadlock with replay. The
 * same read on the primary succeeds, and the replica is otherwise fine.
 */
const RECOVERY_CONFLICTS = new Set(['40001', '40P01']);

function sqlState(error: unknown, depth = 0): string | undefined {
  if (!(error instanceof Error) || depth > 5) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : sqlState(error.cause, depth + 1);
}

/**
 * The process's read replicas (DATABASE_REPLICA_URLS) and whether they are answering. A
 * replica that cannot be reached, is shutting down or stops answering sends that read to the
 * primary, and every replica read after it for `retryAfterMs`: a frozen or black-holed replica
 * would otherwise cost each request a connection timeout. A slow statement is not a replica
 * failure (statement_timeout cancels it on the primary too), so it is not retried. Which
 * replica serves a read is the rotation's choice (db/replica-lag.ts): with every replica
 * beyond the lag bound, reads go to the primary.
 */
export class ReplicaReads {
  private pausedUntil = 0;

  constructor(
    private readonly options: {
      /** How many replicas are configured; 0: every read goes to the primary. */
      replicas: number;
      retryAfterMs: number;
      logger: Logger;
      /** The replicas within the lag bound; absent: all of them. */
      rotation?: ReplicaRotation;
    },
  ) {}

  get configured(): boolean {
    return this.options.replicas > 0;
  }

  async run<T>(read: Read<T>): Promise<T> {
    if (!this.configured || Date.now() < this.pausedUntil || this.options.rotation?.inRotation().length === 0) return read('write');
    try {
      return await read('read');
    } catch (error) {
      const code = sqlState(error);
      if (code && RECOVERY_CONFLICTS.has(code)) {
        this.options.logger.info({ err: error }, 'a read replica cancelled a catalog read (recovery conflict); read it on the primary');
        return read('write');
      }
      if (code === '57014' || !isDatabaseUnavailable(error)) throw error;
      this.pausedUntil = Date.now() + this.options.retryAfterMs;
      this.options.logger.warn(
        { err: error, retryAfterMs: this.options.retryAfterMs },
        'a read replica is unavailable; catalog reads go to the primary until it is tried again',
      );
      return read('write');
    }
  }
}

const primaryOnly = new AsyncLocalStorage<true>();

/**
 * Runs `work` with every request it starts reading the catalog on the primary, even one that
 * may read a replica. The catalog cache fills its entries this way (http/catalog-cache-http.ts):
 * the choice is made in front of Apollo, before the request's context exists.
 */
export function readingPrimary<T>(work: () => T): T {
  return primaryOnly.run(true, work);
}

/**
 * One request's catalog reads: on the primary unless the request was found to read only the
 * catalog (see http/replica-routing.ts), which flips it before any resolver runs.
 */
export class RequestReads implements CatalogReads {
  private onReplica = false;

  constructor(private readonly replicas: ReplicaReads | undefined) {}

  /** Catalog reads of this request may come from a replica (and so lag the primary). */
  allowReplica(): void {
    this.onReplica = (this.replicas?.configured ?? false) && primaryOnly.getStore() === undefined;
  }

  get usesReplica(): boolean {
    return this.onReplica;
  }

  run<T>(read: Read<T>): Promise<T> {
    return this.onReplica ? this.replicas!.run(read) : read('write');
  }
}
