import { Check, Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';
import type { Variant } from './variant.entity';

/** The price of one variant in one currency, in that currency's minor units. */
@Entity()
@Unique({ properties: ['variant', 'currency'] })
@Check({ name: 'variant_price_amount_not_negative', expression: 'amount_minor >= 0' })
export class VariantPrice extends BaseEntity {
  @ManyToOne({ entity: 'Variant', deleteRule: 'cascade' })
  variant!: Variant;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  amountMinor!: number;
}
