/**
 * Reliability: two real server processes on one database, under a few hundred concurrent
 * checkouts over scarce stock, while Stripe webhooks (duplicated, out of order, split across
 * both processes), cancellations, manual confirmations and both expiry sweepers race over the
 * same orders. At the end the database must still balance: no oversell, reserved and sold
 * units account exactly for the orders, every event applied once, every history a legal path.
 *
 * RELIABILITY_SEED=<n> replays a run's random choices (the interleaving still varies).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import pg from 'pg';
import Stripe from 'stripe';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { signToken } from '../../src/auth/viewer';
import { OrderStatus } from '../../src/orders/order.entity';
import { graphql } from '../generated';
import type { CheckoutItemInput, PaymentMethod } from '../generated/graphql';
import { defaultAddress } from '../support/checkout-fixtures';
import { createTestDatabase } from '../support/databases';
import { CreateProduct } from '../support/operations';
import { CreateShippingMethod } from '../support/shipping-fixtures';
import { startFakeStripe, type FakeStripe } from '../stripe/fake-stripe';
import { checkInvariants, readSnapshot, type Snapshot } from './invariants';
import { startServerProcess, type ServerProcess } from './server-process';

const JWT_SECRET = 'reliability-secret-that-is-long-enough-for-hs256-0123456789';
const WEBHOOK_SECRET = 'whsec_reliability_two_processes';
const CLIENTS = 300;
/** Clients 0..149 arrive at once; once they are answered, 150..299 arrive at once and keep trying. */
const SECOND_WAVE = 150;
/** How long the shoppers of wave two keep trying when refused: a stream of checkouts over a few sweeps. */
const SECOND_WAVE_RETRY_MS = 3000;
/** How long after wave two starts the abandoned orders of wave one become overdue. */
const STORM_DELAY_MS = 300;
/** Four scarce variants: 42 units in all, for 300 clients. */
const STOCK = [6, 9, 12, 15];
const DRAIN_TIMEOUT_MS = 20_000;
const SEED = Number(process.env.RELIABILITY_SEED) || Math.floor(Math.random() * 2 ** 31);

const PlaceOrder = graphql(`
  mutation ReliabilityCheckout($input: CheckoutInput!) {
    checkout(input: $input) {
      __typename
      ... on CheckoutSuccess {
        order { id status paymentMethod }
        payment { id method status }
      }
      ... on UserError { code message }
      ... on InsufficientStock { variantId available requested }
    }
  }
`);

const CancelOrder = graphql(`
  mutation ReliabilityCancelOrder($orderId: ID!, $reason: String) {
    cancelOrder(orderId: $orderId, reason: $reason) {
      __typename
      ... on CancelOrderSuccess { order { id status } }
      ... on UserError { code message }
      ... on OrderNotCancelable { orderStatus }
    }
  }
`);

const ConfirmManualPayment = graphql(`
  mutation ReliabilityConfirmManualPayment($input: ConfirmManualPaymentInput!) {
    confirmManualPayment(input: $input) {
      __typename
      ... on ConfirmManualPaymentSuccess { payment { id status } order { id status } }
      ... on UserError { code message }
      ... on OrderNotPayable { orderStatus }
      ... on PaymentAlreadyConfirmed { paymentStatus }
    }
  }
`);

/**
 * What happens to an order after it is placed, and the statuses it may end in. Plans named
 * `a-vs-b` race two actors; either may win, so both outcomes are allowed.
 */
const PLANS = {
  CARD: {
    pay: ['PAID'],
    // A decline leaves the order waiting for another attempt until it expires.
    decline: ['EXPIRED'],
    'pay-then-stale-decline': ['PAID'],
    'decline-then-late-pay': ['PAID'],
    'provider-cancel': ['CANCELED'],
    // Money for a dead order goes back by itself.
    'customer-cancel-then-late-pay': ['REFUNDED'],
    'pay-vs-staff-cancel': ['PAID', 'REFUNDED'],
    expire: ['EXPIRED'],
    // Reinstated when the stock is still there, refunded when it is not.
    'pay-vs-expire': ['PAID', 'REFUNDED'],
    leave: ['EXPIRED'],
  },
  MANUAL_TRANSFER: {
    confirm: ['PAID'],
    'confirm-twice': ['PAID'],
    'customer-cancel': ['CANCELED'],
    'confirm-vs-cancel': ['PAID', 'CANCELED'],
    expire: ['EXPIRED'],
    'confirm-after-overdue': ['EXPIRED'],
    leave: ['EXPIRED'],
  },
  CASH_ON_DELIVERY: {
    confirm: ['PAID'],
    'confirm-twice': ['PAID'],
    'staff-cancel': ['CANCELED'],
    'customer-cancel-refused': ['PAYMENT_ON_DELIVERY'],
    'confirm-vs-cancel': ['PAID', 'CANCELED'],
    leave: ['PAYMENT_ON_DELIVERY'],
  },
} as const satisfies Record<'CARD' | 'MANUAL_TRANSFER' | 'CASH_ON_DELIVERY', Record<string, readonly `${OrderStatus}`[]>>;
type Method = keyof typeof PLANS;

interface PlacedOrder {
  id: string;
  paymentId: string;
  method: Method;
  plan: string;
  customerToken: string;
  /** The process that took the checkout; actions mostly go to the other one. */
  home: ServerProcess;
}

// ---------------------------------------------------------------------------------------------

let database: { url: string; drop(): Promise<void> } | undefined;
let pool: pg.Pool | undefined;
let fake: FakeStripe | undefined;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('adminDatabaseUrl'), inject('templateDatabase'));
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  const env = (): Record<string, string> => ({
    NODE_ENV: 'test',
    DATABASE_URL: database!.url,
    JWT_SECRET,
    DEMO_DATA: 'false',
    // info, not warn: the sweepers' "expired unpaid orders" lines show that both processes swept.
    LOG_LEVEL: 'info',
    ORDER_TTL_MINUTES: '1',
    CHECKOUT_RATE_LIMIT: '0',
    STRIPE_SECRET_KEY: 'sk_test_reliability',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: fake!.url,
    STRIPE_TIMEOUT_MS: '10000',
  });
  // Started together: both run the migrator against the same database at once.
  const started = await Promise.allSettled([startServerProcess('A', env()), startServerProcess('B', env())]);
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}, 90_000);

function dumpLogs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const s of servers) writeFileSync(path.join(dir, `server-${s.name}.log`), s.lines.map((l) => l.text).join('\n') + '\n');
}

/** What every session on the test database is doing: for a post-mortem of a stuck sweep. */
async function sessions(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query(
    `select pid, state, wait_event_type, wait_event, pg_blocking_pids(pid) as blocked_by, now() - xact_start as in_transaction, left(query, 200) as query
       from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() order by xact_start nulls last`,
  );
  return rows.map((r) => JSON.stringify(r));
}

/** The first few items, each cut short: enough to read in a failure message. */
function brief(items: string[], limit = 8): string[] {
  const cut = items.map((item) => (item.length > 800 ? `${item.slice(0, 800)}...` : item));
  return cut.length <= limit ? cut : [...cut.slice(0, limit), `... and ${cut.length - limit} more`];
}

afterAll(async () => {
  const marks = servers.map((s) => s.lines.length);
  const exits = await Promise.all(servers.map(async (s) => ({ name: s.name, ...(await s.stop()) })));
  if (process.env.RELIABILITY_LOG_DIR) dumpLogs(process.env.RELIABILITY_LOG_DIR);
  await fake?.close();
  await pool?.end();
  await database?.drop();
  const unclean = exits.filter((e) => e.code !== 0);
  if (unclean.length > 0) throw new Error(`server processes did not shut down cleanly: ${JSON.stringify(unclean)}`);
  const errors = servers.flatMap((s, i) => s.errorLines(marks[i]).map((l) => `${s.name}: ${l.text}`));
  if (errors.length > 0) throw new Error(`server processes logged errors during shutdown:\n${errors.join('\n')}`);
}, 60_000);

// ---------------------------------------------------------------------------------------------

describe('two server processes on one database', () => {
  it('keep stock, payments and order histories consistent under concurrent checkouts, webhooks, cancels and expiry', async () => {
    const startedAt = Date.now();
    onTestFailed(() => {
      // The servers' own logs, for the post-mortem (RELIABILITY_LOG_DIR keeps them for passing runs too).
      const dir = process.env.RELIABILITY_LOG_DIR ?? mkdtempSync(path.join(tmpdir(), 'reliability-'));
      dumpLogs(dir);
      console.log(`reliability seed=${SEED} failed; server logs in ${dir}`);
    });
    const random = mulberry32(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const [a, b] = servers;
    const other = (s: ServerProcess) => (s === a ? b : a);
    const staffToken = signToken(JWT_SECRET, { sub: 'reliability-staff', email: 'staff@shop.test', role: 'admin' });

    /** Every response that was a 5xx, carried GraphQL errors or an unexpected result. */
    const problems: string[] = [];
    const typenames = new Map<string, number>();
    const actionResults = new Map<string, number>();
    const tally = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

    const request = async <T, V>(server: ServerProcess, document: TypedDocumentNode<T, V>, variables: V, token: string): Promise<T> => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: printed(document), variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const body = parseJson(text) as { data?: T; errors?: unknown[] } | undefined;
      if (response.status >= 500 || !body?.data || body.errors?.length) {
        throw new Error(`${server.name} ${operationName(document)}: HTTP ${response.status} ${text.slice(0, 500)}`);
      }
      return body.data;
    };

    // --- seed: shipping and four scarce variants, through the API as staff -------------------
    const { createShippingMethod } = await request(
      a,
      CreateShippingMethod,
      { input: { name: 'Standard', rates: [{ country: 'US', region: null, currency: 'USD', amountMinor: 500 }] } },
      staffToken,
    );
    expect(createShippingMethod.__typename).toBe('CreateShippingMethodSuccess');
    const { createProduct } = await request(
      b,
      CreateProduct,
      {
        input: {
          name: 'Scarce Sneaker',
          status: 'ACTIVE',
          variants: STOCK.map((stockOnHand, i) => ({
            sku: `SCARCE-${i + 1}`,
            stockOnHand,
            options: [{ name: 'Size', value: String(40 + i) }],
            prices: [{ currency: 'USD', amountMinor: 4900 + 1000 * i }],
          })),
        },
      },
      staffToken,
    );
    if (createProduct.__typename !== 'CreateProductSuccess') throw new Error(`seeding failed: ${createProduct.__typename}`);
    const variantIds = createProduct.product.variants.map((v) => v.id);
    const initialStock = new Map(createProduct.product.variants.map((v, i) => [v.id, STOCK[i]]));

    // --- payments at Stripe, and webhook deliveries to both processes ------------------------
    /** Events answered 200 by a server at least once, and every event the test tried to send. */
    const deliveredEventIds = new Set<string>();
    const attempted = new Set<string>();
    let posts = 0;
    let rotation = 0;
    const intentOf = (orderId: string): string => {
      for (const intent of fake!.paymentIntents.values()) if (intent.metadata.order_id === orderId) return intent.id;
      throw new Error(`no PaymentIntent for order ${orderId}`);
    };
    const postEvent = async (server: ServerProcess, event: Stripe.Event): Promise<number> => {
      const payload = JSON.stringify(event);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const response = await fetch(`${server.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      return response.status;
    };
    /** Delivers once, or several times in a row (Stripe redelivering), or at once to both processes. */
    const deliver = async (event: Stripe.Event) => {
      attempted.add(event.id);
      const target = servers[rotation++ % 2];
      let statuses: number[];
      const style = random();
      if (style < 0.4) {
        statuses = [await postEvent(target, event)];
      } else if (style < 0.7) {
        // The fake reads the URL synchronously when deliver() starts, so switching it here is safe.
        fake!.setWebhookUrl(`${target.url}/webhooks/stripe`);
        statuses = await fake!.deliver(event, { times: between(2, 3) });
      } else {
        statuses = await Promise.all([postEvent(target, event), postEvent(other(target), event), ...(random() < 0.5 ? [postEvent(target, event)] : [])]);
      }
      posts += statuses.length;
      // Only an event answered 200 counts as delivered: after a 5xx Stripe would send it again.
      if (statuses.includes(200)) deliveredEventIds.add(event.id);
      if (statuses.some((s) => s !== 200)) problems.push(`webhook ${event.type} ${event.id}: statuses ${statuses.join(', ')}`);
    };

    // --- actions on placed orders -------------------------------------------------------------
    const cancel = async (order: PlacedOrder, server: ServerProcess, as: 'customer' | 'staff', allowed: string[]) => {
      const { cancelOrder } = await request(server, CancelOrder, { orderId: order.id, reason: `reliability ${order.plan}` }, as === 'staff' ? staffToken : order.customerToken);
      tally(actionResults, `cancelOrder:${cancelOrder.__typename}`);
      if (!allowed.includes(cancelOrder.__typename)) problems.push(`cancelOrder (${as}) on ${order.method}/${order.plan} ${order.id}: ${JSON.stringify(cancelOrder)}`);
    };
    const confirm = async (order: PlacedOrder, server: ServerProcess, allowed: string[]) => {
      const { confirmManualPayment } = await request(server, ConfirmManualPayment, { input: { paymentId: order.paymentId, reference: `REF-${order.id.slice(0, 8)}` } }, staffToken);
      tally(actionResults, `confirmManualPayment:${confirmManualPayment.__typename}`);
      if (!allowed.includes(confirmManualPayment.__typename)) problems.push(`confirmManualPayment on ${order.method}/${order.plan} ${order.id}: ${JSON.stringify(confirmManualPayment)}`);
    };
    // The crontab adds an expiry job once a minute; the test adds one per process at each moment it makes orders overdue.
    const sweepNow = () => pool!.query(`select graphile_worker.add_job('expire_orders'), graphile_worker.add_job('expire_orders')`);
    const expireSoon: string[] = [];
    const makeOverdue = async (orderId: string | string[]) => {
      await pool!.query(`update orders set expires_at = now() - interval '1 second' where id = any($1::uuid[]) and status = 'PENDING_PAYMENT'`, [[orderId].flat()]);
      await sweepNow();
    };

    const runPlan = async (order: PlacedOrder) => {
      await sleep(between(0, 600));
      const away = other(order.home);
      const intent = order.method === 'CARD' ? intentOf(order.id) : '';
      const succeeded = () => fake!.succeedPaymentIntent(intent, { deliver: false });
      const failed = () => fake!.failPaymentIntent(intent, 'Your card was declined.', { deliver: false });
      switch (`${order.method}:${order.plan}`) {
        case 'CARD:pay':
          return deliver(await succeeded());
        case 'CARD:decline':
          return deliver(await failed());
        case 'CARD:pay-then-stale-decline': {
          const declined = await failed();
          const paid = await succeeded();
          await deliver(paid);
          return deliver(declined);
        }
        case 'CARD:decline-then-late-pay': {
          const declined = await failed();
          const paid = await succeeded();
          await deliver(declined);
          return deliver(paid);
        }
        case 'CARD:provider-cancel':
          return deliver(await fake!.cancelPaymentIntent(intent, { deliver: false }));
        case 'CARD:customer-cancel-then-late-pay': {
          // The customer paid and canceled at the same moment; Stripe's event arrives after the cancel.
          const paid = await succeeded();
          await cancel(order, away, 'customer', ['CancelOrderSuccess']);
          return deliver(paid);
        }
        case 'CARD:pay-vs-staff-cancel': {
          const paid = await succeeded();
          await Promise.all([deliver(paid), cancel(order, away, 'staff', ['CancelOrderSuccess', 'OrderNotCancelable'])]);
          return;
        }
        case 'CARD:expire':
        case 'MANUAL_TRANSFER:expire':
          // Made overdue in bulk, so that a sweep expires several orders while checkouts go on.
          expireSoon.push(order.id);
          return;
        case 'CARD:pay-vs-expire': {
          const paid = await succeeded();
          await makeOverdue(order.id);
          await sleep(between(0, 1500));
          return deliver(paid);
        }
        case 'MANUAL_TRANSFER:confirm':
        case 'CASH_ON_DELIVERY:confirm':
          return confirm(order, away, ['ConfirmManualPaymentSuccess']);
        case 'MANUAL_TRANSFER:confirm-twice':
        case 'CASH_ON_DELIVERY:confirm-twice':
          // A double click, landing on both processes; one confirms, the other finds it confirmed.
          await Promise.all([
            confirm(order, a, ['ConfirmManualPaymentSuccess', 'PaymentAlreadyConfirmed']),
            confirm(order, b, ['ConfirmManualPaymentSuccess', 'PaymentAlreadyConfirmed']),
          ]);
          return;
        case 'MANUAL_TRANSFER:customer-cancel':
          return cancel(order, away, 'customer', ['CancelOrderSuccess']);
        case 'MANUAL_TRANSFER:confirm-vs-cancel':
        case 'CASH_ON_DELIVERY:confirm-vs-cancel':
          await Promise.all([
            confirm(order, order.home, ['ConfirmManualPaymentSuccess', 'OrderNotPayable']),
            cancel(order, away, order.method === 'CASH_ON_DELIVERY' ? 'staff' : 'customer', ['CancelOrderSuccess', 'OrderNotCancelable']),
          ]);
          return;
        case 'MANUAL_TRANSFER:confirm-after-overdue':
          // Whichever expires it first (a sweeper or the confirm's own check), the transfer comes too late.
          await makeOverdue(order.id);
          await sleep(between(0, 1500));
          return confirm(order, away, ['OrderNotPayable']);
        case 'CASH_ON_DELIVERY:staff-cancel':
          return cancel(order, away, 'staff', ['CancelOrderSuccess']);
        case 'CASH_ON_DELIVERY:customer-cancel-refused':
          return cancel(order, away, 'customer', ['OrderNotCancelable']);
        case 'CARD:leave':
        case 'MANUAL_TRANSFER:leave':
        case 'CASH_ON_DELIVERY:leave':
          return;
        default:
          throw new Error(`no such plan ${order.method}:${order.plan}`);
      }
    };

    // --- the load: clients split across both processes ----------------------------------------
    const placed: PlacedOrder[] = [];
    const plans: Promise<void>[] = [];
    const failures = (label: string) => (error: unknown) => {
      problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    };
    /** One shopper: checks out once, or, with `retryUntil`, keeps trying while refused (as shoppers do when stock frees up). */
    const client = async (i: number, retryUntil = 0) => {
      const server = servers[i % 2];
      const sub = `reliability-customer-${i}`;
      const token = signToken(JWT_SECRET, { sub, email: `${sub}@example.com`, role: 'customer' });
      const method = pick<Method>(['CARD', 'CARD', 'CARD', 'CARD', 'MANUAL_TRANSFER', 'MANUAL_TRANSFER', 'MANUAL_TRANSFER', 'CASH_ON_DELIVERY', 'CASH_ON_DELIVERY', 'CASH_ON_DELIVERY']);
      for (;;) {
        const { checkout } = await request(
          server,
          PlaceOrder,
          {
            input: {
              items: randomItems(),
              currency: 'USD',
              buyer: { name: `Customer ${i}`, email: `${sub}@example.com` },
              shippingAddress: defaultAddress(),
              payment: { method: method as PaymentMethod, provider: method === 'MANUAL_TRANSFER' ? 'zelle' : null },
            },
          },
          token,
        );
        tally(typenames, checkout.__typename);
        if (checkout.__typename === 'CheckoutSuccess') {
          const order: PlacedOrder = { id: checkout.order.id, paymentId: checkout.payment.id, method, plan: pickPlan(method), customerToken: token, home: server };
          placed.push(order);
          plans.push(runPlan(order).catch(failures(`plan ${method}:${order.plan} for ${order.id}`)));
          return;
        }
        if (checkout.__typename !== 'InsufficientStock') {
          problems.push(`checkout ${i}: ${JSON.stringify(checkout)}`);
          return;
        }
        if (Date.now() >= retryUntil) return;
        await sleep(between(50, 250));
      }
    };
    const randomItems = (): CheckoutItemInput[] => {
      const lines = between(1, 2);
      const shuffled = [...variantIds].sort(() => random() - 0.5);
      // Now and then the same variant on two lines, which must count together against its stock.
      const chosen = random() < 0.1 ? [shuffled[0], shuffled[0]] : shuffled.slice(0, lines);
      return chosen.map((variantId) => ({ variantId, quantity: random() < 0.3 ? 2 : 1 }));
    };

    /** Abandoned orders are the most common kind, so that a sweep has several to expire at once. */
    const pickPlan = (method: Method): string => pick(Object.keys(PLANS[method]).flatMap((plan) => (plan === 'expire' ? [plan, plan, plan, plan, plan] : [plan])));
    const clients = (from: number, to: number, retryUntil = 0) =>
      Promise.all(Array.from({ length: to - from }, (_, k) => client(from + k, retryUntil).catch(failures(`client ${from + k}`))));
    // Wave one takes the stock. Then wave two arrives all at once and keeps trying for a few
    // seconds (mostly refused, but every checkout locks the variants it asks for) and, while both
    // processes work through it, the orders of wave one meant to expire become overdue together:
    // a sweeper expires several orders in one go, releasing their stock, in the middle of
    // checkouts, webhooks, cancels and confirmations on both processes. Wave two's abandoned
    // orders become overdue as they come.
    await clients(0, SECOND_WAVE);
    const storm = expireSoon.splice(0);
    let loading = true;
    const overdueTicker = (async () => {
      await sleep(STORM_DELAY_MS);
      await makeOverdue(storm);
      while (loading || expireSoon.length > 0) {
        await sleep(500);
        const due = expireSoon.splice(0);
        if (due.length > 0) await makeOverdue(due);
      }
    })().catch(failures('overdue ticker'));
    await clients(SECOND_WAVE, CLIENTS, Date.now() + SECOND_WAVE_RETRY_MS);
    await Promise.all(plans);
    loading = false;
    await overdueTicker;
    const loadMs = Date.now() - startedAt;

    // --- drain: every order still unpaid becomes overdue; both sweepers race to expire them ----
    await pool!.query(`update orders set expires_at = now() - interval '1 second' where status = 'PENDING_PAYMENT'`);
    await sweepNow();
    const drainStarted = Date.now();
    const stuck: string[] = [];
    for (;;) {
      // Overdue orders, and jobs due now (voiding payments, refunds) that have not finished.
      const { rows } = await pool!.query<{ n: number }>(
        `select (select count(*)::int from orders where status = 'PENDING_PAYMENT' and expires_at <= now())
              + (select count(*)::int from graphile_worker.jobs where attempts < max_attempts and (locked_at is not null or run_at <= now())
                   and task_identifier <> 'send_notification') as n`,
      );
      if (rows[0].n === 0) break;
      if (Date.now() - drainStarted > DRAIN_TIMEOUT_MS) {
        stuck.push(`${rows[0].n} overdue orders or due jobs were not done within ${DRAIN_TIMEOUT_MS / 1000} s`, ...(await sessions(pool!)));
        break;
      }
      await sleep(200);
    }
    const drainMs = Date.now() - drainStarted;

    // --- Stripe catches up: the cancel events for PaymentIntents the servers voided arrive late and change nothing
    const before = await readSnapshot(pool!);
    const stragglers = fake!.events.filter((e) => e.type === 'payment_intent.canceled' && !attempted.has(e.id));
    await Promise.all(stragglers.map((event) => deliver(event)));
    const snapshot = await readSnapshot(pool!);
    const statusOf = (s: Snapshot) => new Map(s.orders.map((o) => [o.id, o.status]));
    const moved = [...statusOf(snapshot)].filter(([id, status]) => statusOf(before).get(id) !== status).map(([id, status]) => `${id}: ${statusOf(before).get(id)} -> ${status}`);

    // --- invariants ------------------------------------------------------------------------------
    const finalStatus = statusOf(snapshot);
    const sweptBy = servers.map((s) => sum(s.lines.filter((l) => l.json?.msg === 'expired unpaid orders').map((l) => Number(l.json?.expired ?? 0))));
    const requestsBy = servers.map((s) => s.lines.filter((l) => l.json?.msg === 'request completed').length);
    const byStatus = countBy(snapshot.orders.map((o) => o.status));
    console.log(
      `reliability seed=${SEED}: ${CLIENTS} clients, ${sum([...typenames.values()])} checkouts: placed ${typenames.get('CheckoutSuccess') ?? 0}, refused ${typenames.get('InsufficientStock') ?? 0} ` +
        `| paid ${byStatus.PAID ?? 0}, expired ${byStatus.EXPIRED ?? 0}, canceled ${byStatus.CANCELED ?? 0}, failed ${byStatus.PAYMENT_FAILED ?? 0}, ` +
        `refunded ${byStatus.REFUNDED ?? 0}, late ${byStatus.PAYMENT_RECEIVED_LATE ?? 0}, on delivery ${byStatus.PAYMENT_ON_DELIVERY ?? 0} ` +
        `| events delivered ${deliveredEventIds.size} (${posts} POSTs, ${stragglers.length} late cancels) ` +
        `| sweeper expiries A=${sweptBy[0]} B=${sweptBy[1]}, requests A=${requestsBy[0]} B=${requestsBy[1]} ` +
        `| actions ${JSON.stringify(Object.fromEntries(actionResults))} ` +
        `| load ${(loadMs / 1000).toFixed(1)} s, drain ${(drainMs / 1000).toFixed(1)} s, total ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );

    // Everything is gathered before asserting, so that one failure does not hide the others.
    const report = {
      'responses that were 5xx, carried GraphQL errors or an unexpected result': brief(problems),
      'error-level lines in the server logs': brief(servers.flatMap((s) => s.errorLines().map((l) => `${s.name}: ${l.text}`))),
      'deadlocks in the server logs': brief(servers.flatMap((s) => s.lines.filter((l) => /deadlock/i.test(l.text)).map((l) => `${s.name}: ${l.text}`))),
      'server processes that exited early': servers.filter((s) => s.exit).map((s) => `${s.name}: ${JSON.stringify(s.exit)}`),
      'checkout results other than CheckoutSuccess and InsufficientStock': [...typenames.keys()].filter((t) => t !== 'CheckoutSuccess' && t !== 'InsufficientStock'),
      'orders in the database without a CheckoutSuccess': snapshot.orders.filter((o) => !placed.some((p) => p.id === o.id)).map((o) => `${o.id} ${o.status}`),
      'overdue orders the sweepers left behind': brief(stuck, 50),
      'invariant violations': brief(checkInvariants(snapshot, { initialStock, deliveredEventIds })),
      'PaymentIntents that succeeded for an order not paid, and were not refunded in full': brief(
        [...fake!.paymentIntents.values()]
          .filter((pi) => pi.status === 'succeeded')
          .filter((pi) => {
            const charge = fake!.charges.get(String(pi.latest_charge));
            return finalStatus.get(pi.metadata.order_id) !== 'PAID' && !(charge && charge.amount_refunded === charge.amount);
          })
          .map((pi) => `${pi.id} for order ${pi.metadata.order_id} (${finalStatus.get(pi.metadata.order_id)})`),
      ),
      'orders that ended outside their plan': brief(
        placed
          .filter((o) => !(PLANS[o.method] as Record<string, readonly string[]>)[o.plan].includes(finalStatus.get(o.id) ?? 'missing'))
          .map((o) => `${o.method}:${o.plan} ${o.id} ended ${finalStatus.get(o.id) ?? 'missing'}`),
      ),
      'orders moved by late payment_intent.canceled events': brief(moved),
    };
    expect(report).toEqual(Object.fromEntries(Object.keys(report).map((key) => [key, []])));
    // Enough orders went through for the races above to have happened.
    expect(placed.length).toBeGreaterThan(STOCK.reduce((x, y) => x + y) / 4);
    expect(sweptBy[0] + sweptBy[1]).toBeGreaterThan(0);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------

const printedDocuments = new WeakMap<object, string>();
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (!text) printedDocuments.set(document, (text = print(document)));
  return text;
}

function operationName(document: DocumentNode): string {
  const definition = document.definitions[0];
  return definition.kind === 'OperationDefinition' ? (definition.name?.value ?? 'anonymous') : 'unknown';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function countBy(keys: string[]): Record<string, number> {
  return keys.reduce<Record<string, number>>((counts, key) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }), {});
}

function sum(values: number[]): number {
  return values.reduce((x, y) => x + y, 0);
}

/** A small seeded PRNG, so a run's choices can be replayed with RELIABILITY_SEED. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
