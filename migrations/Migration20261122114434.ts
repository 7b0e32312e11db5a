import { Migration } from '@mikro-orm/migrations';

export class Migration20261122114434 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "cart_line" add column "position" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "cart_line" drop column "position";`);
  }

}
