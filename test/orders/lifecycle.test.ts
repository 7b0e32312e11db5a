import { beforeAll, describe, expect, it } from 'vitest';
import { OrderLifecycle } from '../../src/orders/order-lifecycle.service';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods, stockOf } from '../support/checkout-fixtures';
import { OrderStatuses } from '../support/operations';

const app = useTestApp();

const ConfirmManualPayment = graphql(`
  mutation ConfirmManualPayment($input: ConfirmManualPaymentInput!) {
    confirmManualPayment(input: $input) {
      __typename
      ... on ConfirmManualPaymentSuccess {
        payment { id status reference confirmedBy confirmedAt }
        order { id status expiresAt statusHistory { fromStatus toStatus actor reason } }
      }
      ... on UserError { code message }
      ... on OrderNotPayable { orderId orderStatus }
      ... on PaymentAlreadyConfirmed { paymentId paymentStatus }
      ... on PaymentNotManual { paymentId method }
      ... on PaymentNotFound { paymentId }
    }
  }
`);

const CancelOrder = graphql(`
  mutation CancelOrder($orderId: ID!, $reason: String) {
    cancelOrder(orderId: $orderId, reason: $reason) {
      __typename
      ... on CancelOrderSuccess { order { id status payments { status } statusHistory { fromStatus toStatus actor reason } } }
      ... on UserError { code message }
      ... on OrderNotCancelable { orderId orderStatus }
      ... on OrderNotFound { orderId }
    }
  }
`);

const OrderState = graphql(`
  query OrderState($id: ID!) {
    order(id: $id) { id status expiresAt payments { status } statusHistory { fromStatus toStatus actor } }
  }
`);

let variantId: string;
let productId: string;

beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, {
    name: 'Lifecycle Lamp',
    variants: [{ sku: 'LAMP-1', stockOnHand: 1000, prices: [{ currency: 'USD', amountMinor: 2000 }] }],
  });
  productId = product.id;
  variantId = product.variants[0].id;
});

async function placeOrder(options: { quantity?: number; token?: string; method?: 'MANUAL_TRANSFER' | 'CASH_ON_DELIVERY' } = {}) {
  const { checkout } = await app.query(
    Checkout,
    checkoutVariables({ items: [{ variantId, quantity: options.quantity ?? 1 }], payment: { method: options.method ?? 'MANUAL_TRANSFER', provider: 'zelle' } }),
    { token: options.token },
  );
  if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
  return checkout;
}

async function stock() {
  const [variant] = await stockOf(app, productId);
  return variant.stock;
}

const sql = (query: string, params: unknown[] = []) => app.server.orm.em.getConnection().execute(query, params);
const pastDue = (orderId: string) => sql(`update orders set expires_at = now() - interval '1 second' where id = ?`, [orderId]);
const staff = () => ({ token: app.staffToken('clerk') });

describe('confirmManualPayment', () => {
  it('marks a pending transfer paid with the reference, and turns the reserved units into a sale', async () => {
    const before = await stock();
    const { order, payment } = await placeOrder({ quantity: 3 });
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 3 });

    const { confirmManualPayment } = await app.query(
      ConfirmManualPayment,
      { input: { paymentId: payment.id, reference: 'ZELLE-4471', note: 'Seen in the bank app' } },
      staff(),
    );
    expect(confirmManualPayment).toMatchObject({
      __typename: 'ConfirmManualPaymentSuccess',
      payment: { status: 'SUCCEEDED', reference: 'ZELLE-4471', confirmedBy: 'staff:clerk' },
      order: {
        id: order.id,
        status: 'PAID',
        expiresAt: null,
        statusHistory: [
          { fromStatus: null, toStatus: 'PENDING_PAYMENT' },
          { fromStatus: 'PENDING_PAYMENT', toStatus: 'PAID', actor: 'staff:clerk', reason: 'Seen in the bank app' },
        ],
      },
    });
    if (confirmManualPayment.__typename === 'ConfirmManualPaymentSuccess') {
      expect(Date.parse(confirmManualPayment.payment.confirmedAt!)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(await stock()).toEqual({ onHand: before.onHand - 3, reserved: before.reserved });

    const again = await app.query(ConfirmManualPayment, { input: { paymentId: payment.id } }, staff());
    expect(again.confirmManualPayment).toMatchObject({
      __typename: 'PaymentAlreadyConfirmed',
      code: 'PAYMENT_ALREADY_CONFIRMED',
      paymentStatus: 'SUCCEEDED',
      message: `Payment ${payment.id} has already succeeded.`,
    });
    expect(await stock()).toEqual({ onHand: before.onHand - 3, reserved: before.reserved });
  });

  it('records cash collected on delivery', async () => {
    const { payment } = await placeOrder({ method: 'CASH_ON_DELIVERY' });
    const { confirmManualPayment } = await app.query(ConfirmManualPayment, { input: { paymentId: payment.id } }, staff());
    expect(confirmManualPayment).toMatchObject({
      __typename: 'ConfirmManualPaymentSuccess',
      order: { status: 'PAID', statusHistory: [{ toStatus: 'PAYMENT_ON_DELIVERY' }, { fromStatus: 'PAYMENT_ON_DELIVERY', toStatus: 'PAID', reason: 'Cash collected on delivery' }] },
    });
  });

  it('refuses a confirmation after the order expired, and the payment shows canceled', async () => {
    const before = await stock();
    const { order, payment } = await placeOrder({ quantity: 2 });
    await pastDue(order.id);
    const { confirmManualPayment } = await app.query(ConfirmManualPayment, { input: { paymentId: payment.id, reference: 'LATE' } }, staff());
    expect(confirmManualPayment).toMatchObject({
      __typename: 'OrderNotPayable',
      code: 'ORDER_NOT_PAYABLE',
      orderId: order.id,
      orderStatus: 'EXPIRED',
      message: `Order ${order.orderNumber} has expired and cannot be paid.`,
    });
    const { order: after } = await app.query(OrderState, { id: order.id }, staff());
    expect(after).toMatchObject({ status: 'EXPIRED', payments: [{ status: 'CANCELED' }] });
    expect(await stock()).toEqual(before);
  });

  it('refuses an unknown payment and a card payment', async () => {
    const unknown = await app.query(ConfirmManualPayment, { input: { paymentId: '00000000-0000-4000-8000-0000000000ff' } }, staff());
    expect(unknown.confirmManualPayment).toMatchObject({ __typename: 'PaymentNotFound', code: 'PAYMENT_NOT_FOUND' });
    const { payment } = await placeOrder();
    await sql(`update payment set method = 'CARD' where id = ?`, [payment.id]);
    const card = await app.query(ConfirmManualPayment, { input: { paymentId: payment.id } }, staff());
    expect(card.confirmManualPayment).toMatchObject({ __typename: 'PaymentNotManual', code: 'PAYMENT_NOT_MANUAL', method: 'CARD' });
  });

  it('is for staff only', async () => {
    const { payment } = await placeOrder();
    const customer = await app.request(ConfirmManualPayment, { input: { paymentId: payment.id } }, { token: app.customerToken('sneaky') });
    expect(customer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const guest = await app.request(ConfirmManualPayment, { input: { paymentId: payment.id } });
    expect(guest.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('cancelOrder', () => {
  it('lets a customer cancel their own unpaid order, giving the stock back and canceling the payment', async () => {
    const token = app.customerToken('canceller');
    const before = await stock();
    const { order } = await placeOrder({ quantity: 4, token });
    const { cancelOrder } = await app.query(CancelOrder, { orderId: order.id, reason: 'Changed my mind' }, { token });
    expect(cancelOrder).toMatchObject({
      __typename: 'CancelOrderSuccess',
      order: {
        status: 'CANCELED',
        payments: [{ status: 'CANCELED' }],
        statusHistory: [{ toStatus: 'PENDING_PAYMENT' }, { fromStatus: 'PENDING_PAYMENT', toStatus: 'CANCELED', actor: 'customer:canceller', reason: 'Changed my mind' }],
      },
    });
    expect(await stock()).toEqual(before);

    const again = await app.query(CancelOrder, { orderId: order.id }, { token });
    expect(again.cancelOrder).toMatchObject({ __typename: 'OrderNotCancelable', orderStatus: 'CANCELED' });
    expect(await stock()).toEqual(before);
  });

  it('does not let a customer cancel, confirm or read another customer\'s order', async () => {
    const { order, payment } = await placeOrder({ token: app.customerToken('victim') });
    const thief = app.customerToken('thief');
    const cancel = await app.query(CancelOrder, { orderId: order.id }, { token: thief });
    expect(cancel.cancelOrder).toMatchObject({ __typename: 'OrderNotFound', code: 'ORDER_NOT_FOUND' });
    const confirm = await app.request(ConfirmManualPayment, { input: { paymentId: payment.id } }, { token: thief });
    expect(confirm.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await app.query(OrderState, { id: order.id }, { token: thief })).order).toBeNull();
    const guest = await app.request(CancelOrder, { orderId: order.id });
    expect(guest.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await app.query(OrderState, { id: order.id }, staff())).order?.status).toBe('PENDING_PAYMENT');
  });

  it('refuses to cancel a paid order', async () => {
    const token = app.customerToken('payer');
    const { order, payment } = await placeOrder({ token });
    await app.query(ConfirmManualPayment, { input: { paymentId: payment.id } }, staff());
    for (const options of [{ token }, staff()]) {
      const { cancelOrder } = await app.query(CancelOrder, { orderId: order.id }, options);
      expect(cancelOrder).toMatchObject({
        __typename: 'OrderNotCancelable',
        code: 'ORDER_NOT_CANCELABLE',
        orderStatus: 'PAID',
        message: `Order ${order.orderNumber} is paid; it can be refunded, not canceled.`,
      });
    }
  });

  it('lets staff, but not the customer, cancel a cash-on-delivery order', async () => {
    const token = app.customerToken('cod-buyer');
    const { order } = await placeOrder({ token, method: 'CASH_ON_DELIVERY' });
    const byCustomer = await app.query(CancelOrder, { orderId: order.id }, { token });
    expect(byCustomer.cancelOrder).toMatchObject({
      __typename: 'OrderNotCancelable',
      orderStatus: 'PAYMENT_ON_DELIVERY',
      message: `Order ${order.orderNumber} is to be paid on delivery and cannot be canceled.`,
    });
    const byStaff = await app.query(CancelOrder, { orderId: order.id, reason: 'Refused at the door' }, staff());
    expect(byStaff.cancelOrder).toMatchObject({ __typename: 'CancelOrderSuccess', order: { status: 'CANCELED' } });
    const again = await app.query(CancelOrder, { orderId: order.id }, staff());
    expect(again.cancelOrder).toMatchObject({ __typename: 'OrderNotCancelable', message: `Order ${order.orderNumber} is already canceled.` });
  });

  it('lets exactly one of a racing cancel and confirm win, with stock consistent', async () => {
    const token = app.customerToken('racer');
    const before = await stock();
    const { order, payment } = await placeOrder({ token, quantity: 2 });
    const [cancel, confirm] = await Promise.all([
      app.query(CancelOrder, { orderId: order.id }, { token }),
      app.query(ConfirmManualPayment, { input: { paymentId: payment.id } }, staff()),
    ]);
    const canceled = cancel.cancelOrder.__typename === 'CancelOrderSuccess';
    const paid = confirm.confirmManualPayment.__typename === 'ConfirmManualPaymentSuccess';
    expect(canceled !== paid).toBe(true);
    expect(await stock()).toEqual(canceled ? before : { onHand: before.onHand - 2, reserved: before.reserved });
  });
});

describe('expiry of unpaid orders', () => {
  it('shows an overdue order as expired on read, with its stock back', async () => {
    const before = await stock();
    const { order } = await placeOrder({ quantity: 5 });
    await pastDue(order.id);
    const { order: read } = await app.query(OrderState, { id: order.id });
    expect(read).toMatchObject({
      status: 'EXPIRED',
      expiresAt: null,
      payments: [{ status: 'CANCELED' }],
      statusHistory: [{ toStatus: 'PENDING_PAYMENT' }, { fromStatus: 'PENDING_PAYMENT', toStatus: 'EXPIRED', actor: 'system' }],
    });
    expect(await stock()).toEqual(before);
  });

  it('expires on read every overdue order a list shows, each once with its stock, payment and history, while readers race', async () => {
    const pair = await createProduct(app, {
      name: 'Lifecycle Pair',
      variants: ['A', 'B'].map((side) => ({ sku: `PAIR-${side}`, options: [{ name: 'side', value: side }], stockOnHand: 100, prices: [{ currency: 'USD', amountMinor: 1000 }] })),
    });
    const [a, b] = pair.variants.map((v) => v.id);
    // Orders name the two variants in both orders, so expiring them together must lock their union.
    const placed = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const items = i % 2 ? [{ variantId: a, quantity: 1 }, { variantId: b, quantity: 2 }] : [{ variantId: b, quantity: 1 }, { variantId: a, quantity: 1 }];
        const { checkout } = await app.query(Checkout, checkoutVariables({ items, buyer: { name: 'Overdue', email: `overdue${i}@example.com` } }));
        if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
        return checkout.order.id;
      }),
    );
    const pairStock = async () => (await stockOf(app, pair.id)).map((v) => v.stock);
    expect(await pairStock()).toEqual([{ onHand: 100, reserved: 12 }, { onHand: 100, reserved: 18 }]);
    await sql(`update orders set expires_at = now() - interval '1 second' where id in (${placed.map(() => '?').join(', ')})`, placed);

    const list = () => app.query(OrderStatuses, { first: 100 }, staff());
    const [listed] = await Promise.all([list(), list(), list(), ...placed.slice(0, 4).map((id) => app.query(OrderState, { id }))]);
    const shown = listed.orders.edges.filter((e) => placed.includes(e.node.id));
    expect(shown).toHaveLength(12);
    expect(shown.every((e) => e.node.status === 'EXPIRED')).toBe(true);

    const rows = (await sql(
      `select o.status, count(distinct h.id)::int as expirations, array_agg(distinct p.status) as payments from orders o
         join payment p on p.order_id = o.id
         left join order_status_change h on h.order_id = o.id and h.to_status = 'EXPIRED'
        where o.id in (${placed.map(() => '?').join(', ')}) group by o.id, o.status`,
      placed,
    )) as Array<{ status: string; expirations: number; payments: string[] }>;
    expect(rows).toEqual(Array.from({ length: 12 }, () => ({ status: 'EXPIRED', expirations: 1, payments: ['CANCELED'] })));
    expect(await pairStock()).toEqual([{ onHand: 100, reserved: 0 }, { onHand: 100, reserved: 0 }]);
  });

  it('restores each order\'s stock exactly once when two sweepers race over the same expired orders', async () => {
    const before = await stock();
    const orders = await Promise.all(Array.from({ length: 30 }, () => placeOrder({ quantity: 1 })));
    const cod = await placeOrder({ method: 'CASH_ON_DELIVERY' });
    const ids = orders.map((o) => o.order.id);
    await sql(`update orders set expires_at = now() - interval '1 minute' where id in (${ids.map(() => '?').join(', ')})`, ids);
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 31 });

    const sweep = () => new OrderLifecycle(app.server.orm.em.fork()).expireOverdue(new Date(), 7);
    const drain = async () => {
      let total = 0;
      for (let batch = await sweep(); batch > 0; batch = await sweep()) total += batch;
      return total;
    };
    const [a, b, c] = await Promise.all([drain(), drain(), drain()]);
    expect(a + b + c).toBe(30);

    const rows = (await sql(
      `select o.status, count(h.id)::int as expirations from orders o
         left join order_status_change h on h.order_id = o.id and h.to_status = 'EXPIRED'
        where o.id in (${ids.map(() => '?').join(', ')}) group by o.id, o.status`,
      ids,
    )) as Array<{ status: string; expirations: number }>;
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === 'EXPIRED' && r.expirations === 1)).toBe(true);
    // Only the cash-on-delivery order still holds its unit.
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });
    expect((await app.query(OrderState, { id: cod.order.id }, staff())).order?.status).toBe('PAYMENT_ON_DELIVERY');
  });
});
