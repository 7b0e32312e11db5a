import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { ensureDatabase, startThrowawayPostgres } from '../src/db/embedded-postgres';

export interface BenchDatabase {
  /** A fresh, empty database for this run; the server migrates it at start. */
  url: string;
  /** `embedded` or `DATABASE_URL` */
  server: string;
  drop(): Promise<void>;
}

/**
 * A database made for this run only: on the server in DATABASE_URL when set, otherwise on an
 * embedded PostgreSQL in a temporary folder, so a fresh clone needs no database server.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const configured = process.env.DATABASE_URL?.trim();
  let adminUrl = configured;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const embedded = await startThrowawayPostgres(pino({ level: 'silent' }), 'commerce-bench-pg-');
    adminUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
  }

  const name = `commerce_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    server: configured ? 'DATABASE_URL' : 'embedded',
    async drop() {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      await stopEmbedded?.();
    },
  };
}
