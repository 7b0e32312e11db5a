import { Migration } from '@mikro-orm/migrations';

/**
 * Every statement that changes what an anonymous catalog read can answer (products, variants
 * and their stock, prices, categories, shipping rates) notifies `catalog_changed`, so that
 * each server process drops its catalog cache (src/http/catalog-cache.ts). In the database
 * rather than in services, so that nothing is missed: hand-written SQL, stock.ts, checkout's
 * one statement and the migrations all fire it. Statement level: one notification per
 * statement whatever the rows (PostgreSQL also folds identical ones within a transaction),
 * so a checkout pays one, not one per line.
 */
const TABLES = ['product', 'variant', 'variant_price', 'category', 'product_category', 'shipping_method', 'shipping_rate'];

export class Migration20261202124500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`
      create function notify_catalog_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('catalog_changed', tg_table_name);
        return null;
      end $$;`);
    for (const table of TABLES) {
      this.addSql(`create trigger catalog_changed after insert or update or delete or truncate on "${table}"
        for each statement execute function notify_catalog_changed();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of TABLES) this.addSql(`drop trigger if exists catalog_changed on "${table}";`);
    this.addSql(`drop function if exists notify_catalog_changed();`);
  }

}
