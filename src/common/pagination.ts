import { GraphQLError } from 'graphql';
import { stringProblem } from './input-limits';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Bad paging arguments are a query error (BAD_USER_INPUT, HTTP 400): queries return data, not unions. */
export function badUserInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } } });
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 1 and ${MAX_PAGE_SIZE}, got ${first}.`, 'first');
  }
  return first;
}

/**
 * A cursor is opaque to clients: base64url of the sort key values of the last row seen.
 * The kind tag stops a cursor from one sort order being used with another.
 */
export function encodeCursor(kind: string, values: Array<string | number>): string {
  return Buffer.from(JSON.stringify([kind, ...values])).toString('base64url');
}

export function decodeCursor(cursor: string, kind: string, shape: Array<'string' | 'number'>): Array<string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  // A cursor comes back from the client: its values go into SQL only if they are values this
  // list could have written (text PostgreSQL can hold, integers within bigint).
  const fits = (value: unknown, type: 'string' | 'number') =>
    type === 'string' ? typeof value === 'string' && !stringProblem(value, 1000) : Number.isSafeInteger(value);
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== kind ||
    parsed.length !== shape.length + 1 ||
    !shape.every((type, i) => fits(parsed[i + 1], type))
  ) {
    throw badUserInput('"after" is not a cursor from this list and sort order.', 'after');
  }
  return parsed.slice(1) as Array<string | number>;
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(:?\d{2})?)$/;

/**
 * Whether a cursor's timestamp is one PostgreSQL prints and reads back (`2026-12-02 10:00:00.123456+00`,
 * or ISO 8601 from toISOString): real calendar dates and times from year 1 to 9999. PostgreSQL
 * would refuse February 31st or hour 25 with an error, and read words such as "yesterday".
 */
export function isTimestampText(value: string): boolean {
  const match = TIMESTAMP_TEXT.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  return (
    year >= 1 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHours <= 15
  );
}

/** A page of a list as services return it: nodes with their cursors, and how to count them all. */
export interface Page<T> {
  edges: Array<{ node: T; cursor: string }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  countTotal(): Promise<number>;
}
