import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import pino, { type Level, type Logger } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { signToken } from '../../src/auth/viewer';
import { loadConfig, type Config } from '../../src/config';
import { startServer, type RunningServer, type ServerExtensions } from '../../src/server';
import { createTestDatabase } from './databases';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface TestApp {
  url: string;
  server: RunningServer;
  config: Config;
  /** Sends a typed operation over HTTP, as a frontend would. */
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, options?: { token?: string }): Promise<GraphQLResponse<T>>;
  /** Like request, but fails the test on GraphQL errors and returns the data. */
  query<T, V>(document: TypedDocumentNode<T, V>, variables?: V, options?: { token?: string }): Promise<T>;
  staffToken(sub?: string): string;
  customerToken(sub: string, email?: string): string;
  /** SQL statements the server sent while `work` ran. */
  countStatements(work: () => Promise<unknown>): Promise<number>;
  /** Runs SQL on the test's database (assertions and arranging what the API cannot). */
  sql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Waits until the background jobs due now are done (retries scheduled later do not count). */
  jobsDone(): Promise<void>;
}

/** Polls `probe` until it gives a value; the vitest timeout bounds it, not a clock here. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what = 'a condition'): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (attempt > 600) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface TestAppOptions extends ServerExtensions {
  /** The server's logger: silent (or TEST_LOG_LEVEL) unless the test reads what it logs. */
  logger?: Logger;
}

/** A logger whose lines are kept, parsed, in `logs`, for a test that asserts what was logged. */
export function captureLogs(level: Level = 'info'): { logger: Logger; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, logs };
}

/**
 * Starts the real server for one test file on its own database (copied from the migrated
 * template), and takes both down after the file. Environment overrides go through the same
 * configuration loader as production.
 */
export function useTestApp(env: Record<string, string> | (() => Record<string, string>) = {}, options: TestAppOptions = {}): TestApp {
  const { logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...extensions } = options;
  const app = {} as TestApp;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const database = await createTestDatabase(inject('adminDatabaseUrl'), inject('templateDatabase'));
    dropDatabase = database.drop;
    const config = loadConfig({
      NODE_ENV: 'test',
      // Operations run on the code graphql-jit compiles from them, as a busy server runs them.
      GRAPHQL_COMPILE_AFTER_RUNS: '1',
      PORT: '0',
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      DEMO_DATA: 'false',
      CHECKOUT_RATE_LIMIT: '0',
      // Off: most tests arrange rows with SQL and read them back at once, faster than a change
      // notification travels; test/http/catalog-cache.test.ts turns it on.
      CATALOG_CACHE_MAX_AGE_MS: '0',
      // Evaluated here, so a test can pass settings known only once its own beforeAll ran.
      ...(typeof env === 'function' ? env() : env),
    });
    const server = await startServer(config, logger, extensions);
    Object.assign(app, buildClient(server, config));
  });

  afterAll(async () => {
    await app.server?.close();
    await dropDatabase?.();
  });

  return app;
}

function buildClient(server: RunningServer, config: Config): TestApp {
  const endpoint = `${server.url}/graphql`;
  const request: TestApp['request'] = async (document, variables, options = {}) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
    return { status: response.status, data: body.data as never, errors: body.errors };
  };
  return {
    url: server.url,
    server,
    config,
    request,
    async query(document, variables, options) {
      const response = await request(document, variables, options);
      if (response.errors?.length || !response.data) {
        throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
      }
      return response.data;
    },
    staffToken: (sub = 'staff-1') => signToken(TEST_JWT_SECRET, { sub, email: `${sub}@shop.test`, role: 'admin' }),
    customerToken: (sub, email = `${sub}@example.com`) => signToken(TEST_JWT_SECRET, { sub, email, role: 'customer' }),
    sql: (text, params = []) => server.orm.em.getConnection().execute(text, params as never[]) as never,
    async jobsDone() {
      const sql = server.orm.em.getConnection();
      await waitFor(async () => {
        const [{ n }] = await sql.execute(
          `select count(*)::int as n from graphile_worker.jobs
            where attempts < max_attempts and (locked_at is not null or run_at <= now()) and task_identifier <> 'send_notification'`,
        );
        return n === 0;
      }, 'background jobs');
    },
    async countStatements(work) {
      const before = server.statements.read();
      await work();
      return server.statements.read() - before;
    },
  };
}
