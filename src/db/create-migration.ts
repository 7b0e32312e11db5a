// `npm run migration:create`: writes a migration for whatever the entities changed, then
// re-lists migrations/index.ts. It diffs against a database with every committed migration
// applied: DATABASE_URL when set, otherwise a throwaway embedded PostgreSQL (no server needed).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startThrowawayPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { MIGRATIONS_DIR, migrationFiles, migrationIndexSource } from './index-migrations';
import { connectDatabase, migrate } from './orm';

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' });
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startThrowawayPostgres(logger, 'commerce-migration-');
    databaseUrl = embedded.url;
  }
  const orm = await connectDatabase({ databaseUrl, logger, poolSize: 2 });
  try {
    await migrate(orm, databaseUrl);
    const migrator = orm.getMigrator();
    if (!(await migrator.checkMigrationNeeded())) {
      console.log('The entities match the migrations: nothing to write.');
      return;
    }
    const { fileName } = await migrator.createMigration(MIGRATIONS_DIR);
    writeFileSync(path.join(MIGRATIONS_DIR, 'index.ts'), migrationIndexSource(migrationFiles()));
    console.log(`Wrote migrations/${fileName} and re-listed migrations/index.ts. Read its SQL before committing.`);
  } finally {
    await orm.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
