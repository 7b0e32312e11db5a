import { Migration } from '@mikro-orm/migrations';

export class Migration20261122100659 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "category" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "slug" text not null, constraint "category_pkey" primary key ("id"));`);
    this.addSql(`alter table "category" add constraint "category_slug_unique" unique ("slug");`);

    this.addSql(`create table "customer" ("id" text not null, "email" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "customer_pkey" primary key ("id"));`);

    this.addSql(`create table "product" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "slug" text not null, "description" text null, "image_urls" text[] not null default '{}', "status" text check ("status" in ('DRAFT', 'ACTIVE', 'ARCHIVED')) not null default 'DRAFT', constraint "product_pkey" primary key ("id"));`);
    this.addSql(`alter table "product" add constraint "product_slug_unique" unique ("slug");`);
    this.addSql(`create index "product_status_index" on "product" ("status");`);
    this.addSql(`create index "product_created_at_id_index" on "product" ("created_at", "id");`);
    this.addSql(`create index "product_name_id_index" on "product" ("name", "id");`);

    this.addSql(`create table "product_category" ("product_id" uuid not null, "category_id" uuid not null, constraint "product_category_pkey" primary key ("product_id", "category_id"));`);

    this.addSql(`create table "shipping_method" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "active" boolean not null default true, constraint "shipping_method_pkey" primary key ("id"));`);

    this.addSql(`create table "shipping_rate" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "method_id" uuid not null, "country" char(2) not null, "region" text null, "currency" char(3) not null, "amount_minor" int not null, constraint "shipping_rate_pkey" primary key ("id"), constraint shipping_rate_amount_not_negative check (amount_minor >= 0));`);
    this.addSql(`create index "shipping_rate_country_currency_index" on "shipping_rate" ("country", "currency");`);

    this.addSql(`create table "variant" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "product_id" uuid not null, "sku" text not null, "options" jsonb not null, "position" int not null default 0, "stock_on_hand" int not null default 0, "stock_reserved" int not null default 0, constraint "variant_pkey" primary key ("id"), constraint variant_stock_reserved_within_on_hand check (stock_reserved <= stock_on_hand), constraint variant_stock_reserved_not_negative check (stock_reserved >= 0), constraint variant_stock_on_hand_not_negative check (stock_on_hand >= 0));`);
    this.addSql(`create index "variant_product_id_index" on "variant" ("product_id");`);
    this.addSql(`alter table "variant" add constraint "variant_sku_unique" unique ("sku");`);

    this.addSql(`create table "variant_price" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "variant_id" uuid not null, "currency" char(3) not null, "amount_minor" int not null, constraint "variant_price_pkey" primary key ("id"), constraint variant_price_amount_not_negative check (amount_minor >= 0));`);
    this.addSql(`alter table "variant_price" add constraint "variant_price_variant_id_currency_unique" unique ("variant_id", "currency");`);

    this.addSql(`alter table "product_category" add constraint "product_category_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "product_category" add constraint "product_category_category_id_foreign" foreign key ("category_id") references "category" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "shipping_rate" add constraint "shipping_rate_method_id_foreign" foreign key ("method_id") references "shipping_method" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "variant" add constraint "variant_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "variant_price" add constraint "variant_price_variant_id_foreign" foreign key ("variant_id") references "variant" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "product_category" drop constraint "product_category_category_id_foreign";`);

    this.addSql(`alter table "product_category" drop constraint "product_category_product_id_foreign";`);

    this.addSql(`alter table "variant" drop constraint "variant_product_id_foreign";`);

    this.addSql(`alter table "shipping_rate" drop constraint "shipping_rate_method_id_foreign";`);

    this.addSql(`alter table "variant_price" drop constraint "variant_price_variant_id_foreign";`);

    this.addSql(`drop table if exists "category" cascade;`);

    this.addSql(`drop table if exists "customer" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop table if exists "product_category" cascade;`);

    this.addSql(`drop table if exists "shipping_method" cascade;`);

    this.addSql(`drop table if exists "shipping_rate" cascade;`);

    this.addSql(`drop table if exists "variant" cascade;`);

    this.addSql(`drop table if exists "variant_price" cascade;`);
  }

}
