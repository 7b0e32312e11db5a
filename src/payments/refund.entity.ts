import { Check, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';
import type { Order } from '../orders/order.entity';
import type { Payment } from './payment.entity';

export enum RefundStatus {
  /** Asked of the provider by a job that has not finished yet. */
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  /** The provider refused it for good; staff see the job on the order's failedJobs. */
  FAILED = 'FAILED',
}

/**
 * Money going back to the buyer through the payment's provider: asked for by staff, by the
 * system when a payment arrives for an order that can no longer be fulfilled, or made at the
 * provider directly (a refund in Stripe's dashboard) and recorded from its webhook.
 */
@Entity()
@Check({ name: 'refund_amount_positive', expression: 'amount_minor > 0' })
export class Refund extends BaseEntity<'status' | 'providerReference' | 'lastError' | 'reason'> {
  @ManyToOne({ entity: 'Order', deleteRule: 'cascade' })
  @Index()
  order!: Order;

  @ManyToOne({ entity: 'Payment', deleteRule: 'cascade' })
  payment!: Payment;

  @Property({ type: 'integer' })
  amountMinor!: number;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Enum({ items: () => RefundStatus, type: 'text', default: RefundStatus.PENDING })
  status: RefundStatus = RefundStatus.PENDING;

  @Property({ type: 'text', nullable: true })
  reason?: string | null = null;

  /** Who asked: `staff:<id>`, `system` (a late payment) or the provider's name. */
  @Property({ type: 'text' })
  actor!: string;

  /** The provider's refund id (Stripe `re_...`), once it answered. */
  @Property({ type: 'text', nullable: true })
  @Index()
  providerReference?: string | null = null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null = null;
}
