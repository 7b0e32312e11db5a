// Entry point for the MikroORM CLI (`npm run migration:create`), which diffs the entities
// against a database. It reads DATABASE_URL like the server does; default: a local Postgres.
import { ormConfig } from './orm-config';

export default ormConfig({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/commerce_dev',
});
