import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from './fake-stripe';

const WEBHOOK_SECRET = 'whsec_fake_stripe_self_test';

let fake: FakeStripe;
let receiver: Receiver;
let stripe: Stripe;

beforeAll(async () => {
  receiver = await startReceiver(WEBHOOK_SECRET);
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET, webhookUrl: receiver.url });
  stripe = sdk();
});

afterAll(async () => {
  await fake?.close();
  await receiver?.close();
});

function sdk(config: Stripe.StripeConfig = {}): Stripe {
  return new Stripe('sk_test_fake', { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 0, ...config });
}

function createPaymentIntent(idempotencyKey: string = randomUUID()) {
  return stripe.paymentIntents.create(
    { amount: 2599, currency: 'USD', metadata: { order_id: 'ord_1' }, description: 'Order ord_1' },
    { idempotencyKey },
  );
}

function createCheckoutSession() {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'eur', unit_amount: 1250, product_data: { name: 'Mug' } }, quantity: 2 },
      { price_data: { currency: 'eur', unit_amount: 500, product_data: { name: 'Coaster' } }, quantity: 1 },
    ],
    success_url: 'https://shop.test/success?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://shop.test/cart',
    client_reference_id: 'ord_2',
    customer_email: 'ada@example.test',
    metadata: { order_id: 'ord_2' },
    payment_intent_data: { metadata: { order_id: 'ord_2', source: 'checkout' } },
  });
}

describe('the fake Stripe API, driven by the real SDK', () => {
  it('creates a PaymentIntent awaiting a payment method and returns it on retrieval', async () => {
    const created = await createPaymentIntent('create-and-read');

    expect(created).toMatchObject({
      object: 'payment_intent',
      status: 'requires_payment_method',
      amount: 2599,
      currency: 'usd',
      metadata: { order_id: 'ord_1' },
      description: 'Order ord_1',
      livemode: false,
    });
    expect(created.id).toMatch(/^pi_/);
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`));
    expect(await stripe.paymentIntents.retrieve(created.id)).toEqual(created);
  });

  it('records each request with its decoded parameters and headers', async () => {
    await createPaymentIntent('recorded-request');

    expect(fake.requests.find((request) => request.idempotencyKey === 'recorded-request')).toMatchObject({
      method: 'POST',
      path: '/v1/payment_intents',
      params: { amount: '2599', currency: 'USD', metadata: { order_id: 'ord_1' } },
      authorization: 'Bearer sk_test_fake',
      stripeVersion: Stripe.API_VERSION,
    });
  });

  it('replays the stored response when an idempotency key is reused with the same parameters', async () => {
    const first = await createPaymentIntent('replayed-key');
    const count = fake.paymentIntents.size;

    const second = await createPaymentIntent('replayed-key');

    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(fake.paymentIntents.size).toBe(count);
  });

  it('rejects an idempotency key reused with different parameters', async () => {
    await createPaymentIntent('conflicting-key');

    const reuse = stripe.paymentIntents.create({ amount: 1, currency: 'usd' }, { idempotencyKey: 'conflicting-key' });

    await expect(reuse).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it.each([
    ['a missing amount', { currency: 'usd' }, 'amount', /Missing required param: amount/],
    ['a fractional amount', { amount: 12.5, currency: 'usd' }, 'amount', /Invalid integer: 12.5/],
    ['a negative amount', { amount: -100, currency: 'usd' }, 'amount', /greater than or equal to 1/],
    ['a missing currency', { amount: 100 }, 'currency', /Missing required param: currency/],
  ])('rejects a PaymentIntent with %s, naming the parameter', async (_, params, param, message) => {
    const create = stripe.paymentIntents.create(params as Stripe.PaymentIntentCreateParams);

    await expect(create).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param, message: expect.stringMatching(message) });
  });

  it('cancels a PaymentIntent once and refuses to cancel it again, recording the canceled event', async () => {
    const { id } = await createPaymentIntent();

    const canceled = await stripe.paymentIntents.cancel(id, { cancellation_reason: 'abandoned' });
    const again = stripe.paymentIntents.cancel(id);

    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    await expect(again).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' });
    expect(fake.events.at(-1)).toMatchObject({ type: 'payment_intent.canceled', data: { object: { id } }, request: { id: expect.stringMatching(/^req_/) } });
  });

  it('answers an unknown PaymentIntent id with a 404 resource_missing error', async () => {
    const retrieve = stripe.paymentIntents.retrieve('pi_missing');

    await expect(retrieve).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(retrieve).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such payment_intent: 'pi_missing'" });
  });

  it("answers an unknown route with a 404 in Stripe's error format", async () => {
    const response = await fetch(`${fake.url}/v1/unknown_things`, { method: 'POST', headers: { authorization: 'Bearer sk_test_fake' } });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { type: 'invalid_request_error', message: expect.stringMatching(/^Unrecognized request URL \(POST: \/v1\/unknown_things\)/) } });
  });

  it('rejects a request without a test-mode API key as an authentication error', async () => {
    const live = new Stripe('sk_live_real', { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 0 });

    await expect(live.paymentIntents.retrieve('pi_any')).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('fails the next matching request with an injected 500 that is not stored for idempotent replay', async () => {
    fake.failNext({ method: 'POST', path: /^\/v1\/payment_intents$/ }, { status: 500, error: { type: 'api_error', message: 'Stripe is down' } });

    await expect(createPaymentIntent('after-a-500')).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    const retried = await createPaymentIntent('after-a-500');

    expect(retried.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(fake.paymentIntents.get(retried.id)).toBeDefined();
  });

  it('delays the next matching response past the SDK timeout, though the request still took effect', async () => {
    const impatient = sdk({ timeout: 200 });
    fake.delayNext({ path: /^\/v1\/payment_intents$/ }, 1_000);

    const create = impatient.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey: 'timed-out' });

    await expect(create).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const retried = await impatient.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey: 'timed-out' });
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('creates an open Checkout Session priced from its line items, with no PaymentIntent yet', async () => {
    const session = await createCheckoutSession();

    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 3000,
      currency: 'eur',
      metadata: { order_id: 'ord_2' },
      client_reference_id: 'ord_2',
      payment_intent: null,
      url: `https://checkout.stripe.test/c/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(fake.requests.at(-1)?.params).toMatchObject({
      line_items: [{ price_data: { unit_amount: '1250', product_data: { name: 'Mug' } }, quantity: '2' }, { quantity: '1' }],
    });
  });

  it('expires an open Checkout Session through the API', async () => {
    const { id } = await createCheckoutSession();

    const expired = await stripe.checkout.sessions.expire(id);

    expect(expired).toMatchObject({ status: 'expired', url: null });
    await expect(stripe.checkout.sessions.expire(id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('refunds a succeeded PaymentIntent through the API and marks its charge refunded', async () => {
    const { id } = await createPaymentIntent();
    await fake.succeedPaymentIntent(id, { deliver: false });

    const refund = await stripe.refunds.create({ payment_intent: id, amount: 599 });
    const rest = await stripe.refunds.create({ payment_intent: id });

    expect(refund).toMatchObject({ object: 'refund', amount: 599, payment_intent: id, status: 'succeeded' });
    expect(rest.amount).toBe(2000);
    expect(fake.charges.get(fake.paymentIntents.get(id)?.latest_charge as string)).toMatchObject({ refunded: true, amount_refunded: 2599 });
    await expect(stripe.refunds.create({ payment_intent: id })).rejects.toMatchObject({ code: 'charge_already_refunded' });
  });
});

describe('the fake Stripe test controls', () => {
  it('succeeds a PaymentIntent with a charge and delivers payment_intent.succeeded', async () => {
    const { id } = await createPaymentIntent();

    const event = await fake.succeedPaymentIntent(id);

    expect(event).toMatchObject({ object: 'event', type: 'payment_intent.succeeded', api_version: Stripe.API_VERSION, livemode: false });
    expect(event.data.object).toMatchObject({ id, status: 'succeeded', amount_received: 2599, latest_charge: expect.stringMatching(/^ch_/) });
    expect(receiver.events.at(-1)).toEqual(event);
    expect(fake.deliveries.at(-1)).toEqual({ eventId: event.id, type: 'payment_intent.succeeded', status: 200 });
  });

  it('fails a payment attempt with a last_payment_error and delivers payment_intent.payment_failed', async () => {
    const { id } = await createPaymentIntent();

    const event = await fake.failPaymentIntent(id, 'Insufficient funds.');

    expect(event.data.object).toMatchObject({ status: 'requires_payment_method', last_payment_error: { type: 'card_error', message: 'Insufficient funds.' } });
    expect(receiver.events.at(-1)?.id).toBe(event.id);
  });

  it('cancels a PaymentIntent and delivers payment_intent.canceled', async () => {
    const { id } = await createPaymentIntent();

    const event = await fake.cancelPaymentIntent(id);

    expect(event.data.object.status).toBe('canceled');
    expect((await stripe.paymentIntents.retrieve(id)).status).toBe('canceled');
  });

  it('moves a PaymentIntent to processing or requires_action without an event', async () => {
    const { id } = await createPaymentIntent();
    const eventCount = fake.events.length;

    fake.setPaymentIntentStatus(id, 'requires_action');
    expect((await stripe.paymentIntents.retrieve(id)).next_action?.type).toBe('redirect_to_url');
    fake.setPaymentIntentStatus(id, 'processing');

    expect((await stripe.paymentIntents.retrieve(id)).status).toBe('processing');
    expect(fake.events.length).toBe(eventCount);
  });

  it('refunds a PaymentIntent and delivers charge.refunded for its charge', async () => {
    const { id } = await createPaymentIntent();
    await fake.succeedPaymentIntent(id, { deliver: false });

    const event = await fake.refundPaymentIntent(id);

    expect(event.type).toBe('charge.refunded');
    expect(event.data.object).toMatchObject({ object: 'charge', payment_intent: id, refunded: true, amount_refunded: 2599 });
    expect(receiver.events.at(-1)?.id).toBe(event.id);
  });

  it('completes a Checkout Session with a new succeeded PaymentIntent and delivers both events', async () => {
    const { id } = await createCheckoutSession();

    const event = await fake.completeCheckoutSession(id);

    const session = await stripe.checkout.sessions.retrieve(id);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, customer_details: { email: 'ada@example.test' } });
    const paymentIntent = await stripe.paymentIntents.retrieve(session.payment_intent as string);
    expect(paymentIntent).toMatchObject({ status: 'succeeded', amount: 3000, currency: 'eur', metadata: { order_id: 'ord_2', source: 'checkout' } });
    expect(event.data.object).toEqual(session);
    expect(receiver.events.slice(-2).map((received) => received.type)).toEqual(['payment_intent.succeeded', 'checkout.session.completed']);
  });

  it('expires a Checkout Session and delivers checkout.session.expired', async () => {
    const { id } = await createCheckoutSession();

    const event = await fake.expireCheckoutSession(id);

    expect(event.data.object).toMatchObject({ id, status: 'expired' });
    expect(receiver.events.at(-1)?.id).toBe(event.id);
  });

  it('keeps an event as a snapshot of the object when it was raised', async () => {
    const { id } = await createPaymentIntent();

    const succeeded = await fake.succeedPaymentIntent(id, { deliver: false });
    await fake.refundPaymentIntent(id, { deliver: false, amount: 100 });

    expect(fake.charges.get(succeeded.data.object.latest_charge as string)?.amount_refunded).toBe(100);
    expect(succeeded.data.object.status).toBe('succeeded');
    expect(fake.events.at(-1)).toMatchObject({ type: 'charge.refunded', data: { object: { amount_refunded: 100, refunded: false } } });
  });

  it('refuses to succeed a PaymentIntent that was canceled', async () => {
    const { id } = await createPaymentIntent();
    await fake.cancelPaymentIntent(id, { deliver: false });

    await expect(fake.succeedPaymentIntent(id)).rejects.toThrow(/it is canceled/);
  });
});

describe('webhook delivery', () => {
  it('signs events so that constructEvent verifies them, as many times as asked', async () => {
    const { id } = await createPaymentIntent();
    const event = await fake.succeedPaymentIntent(id, { deliver: false });

    expect(await fake.deliver(event, { times: 2 })).toEqual([200, 200]);
    expect(receiver.events.slice(-2)).toEqual([event, event]);
  });

  it.each([
    ['a body changed after signing', { tamper: true }, /No signatures found matching the expected signature/],
    ['a signature made with another secret', { secret: 'whsec_wrong' }, /No signatures found matching the expected signature/],
    ['a timestamp ten minutes old', { timestamp: Math.floor(Date.now() / 1000) - 600 }, /Timestamp outside the tolerance zone/],
    ['no signature header', { signed: false }, /No stripe-signature header value was provided/],
  ])('sends %s, which the receiver rejects', async (_, options, reason) => {
    const { id } = await createPaymentIntent();
    const event = await fake.cancelPaymentIntent(id, { deliver: false });

    expect(await fake.deliver(event, options)).toEqual([400]);
    expect(receiver.rejections.at(-1)).toMatch(reason);
  });

  it('refuses to deliver when no webhook URL is set', async () => {
    const silent = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
    try {
      const session = await sdk({ port: silent.port }).checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'Pin' } }, quantity: 1 }],
      });
      const event = await silent.expireCheckoutSession(session.id);

      expect(event.pending_webhooks).toBe(0);
      await expect(silent.deliver(event)).rejects.toThrow(/No webhook URL/);
    } finally {
      await silent.close();
    }
  });
});

interface Receiver {
  url: string;
  events: Stripe.Event[];
  rejections: string[];
  close(): Promise<void>;
}

/** A stand-in for the app's webhook route: verifies the raw body like production code must. */
async function startReceiver(secret: string): Promise<Receiver> {
  const events: Stripe.Event[] = [];
  const rejections: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      events.push(Stripe.webhooks.constructEvent(Buffer.concat(chunks), req.headers['stripe-signature'] ?? '', secret));
      res.writeHead(200).end();
    } catch (error) {
      rejections.push((error as Error).message);
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`,
    events,
    rejections,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
