import { Check, Collection, Entity, Enum, Index, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { Customer } from '../auth/customer.entity';
import { Variant } from '../catalog/variant.entity';
import { BaseEntity } from '../db/base.entity';

export enum CartStatus {
  OPEN = 'OPEN',
  /** Turned into an order. */
  CHECKED_OUT = 'CHECKED_OUT',
  /** A guest cart whose lines moved into the customer's cart at sign-in. */
  MERGED = 'MERGED',
}

/**
 * A shopper's basket. A guest addresses it by its unguessable id; a signed-in customer has
 * at most one OPEN cart, which the partial unique index enforces.
 */
@Entity()
@Index({
  name: 'cart_one_open_per_customer',
  expression: `create unique index "cart_one_open_per_customer" on "cart" ("customer_id") where "status" = 'OPEN'`,
})
export class Cart extends BaseEntity<'status'> {
  @ManyToOne({ entity: () => Customer, nullable: true, deleteRule: 'set null' })
  customer?: Customer | null;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Enum({ items: () => CartStatus, type: 'text', default: CartStatus.OPEN })
  status: CartStatus = CartStatus.OPEN;

  @OneToMany({ entity: () => CartLine, mappedBy: 'cart', orderBy: { position: 'asc', id: 'asc' } })
  lines = new Collection<CartLine>(this);
}

/** A variant in a cart. Lines with the same variant but different customization stay apart. */
@Entity()
@Check({ name: 'cart_line_quantity_positive', expression: 'quantity > 0' })
export class CartLine extends BaseEntity<'customization' | 'position'> {
  @ManyToOne({ entity: () => Cart, deleteRule: 'cascade' })
  @Index()
  cart!: Cart;

  /** The line's place in the cart: lines are listed in the order they were added. */
  @Property({ type: 'integer', default: 0 })
  position: number = 0;

  @ManyToOne({ entity: () => Variant, deleteRule: 'cascade' })
  variant!: Variant;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'json', nullable: true })
  customization?: Record<string, unknown> | null = null;
}
