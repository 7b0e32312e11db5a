import { Migration } from '@mikro-orm/migrations';

export class Migration20261122102655 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "stripe_event" ("id" text not null, "type" text not null, "order_id" uuid null, "outcome" text not null, "received_at" timestamptz not null default now(), constraint "stripe_event_pkey" primary key ("id"));`);

    this.addSql(`alter table "orders" drop constraint if exists "orders_status_check";`);

    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_from_status_check";`);
    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_to_status_check";`);

    this.addSql(`alter table "orders" add constraint "orders_status_check" check("status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);

    this.addSql(`alter table "order_status_change" add constraint "order_status_change_from_status_check" check("from_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);
    this.addSql(`alter table "order_status_change" add constraint "order_status_change_to_status_check" check("to_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "stripe_event" cascade;`);

    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_from_status_check";`);
    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_to_status_check";`);

    this.addSql(`alter table "orders" drop constraint if exists "orders_status_check";`);

    this.addSql(`alter table "order_status_change" add constraint "order_status_change_from_status_check" check("from_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED'));`);
    this.addSql(`alter table "order_status_change" add constraint "order_status_change_to_status_check" check("to_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED'));`);

    this.addSql(`alter table "orders" add constraint "orders_status_check" check("status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED'));`);
  }

}
