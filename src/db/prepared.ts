import { createHash } from 'node:crypto';
import type { ConnectionType, EntityManager, Knex } from '@mikro-orm/postgresql';

const names = new Map<string, string>();

/** A name per statement text: a connection refuses one name for two texts. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    names.set(sql, name);
  }
  return name;
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
 */
export async function queryPrepared<T>(em: EntityManager, sql: string, params: unknown[], connection: ConnectionType = 'write'): Promise<T[]> {
  try {
    const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getKnex(connection);
    const result: { rows: T[] } = await knex.raw(sql, params as never[]).options({ name: statementName(sql) });
    return result.rows;
  } catch (error) {
    throw error instanceof Error ? em.getDriver().convertException(error) : error;
  }
}
