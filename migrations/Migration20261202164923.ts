import { Migration } from '@mikro-orm/migrations';

export class Migration20261202164923 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "product_category_category_id_product_id_index" on "product_category" ("category_id", "product_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "product_category_category_id_product_id_index";`);
  }

}
