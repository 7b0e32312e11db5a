import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';

const app = useTestApp();

interface Answer {
  status: number;
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string; argument?: string } }>;
}

async function post(query: string, variables: Record<string, unknown> = {}, token = app.staffToken()): Promise<Answer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const UUID = '00000000-0000-4000-8000-000000000000';

const PRODUCTS = 'query($first: Int, $after: String, $sort: ProductSort, $currency: Currency) { products(first: $first, after: $after, sort: $sort, currency: $currency) { totalCount edges { cursor node { id } } } }';
const ORDERS = 'query($first: Int, $after: String) { orders(first: $first, after: $after) { totalCount edges { cursor node { id } } } }';

/** A refusal of an argument: HTTP 400 with BAD_USER_INPUT (or a variable that does not coerce), never an internal error. */
function expectRefused(answer: Answer) {
  expect(answer.errors?.map((e) => e.extensions?.code), JSON.stringify(answer).slice(0, 300)).toEqual(['BAD_USER_INPUT']);
  expect(answer.status).toBe(400);
}

beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, { variants: [{ sku: 'ARGS-1', stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 500 }] }] });
  await createProduct(app);
  await app.request(
    Checkout,
    checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 1 }] }),
    { token: app.customerToken('args-shopper') },
  );
});

describe('query arguments a client gets wrong are a 400, never an internal error', () => {
  it.each([
    ['a negative first', { first: -1 }],
    ['first of 0', { first: 0 }],
    ['first above the maximum page', { first: 101 }],
    ['first beyond a 32-bit Int', { first: 2 ** 31 }],
    ['a fractional first', { first: 1.5 }],
    ['an after that is not base64 JSON', { after: '!!!' }],
    ['an after from another sort order', { after: cursor(['NEWEST', '2026-01-01 00:00:00+00', UUID]), sort: 'NAME' }],
    ['a name cursor holding NUL', { after: cursor(['NAME', 'a\u0000b', UUID]) }],
    ['a name cursor holding a lone surrogate', { after: cursor(['NAME', '\ud800', UUID]) }],
    ['a name cursor with a bad id', { after: cursor(['NAME', 'Mug', 'not-a-uuid']) }],
    ['a date cursor that is not a date', { after: cursor(['NEWEST', 'yesterday', UUID]), sort: 'NEWEST' }],
    ['a date cursor on February 31st', { after: cursor(['NEWEST', '2026-02-31 00:00:00+00', UUID]), sort: 'NEWEST' }],
    ['a date cursor in hour 25', { after: cursor(['NEWEST', '2026-01-01 25:00:00+00', UUID]), sort: 'NEWEST' }],
    ['a price cursor beyond bigint', { after: cursor(['PRICE_ASC', 1e300, UUID]), sort: 'PRICE_ASC', currency: 'USD' }],
    ['a fractional price cursor', { after: cursor(['PRICE_ASC', 1.5, UUID]), sort: 'PRICE_ASC', currency: 'USD' }],
    ['a price sort without a currency', { sort: 'PRICE_ASC' }],
  ])('products answers 400 for %s', async (_, variables) => {
    expectRefused(await post(PRODUCTS, variables));
  });

  it.each([
    ['an order cursor in the year -271821', cursor(['ORDERS', '-271821-04-20T00:00:00.000Z', UUID])],
    ['an order cursor whose date is a number', cursor(['ORDERS', '1', UUID])],
    ['an order cursor holding NUL', cursor(['ORDERS', '2026-01-01T00:00:00.000Z\u0000', UUID])],
    ['an order cursor that is a product cursor', cursor(['NAME', 'Mug', UUID])],
  ])('orders answers 400 for %s', async (_, after) => {
    expectRefused(await post(ORDERS, { after }));
  });

  it('pages through products and orders with the cursors it hands out', async () => {
    for (const sort of ['NAME', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC']) {
      const first = (await post(PRODUCTS, { first: 1, sort, currency: 'USD' })) as Answer & { data: { products: { edges: Array<{ cursor: string }> } } };
      expect(first.errors).toBeUndefined();
      const next = await post(PRODUCTS, { first: 1, sort, currency: 'USD', after: first.data.products.edges[0].cursor });
      expect(next.errors).toBeUndefined();
    }
    const orders = (await post(ORDERS, { first: 1 })) as Answer & { data: { orders: { edges: Array<{ cursor: string }> } } };
    expect((await post(ORDERS, { first: 1, after: orders.data.orders.edges[0].cursor })).errors).toBeUndefined();
  });

  it('answers null, not an error, for ids and slugs that name nothing', async () => {
    for (const [query, variables] of [
      ['query($id: ID) { product(id: $id) { id } }', { id: 'not-a-uuid' }],
      ['query($slug: String) { product(slug: $slug) { id } }', { slug: 'no such product' }],
      ['query($id: ID) { cart(id: $id) { id } }', { id: '' }],
      ['query($id: ID) { order(id: $id) { id } }', { id: 'x' }],
      ['query($n: String) { order(orderNumber: $n) { id } }', { n: '%_*' }],
    ] as const) {
      const answer = await post(query, variables);
      expect(answer.status, query).toBe(200);
      expect(answer.errors, query).toBeUndefined();
    }
  });

  it('never answers an internal error, whatever the cursor holds (fast-check)', async () => {
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.double(), fc.integer(), fc.constant(null), fc.boolean(), fc.constantFrom('2026-01-01 00:00:00+00', '2026-13-45 99:99:99+99', '0000-01-01 00:00:00+00', UUID));
    const kinds = fc.constantFrom('NAME', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'ORDERS', 'x');
    await fc.assert(
      fc.asyncProperty(kinds, fc.array(value, { maxLength: 3 }), fc.constantFrom('NAME', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'ORDERS'), async (kind, values, target) => {
        const after = cursor([kind, ...values]);
        const answer = target === 'ORDERS' ? await post(ORDERS, { after }) : await post(PRODUCTS, { after, sort: target, currency: 'USD' });
        expect(answer.errors?.map((e) => e.extensions?.code) ?? [], JSON.stringify([kind, values, target])).not.toContain('INTERNAL_SERVER_ERROR');
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
