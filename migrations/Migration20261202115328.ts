import { Migration } from '@mikro-orm/migrations';

/**
 * Catalog pages that cost the same at any catalog size: a maintained price sort key
 * (product_price_key, kept by triggers) and trigram indexes behind the search filter.
 */
export class Migration20261202115328 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`create table "catalog_currency" ("code" char(3) not null, constraint "catalog_currency_pkey" primary key ("code"));`);

    this.addSql(`create table "product_price_key" ("product_id" uuid not null, "currency" char(3) not null, "min_amount_minor" int null, constraint "product_price_key_pkey" primary key ("product_id", "currency"));`);
    this.addSql(`create index "product_price_key_desc_index" on "product_price_key" ("currency", (coalesce("min_amount_minor", -1)), "product_id");`);
    this.addSql(`create index "product_price_key_asc_index" on "product_price_key" ("currency", (coalesce("min_amount_minor", 9007199254740991)), "product_id");`);

    this.addSql(`alter table "product_price_key" add constraint "product_price_key_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "product" add column "search_text" text generated always as (lower((name || ' | '::text) || COALESCE(description, ''::text))) stored not null;`);
    this.addSql(`create index "product_search_text_trgm_index" on "product" using gin ("search_text" gin_trgm_ops);`);

    // The keys of the products already there.
    this.addSql(`insert into catalog_currency (code) select distinct currency from variant_price;`);
    this.addSql(`
      insert into product_price_key (product_id, currency, min_amount_minor)
      select p.id, c.code, m.min_amount_minor
        from product p
       cross join catalog_currency c
        left join (select v.product_id, vp.currency, min(vp.amount_minor) as min_amount_minor
                     from variant v join variant_price vp on vp.variant_id = v.id
                    group by v.product_id, vp.currency) m
               on m.product_id = p.id and m.currency = c.code;`);

    // Recomputes every key of the given products. The rows are locked first and the minimum read
    // by a later statement, which in READ COMMITTED sees what a concurrent transaction that held
    // the lock committed: two transactions changing one product's prices cannot leave a key that
    // misses the other's change. Locks are taken in key order, so they cannot deadlock each other.
    this.addSql(`
      create function refresh_product_price_keys(product_ids uuid[]) returns void language plpgsql as $$
      begin
        perform 1 from product_price_key where product_id = any(product_ids)
          order by product_id, currency for update;
        update product_price_key k
           set min_amount_minor = m.min_amount_minor
          from (select k2.product_id, k2.currency,
                       (select min(vp.amount_minor) from variant v join variant_price vp on vp.variant_id = v.id
                         where v.product_id = k2.product_id and vp.currency = k2.currency) as min_amount_minor
                  from product_price_key k2 where k2.product_id = any(product_ids)) m
         where k.product_id = m.product_id and k.currency = m.currency
           and k.min_amount_minor is distinct from m.min_amount_minor;
      end $$;`);

    // A currency priced for the first time gets a key row for every product. Inserting products
    // and adding a currency take the same transaction-scoped advisory lock, so either the new
    // products are committed before the currency's rows are made (and get one), or their trigger
    // runs after the currency is committed (and sees it). An exclusive lock on both sides, not a
    // shared one for products: two transactions each holding a shared lock and then adding a
    // currency would deadlock (they did, in the benchmark's concurrent seeding). Product
    // creation is a staff action; serialising it costs little.
    this.addSql(`
      create function add_catalog_currencies(currencies text[]) returns void language plpgsql as $$
      begin
        if exists (select 1 from unnest(currencies) c(code)
                    where not exists (select 1 from catalog_currency cc where cc.code = c.code)) then
          perform pg_advisory_xact_lock(72616102);
          with added as (
            insert into catalog_currency (code) select distinct code from unnest(currencies) c(code)
            on conflict do nothing returning code
          )
          insert into product_price_key (product_id, currency)
          select p.id, a.code from product p cross join added a
          on conflict do nothing;
        end if;
      end $$;`);

    this.addSql(`
      create function product_price_key_after_product_insert() returns trigger language plpgsql as $$
      begin
        perform pg_advisory_xact_lock(72616102);
        insert into product_price_key (product_id, currency)
        select n.id, c.code from new_rows n cross join catalog_currency c
        on conflict do nothing;
        return null;
      end $$;`);
    this.addSql(`create trigger product_price_key_product_insert after insert on product
      referencing new table as new_rows for each statement execute function product_price_key_after_product_insert();`);

    this.addSql(`
      create function product_price_key_after_price_change() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform add_catalog_currencies(array(select distinct currency::text from new_rows));
          perform refresh_product_price_keys(array(
            select distinct v.product_id from new_rows n join variant v on v.id = n.variant_id));
        elsif tg_op = 'UPDATE' then
          perform add_catalog_currencies(array(select distinct currency::text from new_rows));
          perform refresh_product_price_keys(array(
            select v.product_id from new_rows n join variant v on v.id = n.variant_id
            union select v.product_id from old_rows o join variant v on v.id = o.variant_id));
        else
          -- Prices deleted with their variant are handled by the variant's trigger: the variant is gone here.
          perform refresh_product_price_keys(array(
            select distinct v.product_id from old_rows o join variant v on v.id = o.variant_id));
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger product_price_key_price_insert after insert on variant_price
      referencing new table as new_rows for each statement execute function product_price_key_after_price_change();`);
    this.addSql(`create trigger product_price_key_price_update after update on variant_price
      referencing old table as old_rows new table as new_rows for each statement execute function product_price_key_after_price_change();`);
    this.addSql(`create trigger product_price_key_price_delete after delete on variant_price
      referencing old table as old_rows for each statement execute function product_price_key_after_price_change();`);

    this.addSql(`
      create function product_price_key_after_variant_delete() returns trigger language plpgsql as $$
      begin
        perform refresh_product_price_keys(array(select distinct product_id from old_rows));
        return null;
      end $$;`);
    this.addSql(`create trigger product_price_key_variant_delete after delete on variant
      referencing old table as old_rows for each statement execute function product_price_key_after_variant_delete();`);
    // Row level with a column list: checkout's stock updates on variant never fire it.
    this.addSql(`
      create function product_price_key_after_variant_move() returns trigger language plpgsql as $$
      begin
        perform refresh_product_price_keys(array[old.product_id, new.product_id]);
        return null;
      end $$;`);
    this.addSql(`create trigger product_price_key_variant_move after update of product_id on variant
      for each row when (old.product_id is distinct from new.product_id) execute function product_price_key_after_variant_move();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists product_price_key_variant_move on variant;`);
    this.addSql(`drop trigger if exists product_price_key_variant_delete on variant;`);
    this.addSql(`drop trigger if exists product_price_key_price_delete on variant_price;`);
    this.addSql(`drop trigger if exists product_price_key_price_update on variant_price;`);
    this.addSql(`drop trigger if exists product_price_key_price_insert on variant_price;`);
    this.addSql(`drop trigger if exists product_price_key_product_insert on product;`);
    this.addSql(`drop function if exists product_price_key_after_variant_move();`);
    this.addSql(`drop function if exists product_price_key_after_variant_delete();`);
    this.addSql(`drop function if exists product_price_key_after_price_change();`);
    this.addSql(`drop function if exists product_price_key_after_product_insert();`);
    this.addSql(`drop function if exists add_catalog_currencies(text[]);`);
    this.addSql(`drop function if exists refresh_product_price_keys(uuid[]);`);

    this.addSql(`drop table if exists "catalog_currency" cascade;`);

    this.addSql(`drop table if exists "product_price_key" cascade;`);

    this.addSql(`drop index "product_search_text_trgm_index";`);
    this.addSql(`alter table "product" drop column "search_text";`);
  }

}
