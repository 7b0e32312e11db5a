import { Check, Collection, Entity, Enum, Index, ManyToOne, OneToMany, Property, Unique } from '@mikro-orm/core';
import { Customer } from '../auth/customer.entity';
import type { OptionValue } from '../catalog/variant.entity';
import { BaseEntity } from '../db/base.entity';
import { Payment, PaymentMethod } from '../payments/payment.entity';

export enum OrderStatus {
  /** Placed and holding stock, waiting for a card, hosted or manual payment. Expires. */
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  /** Placed for cash on delivery: holds stock, does not expire, staff mark it paid on delivery. */
  PAYMENT_ON_DELIVERY = 'PAYMENT_ON_DELIVERY',
  PAID = 'PAID',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  CANCELED = 'CANCELED',
  EXPIRED = 'EXPIRED',
  REFUNDED = 'REFUNDED',
  /** Paid, and part of the money has gone back. */
  PARTIALLY_REFUNDED = 'PARTIALLY_REFUNDED',
  /**
   * A payment succeeded after the order was canceled, or expired with its stock gone. Transient:
   * the money is on its way back through the provider (a refund job), and the order moves to
   * REFUNDED when the provider confirms.
   */
  PAYMENT_RECEIVED_LATE = 'PAYMENT_RECEIVED_LATE',
}

export interface BuyerSnapshot {
  name: string;
  email: string;
  phone: string | null;
}

export interface AddressSnapshot {
  name: string;
  phone: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  reference: string | null;
}

/**
 * An order and its money, in minor units of one currency. Buyer, address and lines are
 * snapshots: later edits to the catalog or an address book never change a placed order.
 */
@Entity({ tableName: 'orders' })
@Unique({ name: 'orders_idempotency_unique', properties: ['idempotencyScope', 'idempotencyKey'] })
@Index({ properties: ['customer', 'createdAt'] })
@Index({ properties: ['createdAt', 'id'] })
@Check({ name: 'orders_amounts_not_negative', expression: 'subtotal_minor >= 0 and shipping_minor >= 0 and discount_minor >= 0' })
@Check({ name: 'orders_total_positive', expression: 'total_minor > 0' })
@Check({ name: 'orders_total_adds_up', expression: 'total_minor = subtotal_minor + shipping_minor - discount_minor' })
export class Order extends BaseEntity<'discountMinor' | 'notes' | 'expiresAt'> {
  @Property({ type: 'text' })
  @Unique()
  orderNumber!: string;

  @ManyToOne({ entity: () => Customer, nullable: true, deleteRule: 'set null' })
  customer?: Customer | null;

  @Enum({ items: () => OrderStatus, type: 'text' })
  @Index()
  status!: OrderStatus;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Enum({ items: () => PaymentMethod, type: 'text' })
  paymentMethod!: PaymentMethod;

  @Property({ type: 'json' })
  buyer!: BuyerSnapshot;

  /** Lower-cased buyer email, for staff search. */
  @Property({ type: 'text' })
  @Index()
  buyerEmail!: string;

  @Property({ type: 'json' })
  shippingAddress!: AddressSnapshot;

  @Property({ type: 'uuid', nullable: true })
  shippingMethodId?: string | null;

  @Property({ type: 'text' })
  shippingMethodName!: string;

  @Property({ type: 'integer' })
  subtotalMinor!: number;

  @Property({ type: 'integer' })
  shippingMinor!: number;

  @Property({ type: 'integer', default: 0 })
  discountMinor: number = 0;

  @Property({ type: 'integer' })
  totalMinor!: number;

  @Property({ type: 'text', nullable: true })
  notes?: string | null = null;

  /** When an unpaid order gives its stock back; null for cash on delivery and settled orders. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Index()
  expiresAt?: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  cartId?: string | null;

  /** Whose key: `customer:<id>`, `cart:<id>` or `guest:<email>`. */
  @Property({ type: 'text', nullable: true })
  idempotencyScope?: string | null;

  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string | null;

  /** Hash of the checkout input, so a reused key with a different body is told apart. */
  @Property({ type: 'text', nullable: true })
  requestHash?: string | null;

  @OneToMany({ entity: () => OrderLine, mappedBy: 'order' })
  lines = new Collection<OrderLine>(this);

  @OneToMany({ entity: () => Payment, mappedBy: 'order' })
  payments = new Collection<Payment>(this);
}

@Entity()
@Check({ name: 'order_line_quantity_positive', expression: 'quantity > 0' })
@Check({ name: 'order_line_price_not_negative', expression: 'unit_price_minor >= 0' })
export class OrderLine extends BaseEntity<'customization' | 'position'> {
  @ManyToOne({ entity: () => Order, deleteRule: 'cascade' })
  @Index()
  order!: Order;

  /** The line's place in the order, as the shopper listed it. */
  @Property({ type: 'integer', default: 0 })
  position: number = 0;

  @Property({ type: 'uuid' })
  productId!: string;

  @Property({ type: 'uuid' })
  variantId!: string;

  @Property({ type: 'text' })
  productName!: string;

  @Property({ type: 'text' })
  sku!: string;

  @Property({ type: 'json' })
  options!: OptionValue[];

  @Property({ type: 'integer' })
  unitPriceMinor!: number;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'integer' })
  lineTotalMinor!: number;

  @Property({ type: 'json', nullable: true })
  customization?: Record<string, unknown> | null = null;
}

/** One row per status change of an order: from, to, who and why. */
@Entity()
export class OrderStatusChange extends BaseEntity<'reason'> {
  @ManyToOne({ entity: () => Order, deleteRule: 'cascade' })
  @Index()
  order!: Order;

  @Enum({ items: () => OrderStatus, type: 'text', nullable: true })
  fromStatus?: OrderStatus | null;

  @Enum({ items: () => OrderStatus, type: 'text' })
  toStatus!: OrderStatus;

  /** `customer:<id>`, `staff:<id>`, `guest`, `system` or `stripe`. */
  @Property({ type: 'text' })
  actor!: string;

  @Property({ type: 'text', nullable: true })
  reason?: string | null = null;
}
