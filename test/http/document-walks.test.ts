import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_JWT_SECRET, useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { checkoutVariables, countOrders, createShippingMethods } from '../support/checkout-fixtures';
import { createTestDatabase } from '../support/databases';
import { startServerProcess, type ServerProcess } from '../reliability/server-process';

const limited = useTestApp({ CHECKOUT_RATE_LIMIT: '3' });

// The 40-fragment requests go to server processes of their own: a walk that never ends would
// block the test's own event loop if the server ran in it, and then nothing could time out.
let database: { url: string; drop(): Promise<void> } | undefined;
const servers: Record<'on' | 'off', ServerProcess | undefined> = { on: undefined, off: undefined };

beforeAll(async () => {
  database = await createTestDatabase(inject('adminDatabaseUrl'), inject('templateDatabase'));
  const env = (limit: string) => ({ NODE_ENV: 'test', DATABASE_URL: database!.url, JWT_SECRET: TEST_JWT_SECRET, DEMO_DATA: 'false', CHECKOUT_RATE_LIMIT: limit });
  [servers.on, servers.off] = await Promise.all([startServerProcess('rate limit on', env('3')), startServerProcess('rate limit off', env('0'))]);
}, 90_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server?.stop(2_000)));
  await database?.drop();
});

async function ordersIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('select count(*)::int as n from orders')).rows[0].n;
  } finally {
    await client.end();
  }
}

async function post(app: { url: string }, body: unknown) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
}

/** `fragment Fk on <type> { ...F(k-1) ...F(k-1) }`: F(n) stands for 2^n copies of F0's selection in a few hundred bytes. */
function doublingFragments(n: number, type: string, first: string): string {
  const fragments = [`fragment F0 on ${type} { ${first} }`];
  for (let k = 1; k <= n; k += 1) fragments.push(`fragment F${k} on ${type} { ...F${k - 1} ...F${k - 1} }`);
  return fragments.join(' ');
}

// Each case would run for days if any walk over the document (validation, depth, aliases,
// directives, cost, the checkout count) followed every spread; the vitest timeout is the guard.
describe('walks over a document are linear in its size', () => {
  for (const name of ['on', 'off'] as const) {
    it(`answers a mutation of 40 doubling fragments with the checkout rate limit ${name}`, { timeout: 10_000 }, async () => {
      const app = servers[name]!;
      const query = `mutation M($input: CheckoutInput!) { ...F40 } ${doublingFragments(40, 'Mutation', 'checkout(input: $input) { __typename }')}`;
      expect(query.length).toBeLessThan(2_000);
      const ordersBefore = await ordersIn(database!.url);
      const response = await post(app, { query, variables: checkoutVariables({ items: [] }) });
      // 2^40 spreads of one field are more than the cost analysis will walk: refused, nothing placed.
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await ordersIn(database!.url)).toBe(ordersBefore);
      expect((await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
    });

    it(`answers a query of 40 doubling fragments with the checkout rate limit ${name}`, { timeout: 10_000 }, async () => {
      const response = await post(servers[name]!, { query: `{ ...F40 } ${doublingFragments(40, 'Query', 'categories { slug }')}` });
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  }

  it('counts one checkout reached through many spreads of the same fragment as one, as graphql-js runs it once', async () => {
    await createShippingMethods(limited);
    const product = await createProduct(limited, {
      variants: [{ sku: 'WALK-1', stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 700 }] }],
    });
    // 8 spreads of F0, under the cost limit; the old count saw 8 checkouts, over the limit of 3.
    const query = `mutation M($input: CheckoutInput!) { ...F3 } ${doublingFragments(3, 'Mutation', 'checkout(input: $input) { __typename }')}`;
    const ordersBefore = await countOrders(limited);
    const response = await post(limited, { query, variables: checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 1 }] }) });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ checkout: { __typename: 'CheckoutSuccess' } });
    expect(await countOrders(limited)).toBe(ordersBefore + 1);
  });
});
