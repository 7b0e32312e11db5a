import pino from 'pino';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres';
import { connectDatabase, migrate } from '../../src/db/orm';
import { databaseUrlFor, TEST_DATABASE_PREFIX } from './databases';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL of the test server; each test file makes its own database on it. */
    adminDatabaseUrl: string;
    /** A migrated, empty database that test files copy (CREATE DATABASE ... TEMPLATE). */
    templateDatabase: string;
  }
}

/**
 * Once per run: a PostgreSQL to test against (TEST_DATABASE_URL / DATABASE_URL, or an
 * embedded one in a temporary folder), and a template database with every migration applied.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let adminDatabaseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminDatabaseUrl) {
    embedded = await startThrowawayPostgres(pino({ level: 'silent' }), 'commerce-test-pg-');
    adminDatabaseUrl = embedded.url;
  }

  const templateDatabase = `${TEST_DATABASE_PREFIX}template_${process.pid}`;
  await withClient(adminDatabaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(templateDatabase)}`);
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(templateDatabase)}`);
  });
  const templateUrl = databaseUrlFor(adminDatabaseUrl, templateDatabase);
  const orm = await connectDatabase({ databaseUrl: templateUrl });
  await migrate(orm, templateUrl);
  await orm.close();

  project.provide('adminDatabaseUrl', adminDatabaseUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    await withClient(adminDatabaseUrl, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(templateDatabase)} WITH (FORCE)`);
    });
    await embedded?.stop();
  };
}

async function withClient(url: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
