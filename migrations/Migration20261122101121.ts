import { Migration } from '@mikro-orm/migrations';

export class Migration20261122101121 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "cart" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" text null, "currency" char(3) not null, "status" text check ("status" in ('OPEN', 'CHECKED_OUT', 'MERGED')) not null default 'OPEN', constraint "cart_pkey" primary key ("id"));`);
    this.addSql(`create unique index "cart_one_open_per_customer" on "cart" ("customer_id") where "status" = 'OPEN';`);

    this.addSql(`create table "orders" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_number" text not null, "customer_id" text null, "status" text check ("status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED')) not null, "currency" char(3) not null, "payment_method" text check ("payment_method" in ('CARD', 'HOSTED_CHECKOUT', 'MANUAL_TRANSFER', 'CASH_ON_DELIVERY')) not null, "buyer" jsonb not null, "buyer_email" text not null, "shipping_address" jsonb not null, "shipping_method_id" uuid null, "shipping_method_name" text not null, "subtotal_minor" int not null, "shipping_minor" int not null, "discount_minor" int not null default 0, "total_minor" int not null, "notes" text null, "expires_at" timestamptz null, "cart_id" uuid null, "idempotency_scope" text null, "idempotency_key" text null, "request_hash" text null, constraint "orders_pkey" primary key ("id"), constraint orders_total_adds_up check (total_minor = subtotal_minor + shipping_minor - discount_minor), constraint orders_total_positive check (total_minor > 0), constraint orders_amounts_not_negative check (subtotal_minor >= 0 and shipping_minor >= 0 and discount_minor >= 0));`);
    this.addSql(`alter table "orders" add constraint "orders_order_number_unique" unique ("order_number");`);
    this.addSql(`create index "orders_status_index" on "orders" ("status");`);
    this.addSql(`create index "orders_buyer_email_index" on "orders" ("buyer_email");`);
    this.addSql(`create index "orders_expires_at_index" on "orders" ("expires_at");`);
    this.addSql(`create index "orders_created_at_id_index" on "orders" ("created_at", "id");`);
    this.addSql(`create index "orders_customer_id_created_at_index" on "orders" ("customer_id", "created_at");`);
    this.addSql(`alter table "orders" add constraint "orders_idempotency_unique" unique ("idempotency_scope", "idempotency_key");`);

    this.addSql(`create table "order_line" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" uuid not null, "product_id" uuid not null, "variant_id" uuid not null, "product_name" text not null, "sku" text not null, "options" jsonb not null, "unit_price_minor" int not null, "quantity" int not null, "line_total_minor" int not null, "customization" jsonb null, constraint "order_line_pkey" primary key ("id"), constraint order_line_price_not_negative check (unit_price_minor >= 0), constraint order_line_quantity_positive check (quantity > 0));`);
    this.addSql(`create index "order_line_order_id_index" on "order_line" ("order_id");`);

    this.addSql(`create table "order_status_change" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" uuid not null, "from_status" text check ("from_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED')) null, "to_status" text check ("to_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED')) not null, "actor" text not null, "reason" text null, constraint "order_status_change_pkey" primary key ("id"));`);
    this.addSql(`create index "order_status_change_order_id_index" on "order_status_change" ("order_id");`);

    this.addSql(`create table "payment" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" uuid not null, "method" text check ("method" in ('CARD', 'HOSTED_CHECKOUT', 'MANUAL_TRANSFER', 'CASH_ON_DELIVERY')) not null, "provider" text null, "status" text check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'REFUNDED')) not null default 'PENDING', "amount_minor" int not null, "currency" char(3) not null, "provider_reference" text null, "reference" text null, "confirmed_by" text null, "confirmed_at" timestamptz null, constraint "payment_pkey" primary key ("id"), constraint payment_amount_positive check (amount_minor > 0));`);
    this.addSql(`create index "payment_order_id_index" on "payment" ("order_id");`);
    this.addSql(`create index "payment_provider_reference_index" on "payment" ("provider_reference");`);

    this.addSql(`create table "cart_line" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "cart_id" uuid not null, "variant_id" uuid not null, "quantity" int not null, "customization" jsonb null, constraint "cart_line_pkey" primary key ("id"), constraint cart_line_quantity_positive check (quantity > 0));`);
    this.addSql(`create index "cart_line_cart_id_index" on "cart_line" ("cart_id");`);

    this.addSql(`alter table "cart" add constraint "cart_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "orders" add constraint "orders_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "order_line" add constraint "order_line_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "order_status_change" add constraint "order_status_change_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "payment" add constraint "payment_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "cart_line" add constraint "cart_line_cart_id_foreign" foreign key ("cart_id") references "cart" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "cart_line" add constraint "cart_line_variant_id_foreign" foreign key ("variant_id") references "variant" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "cart_line" drop constraint "cart_line_cart_id_foreign";`);

    this.addSql(`alter table "order_line" drop constraint "order_line_order_id_foreign";`);

    this.addSql(`alter table "order_status_change" drop constraint "order_status_change_order_id_foreign";`);

    this.addSql(`alter table "payment" drop constraint "payment_order_id_foreign";`);

    this.addSql(`drop table if exists "cart" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_line" cascade;`);

    this.addSql(`drop table if exists "order_status_change" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "cart_line" cascade;`);
  }

}
