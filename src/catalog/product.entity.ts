import { Collection, Entity, Enum, Index, ManyToMany, OneToMany, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';
import { Category } from './category.entity';
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

  @Enum({ items: () => ProductStatus, type: 'text', default: ProductStatus.DRAFT })
  @Index()
  status: ProductStatus = ProductStatus.DRAFT;

  @ManyToMany({ entity: () => Category, pivotTable: 'product_category', owner: true })
  categories = new Collection<Category>(this);

  @OneToMany({ entity: () => Variant, mappedBy: 'product', orderBy: { position: 'asc' } })
  variants = new Collection<Variant>(this);
}
