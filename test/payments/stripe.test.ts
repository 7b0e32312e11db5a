import { randomUUID } from 'node:crypto';
import StripeSdk from 'stripe';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, countOrders, createShippingMethods, defaultAddress, stockOf } from '../support/checkout-fixtures';
import { OrderStatuses } from '../support/operations';
import { startFakeStripe, type FakeStripe } from '../stripe/fake-stripe';

const WEBHOOK_SECRET = 'whsec_test_commerce_api_secret';

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
});
const app = useTestApp(() => ({
  STRIPE_SECRET_KEY: 'sk_test_commerce_api',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_URL: fake.url,
  STRIPE_TIMEOUT_MS: '500',
  CHECKOUT_SUCCESS_URL: 'https://shop.test/thanks?order={ORDER_ID}',
  CHECKOUT_CANCEL_URL: 'https://shop.test/cart',
}));
beforeAll(() => fake.setWebhookUrl(`${app.url}/webhooks/stripe`));
afterAll(() => fake?.close());

const MarkOrderPaid = graphql(`
  mutation MarkOrderPaid($orderId: ID!) {
    markOrderPaid(orderId: $orderId) {
      __typename
      ... on MarkOrderPaidSuccess { order { id status } }
      ... on UserError { code message }
      ... on PaymentNotCompleted { providerStatus }
    }
  }
`);

const PaymentState = graphql(`
  query PaymentState($id: ID!) {
    order(id: $id) {
      status
      payments { status method providerReference amount { amountMinor currency } lastError { code message } }
      statusHistory { fromStatus toStatus actor reason }
      refunds { status amount { amountMinor } actor reason }
      refunded { amountMinor }
    }
  }
`);

let productId: string;
let variantId: string;
let yenVariantId: string;

beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, {
    name: 'Card Thing',
    variants: [
      { sku: 'CARD-1', stockOnHand: 1000, prices: [{ currency: 'USD', amountMinor: 2500 }, { currency: 'JPY', amountMinor: 3700 }] },
    ],
  });
  productId = product.id;
  variantId = product.variants[0].id;
  yenVariantId = variantId;
});

const staff = () => ({ token: app.staffToken('stripe-clerk') });

async function stock() {
  const [variant] = await stockOf(app, productId);
  return variant.stock;
}

async function cardCheckout(options: { quantity?: number; token?: string; method?: 'CARD' | 'HOSTED_CHECKOUT'; idempotencyKey?: string } = {}) {
  const { checkout } = await app.query(
    Checkout,
    checkoutVariables({
      items: [{ variantId, quantity: options.quantity ?? 1 }],
      payment: { method: options.method ?? 'CARD' },
      idempotencyKey: options.idempotencyKey,
    }),
    { token: options.token },
  );
  if (checkout.__typename !== 'CheckoutSuccess') throw new Error(`${checkout.__typename}: ${'message' in checkout ? checkout.message : ''}`);
  return checkout;
}

async function orderState(orderId: string) {
  const { order } = await app.query(PaymentState, { id: orderId }, staff());
  return order!;
}

function intentOf(checkout: { order: { id: string } }): string {
  const intent = [...fake.paymentIntents.values()].find((pi) => pi.metadata.order_id === checkout.order.id);
  if (!intent) throw new Error('no PaymentIntent for the order');
  return intent.id;
}

describe('card checkout', () => {
  it('creates a PaymentIntent for the order total after the order exists and returns its client secret', async () => {
    const before = await stock();
    const checkout = await cardCheckout({ quantity: 2 });
    const intentId = intentOf(checkout);
    const intent = fake.paymentIntents.get(intentId)!;
    expect(checkout.clientSecret).toBe(intent.client_secret);
    expect(intent).toMatchObject({ amount: 5500, currency: 'usd', metadata: { order_id: checkout.order.id, order_number: checkout.order.orderNumber, payment_id: checkout.payment.id } });
    const request = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.params.metadata && (r.params.metadata as Record<string, string>).order_id === checkout.order.id)!;
    expect(request.idempotencyKey).toBe(`payment-intent-${checkout.payment.id}`);
    expect(checkout.order.status).toBe('PENDING_PAYMENT');
    expect(checkout.payment).toMatchObject({ method: 'CARD', provider: 'stripe', status: 'PENDING' });
    expect((await orderState(checkout.order.id)).payments[0].providerReference).toBe(intentId);
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });
  });

  it('sends JPY to Stripe in whole yen', async () => {
    const { checkout } = await app.query(
      Checkout,
      checkoutVariables({
        currency: 'JPY',
        items: [{ variantId: yenVariantId, quantity: 1 }],
        shippingAddress: { ...defaultAddress(), country: 'JP', region: null },
        payment: { method: 'CARD' },
      }),
    );
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    const intent = [...fake.paymentIntents.values()].find((pi) => pi.metadata.order_id === checkout.order.id)!;
    expect(intent).toMatchObject({ amount: 4500, currency: 'jpy' });
    expect(checkout.order.total).toMatchObject({ amountMinor: 4500, formatted: '¥4,500' });
  });

  it('gives a retried checkout the same order and the same PaymentIntent', async () => {
    const first = await cardCheckout({ idempotencyKey: 'card-retry-1' });
    const intents = fake.paymentIntents.size;
    const second = await cardCheckout({ idempotencyKey: 'card-retry-1' });
    expect(second.order.id).toBe(first.order.id);
    expect(second.clientSecret).toBe(first.clientSecret);
    expect(fake.paymentIntents.size).toBe(intents);
  });

  it.each([
    ['answers 500', () => fake.failNext({ method: 'POST', path: /^\/v1\/payment_intents$/ }, { status: 500, error: { type: 'api_error', message: 'Stripe is having a bad day' } })],
    // Handled at Stripe, answered too late: the retry gets the PaymentIntent made the first time.
    ['times out', () => fake.delayNext({ method: 'POST', path: /^\/v1\/payment_intents$/ }, 2000)],
    ['resets the connection', () => fake.breakEndpoint({ method: 'POST', path: /^\/v1\/payment_intents$/ }, { kind: 'refuse' })],
  ])('keeps the order and its stock when Stripe %s, and a retry with the same key starts the payment once', async (_, arrange) => {
    const before = await stock();
    const orders = await countOrders(app);
    arrange();
    const key = `stripe-fails-${randomUUID()}`;
    const variables = checkoutVariables({ items: [{ variantId, quantity: 3 }], payment: { method: 'CARD' }, idempotencyKey: key });
    const { checkout } = await app.query(Checkout, variables);
    expect(checkout).toMatchObject({ __typename: 'PaymentProviderError', code: 'PAYMENT_PROVIDER_ERROR', provider: 'stripe' });
    if (checkout.__typename === 'PaymentProviderError') expect(checkout.message).toMatch(/retry with the same idempotency key/);
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 3 });
    expect(await countOrders(app)).toBe(orders + 1);

    fake.heal();
    const retried = await cardCheckout({ quantity: 3, idempotencyKey: key });
    expect(retried.order.status).toBe('PENDING_PAYMENT');
    expect(await countOrders(app)).toBe(orders + 1);
    const intents = [...fake.paymentIntents.values()].filter((pi) => pi.metadata.order_id === retried.order.id);
    expect(intents).toHaveLength(1);
    expect(retried.clientSecret).toBe(intents[0].client_secret);
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 3 });
  });
});

describe('the Stripe webhook', () => {
  it('marks the order paid once on payment_intent.succeeded, however many times it is delivered', async () => {
    const before = await stock();
    const checkout = await cardCheckout({ quantity: 2 });
    const event = await fake.succeedPaymentIntent(intentOf(checkout), { deliver: false });
    expect(await fake.deliver(event, { times: 3 })).toEqual([200, 200, 200]);
    const order = await orderState(checkout.order.id);
    expect(order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED' }] });
    expect(order.statusHistory.filter((h) => h.toStatus === 'PAID')).toEqual([
      { fromStatus: 'PENDING_PAYMENT', toStatus: 'PAID', actor: 'stripe', reason: 'stripe payment_intent.succeeded: Payment succeeded' },
    ]);
    expect(await stock()).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    const [row] = await app.sql(`select count(*)::int as n from provider_event where provider = 'stripe' and id = ?`, [event.id]);
    expect(row.n).toBe(1);
  });

  it('releases the stock once on payment_intent.canceled', async () => {
    const before = await stock();
    const checkout = await cardCheckout({ quantity: 4 });
    const event = await fake.cancelPaymentIntent(intentOf(checkout), { deliver: false });
    expect(await fake.deliver(event, { times: 3 })).toEqual([200, 200, 200]);
    expect(await orderState(checkout.order.id)).toMatchObject({ status: 'CANCELED', payments: [{ status: 'CANCELED' }] });
    expect(await stock()).toEqual(before);
  });

  it('ignores a payment_failed that arrives after succeeded', async () => {
    const checkout = await cardCheckout();
    const intentId = intentOf(checkout);
    const failed = await fake.failPaymentIntent(intentId, 'declined', { deliver: false });
    const succeeded = await fake.succeedPaymentIntent(intentId, { deliver: false });
    await fake.deliver(succeeded);
    const after = await stock();
    expect(await fake.deliver(failed)).toEqual([200]);
    expect((await orderState(checkout.order.id)).status).toBe('PAID');
    expect(await stock()).toEqual(after);
  });

  it('moves the order to REFUNDED on charge.refunded', async () => {
    const checkout = await cardCheckout();
    const intentId = intentOf(checkout);
    await fake.succeedPaymentIntent(intentId);
    const refunded = await fake.refundPaymentIntent(intentId, { deliver: false });
    expect(await fake.deliver(refunded, { times: 2 })).toEqual([200, 200]);
    expect(await orderState(checkout.order.id)).toMatchObject({ status: 'REFUNDED', payments: [{ status: 'REFUNDED' }] });
  });

  it.each([
    ['a tampered body', { tamper: true }],
    ['no signature', { signed: false }],
    ['a signature made with another secret', { secret: 'whsec_someone_else' }],
    ['a stale signature', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
  ])('refuses %s with 400 and changes nothing', async (_, options) => {
    const checkout = await cardCheckout();
    const event = await fake.succeedPaymentIntent(intentOf(checkout), { deliver: false });
    expect(await fake.deliver(event, options)).toEqual([400]);
    expect((await orderState(checkout.order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('records an event for an unknown order and answers 200 so Stripe stops retrying', async () => {
    const stranger = await fake.succeedPaymentIntent((await createStrangerIntent()).id, { deliver: false });
    expect(await fake.deliver(stranger)).toEqual([200]);
    const [row] = await app.sql(`select outcome from provider_event where provider = 'stripe' and id = ?`, [stranger.id]);
    expect(row.outcome).toMatch(/unknown order/);
  });

  it('refuses a succeeded event whose amount differs from the order total', async () => {
    const checkout = await cardCheckout();
    const event = await fake.succeedPaymentIntent(intentOf(checkout), { deliver: false });
    const forged = structuredClone(event) as Stripe.PaymentIntentSucceededEvent;
    forged.id = `${event.id}_short`;
    forged.data.object.amount_received = 1;
    expect(await fake.deliver(forged)).toEqual([200]);
    expect((await orderState(checkout.order.id)).status).toBe('PENDING_PAYMENT');
  });
});

describe('hosted checkout', () => {
  it('creates a Checkout Session with the order lines and shipping, and is paid on checkout.session.completed', async () => {
    const before = await stock();
    const checkout = await cardCheckout({ method: 'HOSTED_CHECKOUT', quantity: 2, token: app.customerToken('hosted-buyer') });
    const session = [...fake.checkoutSessions.values()].find((s) => s.metadata?.order_id === checkout.order.id)!;
    expect(checkout.checkoutUrl).toBe(session.url);
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 5500,
      currency: 'usd',
      success_url: `https://shop.test/thanks?order=${checkout.order.id}`,
      cancel_url: 'https://shop.test/cart',
      metadata: { order_id: checkout.order.id, customer_id: 'hosted-buyer' },
    });
    const request = fake.requests.find((r) => r.path === '/v1/checkout/sessions' && r.method === 'POST' && (r.params.metadata as Record<string, string>)?.order_id === checkout.order.id)!;
    expect(request.params.line_items).toEqual([
      { quantity: '2', price_data: { currency: 'usd', unit_amount: '2500', product_data: { name: 'Card Thing' } } },
      { quantity: '1', price_data: { currency: 'usd', unit_amount: '500', product_data: { name: 'Shipping: Standard' } } },
    ]);

    const completed = await fake.completeCheckoutSession(session.id);
    // Both events (payment_intent.succeeded and checkout.session.completed) arrive again, twice.
    const succeeded = fake.events.find((e) => e.type === 'payment_intent.succeeded' && (e.data.object as Stripe.PaymentIntent).metadata.order_id === checkout.order.id)!;
    expect(await fake.deliver(completed, { times: 2 })).toEqual([200, 200]);
    expect(await fake.deliver(succeeded, { times: 2 })).toEqual([200, 200]);
    const order = await orderState(checkout.order.id);
    expect(order.status).toBe('PAID');
    expect(order.statusHistory.filter((h) => h.toStatus === 'PAID')).toHaveLength(1);
    expect(await stock()).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
  });

  it('expires the order and gives the stock back on checkout.session.expired', async () => {
    const before = await stock();
    const checkout = await cardCheckout({ method: 'HOSTED_CHECKOUT', quantity: 3 });
    const session = [...fake.checkoutSessions.values()].find((s) => s.metadata?.order_id === checkout.order.id)!;
    const expired = await fake.expireCheckoutSession(session.id);
    expect(await fake.deliver(expired, { times: 2 })).toEqual([200, 200]);
    expect((await orderState(checkout.order.id)).status).toBe('EXPIRED');
    expect(await stock()).toEqual(before);
  });
});

describe('markOrderPaid', () => {
  it('moves the order only on what Stripe reports', async () => {
    const token = app.customerToken('marker');
    const before = await stock();
    const checkout = await cardCheckout({ token });
    const intentId = intentOf(checkout);

    const early = await app.query(MarkOrderPaid, { orderId: checkout.order.id }, { token });
    expect(early.markOrderPaid).toMatchObject({ __typename: 'PaymentNotCompleted', code: 'PAYMENT_NOT_COMPLETED', providerStatus: 'requires_payment_method' });
    fake.setPaymentIntentStatus(intentId, 'processing');
    const processing = await app.query(MarkOrderPaid, { orderId: checkout.order.id }, { token });
    expect(processing.markOrderPaid).toMatchObject({ __typename: 'PaymentNotCompleted', providerStatus: 'processing' });
    expect(await stock()).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });

    await fake.succeedPaymentIntent(intentId, { deliver: false });
    const paid = await app.query(MarkOrderPaid, { orderId: checkout.order.id }, { token });
    expect(paid.markOrderPaid).toMatchObject({ __typename: 'MarkOrderPaidSuccess', order: { status: 'PAID' } });
    const again = await app.query(MarkOrderPaid, { orderId: checkout.order.id }, { token });
    expect(again.markOrderPaid).toMatchObject({ __typename: 'OrderAlreadyPaid', code: 'ORDER_ALREADY_PAID', message: 'Order has already been marked as paid.' });
    expect(await stock()).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });

    const other = await app.query(MarkOrderPaid, { orderId: checkout.order.id }, { token: app.customerToken('not-the-owner') });
    expect(other.markOrderPaid).toMatchObject({ __typename: 'OrderNotFound' });
  });

  it('never accepts a PaymentIntent that belongs to another order', async () => {
    const paidOrder = await cardCheckout();
    await fake.succeedPaymentIntent(intentOf(paidOrder));
    const unpaid = await cardCheckout();
    // Point the unpaid order's payment at the other order's PaymentIntent (seed 003's bug).
    await app.server.orm.em.getConnection().execute('update payment set provider_reference = ? where id = ?', [intentOf(paidOrder), unpaid.payment.id]);
    const { markOrderPaid } = await app.query(MarkOrderPaid, { orderId: unpaid.order.id }, staff());
    expect(markOrderPaid).toMatchObject({ __typename: 'PaymentNotCompleted', message: 'That payment belongs to another order.' });
    expect((await orderState(unpaid.order.id)).status).toBe('PENDING_PAYMENT');
  });

  it('is safe to race with the webhook: the order is paid and its stock sold exactly once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const before = await stock();
      const checkout = await cardCheckout({ quantity: 2 });
      const event = await fake.succeedPaymentIntent(intentOf(checkout), { deliver: false });
      const [statuses, marked] = await Promise.all([
        fake.deliver(event, { times: 2 }),
        app.query(MarkOrderPaid, { orderId: checkout.order.id }, staff()),
      ]);
      expect(statuses).toEqual([200, 200]);
      expect(['MarkOrderPaidSuccess', 'OrderAlreadyPaid']).toContain(marked.markOrderPaid.__typename);
      const order = await orderState(checkout.order.id);
      expect(order.statusHistory.filter((h) => h.toStatus === 'PAID')).toHaveLength(1);
      expect(await stock()).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    }
  });
});

describe('payments that arrive late', () => {
  const pastDue = (orderId: string) =>
    app.server.orm.em.getConnection().execute(`update orders set expires_at = now() - interval '1 second' where id = ?`, [orderId]);

  it('cancels the PaymentIntent at Stripe when the order expires', async () => {
    const checkout = await cardCheckout();
    await pastDue(checkout.order.id);
    expect((await orderState(checkout.order.id)).status).toBe('EXPIRED');
    await app.jobsDone();
    expect(fake.paymentIntents.get(intentOf(checkout))?.status).toBe('canceled');
  });

  it('cancels the PaymentIntent of every overdue order that a staff list expires together', async () => {
    const checkouts = await Promise.all([cardCheckout(), cardCheckout({ quantity: 2 }), cardCheckout()]);
    for (const checkout of checkouts) await pastDue(checkout.order.id);
    const { orders } = await app.query(OrderStatuses, { first: 100 }, staff());
    const ids = checkouts.map((c) => c.order.id);
    expect(orders.edges.filter((e) => ids.includes(e.node.id)).map((e) => e.node.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    await app.jobsDone();
    expect(checkouts.map((c) => fake.paymentIntents.get(intentOf(c))?.status)).toEqual(['canceled', 'canceled', 'canceled']);
  });

  it('reinstates an expired order paid while its stock is still there, with no one involved', async () => {
    const before = await stock();
    const checkout = await cardCheckout({ quantity: 2 });
    const intentId = intentOf(checkout);
    // The buyer pays before the cancel reaches Stripe.
    fake.breakEndpoint({ method: 'POST', path: /\/cancel$/ }, { kind: 'hang' });
    await pastDue(checkout.order.id);
    expect((await orderState(checkout.order.id)).status).toBe('EXPIRED');
    await fake.succeedPaymentIntent(intentId);
    fake.heal();
    await app.jobsDone();

    const order = await orderState(checkout.order.id);
    expect(order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED' }], refunds: [] });
    expect(order.statusHistory.at(-1)).toMatchObject({ fromStatus: 'EXPIRED', toStatus: 'PAID', actor: 'stripe' });
    expect(order.statusHistory.at(-1)?.reason).toMatch(/reinstated/);
    expect(await stock()).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
  });

  it('refunds a payment for an expired order whose stock has gone, and records each step', async () => {
    const scarce = await createProduct(app, { name: 'Scarce Card Thing', variants: [{ sku: 'CARD-SCARCE', stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 900 }] }] });
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: scarce.variants[0].id, quantity: 1 }], payment: { method: 'CARD' } }));
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    const intentId = intentOf(checkout);
    fake.breakEndpoint({ method: 'POST', path: /\/cancel$/ }, { kind: 'hang' });
    await pastDue(checkout.order.id);
    await orderState(checkout.order.id);
    const other = await app.query(Checkout, checkoutVariables({ items: [{ variantId: scarce.variants[0].id, quantity: 1 }] }));
    expect(other.checkout.__typename).toBe('CheckoutSuccess');
    await fake.succeedPaymentIntent(intentId);
    fake.heal();
    await app.jobsDone();

    const order = await orderState(checkout.order.id);
    expect(order).toMatchObject({ status: 'REFUNDED', payments: [{ status: 'REFUNDED' }], refunded: { amountMinor: 1400 } });
    expect(order.refunds).toEqual([{ status: 'SUCCEEDED', amount: { amountMinor: 1400 }, actor: 'system', reason: expect.stringMatching(/stock was gone/) }]);
    expect(order.statusHistory.slice(-2)).toMatchObject([
      { fromStatus: 'EXPIRED', toStatus: 'PAYMENT_RECEIVED_LATE', actor: 'stripe' },
      { fromStatus: 'PAYMENT_RECEIVED_LATE', toStatus: 'REFUNDED', actor: 'stripe' },
    ]);
    const refunds = [...fake.refunds.values()].filter((r) => r.payment_intent === intentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: 1400, status: 'succeeded' });
    // The Stripe webhook for that refund changes nothing more.
    const refundedEvent = fake.events.filter((e) => e.type === 'charge.refunded').at(-1)!;
    expect(await fake.deliver(refundedEvent)).toEqual([200]);
    expect((await orderState(checkout.order.id)).refunds).toHaveLength(1);
    const [variant] = await stockOf(app, scarce.id);
    expect(variant.stock).toEqual({ onHand: 1, reserved: 1 });
  });
});

/** A PaymentIntent made straight at Stripe, not by this shop: no order metadata. */
async function createStrangerIntent(): Promise<Stripe.PaymentIntent> {
  const client = new StripeSdk('sk_test_someone_else', { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 0 });
  return client.paymentIntents.create({ amount: 1234, currency: 'usd' });
}
