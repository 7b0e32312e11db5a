import { ConnectionException } from '@mikro-orm/core';

/**
 * SQLSTATEs that say the database cannot serve anyone right now, not that a statement was
 * wrong: class 08 (connection exception) and these. The same request can succeed later.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '57014', // query_canceled: statement_timeout ran out
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction: a write reached a standby, as during a failover
]);

/** Socket failures on the way to the database. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * What pg and knex throw, without a code, when the server stops answering: a connection that
 * does not open in time, a statement with no answer, a pool with no free connection.
 */
const UNAVAILABLE_MESSAGES = /^(Connection terminated|Query read timeout|Client has encountered a connection error|Knex: Timeout acquiring a connection|timeout expired)/;

/**
 * Whether `error` (or what it wraps: a GraphQLError's originalError, a cause, the attempts
 * of an AggregateError) means that the database is unreachable, frozen or overloaded, as
 * opposed to a bug. The API answers those 503, retryable, instead of a masked internal error.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof ConnectionException) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (UNAVAILABLE_MESSAGES.test(error.message)) return true;
  const wrapped = [(error as { originalError?: unknown }).originalError, error.cause, ...(error instanceof AggregateError ? error.errors : [])];
  return wrapped.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
