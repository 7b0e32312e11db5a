import { createHash } from 'node:crypto';
import type { ConnectionType, EntityManager, Knex } from '@mikro-orm/postgresql';

/** A statement as PostgreSQL takes it: a name, and the text with `$1`, `$2`... placeholders. */
interface Prepared {
  name: string;
  text: string;
}

const statements = new Map<string, Prepared>();

/** The same name and text for the same `?` text: a connection refuses one name for two texts. */
function prepared(knex: Knex, sql: string): Prepared {
  let statement = statements.get(sql);
  if (!statement) {
    const client = knex.client as { positionBindings(sql: string): string };
    statement = { name: `s_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`, text: client.positionBindings(sql) };
    statements.set(sql, statement);
  }
  return statement;
}

/** What knex's pool hands out for PostgreSQL: a pg client. */
interface PooledConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** The parts of knex's client used here: its pool, and the event the statement counters listen to (db/orm.ts). */
interface KnexClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<void>;
  emit(event: 'query', query: { sql: string; bindings: unknown[] }): boolean;
}

/**
 * Runs a statement on the hot path as a named prepared statement, with `?` placeholders bound
 * as parameters. PostgreSQL then parses and plans it once per pooled connection instead of on
 * every request: for checkout's statement, planning cost more than executing it (npm run
 * bench). MikroORM's own `execute` inlines values into the text, so it cannot do this; failures
 * still come out as MikroORM's exceptions (UniqueConstraintViolationException and the rest).
 * The texts must be few and fixed: values go in parameters, never into the text. They name
 * their columns (no `select *`), so a migration that alters a table makes PostgreSQL plan them
 * again instead of failing them. Inside `em.transactional` it runs in that transaction;
 * outside one, `connection: 'read'` runs it on a read replica (db/read-replicas.ts).
 *
 * Outside a transaction the statement goes to a connection of knex's pool (with its size,
 * acquire timeout and checks) without knex's query builder and runner: for a products page,
 * building and running two raw statements through knex cost more CPU than pg parsing their rows.
 */
export async function queryPrepared<T>(em: EntityManager, sql: string, params: unknown[], connection: ConnectionType = 'write'): Promise<T[]> {
  try {
    const transaction = em.getTransactionContext<Knex.Transaction>();
    if (transaction) {
      const result: { rows: T[] } = await transaction.raw(sql, params as never[]).options({ name: prepared(transaction, sql).name });
      return result.rows;
    }
    const knex = em.getKnex(connection);
    const statement = prepared(knex, sql);
    const client = knex.client as unknown as KnexClient;
    const pooled = await client.acquireConnection();
    try {
      // Counted as knex counts its own: once a connection is there to send it on.
      client.emit('query', { sql, bindings: params });
      const result = await pooled.query({ name: statement.name, text: statement.text, values: params });
      return result.rows as T[];
    } finally {
      await client.releaseConnection(pooled);
    }
  } catch (error) {
    throw error instanceof Error ? em.getDriver().convertException(error) : error;
  }
}
