import { Migration } from '@mikro-orm/migrations';

export class Migration20261202115155 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "failed_job" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "queue_job_id" bigint not null, "task" text not null, "order_id" uuid null, "payload" jsonb not null, "attempts" int not null, "last_error" text not null, constraint "failed_job_pkey" primary key ("id"));`);
    this.addSql(`create index "failed_job_order_id_index" on "failed_job" ("order_id");`);
    this.addSql(`alter table "failed_job" add constraint "failed_job_queue_job_id_unique" unique ("queue_job_id");`);

    // Stripe's events become the first provider's: the table keeps its rows under provider 'stripe'.
    this.addSql(`alter table "stripe_event" rename to "provider_event";`);
    this.addSql(`alter table "provider_event" add column "provider" text not null default 'stripe';`);
    this.addSql(`alter table "provider_event" alter column "provider" drop default;`);
    this.addSql(`alter table "provider_event" drop constraint "stripe_event_pkey";`);
    this.addSql(`alter table "provider_event" add constraint "provider_event_pkey" primary key ("provider", "id");`);

    this.addSql(`create table "refund" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "order_id" uuid not null, "payment_id" uuid not null, "amount_minor" int not null, "currency" char(3) not null, "status" text check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')) not null default 'PENDING', "reason" text null, "actor" text not null, "provider_reference" text null, "last_error" text null, constraint "refund_pkey" primary key ("id"), constraint refund_amount_positive check (amount_minor > 0));`);
    this.addSql(`create index "refund_order_id_index" on "refund" ("order_id");`);
    this.addSql(`create index "refund_provider_reference_index" on "refund" ("provider_reference");`);

    this.addSql(`alter table "refund" add constraint "refund_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "refund" add constraint "refund_payment_id_foreign" foreign key ("payment_id") references "payment" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "orders" drop constraint if exists "orders_status_check";`);

    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_from_status_check";`);
    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_to_status_check";`);

    this.addSql(`alter table "payment" drop constraint if exists "payment_status_check";`);

    this.addSql(`alter table "orders" add constraint "orders_status_check" check("status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);

    this.addSql(`alter table "order_status_change" add constraint "order_status_change_from_status_check" check("from_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);
    this.addSql(`alter table "order_status_change" add constraint "order_status_change_to_status_check" check("to_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);

    this.addSql(`alter table "payment" add column "last_error_code" text null, add column "last_error_message" text null;`);
    this.addSql(`alter table "payment" add constraint "payment_status_check" check("status" in ('PENDING', 'DECLINED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'REFUNDED'));`);
    this.addSql(`create index "payment_unstarted_index" on "payment" ("created_at") where "provider_reference" is null and "status" = 'PENDING';`);

    // Emails claimed by the old dispatcher loop go back to the outbox for the dispatch job.
    this.addSql(`update "notification" set "status" = 'PENDING' where "status" = 'SENDING';`);
    // Late payments the old code left waiting for staff are refunded by the job queue (whose
    // schema the server migrates first; a database migrated without it keeps them as they are).
    this.addSql(`do $$
      begin
        if exists (select 1 from pg_namespace where nspname = 'graphile_worker') then
          insert into "refund" ("id", "order_id", "payment_id", "amount_minor", "currency", "actor", "reason")
          select gen_random_uuid(), p."order_id", p."id", p."amount_minor", p."currency", 'system', 'Paid after the order lapsed; refunding the payment'
            from "payment" p join "orders" o on o."id" = p."order_id"
           where o."status" = 'PAYMENT_RECEIVED_LATE' and p."status" = 'SUCCEEDED';
          perform graphile_worker.add_job('refund_payment', json_build_object('refundId', r."id", 'orderId', r."order_id"), max_attempts => 20)
             from "refund" r join "orders" o on o."id" = r."order_id"
            where o."status" = 'PAYMENT_RECEIVED_LATE' and r."status" = 'PENDING';
        end if;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "payment_unstarted_index";`);
    this.addSql(`delete from "provider_event" where "provider" <> 'stripe';`);
    this.addSql(`alter table "provider_event" drop constraint "provider_event_pkey";`);
    this.addSql(`alter table "provider_event" drop column "provider";`);
    this.addSql(`alter table "provider_event" rename to "stripe_event";`);
    this.addSql(`alter table "stripe_event" add constraint "stripe_event_pkey" primary key ("id");`);

    this.addSql(`drop table if exists "failed_job" cascade;`);

    this.addSql(`drop table if exists "refund" cascade;`);

    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_from_status_check";`);
    this.addSql(`alter table "order_status_change" drop constraint if exists "order_status_change_to_status_check";`);

    this.addSql(`alter table "orders" drop constraint if exists "orders_status_check";`);

    this.addSql(`alter table "payment" drop constraint if exists "payment_status_check";`);

    this.addSql(`alter table "order_status_change" add constraint "order_status_change_from_status_check" check("from_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);
    this.addSql(`alter table "order_status_change" add constraint "order_status_change_to_status_check" check("to_status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);

    this.addSql(`alter table "orders" add constraint "orders_status_check" check("status" in ('PENDING_PAYMENT', 'PAYMENT_ON_DELIVERY', 'PAID', 'PAYMENT_FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED', 'PAYMENT_RECEIVED_LATE'));`);

    this.addSql(`alter table "payment" drop column "last_error_code", drop column "last_error_message";`);

    this.addSql(`alter table "payment" add constraint "payment_status_check" check("status" in ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'REFUNDED'));`);
  }

}
