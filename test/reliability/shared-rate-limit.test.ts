/**
 * The checkout rate limit with two real server processes on one database: the count lives in
 * PostgreSQL, so one client gets `CHECKOUT_RATE_LIMIT` checkouts a minute in all, not that many
 * per process. (Counted in each process's memory, 80 attempts at a limit of 30 let 60 through.)
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signToken } from '../../src/auth/viewer';
import { Checkout, checkoutVariables } from '../support/checkout-fixtures';
import { createTestDatabase } from '../support/databases';
import { CreateProduct } from '../support/operations';
import { CreateShippingMethod } from '../support/shipping-fixtures';
import { startServerProcess, type ServerProcess } from './server-process';

const JWT_SECRET = 'shared-rate-limit-secret-that-is-long-enough-for-hs256';
const LIMIT = 30;
const ATTEMPTS = 80;

let database: { url: string; drop(): Promise<void> } | undefined;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('adminDatabaseUrl'), inject('templateDatabase'));
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    CHECKOUT_RATE_LIMIT: String(LIMIT),
  };
  const started = await Promise.allSettled([startServerProcess('A', env), startServerProcess('B', env)]);
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}, 90_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await database?.drop();
}, 60_000);

async function post<T, V>(server: ServerProcess, document: TypedDocumentNode<T, V>, variables: V, token: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: T; errors?: Array<{ extensions?: { code?: string } }> } };
}

async function countOrders(): Promise<number> {
  const client = new pg.Client({ connectionString: database!.url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('select count(*)::int as n from orders')).rows[0].n;
  } finally {
    await client.end();
  }
}

describe('the checkout rate limit across two server processes', () => {
  it(`lets one client through ${LIMIT} times in all, however its ${ATTEMPTS} attempts are spread over the processes`, async () => {
    const [a, b] = servers;
    const staff = signToken(JWT_SECRET, { sub: 'limit-staff', email: 'staff@shop.test', role: 'admin' });
    const shipping = await post(a, CreateShippingMethod, { input: { name: 'Standard', rates: [{ country: 'US', region: null, currency: 'USD', amountMinor: 500 }] } }, staff);
    expect(shipping.body.data?.createShippingMethod.__typename).toBe('CreateShippingMethodSuccess');
    const product = await post(
      b,
      CreateProduct,
      { input: { name: 'Plentiful Pen', status: 'ACTIVE', variants: [{ sku: 'PEN-1', stockOnHand: 1000, prices: [{ currency: 'USD', amountMinor: 300 }] }] } },
      staff,
    );
    const created = product.body.data?.createProduct;
    if (created?.__typename !== 'CreateProductSuccess') throw new Error(`seeding failed: ${JSON.stringify(product.body)}`);
    const variables = checkoutVariables({ items: [{ variantId: created.product.variants[0].id, quantity: 1 }] });

    const customer = signToken(JWT_SECRET, { sub: 'limit-customer', email: 'limit@example.com', role: 'customer' });
    // All at once, alternating between the processes.
    const answers = await Promise.all(Array.from({ length: ATTEMPTS }, (_, i) => post(servers[i % 2], Checkout, variables, customer)));

    const outcome = (answer: (typeof answers)[number]) => answer.body.data?.checkout.__typename ?? answer.body.errors?.[0]?.extensions?.code ?? `HTTP ${answer.status}`;
    const tally = answers.reduce<Record<string, number>>((counts, answer) => ({ ...counts, [outcome(answer)]: (counts[outcome(answer)] ?? 0) + 1 }), {});
    expect(tally).toEqual({ CheckoutSuccess: LIMIT, RATE_LIMITED: ATTEMPTS - LIMIT });
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(ATTEMPTS - LIMIT);
    // Both processes took part in the refusals.
    expect(new Set(answers.map((answer, i) => (answer.status === 429 ? i % 2 : -1)).filter((p) => p >= 0))).toEqual(new Set([0, 1]));
    expect(await countOrders()).toBe(LIMIT);
  }, 60_000);
});
