import { Entity, Index, ManyToOne } from '@mikro-orm/core';
import type { Category } from './category.entity';
// Types only: product.entity.ts imports this file, and a value import back would be a cycle.
import type { Product } from './product.entity';

/**
 * Which categories a product is in (the pivot of Product.categories). The second index serves
 * a category's page: it lists the category's products without reading the whole table.
 */
@Entity({ tableName: 'product_category' })
@Index({ properties: ['category', 'product'] })
export class ProductCategory {
  @ManyToOne({ entity: 'Product', primary: true, deleteRule: 'cascade', updateRule: 'cascade' })
  product!: Product;

  @ManyToOne({ entity: 'Category', primary: true, deleteRule: 'cascade', updateRule: 'cascade' })
  category!: Category;
}
