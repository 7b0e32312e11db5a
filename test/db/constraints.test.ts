import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrationFiles, migrationIndexSource, MIGRATIONS_DIR } from '../../src/db/index-migrations';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';

const app = useTestApp();

const sql = (query: string, params: unknown[] = []) => app.server.orm.em.getConnection().execute(query, params);

describe('the database itself refuses impossible stock and prices', () => {
  it.each([
    ['negative stock on hand', 'update variant set stock_on_hand = -1 where id = ?', /variant_stock_on_hand_not_negative/],
    ['negative reserved stock', 'update variant set stock_reserved = -1 where id = ?', /variant_stock_reserved_not_negative/],
    ['more reserved than on hand', 'update variant set stock_reserved = stock_on_hand + 1 where id = ?', /variant_stock_reserved_within_on_hand/],
    ['a negative price', 'update variant_price set amount_minor = -1 where variant_id = ?', /variant_price_amount_not_negative/],
  ])('a CHECK constraint refuses %s', async (_, statement, constraint) => {
    const product = await createProduct(app);
    await expect(sql(statement, [product.variants[0].id])).rejects.toThrow(constraint);
  });

  it('refuses a second price for the same variant and currency', async () => {
    const product = await createProduct(app);
    await expect(
      sql("insert into variant_price (id, created_at, updated_at, variant_id, currency, amount_minor) values (gen_random_uuid(), now(), now(), ?, 'USD', 5)", [
        product.variants[0].id,
      ]),
    ).rejects.toThrow(/variant_price_variant_id_currency_unique/);
  });

  it('has committed migrations that match the entities', async () => {
    expect(await app.server.orm.getMigrator().checkMigrationNeeded()).toBe(false);
  });
});

describe('migrations', () => {
  it('migrations/index.ts lists every migration file (run `npm run migration:create`)', async () => {
    expect(readFileSync(`${MIGRATIONS_DIR}/index.ts`, 'utf8')).toBe(migrationIndexSource(migrationFiles()));
  });
});
