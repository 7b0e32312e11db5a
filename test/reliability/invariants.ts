import type pg from 'pg';
import { canTransition } from '../../src/orders/order-lifecycle';
import { OrderStatus } from '../../src/orders/order.entity';
import { PaymentStatus } from '../../src/payments/payment.entity';

/** The tables that hold money and stock, read in one consistent snapshot. */
export interface Snapshot {
  variants: Array<{ id: string; sku: string; stock_on_hand: number; stock_reserved: number }>;
  orders: Array<{ id: string; status: OrderStatus; payment_method: string; total_minor: number; currency: string; expires_at: Date | null }>;
  lines: Array<{ order_id: string; variant_id: string; quantity: number }>;
  history: Array<{ order_id: string; from_status: OrderStatus | null; to_status: OrderStatus; actor: string }>;
  payments: Array<{
    id: string;
    order_id: string;
    method: string;
    status: PaymentStatus;
    amount_minor: number;
    currency: string;
    provider_reference: string | null;
    confirmed_at: Date | null;
  }>;
  events: Array<{ id: string; type: string; outcome: string; order_id: string | null }>;
  /** PENDING_PAYMENT orders past their expiry, by the database's clock. */
  overduePending: number;
  /** The database's clock when the snapshot was read. */
  readAt?: Date;
}

/** Reads every table the invariants need inside one REPEATABLE READ transaction. */
export async function readSnapshot(pool: pg.Pool): Promise<Snapshot> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const rows = async <T>(sql: string): Promise<T[]> => (await client.query(sql)).rows as T[];
    const snapshot: Snapshot = {
      variants: await rows('select id, sku, stock_on_hand, stock_reserved from variant order by sku'),
      orders: await rows('select id, status, payment_method, total_minor, currency, expires_at from orders'),
      lines: await rows('select order_id, variant_id, quantity from order_line'),
      history: await rows('select order_id, from_status, to_status, actor from order_status_change'),
      payments: await rows('select id, order_id, method, status, amount_minor, currency, provider_reference, confirmed_at from payment'),
      events: await rows('select id, type, outcome, order_id from provider_event'),
      overduePending: (await rows<{ n: number }>(`select count(*)::int as n from orders where status = 'PENDING_PAYMENT' and expires_at <= now()`))[0].n,
      readAt: (await rows<{ now: Date }>('select now()'))[0].now,
    };
    await client.query('commit');
    return snapshot;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Statuses whose units sit in `stock_reserved`, and statuses whose units have left `stock_on_hand`. */
const HOLDS: ReadonlySet<OrderStatus> = new Set([OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_ON_DELIVERY]);
const SOLD: ReadonlySet<OrderStatus> = new Set([OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED]);
/** A refunded order sold its units only if it was paid first (a late payment refunded never was; refunds do not restock). */
const wasSold = (status: OrderStatus, history: Snapshot['history']) => SOLD.has(status) && (status !== OrderStatus.REFUNDED || history.some((h) => h.to_status === OrderStatus.PAID));

/**
 * What each order status says about its payments (this test places one payment per order).
 * `succeeded`/`pending`/`refunded`: how many payments must be in that status (a declined
 * payment still awaits money, so it counts as pending).
 */
const PAYMENTS_BY_STATUS: Record<OrderStatus, { succeeded: number; pending: number; refunded: number }> = {
  [OrderStatus.PENDING_PAYMENT]: { succeeded: 0, pending: 1, refunded: 0 },
  [OrderStatus.PAYMENT_ON_DELIVERY]: { succeeded: 0, pending: 1, refunded: 0 },
  [OrderStatus.PAID]: { succeeded: 1, pending: 0, refunded: 0 },
  [OrderStatus.PARTIALLY_REFUNDED]: { succeeded: 1, pending: 0, refunded: 0 },
  [OrderStatus.PAYMENT_RECEIVED_LATE]: { succeeded: 1, pending: 0, refunded: 0 },
  [OrderStatus.REFUNDED]: { succeeded: 0, pending: 0, refunded: 1 },
  [OrderStatus.PAYMENT_FAILED]: { succeeded: 0, pending: 0, refunded: 0 },
  [OrderStatus.CANCELED]: { succeeded: 0, pending: 0, refunded: 0 },
  [OrderStatus.EXPIRED]: { succeeded: 0, pending: 0, refunded: 0 },
};

/**
 * Every money-and-stock rule of the design that can be read off the database. Returns the
 * violations, each a sentence naming the row; an empty list means the data is consistent.
 */
export function checkInvariants(snapshot: Snapshot, expected: { initialStock: ReadonlyMap<string, number>; deliveredEventIds: ReadonlySet<string> }): string[] {
  const violations: string[] = [];
  const orders = new Map(snapshot.orders.map((o) => [o.id, o]));
  const historyOf = groupBy(snapshot.history, (h) => h.order_id);

  // Stock: never oversold, and reserved / sold units account exactly for the orders.
  const reservedBy = new Map<string, number>();
  const soldBy = new Map<string, number>();
  for (const line of snapshot.lines) {
    const order = orders.get(line.order_id);
    if (!order) {
      violations.push(`order line of a missing order ${line.order_id}`);
      continue;
    }
    if (HOLDS.has(order.status)) reservedBy.set(line.variant_id, (reservedBy.get(line.variant_id) ?? 0) + line.quantity);
    if (wasSold(order.status, historyOf.get(order.id) ?? [])) soldBy.set(line.variant_id, (soldBy.get(line.variant_id) ?? 0) + line.quantity);
  }
  for (const v of snapshot.variants) {
    if (v.stock_on_hand < 0 || v.stock_reserved < 0 || v.stock_reserved > v.stock_on_hand) {
      violations.push(`${v.sku}: oversold or negative, on hand ${v.stock_on_hand}, reserved ${v.stock_reserved}`);
    }
    const reserved = reservedBy.get(v.id) ?? 0;
    if (v.stock_reserved !== reserved) violations.push(`${v.sku}: stock_reserved ${v.stock_reserved} but unpaid orders hold ${reserved}`);
    const initial = expected.initialStock.get(v.id);
    if (initial === undefined) {
      violations.push(`${v.sku}: a variant the test did not create`);
      continue;
    }
    const sold = soldBy.get(v.id) ?? 0;
    if (initial - v.stock_on_hand !== sold) {
      violations.push(`${v.sku}: ${initial - v.stock_on_hand} units left stock_on_hand (${initial} -> ${v.stock_on_hand}) but paid orders hold ${sold}`);
    }
  }

  // History: one row per status reached, forming a path of the state machine to the current status.
  for (const order of snapshot.orders) {
    const rows = historyOf.get(order.id) ?? [];
    const initial = order.payment_method === 'CASH_ON_DELIVERY' ? OrderStatus.PAYMENT_ON_DELIVERY : OrderStatus.PENDING_PAYMENT;
    const toCounts = countBy(rows, (r) => r.to_status);
    for (const [to, n] of toCounts) if (n > 1 && to !== OrderStatus.PARTIALLY_REFUNDED) violations.push(`order ${order.id}: ${n} history rows to ${to}`);
    const path: string[] = [];
    let current: OrderStatus | null = null;
    const left = [...rows];
    while (left.length > 0) {
      const index = left.findIndex((r) => r.from_status === current);
      if (index === -1) break;
      const [row] = left.splice(index, 1);
      if (current === null ? row.to_status !== initial : !canTransition(current, row.to_status)) {
        violations.push(`order ${order.id}: history step ${current ?? 'placed'} -> ${row.to_status} is not allowed`);
      }
      path.push(row.to_status);
      current = row.to_status;
    }
    if (left.length > 0) {
      violations.push(`order ${order.id}: history rows off the path ${path.join(' > ')}: ${left.map((r) => `${r.from_status} > ${r.to_status}`).join(', ')}`);
    }
    if (current !== order.status) violations.push(`order ${order.id}: status ${order.status} but history ends at ${current} (${path.join(' > ')})`);
  }

  // Payments agree with the order's status.
  const paymentsOf = groupBy(snapshot.payments, (p) => p.order_id);
  for (const order of snapshot.orders) {
    const payments = paymentsOf.get(order.id) ?? [];
    const rule = PAYMENTS_BY_STATUS[order.status];
    const count = (status: PaymentStatus) => payments.filter((p) => p.status === status).length;
    const describe = () => `order ${order.id} (${order.payment_method}, ${order.status}) has payments [${payments.map((p) => p.status).join(', ')}]`;
    if (payments.length !== 1) violations.push(`${describe()}: expected exactly one payment`);
    if (count(PaymentStatus.SUCCEEDED) !== rule.succeeded || count(PaymentStatus.PENDING) + count(PaymentStatus.DECLINED) !== rule.pending || count(PaymentStatus.REFUNDED) !== rule.refunded) {
      violations.push(`${describe()}: expected ${rule.succeeded} succeeded, ${rule.pending} pending, ${rule.refunded} refunded`);
    }
    for (const p of payments) {
      if (p.amount_minor !== order.total_minor || p.currency !== order.currency) violations.push(`${describe()}: payment ${p.id} is for ${p.amount_minor} ${p.currency}, order total ${order.total_minor} ${order.currency}`);
      if (p.method !== order.payment_method) violations.push(`${describe()}: payment ${p.id} method ${p.method}`);
      if (p.status === PaymentStatus.SUCCEEDED && !p.confirmed_at) violations.push(`${describe()}: succeeded payment ${p.id} has no confirmed_at`);
      // A card payment whose order died before its PaymentIntent could be started (a crash, Stripe
      // down) never got one recorded; any other card payment must have one.
      if (p.method === 'CARD' && !p.provider_reference && p.status !== PaymentStatus.CANCELED) {
        violations.push(`${describe()}: card payment ${p.id} has no PaymentIntent reference`);
      }
    }
  }

  // Stripe events: exactly the delivered ones, each recorded once and processed.
  const recorded = new Set(snapshot.events.map((e) => e.id));
  for (const id of expected.deliveredEventIds) if (!recorded.has(id)) violations.push(`stripe event ${id} was delivered but not recorded`);
  for (const e of snapshot.events) {
    if (!expected.deliveredEventIds.has(e.id)) violations.push(`stripe event ${e.id} recorded but never delivered`);
    if (e.outcome === 'received') violations.push(`stripe event ${e.id} (${e.type}) recorded but never processed`);
  }
  if (snapshot.overduePending > 0) violations.push(`${snapshot.overduePending} overdue PENDING_PAYMENT orders remain`);
  for (const order of snapshot.orders) {
    if (order.status === OrderStatus.PAYMENT_RECEIVED_LATE) violations.push(`order ${order.id} is left in PAYMENT_RECEIVED_LATE`);
  }
  return violations;
}

/**
 * The part of a snapshot about some variants: their orders and everything hanging off them, so
 * that one test run's data can be checked on a database that other runs also wrote to.
 */
export function scopeSnapshot(snapshot: Snapshot, variantIds: ReadonlySet<string>): Snapshot {
  const orderIds = new Set(snapshot.lines.filter((l) => variantIds.has(l.variant_id)).map((l) => l.order_id));
  const orders = snapshot.orders.filter((o) => orderIds.has(o.id));
  const readAt = snapshot.readAt;
  if (!readAt) throw new Error('scopeSnapshot needs a snapshot read by readSnapshot (readAt)');
  return {
    variants: snapshot.variants.filter((v) => variantIds.has(v.id)),
    orders,
    lines: snapshot.lines.filter((l) => orderIds.has(l.order_id)),
    history: snapshot.history.filter((h) => orderIds.has(h.order_id)),
    payments: snapshot.payments.filter((p) => orderIds.has(p.order_id)),
    events: snapshot.events.filter((e) => e.order_id !== null && orderIds.has(e.order_id)),
    overduePending: orders.filter((o) => o.status === OrderStatus.PENDING_PAYMENT && o.expires_at !== null && o.expires_at <= readAt).length,
    readAt,
  };
}

/** A PaymentIntent as the provider (the Stripe fake) sees it, in the provider's amounts. */
export interface ProviderIntent {
  id: string;
  /** `metadata.order_id`. */
  orderId: string | undefined;
  status: string;
  amount: number;
  /** What its charge has had refunded; 0 without a charge. */
  refunded: number;
}

/** Statuses that keep a payment's money: the order was paid and not (fully) refunded. */
const KEEPS_MONEY: ReadonlySet<OrderStatus> = new Set([OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED]);
/** Stripe statuses in which a buyer can still pay a PaymentIntent. */
const PAYABLE_INTENT: ReadonlySet<string> = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing']);

/**
 * Money at the provider against orders in the database: every PaymentIntent that succeeded
 * belongs to a paid order (as that order's recorded payment) or was refunded in full; every paid
 * card order has exactly that one; a PaymentIntent can still be paid only while its order waits
 * for payment; and no order has two.
 */
export function checkPaymentIntents(snapshot: Snapshot, intents: readonly ProviderIntent[]): string[] {
  const violations: string[] = [];
  const orders = new Map(snapshot.orders.map((o) => [o.id, o]));
  const paymentsOf = groupBy(snapshot.payments, (p) => p.order_id);
  const intentsOf = groupBy(
    intents.filter((i) => i.orderId !== undefined && orders.has(i.orderId)),
    (i) => i.orderId!,
  );
  for (const intent of intents) {
    const order = intent.orderId === undefined ? undefined : orders.get(intent.orderId);
    if (!order) continue;
    const describe = `PaymentIntent ${intent.id} (${intent.status}, refunded ${intent.refunded} of ${intent.amount}) of order ${order.id} (${order.status})`;
    if (intent.status === 'succeeded' && intent.refunded < intent.amount) {
      const recorded = (paymentsOf.get(order.id) ?? []).find((p) => p.provider_reference === intent.id);
      if (!KEEPS_MONEY.has(order.status)) violations.push(`${describe}: money kept for an order that is not paid`);
      else if (!recorded || recorded.status !== PaymentStatus.SUCCEEDED) {
        violations.push(`${describe}: money kept but the order's succeeded payment is [${(paymentsOf.get(order.id) ?? []).map((p) => `${p.provider_reference} ${p.status}`).join(', ')}]`);
      }
    }
    if (PAYABLE_INTENT.has(intent.status) && order.status !== OrderStatus.PENDING_PAYMENT) violations.push(`${describe}: can still be paid`);
  }
  for (const order of snapshot.orders) {
    const mine = intentsOf.get(order.id) ?? [];
    if (mine.length > 1) violations.push(`order ${order.id} has ${mine.length} PaymentIntents: ${mine.map((i) => `${i.id} ${i.status}`).join(', ')}`);
    if (order.payment_method === 'CARD' && KEEPS_MONEY.has(order.status) && !mine.some((i) => i.status === 'succeeded')) {
      violations.push(`order ${order.id} is ${order.status} but none of its PaymentIntents succeeded`);
    }
  }
  return violations;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
