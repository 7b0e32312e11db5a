/**
 * The payment-provider seam, proven from outside: a provider that exists only in this file is
 * registered through the composition root and takes an order from checkout to paid to refunded.
 * Adding it touches no other file; nothing in src/ knows its name.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PaymentMethod } from '../../src/payments/payment.entity';
import {
  PaymentProviderFailure,
  WebhookRefused,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderPayment,
  type RefundRequest,
  type StartRequest,
} from '../../src/payments/payment-provider';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, countOrders, createShippingMethods, stockOf } from '../support/checkout-fixtures';

const SECRET = 'testpay-webhook-secret';

interface TestPayment {
  id: string;
  request: StartRequest;
  status: 'open' | 'paid' | 'canceled';
  refundedMinor: number;
}

/** A small online wallet: payments by id, a signature over each webhook body, refunds by id. */
class TestPay implements PaymentProvider {
  readonly name = 'testpay';
  readonly methods = [PaymentMethod.CARD];
  readonly payments = new Map<string, TestPayment>();
  readonly refunds = new Map<string, { paymentId: string; amountMinor: number }>();

  async start(request: StartRequest) {
    // Idempotent per payment, as the seam requires.
    const existing = [...this.payments.values()].find((p) => p.request.paymentId === request.paymentId);
    const payment = existing ?? { id: `tp_${randomUUID()}`, request, status: 'open' as const, refundedMinor: 0 };
    this.payments.set(payment.id, payment);
    return { providerReference: payment.id, clientSecret: `${payment.id}_secret`, checkoutUrl: null };
  }

  async resume(reference: string) {
    return { clientSecret: `${reference}_secret`, checkoutUrl: null };
  }

  async verify(reference: string): Promise<ProviderPayment> {
    const payment = this.payments.get(reference);
    if (!payment) throw new PaymentProviderFailure(`No testpay payment ${reference}.`);
    return {
      paymentIntentId: payment.id,
      status: payment.status,
      succeeded: payment.status === 'paid',
      amountReceivedMinor: payment.status === 'paid' ? payment.request.amountMinor : 0,
      currency: payment.request.currency,
      orderId: payment.request.orderId,
      paymentId: payment.request.paymentId,
    };
  }

  async cancel({ providerReference }: { providerReference: string | null }) {
    const payment = providerReference ? this.payments.get(providerReference) : undefined;
    if (payment?.status === 'paid') return { alreadyPaid: await this.verify(payment.id) };
    if (payment) payment.status = 'canceled';
    return { canceled: true as const };
  }

  async refund(request: RefundRequest) {
    const payment = this.payments.get(request.providerReference)!;
    if (!this.refunds.has(request.refundId)) {
      this.refunds.set(request.refundId, { paymentId: payment.id, amountMinor: request.amountMinor });
      payment.refundedMinor += request.amountMinor;
    }
    return { providerReference: `tpr_${request.refundId}`, succeeded: true };
  }

  readWebhook(rawBody: Buffer, header: (name: string) => string | undefined): ProviderEvent {
    const given = Buffer.from(header('x-testpay-signature') ?? '', 'hex');
    const expected = createHmac('sha256', SECRET).update(rawBody).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WebhookRefused('Bad testpay signature.');
    const body = JSON.parse(rawBody.toString('utf8')) as { id: string; paymentId: string };
    const payment = [...this.payments.values()].find((p) => p.id === body.paymentId);
    if (!payment) return { id: body.id, type: 'payment.paid', references: [body.paymentId], kind: 'ignored', why: 'unknown payment' };
    payment.status = 'paid';
    return { id: body.id, type: 'payment.paid', paymentId: payment.request.paymentId, references: [payment.id], kind: 'succeeded', reported: this.reported(payment) };
  }

  private reported(payment: TestPayment): ProviderPayment {
    return {
      paymentIntentId: payment.id,
      status: 'paid',
      succeeded: true,
      amountReceivedMinor: payment.request.amountMinor,
      currency: payment.request.currency,
      orderId: payment.request.orderId,
      paymentId: payment.request.paymentId,
    };
  }
}

const testPay = new TestPay();
const app = useTestApp({}, { providers: [testPay] });

const RefundOrder = graphql(`
  mutation SeamRefundOrder($input: RefundOrderInput!) {
    refundOrder(input: $input) {
      __typename
      ... on RefundOrderSuccess { order { id status } refund { id status amount { amountMinor } } }
      ... on UserError { code message }
    }
  }
`);

const SeamOrder = graphql(`
  query SeamOrder($id: ID!) {
    order(id: $id) {
      status
      payments { status provider providerReference }
      refunds { status amount { amountMinor } }
      refunded { amountMinor }
      statusHistory { fromStatus toStatus actor }
    }
  }
`);

async function postWebhook(body: object): Promise<number> {
  const raw = JSON.stringify(body);
  const response = await fetch(`${app.url}/webhooks/testpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-testpay-signature': createHmac('sha256', SECRET).update(raw).digest('hex') },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}

let variantId: string;
let productId: string;
beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, { name: 'Seam Socks', variants: [{ sku: 'SEAM-1', stockOnHand: 5, prices: [{ currency: 'USD', amountMinor: 1200 }] }] });
  variantId = product.variants[0].id;
  productId = product.id;
});

describe('a payment provider registered through the seam', () => {
  it('takes an order from checkout to paid to refunded', async () => {
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 2 }], payment: { method: 'CARD', provider: 'testpay' } }));
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    const [started] = [...testPay.payments.values()].filter((p) => p.request.orderId === checkout.order.id);
    expect(checkout.clientSecret).toBe(`${started.id}_secret`);
    expect(checkout.payment).toMatchObject({ provider: 'testpay', status: 'PENDING' });

    expect(await postWebhook({ id: 'evt-1', paymentId: started.id })).toBe(200);
    expect(await postWebhook({ id: 'evt-1', paymentId: started.id })).toBe(200);
    const paid = await app.query(SeamOrder, { id: checkout.order.id }, { token: app.staffToken() });
    expect(paid.order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED', provider: 'testpay', providerReference: started.id }] });
    expect(paid.order!.statusHistory.filter((h) => h.toStatus === 'PAID')).toEqual([{ fromStatus: 'PENDING_PAYMENT', toStatus: 'PAID', actor: 'testpay' }]);
    const [variant] = await stockOf(app, productId);
    expect(variant.stock).toEqual({ onHand: 3, reserved: 0 });

    const { refundOrder } = await app.query(RefundOrder, { input: { orderId: checkout.order.id, reason: 'Wrong size' } }, { token: app.staffToken() });
    expect(refundOrder).toMatchObject({ __typename: 'RefundOrderSuccess', refund: { status: 'PENDING', amount: { amountMinor: 2900 } } });
    await app.jobsDone();
    const refunded = await app.query(SeamOrder, { id: checkout.order.id }, { token: app.staffToken() });
    expect(refunded.order).toMatchObject({ status: 'REFUNDED', refunds: [{ status: 'SUCCEEDED', amount: { amountMinor: 2900 } }], refunded: { amountMinor: 2900 } });
    expect(started.refundedMinor).toBe(2900);
  });

  it('refuses a webhook the provider does not verify, and a provider nobody registered', async () => {
    const response = await fetch(`${app.url}/webhooks/testpay`, { method: 'POST', headers: { 'x-testpay-signature': '00' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Bad testpay signature.' });
    const unknown = await fetch(`${app.url}/webhooks/paypal`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], payment: { method: 'CARD', provider: 'paypal' } }));
    expect(checkout).toMatchObject({ __typename: 'PaymentProviderError', provider: 'paypal' });
  });

  // Stripe is not configured here, so the only provider registered for cards is testpay, and none for hosted checkout.
  it('is the default for its method when the buyer names no provider', async () => {
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], payment: { method: 'CARD' } }));
    expect(checkout).toMatchObject({ __typename: 'CheckoutSuccess', payment: { provider: 'testpay', method: 'CARD' } });
  });

  it.each([
    ['a provider for a method it does not take', { method: 'HOSTED_CHECKOUT' as const, provider: 'testpay' }, { provider: 'testpay', message: '"testpay" is not a payment provider this shop takes HOSTED_CHECKOUT payments with.' }],
    ['no provider for a method nobody takes', { method: 'HOSTED_CHECKOUT' as const }, { provider: 'stripe', message: 'Hosted checkout payments are not available: Stripe is not configured on this server.' }],
  ])('refuses a checkout naming %s, placing nothing', async (_, payment, error) => {
    const ordersBefore = await countOrders(app);
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], payment }));
    expect(checkout).toMatchObject({ __typename: 'PaymentProviderError', ...error });
    expect(await countOrders(app)).toBe(ordersBefore);
  });
});
