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

/** A statement as knex's PostgreSQL dialect sends it on a connection (`_query`), which sets its `response`. */
interface DriverQuery {
  sql: string;
  bindings: unknown[];
  options: { name: string };
  response?: { rows: unknown[] };
}

/**
 * The parts of knex's client used here: its pool, its dialect's lowest call (which sends one
 * statement on one connection, and which instruments such as the bench's stopwatch wrap), and
 * the event the statement counters listen to (db/orm.ts).
 */
interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
  _query(connection: unknown, query: DriverQuery): Promise<DriverQuery>;
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
      const sent = await client._query(pooled, { sql: statement.text, bindings: params, options: { name: statement.name } });
      return sent.response!.rows as T[];
    } finally {
      await client.releaseConnection(pooled);
    }
  } catch (error) {
    throw error instanceof Error ? em.getDriver().convertException(error) : error;
  }
}
