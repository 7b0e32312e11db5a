import { PaymentStatus } from '../payments/payment.entity';
import { OrderStatus } from './order.entity';

/**
 * The order state machine, as data. Every status change goes through `canTransition`;
 * anything not listed here is refused, so a webhook delivered twice or out of order, or a
 * staff click on a stale screen, changes nothing.
 *
 *   PENDING_PAYMENT ──► PAID ──► PARTIALLY_REFUNDED ──► REFUNDED
 *        │   │   ▲        └──────────────────────────────►┘
 *        │   │   └── paid after expiry, stock still there (reinstated)
 *        │   ├──► EXPIRED ───┐
 *        │   └──► CANCELED ──┴──► PAYMENT_RECEIVED_LATE ──► REFUNDED
 *        │                        (paid anyway: refunded automatically)
 *   PAYMENT_ON_DELIVERY ──► PAID | CANCELED
 *
 * A declined card does not move the order: the buyer may pay the same payment again until the
 * order expires (the payment shows the decline). PAYMENT_FAILED is kept for orders placed before
 * that rule; it is never entered now.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  [OrderStatus.PENDING_PAYMENT]: [OrderStatus.PAID, OrderStatus.CANCELED, OrderStatus.EXPIRED],
  [OrderStatus.PAYMENT_ON_DELIVERY]: [OrderStatus.PAID, OrderStatus.CANCELED],
  [OrderStatus.PAID]: [OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED],
  [OrderStatus.PARTIALLY_REFUNDED]: [OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED],
  [OrderStatus.PAYMENT_FAILED]: [OrderStatus.PAID, OrderStatus.PAYMENT_RECEIVED_LATE],
  [OrderStatus.CANCELED]: [OrderStatus.PAYMENT_RECEIVED_LATE],
  [OrderStatus.EXPIRED]: [OrderStatus.PAID, OrderStatus.PAYMENT_RECEIVED_LATE],
  [OrderStatus.REFUNDED]: [],
  [OrderStatus.PAYMENT_RECEIVED_LATE]: [OrderStatus.REFUNDED],
};

/** Orders whose stock went back but that a late payment may still revive, if the stock is there. */
const REINSTATABLE: ReadonlySet<OrderStatus> = new Set([OrderStatus.EXPIRED, OrderStatus.PAYMENT_FAILED]);

/** Statuses in which the order holds money that has not gone back. */
export const REFUNDABLE: ReadonlySet<OrderStatus> = new Set([OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED]);

export interface SucceededDecision {
  to: OrderStatus;
  /** The money goes back through the provider (the order cannot be fulfilled). */
  refund: boolean;
  reason: string;
}

/** Whether deciding on a succeeded payment needs to know if the order's stock is still available. */
export function needsStockCheck(status: OrderStatus): boolean {
  return REINSTATABLE.has(status);
}

/**
 * Where a payment that succeeded takes the order. Money is never kept for an order that is not
 * live: an expired order is reinstated when its stock is still there, and otherwise, like a
 * canceled one, the money goes back. Undefined: nothing to do (the order is paid already).
 */
export function afterPaymentSucceeded(status: OrderStatus, inStock: boolean): SucceededDecision | undefined {
  switch (status) {
    case OrderStatus.PENDING_PAYMENT:
    case OrderStatus.PAYMENT_ON_DELIVERY:
      return { to: OrderStatus.PAID, refund: false, reason: 'Payment succeeded' };
    case OrderStatus.EXPIRED:
    case OrderStatus.PAYMENT_FAILED:
      return inStock
        ? { to: OrderStatus.PAID, refund: false, reason: 'Paid after the order lapsed; the stock was still there, so the order is reinstated' }
        : { to: OrderStatus.PAYMENT_RECEIVED_LATE, refund: true, reason: 'Paid after the order lapsed and its stock was gone; refunding the payment' };
    case OrderStatus.CANCELED:
      return { to: OrderStatus.PAYMENT_RECEIVED_LATE, refund: true, reason: 'Paid after the order was canceled; refunding the payment' };
    default:
      return undefined;
  }
}

/** Where the provider canceling or expiring the payment itself takes the order. */
export function afterProviderVoided(status: OrderStatus, kind: 'canceled' | 'expired'): OrderStatus | undefined {
  if (status !== OrderStatus.PENDING_PAYMENT) return undefined;
  return kind === 'canceled' ? OrderStatus.CANCELED : OrderStatus.EXPIRED;
}

/** Where refunds that succeeded take the order: all of the money back, or part of it. */
export function afterRefunds(status: OrderStatus, refundedMinor: number, paidMinor: number): OrderStatus | undefined {
  const to = refundedMinor >= paidMinor ? OrderStatus.REFUNDED : OrderStatus.PARTIALLY_REFUNDED;
  if (refundedMinor <= 0 || !canTransition(status, to)) return undefined;
  return to;
}

/** Payments have their own, smaller machine. */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  [PaymentStatus.PENDING]: [PaymentStatus.SUCCEEDED, PaymentStatus.DECLINED, PaymentStatus.CANCELED],
  // A decline is not the end: the buyer may try again, with another card, on the same payment.
  [PaymentStatus.DECLINED]: [PaymentStatus.SUCCEEDED, PaymentStatus.DECLINED, PaymentStatus.CANCELED],
  [PaymentStatus.SUCCEEDED]: [PaymentStatus.REFUNDED],
  // Stripe is the source of truth: money it took after we gave up on a payment still counts.
  [PaymentStatus.FAILED]: [PaymentStatus.SUCCEEDED],
  [PaymentStatus.CANCELED]: [PaymentStatus.SUCCEEDED],
  [PaymentStatus.REFUNDED]: [],
};

/** Statuses in which the order's units sit in `stock_reserved`. */
const HOLDS_STOCK: ReadonlySet<OrderStatus> = new Set([OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_ON_DELIVERY]);

/**
 * What a transition does to stock: give reserved units back, turn reserved units into a sale,
 * sell units straight from available stock (a late payment reinstated), or nothing.
 */
export type StockEffect = 'release' | 'sell' | 'sell-available' | 'none';

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function canTransitionPayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[from].includes(to);
}

export function stockEffect(from: OrderStatus, to: OrderStatus): StockEffect {
  if (REINSTATABLE.has(from) && to === OrderStatus.PAID) return 'sell-available';
  if (!HOLDS_STOCK.has(from) || HOLDS_STOCK.has(to)) return 'none';
  return to === OrderStatus.PAID ? 'sell' : 'release';
}

/** What becomes of the order's pending payments when the order moves. */
export function paymentStatusFor(to: OrderStatus): PaymentStatus | undefined {
  switch (to) {
    case OrderStatus.PAID:
    case OrderStatus.PAYMENT_RECEIVED_LATE:
      return PaymentStatus.SUCCEEDED;
    case OrderStatus.CANCELED:
    case OrderStatus.EXPIRED:
      return PaymentStatus.CANCELED;
    case OrderStatus.REFUNDED:
      return PaymentStatus.REFUNDED;
    default:
      return undefined;
  }
}

/** Payment statuses still waiting for money: a payment in them is settled when the order is paid. */
export const AWAITING_MONEY: ReadonlySet<PaymentStatus> = new Set([PaymentStatus.PENDING, PaymentStatus.DECLINED]);

/** Unpaid orders a customer may cancel themselves; staff may cancel any unpaid order. */
export const CUSTOMER_CANCELABLE: ReadonlySet<OrderStatus> = new Set([OrderStatus.PENDING_PAYMENT]);
export const STAFF_CANCELABLE: ReadonlySet<OrderStatus> = new Set([OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_ON_DELIVERY]);
