import { Check, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';
import type { Order } from '../orders/order.entity';

export enum PaymentMethod {
  CARD = 'CARD',
  HOSTED_CHECKOUT = 'HOSTED_CHECKOUT',
  MANUAL_TRANSFER = 'MANUAL_TRANSFER',
  CASH_ON_DELIVERY = 'CASH_ON_DELIVERY',
}

export enum PaymentStatus {
  PENDING = 'PENDING',
  /** The provider declined the last attempt (`lastError`); the buyer may still pay the same payment. */
  DECLINED = 'DECLINED',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
  REFUNDED = 'REFUNDED',
}

/** One attempt to collect an order's total, by card, hosted checkout, bank transfer or cash. */
@Entity()
@Check({ name: 'payment_amount_positive', expression: 'amount_minor > 0' })
// Online payments whose start never got a provider reference: the expiry job looks them up.
@Index({
  name: 'payment_unstarted_index',
  expression: `create index "payment_unstarted_index" on "payment" ("created_at") where "provider_reference" is null and "status" = 'PENDING'`,
})
export class Payment extends BaseEntity<'status'> {
  @ManyToOne({ entity: 'Order', deleteRule: 'cascade' })
  @Index()
  order!: Order;

  @Enum({ items: () => PaymentMethod, type: 'text' })
  method!: PaymentMethod;

  /** e.g. "zelle" or "bank" for a manual transfer; "stripe" for card payments. */
  @Property({ type: 'text', nullable: true })
  provider?: string | null;

  @Enum({ items: () => PaymentStatus, type: 'text', default: PaymentStatus.PENDING })
  status: PaymentStatus = PaymentStatus.PENDING;

  @Property({ type: 'integer' })
  amountMinor!: number;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  /** The provider's id for it: a Stripe PaymentIntent or Checkout Session id. */
  @Property({ type: 'text', nullable: true })
  @Index()
  providerReference?: string | null;

  /** What staff recorded when confirming a manual payment (a transfer reference). */
  @Property({ type: 'text', nullable: true })
  reference?: string | null;

  @Property({ type: 'text', nullable: true })
  confirmedBy?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  confirmedAt?: Date | null;

  /** The provider's code for its last decline, e.g. `card_declined`. */
  @Property({ type: 'text', nullable: true })
  lastErrorCode?: string | null;

  @Property({ type: 'text', nullable: true })
  lastErrorMessage?: string | null;
}
