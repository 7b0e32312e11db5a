import { Collection, Entity, Enum, Index, ManyToMany, OneToMany, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';
import { Category } from './category.entity';
import { ProductCategory } from './product-category.entity';
import { Variant } from './variant.entity';

export enum ProductStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
}

@Entity()
// Keyset pagination sorts on (name, id) and (created_at, id).
@Index({ properties: ['name', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
// The search filter is a case-insensitive substring match on name and description, read from
// one lowercased column through a pg_trgm trigram index (the extension comes with the migration
// Migration20261202115328): one LIKE per row instead of two ILIKEs was 3.5x cheaper per row.
@Index({
  name: 'product_search_text_trgm_index',
  expression: 'create index "product_search_text_trgm_index" on "product" using gin ("search_text" gin_trgm_ops)',
})
export class Product extends BaseEntity<'imageUrls' | 'status'> {
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  @Unique()
  slug!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'text[]', default: '{}' })
  imageUrls: string[] = [];

  /** Name and description joined by " | " and lowercased, for the search filter; PostgreSQL computes it. */
  @Property({ type: 'text', generated: "(lower((name || ' | '::text) || COALESCE(description, ''::text))) stored", lazy: true, hidden: true })
  searchText?: string;

  @Enum({ items: () => ProductStatus, type: 'text', default: ProductStatus.DRAFT })
  @Index()
  status: ProductStatus = ProductStatus.DRAFT;

  @ManyToMany({ entity: () => Category, pivotEntity: () => ProductCategory, owner: true })
  categories = new Collection<Category>(this);

  @OneToMany({ entity: () => Variant, mappedBy: 'product', orderBy: { position: 'asc' } })
  variants = new Collection<Variant>(this);
}
