import { describe, expect, it } from 'vitest';
import { OrderStatus } from '../../src/orders/order.entity';
import { PaymentStatus } from '../../src/payments/payment.entity';
import { checkInvariants, checkPaymentIntents, scopeSnapshot, type ProviderIntent, type Snapshot } from './invariants';

// The checker the two-process test relies on, shown to catch what it claims to catch.

const V1 = 'variant-1';
const V2 = 'variant-2';
const initialStock = new Map([
  [V1, 10],
  [V2, 5],
]);

/**
 * A consistent world: one paid card order (2 × V1, event evt_paid), one pending transfer
 * (1 × V2), one expired transfer (1 × V1), one canceled cash-on-delivery order.
 */
function consistent(): Snapshot {
  const order = (id: string, status: OrderStatus, method: string) => ({ id, status, payment_method: method, total_minor: 1000, currency: 'USD', expires_at: null });
  const payment = (order_id: string, status: PaymentStatus, method: string) => ({
    id: `pay-${order_id}`,
    order_id,
    method,
    status,
    amount_minor: 1000,
    currency: 'USD',
    provider_reference: method === 'CARD' ? `pi_${order_id}` : null,
    confirmed_at: status === PaymentStatus.SUCCEEDED ? new Date() : null,
  });
  const step = (order_id: string, from_status: OrderStatus | null, to_status: OrderStatus) => ({ order_id, from_status, to_status, actor: 'test' });
  return {
    variants: [
      { id: V1, sku: 'V1', stock_on_hand: 8, stock_reserved: 0 },
      { id: V2, sku: 'V2', stock_on_hand: 5, stock_reserved: 1 },
    ],
    orders: [
      order('paid', OrderStatus.PAID, 'CARD'),
      order('pending', OrderStatus.PENDING_PAYMENT, 'MANUAL_TRANSFER'),
      order('expired', OrderStatus.EXPIRED, 'MANUAL_TRANSFER'),
      order('canceled', OrderStatus.CANCELED, 'CASH_ON_DELIVERY'),
    ],
    lines: [
      { order_id: 'paid', variant_id: V1, quantity: 2 },
      { order_id: 'pending', variant_id: V2, quantity: 1 },
      { order_id: 'expired', variant_id: V1, quantity: 1 },
      { order_id: 'canceled', variant_id: V2, quantity: 3 },
    ],
    history: [
      step('paid', null, OrderStatus.PENDING_PAYMENT),
      step('paid', OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
      step('pending', null, OrderStatus.PENDING_PAYMENT),
      step('expired', null, OrderStatus.PENDING_PAYMENT),
      step('expired', OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED),
      step('canceled', null, OrderStatus.PAYMENT_ON_DELIVERY),
      step('canceled', OrderStatus.PAYMENT_ON_DELIVERY, OrderStatus.CANCELED),
    ],
    payments: [
      payment('paid', PaymentStatus.SUCCEEDED, 'CARD'),
      payment('pending', PaymentStatus.PENDING, 'MANUAL_TRANSFER'),
      payment('expired', PaymentStatus.CANCELED, 'MANUAL_TRANSFER'),
      payment('canceled', PaymentStatus.CANCELED, 'CASH_ON_DELIVERY'),
    ],
    events: [{ id: 'evt_paid', type: 'payment_intent.succeeded', outcome: 'order PAID', order_id: 'paid' }],
    overduePending: 0,
  };
}

const check = (snapshot: Snapshot, delivered = ['evt_paid']) => checkInvariants(snapshot, { initialStock, deliveredEventIds: new Set(delivered) });

describe('checkInvariants', () => {
  it('accepts a consistent snapshot', () => {
    expect(check(consistent())).toEqual([]);
  });

  it.each<[string, (s: Snapshot) => void, RegExp]>([
    ['an oversold variant', (s) => Object.assign(s.variants[1], { stock_reserved: 6 }), /V2: oversold/],
    ['reserved units no order holds', (s) => Object.assign(s.variants[0], { stock_reserved: 1 }), /V1: stock_reserved 1 but unpaid orders hold 0/],
    ['a sale that never left stock_on_hand', (s) => Object.assign(s.variants[0], { stock_on_hand: 10 }), /V1: 0 units left stock_on_hand .* paid orders hold 2/],
    ['a status reached twice', (s) => s.history.push({ order_id: 'expired', from_status: OrderStatus.EXPIRED, to_status: OrderStatus.EXPIRED, actor: 'system' }), /order expired: 2 history rows to EXPIRED/],
    ['a transition the machine forbids', (s) => {
      s.orders[0].status = OrderStatus.PAYMENT_FAILED;
      s.history.push({ order_id: 'paid', from_status: OrderStatus.PAID, to_status: OrderStatus.PAYMENT_FAILED, actor: 'stripe' });
    }, /order paid: history step PAID -> PAYMENT_FAILED is not allowed/],
    ['a status the history does not reach', (s) => (s.orders[1].status = OrderStatus.CANCELED), /order pending: status CANCELED but history ends at PENDING_PAYMENT/],
    ['a paid order without a succeeded payment', (s) => (s.payments[0].status = PaymentStatus.PENDING), /order paid .* expected 1 succeeded, 0 pending/],
    ['an expired order whose payment succeeded', (s) => (s.payments[2].status = PaymentStatus.SUCCEEDED), /order expired .* expected 0 succeeded, 0 pending/],
    ['a second payment', (s) => s.payments.push({ ...s.payments[1], id: 'pay-2' }), /order pending .*: expected exactly one payment/],
    ['a delivered event that was not recorded', (s) => (s.events = []), /stripe event evt_paid was delivered but not recorded/],
    ['an event recorded but not processed', (s) => (s.events[0].outcome = 'received'), /stripe event evt_paid .* never processed/],
    ['an overdue order left pending', (s) => (s.overduePending = 1), /1 overdue PENDING_PAYMENT orders remain/],
  ])('reports %s', (_, corrupt, message) => {
    const snapshot = consistent();
    corrupt(snapshot);
    expect(check(snapshot)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('reports an event recorded that was never delivered', () => {
    expect(check(consistent(), [])).toEqual(expect.arrayContaining([expect.stringMatching(/stripe event evt_paid recorded but never delivered/)]));
  });
});

describe('checkPaymentIntents', () => {
  /** The paid card order's PaymentIntent, as Stripe holds it. */
  const paidIntent = (): ProviderIntent => ({ id: 'pi_paid', orderId: 'paid', status: 'succeeded', amount: 1000, refunded: 0 });

  it('accepts a paid order holding its one succeeded PaymentIntent, and a canceled one for a dead order', () => {
    expect(checkPaymentIntents(consistent(), [paidIntent(), { id: 'pi_x', orderId: 'expired', status: 'canceled', amount: 1000, refunded: 0 }])).toEqual([]);
  });

  it('accepts money refunded in full for an order that is not paid', () => {
    expect(checkPaymentIntents(consistent(), [paidIntent(), { id: 'pi_late', orderId: 'canceled', status: 'succeeded', amount: 1000, refunded: 1000 }])).toEqual([]);
  });

  it.each<[string, (s: Snapshot, intents: ProviderIntent[]) => void, RegExp]>([
    ['money kept for a canceled order', (_, i) => i.push({ id: 'pi_late', orderId: 'canceled', status: 'succeeded', amount: 1000, refunded: 999 }), /pi_late .* money kept for an order that is not paid/],
    ['money kept on a PaymentIntent the paid order does not record', (_, i) => i.push({ id: 'pi_other', orderId: 'paid', status: 'succeeded', amount: 1000, refunded: 0 }), /pi_other .* order's succeeded payment is \[pi_paid SUCCEEDED\]/],
    ['a dead order whose PaymentIntent can still be paid', (_, i) => i.push({ id: 'pi_open', orderId: 'expired', status: 'requires_payment_method', amount: 1000, refunded: 0 }), /pi_open .* can still be paid/],
    ['a paid card order without a succeeded PaymentIntent', (_, i) => (i[0].status = 'canceled'), /order paid is PAID but none of its PaymentIntents succeeded/],
    ['two PaymentIntents for one order', (_, i) => i.push({ id: 'pi_2', orderId: 'paid', status: 'canceled', amount: 1000, refunded: 0 }), /order paid has 2 PaymentIntents/],
  ])('reports %s', (_, corrupt, message) => {
    const snapshot = consistent();
    const intents = [paidIntent()];
    corrupt(snapshot, intents);
    expect(checkPaymentIntents(snapshot, intents)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

describe('scopeSnapshot', () => {
  it("keeps only the orders on the given variants, with their rows, and counts their overdue ones", () => {
    const snapshot = { ...consistent(), readAt: new Date('2030-01-01T00:00:00Z') };
    snapshot.orders[1].expires_at = new Date('2029-12-31T23:59:00Z');
    const scoped = scopeSnapshot(snapshot, new Set([V2]));
    expect(scoped.orders.map((o) => o.id).sort()).toEqual(['canceled', 'pending']);
    expect(scoped.variants.map((v) => v.id)).toEqual([V2]);
    expect(new Set(scoped.payments.map((p) => p.order_id))).toEqual(new Set(['canceled', 'pending']));
    expect(scoped.events).toEqual([]);
    expect(scoped.overduePending).toBe(1);
    expect(checkInvariants(scoped, { initialStock, deliveredEventIds: new Set() })).toEqual([expect.stringMatching(/1 overdue PENDING_PAYMENT/)]);
  });
});

it('accepts a card payment without a PaymentIntent only when its order died before one was started', () => {
  const snapshot = consistent();
  snapshot.orders[2].payment_method = 'CARD';
  snapshot.payments[2].method = 'CARD';
  snapshot.payments[2].provider_reference = null;
  expect(check(snapshot)).toEqual([]);
  snapshot.payments[0].provider_reference = null;
  expect(check(snapshot)).toEqual([expect.stringMatching(/card payment pay-paid has no PaymentIntent reference/)]);
});
