import { Check, Collection, Entity, Index, ManyToOne, OneToMany, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';
import type { Product } from './product.entity';
import { VariantPrice } from './variant-price.entity';

export interface OptionValue {
  name: string;
  value: string;
}

/**
 * A purchasable version of a product (size M, colour red). Stock lives on the variant row:
 * on hand is what is in the warehouse, reserved is what unpaid orders hold. The database
 * refuses negative stock or reserving more than is on hand, whatever the code does.
 */
@Entity()
@Check({ name: 'variant_stock_on_hand_not_negative', expression: 'stock_on_hand >= 0' })
@Check({ name: 'variant_stock_reserved_not_negative', expression: 'stock_reserved >= 0' })
@Check({ name: 'variant_stock_reserved_within_on_hand', expression: 'stock_reserved <= stock_on_hand' })
export class Variant extends BaseEntity<'options' | 'position' | 'stockOnHand' | 'stockReserved'> {
  @ManyToOne({ entity: 'Product', deleteRule: 'cascade' })
  @Index()
  product!: Product;

  @Property({ type: 'text' })
  @Unique()
  sku!: string;

  @Property({ type: 'json' })
  options: OptionValue[] = [];

  /** Display order within the product. */
  @Property({ type: 'integer', default: 0 })
  position: number = 0;

  @Property({ type: 'integer', default: 0 })
  stockOnHand: number = 0;

  @Property({ type: 'integer', default: 0 })
  stockReserved: number = 0;

  @OneToMany({ entity: () => VariantPrice, mappedBy: 'variant' })
  prices = new Collection<VariantPrice>(this);
}
