/**
 * Payments when Stripe is slow, absent or says no (issue 10, findings 1 to 5): one test per
 * finding, against the fake Stripe with its faults. Every fault is armed inside its test and
 * healed after it. Waits are bounded by what the fake recorded and by vitest's timeouts, never
 * by a clock: the buyer's timeout is STRIPE_TIMEOUT_MS, and a fault outlives it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expireOrders } from '../../src/orders/order-jobs';
import { UNSTARTED_PAYMENT_GRACE_MINUTES } from '../../src/orders/order-lifecycle.service';
import { graphql } from '../generated';
import { useTestApp, waitFor } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods, stockOf } from '../support/checkout-fixtures';
import { startFakeStripe, type FakeStripe } from '../stripe/fake-stripe';

const WEBHOOK_SECRET = 'whsec_test_payment_faults';
const PAYMENT_INTENTS = /^\/v1\/payment_intents$/;
const CANCELS = /^\/v1\/payment_intents\/[^/]+\/cancel$/;

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
});
const app = useTestApp(() => ({
  STRIPE_SECRET_KEY: 'sk_test_payment_faults',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_URL: fake.url,
  STRIPE_TIMEOUT_MS: '1000',
}));
beforeAll(async () => {
  fake.setWebhookUrl(`${app.url}/webhooks/stripe`);
  await createShippingMethods(app);
});
afterEach(async () => {
  fake.heal();
  await retryNow();
});
afterAll(() => fake?.close());

const OrderState = graphql(`
  query PaymentFaultsOrder($id: ID!) {
    order(id: $id) {
      status
      payments { id status providerReference lastError { code message } }
      statusHistory { fromStatus toStatus actor reason }
      refunds { status }
    }
  }
`);

const staff = () => ({ token: app.staffToken('faults-clerk') });

async function orderState(orderId: string) {
  const { order } = await app.query(OrderState, { id: orderId }, staff());
  return order!;
}

/** A product of its own per test, so stock figures are exact. */
async function productWithStock(stockOnHand: number) {
  const product = await createProduct(app, {
    name: `Fault Thing ${randomUUID().slice(0, 8)}`,
    variants: [{ sku: `FAULT-${randomUUID().slice(0, 8)}`, stockOnHand, prices: [{ currency: 'USD', amountMinor: 2500 }] }],
  });
  return { productId: product.id, variantId: product.variants[0].id };
}

async function stock(productId: string) {
  const [variant] = await stockOf(app, productId);
  return variant.stock;
}

function cardCheckout(variantId: string, quantity: number, idempotencyKey?: string) {
  return checkoutVariables({ items: [{ variantId, quantity }], payment: { method: 'CARD' }, idempotencyKey });
}

async function placed(variables: ReturnType<typeof cardCheckout>) {
  const { checkout } = await app.query(Checkout, variables);
  if (checkout.__typename !== 'CheckoutSuccess') throw new Error(`${checkout.__typename}: ${'message' in checkout ? checkout.message : ''}`);
  return checkout;
}

/** The order (and its payment) a checkout with this idempotency key placed, read from the database. */
async function placedWith(idempotencyKey: string): Promise<{ orderId: string; paymentId: string }> {
  const rows = await app.sql<{ order_id: string; payment_id: string }>(
    `select o.id as order_id, p.id as payment_id from orders o join payment p on p.order_id = o.id where o.idempotency_key = ?`,
    [idempotencyKey],
  );
  expect(rows).toHaveLength(1);
  return { orderId: rows[0].order_id, paymentId: rows[0].payment_id };
}

function intentsOf(paymentId: string) {
  return [...fake.paymentIntents.values()].filter((pi) => pi.metadata.payment_id === paymentId);
}

function createRequestsOf(paymentId: string) {
  return fake.requestsTo(PAYMENT_INTENTS).filter((r) => (r.params.metadata as Record<string, string> | undefined)?.payment_id === paymentId);
}

/**
 * Runs jobs that failed while Stripe was broken now instead of after their backoff, then waits
 * for every job due to be done.
 */
async function retryNow(): Promise<void> {
  await app.sql(`update graphile_worker._private_jobs set run_at = now() where attempts > 0 and attempts < max_attempts and locked_at is null and run_at > now()`);
  await app.jobsDone();
}

describe('a card checkout against a slow or failing Stripe', () => {
  it('keeps the order live when a retry starts the payment while the first attempt hangs, and takes the money once', async () => {
    const { productId, variantId } = await productWithStock(5);
    const variables = cardCheckout(variantId, 2, `retry-race-${randomUUID()}`);
    fake.hangNext({ method: 'POST', path: PAYMENT_INTENTS });
    const sent = fake.requestsTo(PAYMENT_INTENTS).length;
    const first = app.query(Checkout, variables);
    await waitFor(() => fake.requestsTo(PAYMENT_INTENTS).length > sent, 'the first checkout to reach Stripe');

    const retried = await placed(variables);
    const [intent] = intentsOf(retried.payment.id);
    expect(retried.clientSecret).toBe(intent.client_secret);

    const { checkout: firstAnswer } = await first;
    expect(firstAnswer).toMatchObject({ __typename: 'PaymentProviderError', provider: 'stripe' });
    expect(await orderState(retried.order.id)).toMatchObject({ status: 'PENDING_PAYMENT', payments: [{ status: 'PENDING', providerReference: intent.id }] });
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 2 });

    await fake.succeedPaymentIntent(intent.id);
    await app.jobsDone();
    const order = await orderState(retried.order.id);
    expect(order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED' }], refunds: [] });
    expect(order.statusHistory.filter((h) => h.toStatus === 'PAID')).toHaveLength(1);
    expect(await stock(productId)).toEqual({ onHand: 3, reserved: 0 });
    expect(intentsOf(retried.payment.id)).toHaveLength(1);
    expect(fake.paymentIntents.get(intent.id)?.status).toBe('succeeded');
    expect([...fake.refunds.values()].filter((r) => r.payment_intent === intent.id)).toEqual([]);
  });

  it('keeps the order and its stock when the card is declined, so the buyer can pay the same PaymentIntent again', async () => {
    const { productId, variantId } = await productWithStock(1);
    const key = `declined-${randomUUID()}`;
    const first = await placed(cardCheckout(variantId, 1, key));
    const [intent] = intentsOf(first.payment.id);
    const declined = await fake.failPaymentIntent(intent.id);
    expect(fake.deliveries.filter((d) => d.eventId === declined.id).map((d) => d.status)).toEqual([200]);

    expect(await orderState(first.order.id)).toMatchObject({
      status: 'PENDING_PAYMENT',
      payments: [{ status: 'DECLINED', providerReference: intent.id, lastError: { code: 'card_declined', message: 'Your card was declined.' } }],
    });
    expect(await stock(productId)).toEqual({ onHand: 1, reserved: 1 });

    const [{ n: ordersBefore }] = await app.sql<{ n: number }>('select count(*)::int as n from orders');
    const { checkout: other } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], buyer: { name: 'Someone Else', email: 'else@example.com' } }));
    expect(other).toMatchObject({ __typename: 'InsufficientStock', available: 0, requested: 1 });
    const [{ n: ordersAfter }] = await app.sql<{ n: number }>('select count(*)::int as n from orders');
    expect(ordersAfter).toBe(ordersBefore);

    // The buyer comes back to the same checkout: the same PaymentIntent, paid with another card.
    const again = await placed(cardCheckout(variantId, 1, key));
    expect(again.order.id).toBe(first.order.id);
    expect(again.clientSecret).toBe(first.clientSecret);
    await fake.succeedPaymentIntent(intent.id);
    expect(await orderState(first.order.id)).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED' }], refunds: [] });
    expect(await stock(productId)).toEqual({ onHand: 0, reserved: 0 });
    expect(intentsOf(first.payment.id)).toHaveLength(1);
  });

  it('answers after one unanswered call when Stripe hangs, delays no other checkout, and succeeds on a retry once Stripe is back', async () => {
    const { productId, variantId } = await productWithStock(10);
    const key = `hanging-${randomUUID()}`;
    const variables = cardCheckout(variantId, 2, key);
    fake.breakEndpoint({ method: 'POST', path: PAYMENT_INTENTS }, { kind: 'hang' });
    const sent = fake.requestsTo(PAYMENT_INTENTS).length;
    const settled: string[] = [];
    const card = app.query(Checkout, variables).then((answer) => {
      settled.push('card');
      return answer;
    });
    await waitFor(() => fake.requestsTo(PAYMENT_INTENTS).length > sent, 'the card checkout to reach Stripe');

    const { checkout: manual } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }] }));
    settled.push('manual');
    expect(manual.__typename).toBe('CheckoutSuccess');

    const { checkout } = await card;
    expect(settled).toEqual(['manual', 'card']);
    expect(checkout).toMatchObject({ __typename: 'PaymentProviderError', code: 'PAYMENT_PROVIDER_ERROR', provider: 'stripe' });
    const { orderId, paymentId } = await placedWith(key);
    // The SDK does not retry while a buyer waits: one call, one timeout.
    expect(createRequestsOf(paymentId)).toHaveLength(1);
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 3 });

    fake.heal();
    const retried = await placed(variables);
    expect(retried.order.id).toBe(orderId);
    expect(await placedWith(key)).toEqual({ orderId, paymentId });
    const intents = intentsOf(paymentId);
    expect(intents).toHaveLength(1);
    expect(retried.clientSecret).toBe(intents[0].client_secret);
    expect(await orderState(orderId)).toMatchObject({ status: 'PENDING_PAYMENT', payments: [{ status: 'PENDING', providerReference: intents[0].id }] });
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 3 });
  });
});

describe('the expiry job', () => {
  it('expires overdue card orders and releases their stock without waiting for Stripe to cancel their PaymentIntents', async () => {
    // The sweep takes every order due by the `now` it is given: start from none due then.
    const later = new Date(Date.now() + 2 * 24 * 60 * 60_000);
    await expireOrders(app.server.orm, later);
    await retryNow();

    const { productId, variantId } = await productWithStock(10);
    const orders = [];
    for (let i = 0; i < 3; i += 1) orders.push(await placed(cardCheckout(variantId, 2)));
    const intents = orders.map((o) => intentsOf(o.payment.id)[0].id);
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 6 });

    fake.breakEndpoint({ method: 'POST', path: CANCELS }, { kind: 'hang' });
    expect(await expireOrders(app.server.orm, later)).toBe(3);
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 0 });

    // The cancels went out after the orders expired, and hang there.
    await waitFor(() => intents.every((id) => fake.requestsTo(new RegExp(`^/v1/payment_intents/${id}/cancel$`)).length > 0), 'the cancel requests');
    for (const order of orders) expect((await orderState(order.order.id)).status).toBe('EXPIRED');
    for (const id of intents) expect(fake.paymentIntents.get(id)?.status).toBe('requires_payment_method');

    fake.heal();
    await retryNow();
    for (const id of intents) expect(fake.paymentIntents.get(id)?.status).toBe('canceled');
    expect(await stock(productId)).toEqual({ onHand: 10, reserved: 0 });
  });

  it('settles a payment that the cancel job finds paid at Stripe, with no webhook: the order is reinstated', async () => {
    const { productId, variantId } = await productWithStock(4);
    const checkout = await placed(cardCheckout(variantId, 2));
    const [intent] = intentsOf(checkout.payment.id);
    fake.breakEndpoint({ method: 'POST', path: CANCELS }, { kind: 'hang' });
    await app.sql(`update orders set expires_at = now() - interval '1 second' where id = ?`, [checkout.order.id]);
    expect((await orderState(checkout.order.id)).status).toBe('EXPIRED');
    expect(await stock(productId)).toEqual({ onHand: 4, reserved: 0 });
    await waitFor(() => fake.requestsTo(CANCELS).some((r) => r.path.includes(intent.id)), 'the cancel request');

    // The buyer pays while the cancel hangs; Stripe's event never arrives.
    const paid = await fake.succeedPaymentIntent(intent.id, { deliver: false });
    fake.heal();
    await retryNow();

    const order = await orderState(checkout.order.id);
    expect(order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED' }], refunds: [] });
    expect(order.statusHistory.at(-1)).toMatchObject({ fromStatus: 'EXPIRED', toStatus: 'PAID', actor: 'stripe' });
    expect(order.statusHistory.at(-1)?.reason).toMatch(/voiding it.*reinstated/);
    expect(await stock(productId)).toEqual({ onHand: 2, reserved: 0 });
    expect(fake.deliveries.filter((d) => d.eventId === paid.id)).toEqual([]);
    expect(fake.paymentIntents.get(intent.id)?.status).toBe('succeeded');
  });
});

describe('a card order whose payment never started', () => {
  /** Makes the payment older than the grace period for an unstarted payment. */
  const pastGrace = (paymentId: string) =>
    app.sql(`update payment set created_at = now() - make_interval(mins => ?) where id = ?`, [UNSTARTED_PAYMENT_GRACE_MINUTES + 1, paymentId]);

  it('expires at once when Stripe made the PaymentIntent but its answer was lost, and the PaymentIntent is canceled', async () => {
    const { productId, variantId } = await productWithStock(5);
    const key = `answer-lost-${randomUUID()}`;
    // Handled at Stripe, answered long after the buyer's timeout.
    fake.delayNext({ method: 'POST', path: PAYMENT_INTENTS }, 5000);
    const { checkout } = await app.query(Checkout, cardCheckout(variantId, 2, key));
    expect(checkout.__typename).toBe('PaymentProviderError');
    const { orderId, paymentId } = await placedWith(key);
    expect(await orderState(orderId)).toMatchObject({ status: 'PENDING_PAYMENT', payments: [{ status: 'PENDING', providerReference: null }] });
    const [made] = intentsOf(paymentId);
    expect(made.status).toBe('requires_payment_method');
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 2 });

    await pastGrace(paymentId);
    await expireOrders(app.server.orm);
    const order = await orderState(orderId);
    expect(order.status).toBe('EXPIRED');
    expect(order.statusHistory.at(-1)).toMatchObject({ fromStatus: 'PENDING_PAYMENT', toStatus: 'EXPIRED', actor: 'system', reason: 'The payment could not be started' });
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 0 });

    await app.jobsDone();
    // Found again through the start call's idempotency key, not made a second time.
    expect(createRequestsOf(paymentId).map((r) => r.idempotencyKey)).toEqual([`payment-intent-${paymentId}`, `payment-intent-${paymentId}`]);
    expect(intentsOf(paymentId).map((pi) => pi.id)).toEqual([made.id]);
    expect(fake.paymentIntents.get(made.id)?.status).toBe('canceled');
  });

  it('expires at once when the start call never reached Stripe, and leaves no payable PaymentIntent', async () => {
    const { productId, variantId } = await productWithStock(5);
    const key = `never-reached-${randomUUID()}`;
    fake.breakEndpoint({ method: 'POST', path: PAYMENT_INTENTS }, { kind: 'refuse' });
    const { checkout } = await app.query(Checkout, cardCheckout(variantId, 1, key));
    expect(checkout.__typename).toBe('PaymentProviderError');
    fake.heal();
    const { orderId, paymentId } = await placedWith(key);
    expect(intentsOf(paymentId)).toEqual([]);
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 1 });

    await pastGrace(paymentId);
    await expireOrders(app.server.orm);
    const order = await orderState(orderId);
    expect(order.statusHistory.at(-1)).toMatchObject({ toStatus: 'EXPIRED', actor: 'system', reason: 'The payment could not be started' });
    expect(await stock(productId)).toEqual({ onHand: 5, reserved: 0 });

    await app.jobsDone();
    // The cancel job could not know whether Stripe got the call: it starts the payment by its
    // idempotency key and cancels what it gets, so no PaymentIntent for it can be paid.
    const intents = intentsOf(paymentId);
    expect(intents).toHaveLength(1);
    expect(intents[0].status).toBe('canceled');
    expect((await orderState(orderId)).status).toBe('EXPIRED');
  });
});
