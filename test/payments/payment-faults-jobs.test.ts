/**
 * Side effects that run as jobs when the other side keeps failing (issue 10, finding 6, and
 * refunds): an email retried with backoff, then given up and shown to staff; a refund the
 * provider keeps refusing; and staff refunds (refundOrder). The mail server is a closed local
 * port for the whole file. A job's last attempt is reached by moving it there in the queue's
 * table, not by waiting out its backoff.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { useTestApp, waitFor } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';
import { startFakeStripe, type FakeStripe } from '../stripe/fake-stripe';

const WEBHOOK_SECRET = 'whsec_test_payment_faults_jobs';
const REFUNDS = /^\/v1\/refunds$/;

let fake: FakeStripe;
let closedPort: number;
beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  // A port nothing listens on: take one from the kernel, then let it go.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
const app = useTestApp(() => ({
  STRIPE_SECRET_KEY: 'sk_test_payment_faults_jobs',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_URL: fake.url,
  STRIPE_TIMEOUT_MS: '1000',
  SMTP_URL: `smtp://127.0.0.1:${closedPort}`,
}));

let variantId: string;
beforeAll(async () => {
  fake.setWebhookUrl(`${app.url}/webhooks/stripe`);
  await createShippingMethods(app);
  const product = await createProduct(app, {
    name: 'Refundable Thing',
    variants: [{ sku: `REFUND-${randomUUID().slice(0, 8)}`, stockOnHand: 1000, prices: [{ currency: 'USD', amountMinor: 2500 }] }],
  });
  variantId = product.variants[0].id;
});
afterEach(async () => {
  fake.heal();
  await app.jobsDone();
});
afterAll(() => fake?.close());

const OrderJobs = graphql(`
  query PaymentFaultsJobsOrder($id: ID!) {
    order(id: $id) {
      status
      payments { status }
      refunded { amountMinor }
      refunds { status amount { amountMinor } actor reason lastError }
      statusHistory { fromStatus toStatus actor reason }
      failedJobs { task attempts lastError }
    }
  }
`);

const RefundOrder = graphql(`
  mutation PaymentFaultsRefundOrder($input: RefundOrderInput!) {
    refundOrder(input: $input) {
      __typename
      ... on RefundOrderSuccess {
        order { id status refunded { amountMinor } }
        refund { id status amount { amountMinor currency } actor reason }
      }
      ... on UserError { code message }
      ... on OrderNotRefundable { orderId }
      ... on InvalidAmount { amountMinor }
    }
  }
`);

const ConfirmTransfer = graphql(`
  mutation PaymentFaultsConfirmTransfer($input: ConfirmManualPaymentInput!) {
    confirmManualPayment(input: $input) {
      __typename
      ... on UserError { code message }
    }
  }
`);

const staffToken = () => app.staffToken('refund-clerk');

async function orderState(orderId: string) {
  const { order } = await app.query(OrderJobs, { id: orderId }, { token: staffToken() });
  return order!;
}

async function placed(method: 'CARD' | 'MANUAL_TRANSFER', options: { token?: string; email?: string } = {}) {
  const { checkout } = await app.query(
    Checkout,
    checkoutVariables({
      items: [{ variantId, quantity: 1 }],
      payment: method === 'CARD' ? { method } : { method, provider: 'zelle' },
      buyer: { name: 'Refund Buyer', email: options.email ?? 'refund-buyer@example.com' },
    }),
    { token: options.token },
  );
  if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
  return checkout;
}

/** A card order paid through Stripe's webhook: 2500 + 500 shipping. */
async function paidByCard(options: { token?: string } = {}) {
  const checkout = await placed('CARD', options);
  const intent = [...fake.paymentIntents.values()].find((pi) => pi.metadata.order_id === checkout.order.id)!;
  await fake.succeedPaymentIntent(intent.id);
  expect((await orderState(checkout.order.id)).status).toBe('PAID');
  return { orderId: checkout.order.id, intentId: intent.id };
}

function refundOrder(input: { orderId: string; amountMinor?: number; reason?: string }, token = staffToken()) {
  return app.request(RefundOrder, { input }, { token });
}

/** The queue's jobs with their task names and payloads (its public view has no payload). */
const QUEUED = 'graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id';

/** What a refusal must leave as it was: the order's refunds, history and queued refund jobs. */
async function written(orderId: string) {
  const [row] = await app.sql<{ refunds: number; history: number; jobs: number; status: string }>(
    `select (select count(*)::int from refund where order_id = o.id) as refunds,
            (select count(*)::int from order_status_change where order_id = o.id) as history,
            (select count(*)::int from ${QUEUED} where t.identifier = 'refund_payment' and j.payload->>'orderId' = o.id::text) as jobs,
            o.status
       from orders o where o.id = ?`,
    [orderId],
  );
  return row;
}

interface QueuedJob {
  id: string;
  attempts: number;
  max_attempts: number;
}

/** A job once its first attempt failed and it waits for its retry. */
function failedOnce(task: string, payloadKey: string, value: string): Promise<QueuedJob> {
  return waitFor(async () => {
    const [job] = await app.sql<QueuedJob>(
      `select j.id::text as id, j.attempts, j.max_attempts from ${QUEUED}
        where t.identifier = ? and j.payload->>? = ? and j.attempts >= 1 and j.locked_at is null`,
      [task, payloadKey, value],
    );
    return job;
  }, `a failed attempt of ${task}`);
}

/** Moves a job to its last attempt, due now. */
async function lastAttemptNow(jobId: string): Promise<void> {
  await app.sql(`update graphile_worker._private_jobs set attempts = max_attempts - 1, run_at = now() where id = ?`, [jobId]);
}

async function failedJobRow(jobId: string) {
  return waitFor(async () => {
    const [row] = await app.sql<{ task: string; attempts: number; last_error: string; order_id: string }>(
      `select task, attempts, last_error, order_id from failed_job where queue_job_id = ?`,
      [jobId],
    );
    return row;
  }, 'the failed job to be recorded');
}

describe('an email the mail server does not take', () => {
  it('is retried later with backoff, not at once, and when it gives up staff see it on the order', async () => {
    const token = app.customerToken('mail-buyer');
    const checkout = await placed('MANUAL_TRANSFER', { token, email: 'mail-buyer@example.com' });
    const [notification] = await app.sql<{ id: string }>(`select id from notification where order_id = ?`, [checkout.order.id]);
    // What the crontab's dispatch does each minute: give the new email its send job.
    await app.sql(`select graphile_worker.add_job('dispatch_notifications')`);

    // One statement: the job waiting for its retry and the email row as its attempt left it.
    const first = await waitFor(async () => {
      // The retry is due at least e^1 seconds after the attempt failed (the row's updated_at).
      const [row] = await app.sql<QueuedJob & { backed_off: boolean; status: string; sent_attempts: number; last_error: string | null }>(
        `select j.id::text as id, j.attempts, j.max_attempts, j.run_at > n.updated_at + interval '2 seconds' as backed_off,
                n.status, n.attempts as sent_attempts, n.last_error
           from ${QUEUED} join notification n on n.id::text = j.payload->>'notificationId'
          where t.identifier = 'send_notification' and n.id = ? and j.attempts >= 1 and j.locked_at is null`,
        [notification.id],
      );
      return row;
    }, 'the first attempt to fail');
    // SENDING while its job waits to retry, so the dispatch never gives it a second job.
    expect(first).toMatchObject({ attempts: 1, backed_off: true, status: 'SENDING', sent_attempts: 1 });
    expect(first.last_error).toMatch(/ECONNREFUSED/);
    const [{ n: failed }] = await app.sql<{ n: number }>(`select count(*)::int as n from notification where status = 'FAILED'`);
    expect(failed).toBe(0);

    await lastAttemptNow(first.id);
    await waitFor(async () => {
      const [row] = await app.sql<{ status: string }>(`select status from notification where id = ?`, [notification.id]);
      return row.status === 'FAILED';
    }, 'the email to fail');
    const record = await failedJobRow(first.id);
    expect(record).toMatchObject({ task: 'send_notification', attempts: first.max_attempts, order_id: checkout.order.id });

    const seen = await orderState(checkout.order.id);
    expect(seen.failedJobs).toEqual([{ task: 'send_notification', attempts: first.max_attempts, lastError: expect.stringMatching(/ECONNREFUSED/) }]);
    const asCustomer = await app.request(OrderJobs, { id: checkout.order.id }, { token });
    expect(asCustomer.data?.order?.status).toBe('PENDING_PAYMENT');
    expect(asCustomer.data?.order?.failedJobs).toBeNull();
    expect(asCustomer.errors).toHaveLength(1);
    expect(asCustomer.errors?.[0]).toMatchObject({ path: ['order', 'failedJobs'], extensions: { code: 'FORBIDDEN' } });
  });
});

describe('a refund the provider keeps refusing', () => {
  it('is retried, then marked FAILED with the reason; the order stays PAID and staff see the failed job', async () => {
    const { orderId, intentId } = await paidByCard();
    fake.breakEndpoint({ method: 'POST', path: REFUNDS }, { kind: 'fail', failure: { status: 400, error: { type: 'invalid_request_error', message: 'Refunds are not possible for this charge.' } } });
    const { data } = await refundOrder({ orderId, reason: 'Changed their mind' });
    const refund = data?.refundOrder;
    if (refund?.__typename !== 'RefundOrderSuccess') throw new Error(refund?.__typename);
    expect(refund.refund).toMatchObject({ status: 'PENDING', amount: { amountMinor: 3000 } });

    const job = await failedOnce('refund_payment', 'refundId', refund.refund.id);
    expect(job.attempts).toBe(1);
    expect((await orderState(orderId)).refunds).toEqual([
      { status: 'PENDING', amount: { amountMinor: 3000 }, actor: 'staff:refund-clerk', reason: 'Changed their mind', lastError: 'Refunds are not possible for this charge.' },
    ]);

    await lastAttemptNow(job.id);
    await failedJobRow(job.id);
    const order = await orderState(orderId);
    expect(order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED' }], refunded: { amountMinor: 0 } });
    expect(order.refunds).toMatchObject([{ status: 'FAILED', lastError: 'Refunds are not possible for this charge.' }]);
    expect(order.failedJobs).toEqual([{ task: 'refund_payment', attempts: job.max_attempts, lastError: 'Refunds are not possible for this charge.' }]);
    expect(fake.requestsTo(REFUNDS).length).toBeGreaterThanOrEqual(2);
    expect([...fake.refunds.values()].filter((r) => r.payment_intent === intentId)).toEqual([]);
  });
});

describe('refundOrder', () => {
  it('refunds part, refuses more than is left, then refunds the rest', async () => {
    const { orderId, intentId } = await paidByCard();
    const partial = await refundOrder({ orderId, amountMinor: 1000, reason: 'Scratched' });
    expect(partial.data?.refundOrder).toMatchObject({ __typename: 'RefundOrderSuccess', refund: { status: 'PENDING', amount: { amountMinor: 1000, currency: 'USD' }, actor: 'staff:refund-clerk' } });
    await app.jobsDone();
    expect(await orderState(orderId)).toMatchObject({ status: 'PARTIALLY_REFUNDED', payments: [{ status: 'SUCCEEDED' }], refunded: { amountMinor: 1000 } });

    const before = await written(orderId);
    const tooMuch = await refundOrder({ orderId, amountMinor: 2001 });
    expect(tooMuch.data?.refundOrder).toMatchObject({ __typename: 'InvalidAmount', code: 'INVALID_AMOUNT', amountMinor: 2001 });
    expect(await written(orderId)).toEqual(before);

    const rest = await refundOrder({ orderId });
    expect(rest.data?.refundOrder).toMatchObject({ __typename: 'RefundOrderSuccess', refund: { status: 'PENDING', amount: { amountMinor: 2000 } } });
    await app.jobsDone();
    const order = await orderState(orderId);
    expect(order).toMatchObject({ status: 'REFUNDED', payments: [{ status: 'REFUNDED' }], refunded: { amountMinor: 3000 } });
    expect(order.refunds).toMatchObject([
      { status: 'SUCCEEDED', amount: { amountMinor: 1000 }, reason: 'Scratched' },
      { status: 'SUCCEEDED', amount: { amountMinor: 2000 } },
    ]);
    expect(order.statusHistory.slice(-2).map((h) => h.toStatus)).toEqual(['PARTIALLY_REFUNDED', 'REFUNDED']);
    expect([...fake.refunds.values()].filter((r) => r.payment_intent === intentId).map((r) => r.amount)).toEqual([1000, 2000]);
    expect(order.failedJobs).toEqual([]);
  });

  it('refuses an order that was never paid, and writes nothing', async () => {
    const checkout = await placed('MANUAL_TRANSFER');
    const before = await written(checkout.order.id);
    const { data } = await refundOrder({ orderId: checkout.order.id });
    expect(data?.refundOrder).toMatchObject({ __typename: 'OrderNotRefundable', code: 'ORDER_NOT_REFUNDABLE', orderId: checkout.order.id });
    expect(await written(checkout.order.id)).toEqual(before);
  });

  it('records the refund of a paid transfer as done at once: staff send that money back themselves', async () => {
    const checkout = await placed('MANUAL_TRANSFER');
    const confirmed = await app.query(ConfirmTransfer, { input: { paymentId: checkout.payment.id, reference: 'ZELLE-REFUND-1' } }, { token: staffToken() });
    expect(confirmed.confirmManualPayment.__typename).toBe('ConfirmManualPaymentSuccess');
    const requests = fake.requests.length;

    const { data } = await refundOrder({ orderId: checkout.order.id, reason: 'Out of stock at the warehouse' });
    expect(data?.refundOrder).toMatchObject({
      __typename: 'RefundOrderSuccess',
      order: { status: 'REFUNDED', refunded: { amountMinor: 3000 } },
      refund: { status: 'SUCCEEDED', amount: { amountMinor: 3000 }, actor: 'staff:refund-clerk' },
    });
    expect(await orderState(checkout.order.id)).toMatchObject({ status: 'REFUNDED', payments: [{ status: 'REFUNDED' }], refunds: [{ status: 'SUCCEEDED' }] });
    expect((await written(checkout.order.id)).jobs).toBe(0);
    expect(fake.requests.length).toBe(requests);
  });

  it('is for staff only: a customer is refused on their own paid order, and nothing is written', async () => {
    const token = app.customerToken('refund-seeker');
    const { orderId } = await paidByCard({ token });
    const before = await written(orderId);
    const response = await refundOrder({ orderId }, token);
    expect(response.data).toBeNull();
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await written(orderId)).toEqual(before);
  });
});
