/**
 * Payments under random interleavings (issue 10): fast-check generates short sequences of what
 * buyers, staff, Stripe and the operator do to a few card orders on a scarce variant, some of
 * them at once: checkouts and their retries with the same idempotency key, Stripe hanging,
 * refusing, failing or answering late (PaymentIntent creates, cancels, refunds), declines,
 * payments whose webhook arrives at once, twice, late or never, Stripe's own events for its
 * cancels and refunds, cancellations by the buyer or staff, staff asking Stripe (markOrderPaid),
 * expiry, payments never started, and a second server process stopped and started again. Then
 * Stripe heals, each buyer whose order still waits retries once (and must get its one
 * PaymentIntent), every unpaid order runs out and every job runs, and the money must balance:
 *
 * - every PaymentIntent that succeeded belongs to a PAID order or was refunded in full, no order
 *   has two, and none of a dead order can still be paid;
 * - stock reconciles with the orders, every history is a legal path, no order is left in
 *   PAYMENT_RECEIVED_LATE, no job gave up and no refund is left pending;
 * - every checkout answered for one idempotency key named the same order.
 *
 * A crash between the order's commit and the Stripe call looks, from the database, like a
 * PaymentIntent create that hangs or is refused and is never retried; the restart is the second
 * in-process server (`startServer` on the same database) going down and coming back up.
 *
 * Each run uses a fresh product, and its checks read only that product's orders. A failure
 * prints fast-check's seed and path; replay it with PAYMENT_INTERLEAVINGS_SEED=<seed>
 * PAYMENT_INTERLEAVINGS_PATH=<path>. PAYMENT_INTERLEAVINGS_RUNS=<n> runs more cases;
 * PAYMENT_INTERLEAVINGS_STATS=1 prints the order histories reached and each run's timings.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import fc from 'fast-check';
import { print } from 'graphql';
import pg from 'pg';
import pino from 'pino';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireOrders } from '../../src/orders/order-jobs';
import { startServer, type RunningServer } from '../../src/server';
import { MarkOrderPaidDocument, ReliabilityCancelOrderDocument } from '../generated/graphql';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';
import { startFakeStripe, type FakeStripe } from '../stripe/fake-stripe';
import { checkInvariants, checkPaymentIntents, readSnapshot, scopeSnapshot, type ProviderIntent } from './invariants';

const WEBHOOK_SECRET = 'whsec_payment_interleavings';
/** Short, so a hanging Stripe costs each run little; a delayed answer arrives after it. */
const STRIPE_TIMEOUT_MS = 300;
const BUYERS = 3;
const NUM_RUNS = Number(process.env.PAYMENT_INTERLEAVINGS_RUNS) || 20;
const PAYMENT_INTENTS = { method: 'POST', path: /^\/v1\/payment_intents$/ };
const CANCELS = { method: 'POST', path: /^\/v1\/payment_intents\/[^/]+\/cancel$/ };
const REFUNDS = { method: 'POST', path: /^\/v1\/refunds$/ };

// ---------------------------------------------------------------------------------------------
// What can happen, as data (fast-check prints a failing sequence of these).

type Fault = 'hang-create' | 'fail-create' | 'delay-create' | 'refuse-create' | 'hang-cancel' | 'fail-refund' | 'hang-refund' | 'heal';
type Op =
  /** Buyer places their card checkout, or retries it: always the same body and idempotency key. */
  | { kind: 'checkout'; buyer: number; via: number }
  /** One-shot faults hit the next matching Stripe call; refuse-create and the hangs of cancels and refunds last until heal. */
  | { kind: 'fault'; fault: Fault }
  | { kind: 'decline'; buyer: number }
  /** The buyer pays the PaymentIntent they were given; Stripe's webhook arrives now, twice, after the run, or never. */
  | { kind: 'pay'; buyer: number; delivery: 'now' | 'twice' | 'late' | 'never' }
  | { kind: 'cancel'; buyer: number; by: 'customer' | 'staff'; via: number }
  /** Staff ask Stripe whether the order is paid (markOrderPaid). */
  | { kind: 'mark-paid'; buyer: number; via: number }
  /** The order's time runs out and the expiry job runs. */
  | { kind: 'overdue'; buyer: number }
  /** The order's payment is older than the grace for a start that never happened, and the expiry job runs. */
  | { kind: 'unstarted'; buyer: number }
  /** The second server goes down (in-flight requests finish) or comes back up. */
  | { kind: 'restart' }
  /** Stripe sends the events its API calls raised (cancels, refunds) so far. */
  | { kind: 'stripe-sends' };

interface Scenario {
  stock: number;
  /** Faults in force when the buyers first check out, all at once. */
  opening: Fault[];
  /** The buyers (with the server each goes to) in the opening rush. */
  rush: Array<{ buyer: number; via: number }>;
  /** Then each step's operations run at once. */
  steps: Op[][];
}

const buyer = fc.integer({ min: 0, max: BUYERS - 1 });
const via = fc.integer({ min: 0, max: 1 });
const fault = fc.constantFrom<Fault>('hang-create', 'fail-create', 'delay-create', 'refuse-create', 'hang-cancel', 'hang-cancel', 'fail-refund', 'hang-refund', 'heal');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('checkout' as const), buyer, via }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fault' as const), fault }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decline' as const), buyer }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), buyer, delivery: fc.constantFrom('now' as const, 'twice' as const, 'late' as const, 'never' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), buyer, by: fc.constantFrom('customer' as const, 'staff' as const), via }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('mark-paid' as const), buyer, via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('overdue' as const), buyer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unstarted' as const), buyer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stripe-sends' as const) }) },
);
const scenario: fc.Arbitrary<Scenario> = fc.record({
  stock: fc.integer({ min: 1, max: 2 }),
  opening: fc.array(fault, { maxLength: 2 }),
  rush: fc.uniqueArray(fc.record({ buyer, via }), { minLength: 1, maxLength: BUYERS, selector: (b) => b.buyer }),
  steps: fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
});

// ---------------------------------------------------------------------------------------------

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
});
const app = useTestApp(() => ({
  STRIPE_SECRET_KEY: 'sk_test_payment_interleavings',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_URL: fake.url,
  STRIPE_TIMEOUT_MS: String(STRIPE_TIMEOUT_MS),
}));

/** The second server on the same database, when it is up. */
let second: RunningServer | undefined;
let pool: pg.Pool;
const quiet = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: app.config.databaseUrl, max: 2 });
  await createShippingMethods(app);
});
afterAll(async () => {
  await second?.close();
  await pool?.end();
  await fake?.close();
});

/** The server a request goes to: the second one when asked for and up, else the first. */
function serverUrl(preferSecond: number): string {
  return preferSecond && second ? second.url : app.url;
}

/** A GraphQL request over HTTP; undefined when the connection failed (the server went down). */
async function send<T, V>(url: string, document: TypedDocumentNode<T, V>, variables: V, token?: string): Promise<T | undefined> {
  let response: Response;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch {
    return undefined;
  }
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Moves every job still to run (retries scheduled later included) to now, and waits for them. */
async function runAllJobs(): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const [{ n }] = await app.sql<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs where attempts < max_attempts and task_identifier <> 'send_notification'`,
    );
    if (n === 0) return;
    // Rescheduling does not wake the workers as adding a job does; the notification does.
    await app.sql(
      `with due as (select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs
          where attempts < max_attempts and locked_at is null and run_at > now() and task_identifier <> 'send_notification'), run_at => now()))
       select pg_notify('jobs:insert', json_build_object('count', (select count(*) from due))::text)`,
    );
    await app.jobsDone();
  }
  const stuck = await app.sql(`select task_identifier, attempts, last_error from graphile_worker.jobs where attempts < max_attempts and task_identifier <> 'send_notification'`);
  throw new Error(`jobs still failing after healing Stripe: ${JSON.stringify(stuck)}`);
}

// ---------------------------------------------------------------------------------------------
// One run.

interface Buyer {
  token: string;
  key: string;
  /** Order ids named by the CheckoutSuccess answers this buyer got. */
  answeredOrders: Set<string>;
  /** The PaymentIntent whose client secret the buyer was given, if any. */
  intentId?: string;
}

class Run {
  readonly buyers: Buyer[];
  readonly variantIds = new Set<string>();
  readonly initialStock = new Map<string, number>();
  /** Events Stripe delivered and the app answered 200. */
  readonly delivered = new Set<string>();
  /** Payments whose webhook Stripe sends only after the run; and those it never sends. */
  readonly late: Stripe.Event[] = [];
  readonly neverDelivered = new Set<string>();
  readonly unexpected: string[] = [];
  variantId = '';
  private deliveries = 0;

  constructor(readonly id: string) {
    this.buyers = Array.from({ length: BUYERS }, (_, i) => ({
      token: app.customerToken(`${id}-buyer-${i}`),
      key: `${id}-key-${i}`,
      answeredOrders: new Set<string>(),
    }));
  }

  async setUp(stock: number): Promise<void> {
    const product = await createProduct(app, {
      name: `Interleaved ${this.id}`,
      variants: [{ sku: `IL-${this.id}`, stockOnHand: stock, prices: [{ currency: 'USD', amountMinor: 1000 }] }],
    });
    this.variantId = product.variants[0].id;
    this.variantIds.add(this.variantId);
    this.initialStock.set(this.variantId, stock);
  }

  async apply(op: Op): Promise<void> {
    switch (op.kind) {
      case 'checkout':
        await this.checkout(op.buyer, op.via);
        return;
      case 'stripe-sends': {
        const orderIds = new Set((await app.sql<{ id: string }>(`select order_id as id from order_line where variant_id = ?`, [this.variantId])).map((r) => r.id));
        await Promise.all(this.undeliveredProviderEvents(orderIds).map((event) => this.deliver(event)));
        return;
      }
      case 'fault':
        return applyFault(op.fault);
      case 'decline': {
        const intentId = this.payer(op.buyer)?.intentId;
        const event = intentId && (await fake.failPaymentIntent(intentId, 'Your card was declined.', { deliver: false }).catch(() => undefined));
        if (event) await this.deliver(event);
        return;
      }
      case 'pay': {
        const intentId = this.payer(op.buyer)?.intentId;
        // Stripe refuses to take money on a PaymentIntent that was canceled or paid already.
        const event = intentId && (await fake.succeedPaymentIntent(intentId, { deliver: false }).catch(() => undefined));
        if (!event) return;
        if (op.delivery === 'now') await this.deliver(event);
        if (op.delivery === 'twice') await Promise.all([this.deliver(event), this.deliver(event)]);
        if (op.delivery === 'late') this.late.push(event);
        if (op.delivery === 'never') this.neverDelivered.add(event.id);
        return;
      }
      case 'cancel': {
        const { orderId, buyer } = (await this.withOrder(op.buyer)) ?? {};
        if (!orderId || !buyer) return;
        const token = op.by === 'customer' ? buyer.token : app.staffToken('interleavings-staff');
        const data = await send(serverUrl(op.via), ReliabilityCancelOrderDocument, { orderId, reason: null }, token);
        const answer = data?.cancelOrder.__typename;
        if (answer && answer !== 'CancelOrderSuccess' && answer !== 'OrderNotCancelable') this.unexpected.push(`cancelOrder answered ${answer}`);
        return;
      }
      case 'mark-paid': {
        const orderId = (await this.withOrder(op.buyer))?.orderId;
        if (!orderId) return;
        const data = await send(serverUrl(op.via), MarkOrderPaidDocument, { orderId }, app.staffToken('interleavings-staff'));
        const answer = data?.markOrderPaid.__typename;
        if (answer && !['MarkOrderPaidSuccess', 'OrderAlreadyPaid', 'OrderNotPayable', 'PaymentNotCompleted'].includes(answer)) this.unexpected.push(`markOrderPaid answered ${answer}`);
        return;
      }
      case 'overdue': {
        const orderId = (await this.withOrder(op.buyer))?.orderId;
        if (!orderId) return;
        await app.sql(`update orders set expires_at = now() - interval '1 second' where id = ? and status = 'PENDING_PAYMENT'`, [orderId]);
        await expireOrders(app.server.orm);
        return;
      }
      case 'unstarted': {
        const orderId = (await this.withOrder(op.buyer))?.orderId;
        if (!orderId) return;
        await app.sql(`update payment set created_at = created_at - interval '1 hour' where order_id = ?`, [orderId]);
        await expireOrders(app.server.orm);
        return;
      }
      case 'restart':
        if (second) {
          const stopping = second;
          second = undefined;
          await stopping.close();
        } else {
          second = await startServer(app.config, quiet);
        }
    }
  }

  /** Returns what the buyer was answered (undefined: no answer), after noting what they learnt. */
  private async checkout(index: number, preferSecond: number): Promise<{ typename: string; orderId?: string; clientSecret?: string | null } | undefined> {
    const buyer = this.buyers[index];
    const variables = checkoutVariables({ items: [{ variantId: this.variantId, quantity: 1 }], payment: { method: 'CARD' }, idempotencyKey: buyer.key });
    const data = await send(serverUrl(preferSecond), Checkout, variables, buyer.token);
    if (!data) return undefined;
    const answer = data.checkout;
    if (answer.__typename === 'CheckoutSuccess') {
      buyer.answeredOrders.add(answer.order.id);
      if (answer.clientSecret) {
        const intent = [...fake.paymentIntents.values()].find((pi) => pi.client_secret === answer.clientSecret);
        if (!intent) this.unexpected.push(`checkout answered a client secret Stripe never issued: ${answer.clientSecret}`);
        else buyer.intentId = intent.id;
      }
      return { typename: answer.__typename, orderId: answer.order.id, clientSecret: answer.clientSecret };
    }
    if (answer.__typename !== 'PaymentProviderError' && answer.__typename !== 'InsufficientStock') {
      this.unexpected.push(`checkout answered ${answer.__typename}: ${'message' in answer ? answer.message : ''}`);
    }
    return { typename: answer.__typename };
  }

  /**
   * The n-th buyer (modulo) among those who were given a PaymentIntent, so that a generated
   * payment seldom falls on a buyer with nothing to pay.
   */
  private payer(n: number): Buyer | undefined {
    const payers = this.buyers.filter((b) => b.intentId);
    return payers[n % payers.length];
  }

  /** The n-th buyer (modulo) among those with an order, and that order, as they would find it in their order list. */
  private async withOrder(n: number): Promise<{ buyer: Buyer; orderId: string } | undefined> {
    const rows = await app.sql<{ id: string; idempotency_key: string }>(`select id, idempotency_key from orders where idempotency_key like ? order by idempotency_key`, [`${this.id}-key-%`]);
    const row = rows[n % rows.length];
    return row && { buyer: this.buyers.find((b) => b.key === row.idempotency_key)!, orderId: row.id };
  }

  /** Delivers an event like Stripe: to either server, again on anything but a 200. */
  async deliver(event: Stripe.Event): Promise<void> {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      this.deliveries += 1;
      // deliver() reads the URL before its first await, so concurrent deliveries keep their own.
      fake.setWebhookUrl(`${serverUrl(this.deliveries % 2)}/webhooks/stripe`);
      const [status] = await fake.deliver(event).catch(() => [0]);
      if (status === 200) {
        this.delivered.add(event.id);
        return;
      }
    }
    this.unexpected.push(`event ${event.id} (${event.type}) was never accepted`);
  }

  /** Events Stripe raised on its own for this run's orders (cancels, refunds), not delivered yet. */
  private undeliveredProviderEvents(orderIds: ReadonlySet<string>): Stripe.Event[] {
    return fake.events.filter((event) => {
      const object = event.data.object as { metadata?: Record<string, string> };
      return event.request?.id && orderIds.has(object.metadata?.order_id ?? '') && !this.delivered.has(event.id);
    });
  }

  /** Stripe heals and sends what it owes; every unpaid order runs out; every job runs. */
  async settle(): Promise<void> {
    fake.heal();
    fake.clearFaults();
    // Once Stripe is back, a retry with the same key starts (or resumes) the order's one payment.
    for (const [index, buyer] of this.buyers.entries()) {
      const [pending] = await app.sql<{ id: string }>(`select id from orders where idempotency_key = ? and status = 'PENDING_PAYMENT'`, [buyer.key]);
      if (!pending) continue;
      const answer = await this.checkout(index, 0);
      if (answer?.typename === 'CheckoutSuccess' && answer.orderId === pending.id && answer.clientSecret) continue;
      // The expiry job may have ended it meanwhile (a start that never happened, skipped while locked).
      const [still] = await app.sql(`select 1 from orders where id = ? and status = 'PENDING_PAYMENT'`, [pending.id]);
      if (still) {
        this.unexpected.push(`buyer ${index}'s retry once Stripe was back was answered ${JSON.stringify(answer)} for pending order ${pending.id}`);
      }
    }
    for (const event of this.late.splice(0)) await this.deliver(event);
    for (let round = 0; round < 5; round += 1) {
      await app.sql(
        `update orders set expires_at = now() - interval '1 second'
          where status = 'PENDING_PAYMENT' and id in (select order_id from order_line where variant_id = ?)`,
        [this.variantId],
      );
      await expireOrders(app.server.orm);
      await runAllJobs();
      const orderIds = new Set((await app.sql<{ id: string }>(`select order_id as id from order_line where variant_id = ?`, [this.variantId])).map((r) => r.id));
      const owed = this.undeliveredProviderEvents(orderIds);
      for (const event of owed) await this.deliver(event);
      const [{ pending }] = await app.sql<{ pending: number }>(
        `select count(*)::int as pending from orders where status = 'PENDING_PAYMENT' and id in (select order_id from order_line where variant_id = ?)`,
        [this.variantId],
      );
      if (owed.length === 0 && pending === 0) return;
    }
    throw new Error('the run did not settle in 5 rounds');
  }

  /** Everything that must hold once the run settled; an empty list when it does. */
  async violations(): Promise<string[]> {
    const snapshot = scopeSnapshot(await readSnapshot(pool), this.variantIds);
    const orderIds = new Set(snapshot.orders.map((o) => o.id));
    const intents: ProviderIntent[] = [...fake.paymentIntents.values()]
      .filter((pi) => orderIds.has(pi.metadata.order_id ?? ''))
      .map((pi) => {
        const charge = typeof pi.latest_charge === 'string' ? fake.charges.get(pi.latest_charge) : undefined;
        return { id: pi.id, orderId: pi.metadata.order_id, status: pi.status, amount: pi.amount, refunded: charge?.amount_refunded ?? 0 };
      });
    for (const order of snapshot.orders) {
      const rows = snapshot.history.filter((h) => h.order_id === order.id);
      const path: string[] = [];
      for (let at: string | null = null, row = rows.find((h) => h.from_status === at); row; at = row.to_status, row = rows.find((h) => h.from_status === at)) path.push(row.to_status);
      const paid = intents.some((i) => i.orderId === order.id && i.status === 'succeeded');
      tally(`${path.join(' > ')}${paid ? ' (PaymentIntent succeeded)' : ''}`);
    }
    const violations = [
      ...this.unexpected,
      ...checkInvariants(snapshot, { initialStock: this.initialStock, deliveredEventIds: this.delivered }),
      ...checkPaymentIntents(snapshot, intents),
    ];
    for (const [index, buyer] of this.buyers.entries()) {
      if (buyer.answeredOrders.size > 1) violations.push(`buyer ${index} was answered with ${buyer.answeredOrders.size} different orders for one idempotency key`);
    }
    const ids = [...orderIds];
    const failedJobs = (await pool.query(`select task, last_error from failed_job where order_id = any($1::uuid[])`, [ids])).rows;
    for (const job of failedJobs) violations.push(`job ${job.task} gave up: ${job.last_error}`);
    const refunds = (await pool.query(`select id, status, last_error from refund where order_id = any($1::uuid[]) and status <> 'SUCCEEDED'`, [ids])).rows;
    for (const refund of refunds) violations.push(`refund ${refund.id} left ${refund.status}: ${refund.last_error}`);
    return violations;
  }
}

/** How often each order history occurred, printed with PAYMENT_INTERLEAVINGS_STATS=1 to see what the runs reach. */
const histories = new Map<string, number>();
function tally(path: string): void {
  histories.set(path, (histories.get(path) ?? 0) + 1);
}

async function applyFault(fault: Fault): Promise<void> {
  switch (fault) {
    case 'hang-create':
      return fake.hangNext(PAYMENT_INTENTS);
    case 'fail-create':
      return fake.failNext(PAYMENT_INTENTS, { status: 500, error: { type: 'api_error', message: 'Stripe is having a bad day' } });
    case 'delay-create':
      // Made at Stripe, answered after the buyer stopped waiting.
      return fake.delayNext(PAYMENT_INTENTS, STRIPE_TIMEOUT_MS * 2);
    case 'refuse-create':
      return fake.breakEndpoint(PAYMENT_INTENTS, { kind: 'refuse' });
    case 'hang-cancel':
      return fake.breakEndpoint(CANCELS, { kind: 'hang' });
    case 'fail-refund':
      return fake.failNext(REFUNDS, { status: 500, error: { type: 'api_error', message: 'Stripe is having a bad day' } });
    case 'hang-refund':
      return fake.breakEndpoint(REFUNDS, { kind: 'hang' });
    case 'heal':
      return fake.heal();
  }
}

// ---------------------------------------------------------------------------------------------

describe('card payments under random interleavings', () => {
  it(
    'never keep money for a dead order, and stock and history reconcile',
    async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async ({ stock, opening, rush, steps }) => {
          runs += 1;
          // Every run starts alike: Stripe well, both servers up.
          fake.heal();
          fake.clearFaults();
          second ??= await startServer(app.config, quiet);
          const run = new Run(`r${runs}-${Math.random().toString(36).slice(2, 8)}`);
          const t0 = Date.now();
          await run.setUp(stock);
          const t1 = Date.now();
          for (const f of opening) await applyFault(f);
          await Promise.all(rush.map((b) => run.apply({ kind: 'checkout', ...b })));
          for (const step of steps) await Promise.all(step.map((o) => run.apply(o)));
          const t2 = Date.now();
          await run.settle();
          const t3 = Date.now();
          const violations = await run.violations();
          if (process.env.PAYMENT_INTERLEAVINGS_STATS) console.info(`setup ${t1 - t0} ops ${t2 - t1} settle ${t3 - t2} check ${Date.now() - t3}`);
          if (violations.length > 0) throw new Error(`${violations.length} violations:\n${violations.join('\n')}`);
        }),
        {
          numRuns: NUM_RUNS,
          seed: process.env.PAYMENT_INTERLEAVINGS_SEED ? Number(process.env.PAYMENT_INTERLEAVINGS_SEED) : undefined,
          path: process.env.PAYMENT_INTERLEAVINGS_PATH,
          // Shrinking replays whole runs; stop it before the test's own timeout.
          interruptAfterTimeLimit: 200_000,
        },
      );
      if (process.env.PAYMENT_INTERLEAVINGS_STATS) console.info([...histories].sort((a, b) => b[1] - a[1]).map(([path, n]) => `${n}\t${path}`).join('\n'));
      expect(runs).toBeGreaterThanOrEqual(1);
    },
    280_000,
  );
});
