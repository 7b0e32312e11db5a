import { Migration } from '@mikro-orm/migrations';

export class Migration20261122112217 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "order_line" add column "position" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "order_line" drop column "position";`);
  }

}
