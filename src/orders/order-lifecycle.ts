import { PaymentStatus } from '../payments/payment.entity';
import { OrderStatus } from './order.entity';

/**
 * The order state machine, as data. Every status change goes through `canTransition`;
 * anything not listed here is refused, so a webhook delivered twice or out of order, or a
 * staff click on a stale screen, changes nothing.
 *
 *   PENDING_PAYMENT ──► PAID ──► REFUNDED
 *        │   ├──► PAYMENT_FAILED ─┐
 *        │   ├──► CANCELED ───────┼──► PAYMENT_RECEIVED_LATE ──► PAID (reinstated) | REFUNDED
 *        │   └──► EXPIRED ────────┘      (Stripe took the money anyway)
 *   PAYMENT_ON_DELIVERY ──► PAID | CANCELED
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  [OrderStatus.PENDING_PAYMENT]: [OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELED, OrderStatus.EXPIRED],
  [OrderStatus.PAYMENT_ON_DELIVERY]: [OrderStatus.PAID, OrderStatus.CANCELED],
  [OrderStatus.PAID]: [OrderStatus.REFUNDED],
  [OrderStatus.PAYMENT_FAILED]: [OrderStatus.PAYMENT_RECEIVED_LATE],
  [OrderStatus.CANCELED]: [OrderStatus.PAYMENT_RECEIVED_LATE],
  [OrderStatus.EXPIRED]: [OrderStatus.PAYMENT_RECEIVED_LATE],
  [OrderStatus.REFUNDED]: [],
  [OrderStatus.PAYMENT_RECEIVED_LATE]: [OrderStatus.PAID, OrderStatus.REFUNDED],
};

/** Payments have their own, smaller machine. */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  [PaymentStatus.PENDING]: [PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED],
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
  if (from === OrderStatus.PAYMENT_RECEIVED_LATE && to === OrderStatus.PAID) return 'sell-available';
  if (!HOLDS_STOCK.has(from) || HOLDS_STOCK.has(to)) return 'none';
  return to === OrderStatus.PAID ? 'sell' : 'release';
}

/** What becomes of the order's pending payments when the order moves. */
export function paymentStatusFor(to: OrderStatus): PaymentStatus | undefined {
  switch (to) {
    case OrderStatus.PAID:
    case OrderStatus.PAYMENT_RECEIVED_LATE:
      return PaymentStatus.SUCCEEDED;
    case OrderStatus.PAYMENT_FAILED:
      return PaymentStatus.FAILED;
    case OrderStatus.CANCELED:
    case OrderStatus.EXPIRED:
      return PaymentStatus.CANCELED;
    case OrderStatus.REFUNDED:
      return PaymentStatus.REFUNDED;
    default:
      return undefined;
  }
}

/** Unpaid orders a customer may cancel themselves; staff may cancel any unpaid order. */
export const CUSTOMER_CANCELABLE: ReadonlySet<OrderStatus> = new Set([OrderStatus.PENDING_PAYMENT]);
export const STAFF_CANCELABLE: ReadonlySet<OrderStatus> = new Set([OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_ON_DELIVERY]);
