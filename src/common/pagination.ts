import { GraphQLError } from 'graphql';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Bad paging arguments are a query error (BAD_USER_INPUT): queries return data, not unions. */
export function badUserInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
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
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== kind ||
    parsed.length !== shape.length + 1 ||
    !shape.every((type, i) => typeof parsed[i + 1] === type)
  ) {
    throw badUserInput('"after" is not a cursor from this list and sort order.', 'after');
  }
  return parsed.slice(1) as Array<string | number>;
}

/** A page of a list as services return it: nodes with their cursors, and how to count them all. */
export interface Page<T> {
  edges: Array<{ node: T; cursor: string }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  countTotal(): Promise<number>;
}
