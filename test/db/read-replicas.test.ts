/**
 * The server on a primary of its own with a real streaming standby (both embedded PostgreSQL
 * from the same binaries, never the machine's server) as DATABASE_REPLICA_URLS. With WAL
 * replay paused on the standby, what each request can see tells which server answered it;
 * the statement counts per pool say the same from the client side. Three servers share the
 * pair: `server` for routing (no cache, and a lag bound no test reaches, so a paused standby
 * keeps its reads), `caching` with the catalog cache in front, and one with a short lag bound.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/viewer';
import { loadConfig } from '../../src/config';
import { startThrowawayPostgres, type ThrowawayDatabase } from '../../src/db/embedded-postgres';
import { startServer, type RunningServer } from '../../src/server';
import { TEST_JWT_SECRET, waitFor } from '../support/app';
import { startStreamingStandby, type StreamingStandby } from '../support/streaming-standby';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const STAFF = signToken(TEST_JWT_SECRET, { sub: 'replica-staff', email: 'staff@shop.test', role: 'admin' });
const CUSTOMER = signToken(TEST_JWT_SECRET, { sub: 'replica-customer', email: 'ada@example.com', role: 'customer' });

let primary: ThrowawayDatabase;
let standby: StreamingStandby;
let server: RunningServer;
let caching: RunningServer;

/** A server on the primary with the standby as its replica; `env` adds to or overrides the settings. */
function startReplicated(env: Record<string, string>, log = logger): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: primary.url,
    DATABASE_REPLICA_URLS: standby.url,
    // Every read tries the replica again at once, so the test can bring it back and see reads return.
    DATABASE_REPLICA_RETRY_MS: '0',
    DATABASE_STATEMENT_TIMEOUT_MS: '4000',
    DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO_DATA: 'false',
    CHECKOUT_RATE_LIMIT: '0',
    ...env,
  });
  return startServer(config, log);
}

/** An hour: replay stays paused over several tests, and the standby must keep its reads meanwhile. */
const NO_LAG_BOUND = { DATABASE_REPLICA_MAX_LAG_MS: '3600000' };

/** Until the server's lag checks have seen the standby caught up, its 'read' connection is the primary. */
async function readsReachStandby(on: RunningServer): Promise<void> {
  await standby.caughtUp();
  await waitFor(async () => {
    const [{ in_recovery }] = await on.orm.em.getConnection('read').execute('select pg_is_in_recovery() as in_recovery');
    return in_recovery === true;
  }, 'the standby in the rotation');
}

beforeAll(async () => {
  primary = await startThrowawayPostgres(logger, 'commerce-replica-pg-');
  standby = await startStreamingStandby(primary, logger);
  // Guests' reads here show where the routing sends them; with the cache on, they would be fills (see `caching`).
  server = await startReplicated({ ...NO_LAG_BOUND, CATALOG_CACHE_MAX_AGE_MS: '0' });
  caching = await startReplicated(NO_LAG_BOUND);
  // The migrations the server ran on the primary, replayed on the standby.
  await readsReachStandby(server);
  await readsReachStandby(caching);
  await waitFor(() => caching.catalogCache!.cache.serving, 'the catalog cache listening');
}, 120_000);

afterAll(async () => {
  await server?.close();
  await caching?.close();
  await standby?.stop();
  await primary?.stop();
}, 60_000);

interface Answer {
  status: number;
  data?: Record<string, any>;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string, on = server): Promise<Answer> {
  const response = await fetch(`${on.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

/** Where the statements `work` caused went. */
async function statementsOf<T>(work: () => Promise<T>, on = server): Promise<{ result: T; primary: number; replica: number }> {
  const primaryBefore = on.statements.onPrimary();
  const replicaBefore = on.statements.onReplicas();
  const result = await work();
  return { result, primary: on.statements.onPrimary() - primaryBefore, replica: on.statements.onReplicas() - replicaBefore };
}

async function onStandby<T>(sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: standby.adminUrl });
  await client.connect();
  try {
    return (await client.query({ text: sql, rowMode: 'array' })).rows[0]?.[0] as T;
  } finally {
    await client.end();
  }
}

let counter = 0;
async function createProduct(on = server): Promise<{ id: string; slug: string; variants: Array<{ id: string; sku: string; available: number }> }> {
  counter += 1;
  const answer = await graphql(
    'mutation ReplicaCreateProduct($input: CreateProductInput!) { createProduct(input: $input) { __typename ... on CreateProductSuccess { product { id slug variants { id sku available } } } } }',
    {
      input: {
        name: `Replica Mug ${counter}`,
        status: 'ACTIVE',
        variants: [{ sku: `REPLICA-MUG-${counter}`, stockOnHand: 5, prices: [{ currency: 'USD', amountMinor: 1500 }] }],
      },
    },
    STAFF,
    on,
  );
  expect(answer.data?.createProduct.__typename).toBe('CreateProductSuccess');
  return answer.data!.createProduct.product;
}

const productBySlug = (slug: string, token?: string, on = server) =>
  graphql('query ReplicaProduct($slug: String!) { product(slug: $slug) { id variants { sku available price(currency: "USD") { amountMinor } } } }', { slug }, token, on);
const productsPage = (token?: string, on = server) =>
  graphql('query ReplicaProducts { products(first: 50) { totalCount edges { node { slug categories { slug } variants { sku available } } } } }', {}, token, on);
const slugsOf = (answer: Answer): string[] => answer.data?.products.edges.map((e: { node: { slug: string } }) => e.node.slug);

describe('the standby', () => {
  it('is a hot standby streaming from the primary, and it is what the read connection reaches', async () => {
    expect(await onStandby<boolean>('select pg_is_in_recovery()')).toBe(true);
    const [{ in_recovery: readSide }] = await server.orm.em.getConnection('read').execute('select pg_is_in_recovery() as in_recovery');
    const [{ in_recovery: writeSide }] = await server.orm.em.getConnection('write').execute('select pg_is_in_recovery() as in_recovery');
    expect([readSide, writeSide]).toEqual([true, false]);
  });

  it("has the primary's timeouts on its connections", async () => {
    const [{ statement_timeout }] = await server.orm.em.getConnection('read').execute('show statement_timeout');
    expect(statement_timeout).toBe('4s');
  });
});

describe('with WAL replay paused on the standby', () => {
  let product: Awaited<ReturnType<typeof createProduct>>;

  beforeAll(async () => {
    await standby.caughtUp();
    await onStandby('select pg_wal_replay_pause()');
    // What the mutation answers is read on the primary: the new product, with its variants.
    const { result, replica } = await statementsOf(createProduct);
    product = result;
    expect(product.variants).toEqual([{ id: expect.any(String), sku: `REPLICA-MUG-${counter}`, available: 5 }]);
    expect(replica).toBe(0);
  });

  afterAll(async () => {
    await onStandby('select pg_wal_replay_resume()');
  });

  it("a guest's and a customer's catalog reads come from the replica, which does not have the new product yet", async () => {
    for (const token of [undefined, CUSTOMER]) {
      const single = await statementsOf(() => productBySlug(product.slug, token));
      expect(single.result.errors).toBeUndefined();
      expect(single.result.data?.product).toBeNull();
      expect(single).toMatchObject({ primary: 0, replica: 1 });

      const page = await statementsOf(() => productsPage(token));
      expect(page.result.errors).toBeUndefined();
      expect(page.result.data?.products.edges.map((e: { node: { slug: string } }) => e.node.slug)).not.toContain(product.slug);
      expect(page.primary).toBe(0);
      expect(page.replica).toBeGreaterThan(0);
    }
  });

  it('staff read the primary, and see the product at once', async () => {
    const { result, primary, replica } = await statementsOf(() => productBySlug(product.slug, STAFF));
    expect(result.data?.product).toMatchObject({ id: product.id, variants: [{ sku: product.variants[0].sku, available: 5, price: { amountMinor: 1500 } }] });
    expect(replica).toBe(0);
    expect(primary).toBeGreaterThan(0);
  });

  it('a query that mixes the catalog with a cart reads everything on the primary', async () => {
    const { result, primary, replica } = await statementsOf(() =>
      graphql('query ReplicaMixed($slug: String!) { product(slug: $slug) { id } cart { id } }', { slug: product.slug }, CUSTOMER),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.product).toEqual({ id: product.id });
    expect(replica).toBe(0);
    expect(primary).toBeGreaterThan(0);
  });

  it('checkout and the order read after it stay on the primary: the buyer gets a product the replica has not seen', async () => {
    const method = await graphql(
      'mutation ReplicaShipping { createShippingMethod(input: { name: "Replica post", rates: [{ country: "US", currency: "USD", amountMinor: 500 }] }) { __typename } }',
      {},
      STAFF,
    );
    expect(method.data?.createShippingMethod.__typename).toBe('CreateShippingMethodSuccess');

    const checkout = await statementsOf(() =>
      graphql(
        'mutation ReplicaCheckout($input: CheckoutInput!) { checkout(input: $input) { __typename ... on CheckoutSuccess { order { id status lines { sku quantity } } } ... on UserError { code message } } }',
        {
          input: {
            currency: 'USD',
            items: [{ variantId: product.variants[0].id, quantity: 2 }],
            buyer: { name: 'Ada', email: 'ada@example.com' },
            shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' },
            payment: { method: 'MANUAL_TRANSFER', provider: 'zelle' },
          },
        },
        CUSTOMER,
      ),
    );
    expect(checkout.result.data?.checkout).toMatchObject({ __typename: 'CheckoutSuccess', order: { status: 'PENDING_PAYMENT', lines: [{ sku: product.variants[0].sku, quantity: 2 }] } });
    expect(checkout.replica).toBe(0);

    const orderId = checkout.result.data!.checkout.order.id;
    const orders = await statementsOf(() =>
      graphql('query ReplicaOrders($id: ID!) { order(id: $id) { id status lines { sku quantity } } }', { id: orderId }, CUSTOMER),
    );
    expect(orders.result.errors).toBeUndefined();
    expect(orders.result.data?.order).toMatchObject({ id: orderId, status: 'PENDING_PAYMENT' });
    expect(orders.replica).toBe(0);
  });

  it('shipping options and categories are catalog reads: the replica answers them', async () => {
    const options = await statementsOf(() =>
      graphql('query ReplicaOptions { shippingOptions(country: "US", currency: "USD") { name } categories { slug } }'),
    );
    expect(options.result.errors).toBeUndefined();
    // The shipping method made while replay is paused is not on the replica yet.
    expect(options.result.data?.shippingOptions).toEqual([]);
    expect(options).toMatchObject({ primary: 0, replica: 2 });
  });
});

describe('the catalog cache in front of a replica', () => {
  let product: Awaited<ReturnType<typeof createProduct>>;

  beforeAll(async () => {
    await standby.caughtUp();
    await onStandby('select pg_wal_replay_pause()');
    product = await createProduct(caching);
  });

  afterAll(async () => {
    await onStandby('select pg_wal_replay_resume()');
  });

  it('fills its guest pages from the primary, so the bound it serves within is CATALOG_CACHE_MAX_AGE_MS alone', async () => {
    // The same server's customers still read the replica, which has not replayed the product.
    const customer = await statementsOf(() => productsPage(CUSTOMER, caching), caching);
    expect(customer.result.errors).toBeUndefined();
    expect(slugsOf(customer.result)).not.toContain(product.slug);
    expect(customer.primary).toBe(0);
    expect(customer.replica).toBeGreaterThan(0);

    const fill = await statementsOf(() => productsPage(undefined, caching), caching);
    expect(fill.result.errors).toBeUndefined();
    expect(slugsOf(fill.result)).toContain(product.slug);
    expect(fill.replica).toBe(0);
    expect(fill.primary).toBeGreaterThan(0);

    // What the cache then serves guests, with no SQL, is that page.
    const hit = await waitFor(async () => {
      const answer = await statementsOf(() => productsPage(undefined, caching), caching);
      return answer.primary + answer.replica === 0 ? answer : undefined;
    }, 'a page from the cache');
    expect(slugsOf(hit.result)).toContain(product.slug);
  });
});

describe('after replay resumes', () => {
  it('the new product reaches the guest catalog once the standby has replayed it', async () => {
    const product = await createProduct();
    await standby.caughtUp();
    const { result, primary, replica } = await statementsOf(() => productBySlug(product.slug));
    expect(result.data?.product).toMatchObject({ id: product.id, variants: [{ sku: product.variants[0].sku, price: { amountMinor: 1500 } }] });
    expect(primary).toBe(0);
    expect(replica).toBeGreaterThan(0);
  });
});

describe('a replica that falls behind', () => {
  let bounded: RunningServer;
  const warnings: Array<{ msg: string; replica?: string; lagMs?: number | null }> = [];

  beforeAll(async () => {
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    bounded = await startReplicated({ DATABASE_REPLICA_MAX_LAG_MS: '300', CATALOG_CACHE_MAX_AGE_MS: '0' }, log);
    await readsReachStandby(bounded);
  }, 60_000);

  afterAll(async () => {
    await onStandby('select pg_wal_replay_resume()');
    await bounded?.close();
  }, 60_000);

  const customerReads = (slug: string) => statementsOf(() => productBySlug(slug, CUSTOMER, bounded), bounded);

  it('gets no catalog reads once its lag passes DATABASE_REPLICA_MAX_LAG_MS, and gets them again once it has caught up', async () => {
    warnings.length = 0;
    await onStandby('select pg_wal_replay_pause()');
    const product = await createProduct(bounded);

    // Reads may reach the stalled standby (and miss the product) until a lag check sees it behind.
    const behind = await waitFor(async () => {
      const answer = await customerReads(product.slug);
      return answer.replica === 0 ? answer : undefined;
    }, 'catalog reads off the lagging replica');
    expect(behind.primary).toBeGreaterThan(0);
    expect(behind.result.data?.product).toMatchObject({ id: product.id, variants: [{ available: 5, price: { amountMinor: 1500 } }] });
    // Logged by the lag check that finds it behind, which may come just after the read that skipped it.
    const left = await waitFor(() => warnings.find((w) => /beyond the lag bound/.test(w.msg)), 'the warning that it left');
    expect(left.replica).toMatch(/^replica 127\.0\.0\.1:\d+$/);
    expect(left.lagMs).toBeGreaterThan(300);
    // Still behind, so still left out.
    expect(await customerReads(product.slug)).toMatchObject({ replica: 0 });

    await onStandby('select pg_wal_replay_resume()');
    const back = await waitFor(async () => {
      const answer = await customerReads(product.slug);
      return answer.replica > 0 ? answer : undefined;
    }, 'catalog reads back on the replica');
    expect(back.primary).toBe(0);
    expect(back.result.data?.product).toMatchObject({ id: product.id });
    expect(await waitFor(() => warnings.find((w) => /caught up/.test(w.msg)), 'the warning that it is back')).toMatchObject({ replica: left.replica });
  });
});

describe('a replica that is down', () => {
  afterAll(async () => {
    await standby.start();
  }, 60_000);

  it('does not break catalog reads: they fall back to the primary, and return to the replica once it is back', async () => {
    const product = await createProduct();
    await standby.caughtUp();
    await standby.halt();

    const down = await statementsOf(() => productsPage());
    expect(down.result.status).toBe(200);
    expect(down.result.errors).toBeUndefined();
    expect(down.result.data?.products.edges.map((e: { node: { slug: string } }) => e.node.slug)).toContain(product.slug);
    expect(down.replica).toBe(0);
    expect(down.primary).toBeGreaterThan(0);

    await standby.start();
    // The replica's pool dropped its dead connections; the next read opens a new one.
    const back = await waitFor(async () => {
      const answer = await statementsOf(() => productBySlug(product.slug));
      return answer.replica > 0 ? answer : undefined;
    }, 'catalog reads back on the replica');
    expect(back.result.data?.product).toMatchObject({ id: product.id });
    expect(back.primary).toBe(0);
  });
});
