import { Check, Collection, Entity, Index, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';

/** A way of delivering an order (Standard, Express), priced per zone and currency by its rates. */
@Entity()
export class ShippingMethod extends BaseEntity<'active'> {
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @OneToMany({ entity: () => ShippingRate, mappedBy: 'method' })
  rates = new Collection<ShippingRate>(this);
}

/**
 * What a method costs for one zone in one currency. A rate with a region (a state or
 * province) is more specific than the country-wide rate (region null) and wins over it.
 */
@Entity()
@Index({ properties: ['country', 'currency'] })
@Check({ name: 'shipping_rate_amount_not_negative', expression: 'amount_minor >= 0' })
export class ShippingRate extends BaseEntity {
  @ManyToOne({ entity: () => ShippingMethod, deleteRule: 'cascade' })
  method!: ShippingMethod;

  @Property({ type: 'character', length: 2 })
  country!: string;

  @Property({ type: 'text', nullable: true })
  region?: string | null;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  amountMinor!: number;
}
