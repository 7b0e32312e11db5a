import { Migration } from '@mikro-orm/migrations';

export class Migration20261122115111 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "notification" alter column "subject" type text using ("subject"::text);`);
    this.addSql(`alter table "notification" alter column "subject" drop not null;`);
    this.addSql(`alter table "notification" alter column "text" type text using ("text"::text);`);
    this.addSql(`alter table "notification" alter column "text" drop not null;`);
    this.addSql(`alter table "notification" alter column "html" type text using ("html"::text);`);
    this.addSql(`alter table "notification" alter column "html" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "notification" alter column "subject" type text using ("subject"::text);`);
    this.addSql(`alter table "notification" alter column "subject" set not null;`);
    this.addSql(`alter table "notification" alter column "text" type text using ("text"::text);`);
    this.addSql(`alter table "notification" alter column "text" set not null;`);
    this.addSql(`alter table "notification" alter column "html" type text using ("html"::text);`);
    this.addSql(`alter table "notification" alter column "html" set not null;`);
  }

}
