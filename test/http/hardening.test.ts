import { getIntrospectionQuery } from 'graphql';
import { serverAudits, type AuditFail } from 'graphql-http';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, countOrders, createShippingMethods } from '../support/checkout-fixtures';
import { ProductsPage } from '../support/operations';

// Default limits; the rate limit is turned on here (useTestApp turns it off elsewhere).
const app = useTestApp({ CHECKOUT_RATE_LIMIT: '3' });
const production = useTestApp({ NODE_ENV: 'production' });

interface RawResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs a body as-is, for documents that codegen cannot or should not type. */
async function post(target: TestApp, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawResponse['body'] };
}

/** products → edges → node → variants → product → variants → ... until `depth` fields deep. */
function nestedQuery(depth: number): string {
  const path = ['products', 'edges', 'node'];
  while (path.length < depth - 1) path.push(path.length % 2 === 1 ? 'variants' : 'product');
  return `{ ${path.map((field) => `${field} {`).join(' ')} id ${'}'.repeat(path.length)} }`;
}

describe('limits on what one GraphQL request may ask for', () => {
  it('serves the largest operations the app sends: a page of 100 products with variants and prices, and a full checkout', async () => {
    await createShippingMethods(app);
    const product = await createProduct(app, {
      variants: [
        { sku: 'LIMITS-A', stockOnHand: 50, prices: [{ currency: 'USD', amountMinor: 1200 }] },
        { sku: 'LIMITS-B', stockOnHand: 50, prices: [{ currency: 'USD', amountMinor: 1500 }, { currency: 'EUR', amountMinor: 1400 }] },
      ],
    });

    const page = await app.request(ProductsPage, { first: 100 });
    expect(page.errors).toBeUndefined();
    expect(page.data?.products.edges.length).toBeGreaterThan(0);

    const checkout = await app.request(
      Checkout,
      checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 1 }] }),
      { token: app.customerToken('limits-shopper') },
    );
    expect(checkout.errors).toBeUndefined();
    expect(checkout.data?.checkout.__typename).toBe('CheckoutSuccess');
  });

  it('lets Sandbox introspect the whole schema outside production', async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const response = await post(app, { query });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH (10) with a 400 that names the limit', async () => {
    expect((await post(app, { query: nestedQuery(10) })).status).toBe(200);

    const response = await post(app, { query: nestedQuery(11) });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'Query depth limit of 10 exceeded, found 11.',
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });

  it('prices a page by the page size in its variables, and refuses one above GRAPHQL_MAX_COST (10000)', async () => {
    // 123 fields per product: 1,230 for a page of 10, 12,300 for a page of 100.
    const query = `query Wide($first: Int) { products(first: $first) { edges { node { ${'id '.repeat(120)} } } } }`;
    expect((await post(app, { query, variables: { first: 10 } })).status).toBe(200);

    const response = await post(app, { query, variables: { first: 100 } });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Query cost limit of 10000 exceeded, found 12300\./),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    // Costs are remembered per document and page size: sending both again answers the same.
    expect((await post(app, { query, variables: { first: 10 } })).status).toBe(200);
    expect((await post(app, { query, variables: { first: 100 } })).status).toBe(400);
    expect((await post(app, { query, variables: { first: 'many' } })).body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('prices a skipped selection by the @include flag in its variables', async () => {
    const query = `query Maybe($wide: Boolean!) { products(first: 100) { edges { node { id ... @include(if: $wide) { ${'name '.repeat(120)} } } } } }`;
    expect((await post(app, { query, variables: { wide: false } })).status).toBe(200);
    expect((await post(app, { query, variables: { wide: true } })).status).toBe(400);
    expect((await post(app, { query, variables: { wide: false } })).status).toBe(200);
  });

  it('refuses fragments that spread into more selections than the cost analysis will walk', async () => {
    // Each fragment spreads the next one twice: 2^14 copies of `categories { slug }` in about 150 tokens.
    const fragments = Array.from({ length: 14 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const query = `{ ...F0 } ${fragments.join(' ')} fragment F14 on Query { categories { slug } }`;
    const response = await post(app, { query });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({
      message: 'Query exceeds the maximum allowed number of nodes.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('refuses more than GRAPHQL_MAX_ALIASES (15) aliases', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `c${i}: categories { slug }`).join(' ')} }`;
    expect((await post(app, { query: aliases(15) })).status).toBe(200);

    const response = await post(app, { query: aliases(16) });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('refuses more than GRAPHQL_MAX_DIRECTIVES (50) directives', async () => {
    const response = await post(app, { query: `{ me ${'@include(if: true) '.repeat(51)} { id } }` });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({ message: 'Directives limit of 50 exceeded, found 51.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('stops parsing a document longer than GRAPHQL_MAX_TOKENS (2000)', async () => {
    const response = await post(app, { query: `{ ${'__typename '.repeat(2000)} }` });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/2000 tokens/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('refuses a JSON array of operations, because batching is off', async () => {
    const response = await post(app, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/batch/i);
  });

  it('answers a body over 1 MB with 413 in the GraphQL error shape', async () => {
    const response = await post(app, { query: '{ __typename }', variables: { padding: 'x'.repeat(1024 * 1024) } });
    expect(response.status).toBe(413);
    expect(response.body.errors).toEqual([
      { message: 'The request body is larger than the limit of 1048576 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
    ]);
  });

  it('answers a body that is not JSON with 400 in the GraphQL error shape, not an HTML stack trace', async () => {
    const response = await post(app, '{"query": ');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }]);
  });
});

describe('the checkout rate limit (CHECKOUT_RATE_LIMIT=3 here)', () => {
  let variantId: string;

  beforeAll(async () => {
    await createShippingMethods(app);
    const product = await createProduct(app, {
      variants: [{ sku: 'RATE-LIMITED', stockOnHand: 100, prices: [{ currency: 'USD', amountMinor: 900 }] }],
    });
    variantId = product.variants[0].id;
  });

  const checkout = (token?: string) => app.request(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }] }), { token });

  it('lets a guest check out 3 times a minute, then answers RATE_LIMITED (429) with when to retry, creating nothing', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await checkout()).data?.checkout.__typename).toBe('CheckoutSuccess');
    }
    const ordersBefore = await countOrders(app);

    const refused = await checkout();
    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toEqual([
      {
        message: expect.stringMatching(/^Too many checkouts: at most 3 per minute from one client\. Try again in \d+ seconds\.$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      },
    ]);
    const retryAfter = refused.errors![0].extensions!.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await countOrders(app)).toBe(ordersBefore);

    const raw = await post(app, { query: 'mutation Again($input: CheckoutInput!) { checkout(input: $input) { __typename } }', variables: checkoutVariables({ items: [{ variantId, quantity: 1 }] }) });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('leaves every other query and mutation of a rate-limited guest alone', async () => {
    const page = await app.request(ProductsPage, { first: 5 });
    expect(page.status).toBe(200);
    expect(page.errors).toBeUndefined();

    const cart = await post(app, { query: 'mutation { createCart(input: { currency: "USD" }) { __typename } }' });
    expect(cart.status).toBe(200);
    expect(cart.body.errors).toBeUndefined();
  });

  it('counts each signed-in customer by token subject, apart from guests and from each other', async () => {
    for (const sub of ['rate-alice', 'rate-bob']) {
      const token = app.customerToken(sub);
      for (let i = 0; i < 3; i += 1) {
        expect((await checkout(token)).data?.checkout.__typename).toBe('CheckoutSuccess');
      }
      expect((await checkout(token)).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    }
  });

  it('counts every aliased checkout in one operation, and refuses the whole operation when they exceed the limit', async () => {
    const ordersBefore = await countOrders(app);
    const fields = Array.from({ length: 4 }, (_, i) => `c${i}: checkout(input: $input) { __typename }`).join(' ');
    const response = await post(
      app,
      { query: `mutation Four($input: CheckoutInput!) { ${fields} }`, variables: checkoutVariables({ items: [{ variantId, quantity: 1 }] }) },
      { authorization: `Bearer ${app.customerToken('rate-carol')}` },
    );
    expect(response.status).toBe(429);
    expect(response.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(await countOrders(app)).toBe(ordersBefore);
  });
});

describe('in production (NODE_ENV=production, GRAPHQL_INTROSPECTION unset)', () => {
  it('serves no Sandbox landing page', async () => {
    const response = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).not.toMatch(/html/);
    expect(await response.text()).not.toMatch(/sandbox/i);
  });

  it('refuses introspection', async () => {
    const response = await post(production, { query: '{ __schema { types { name } } }' });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/introspection is not allowed/i),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('leaves "Did you mean" suggestions out of error messages, which development keeps', async () => {
    const misspelled = { query: '{ products { edges { node { nam } } } }' };
    expect((await post(app, misspelled)).body.errors?.[0].message).toMatch(/Did you mean "name"/);

    const response = await post(production, misspelled);
    expect(response.body.errors?.[0].message).toBe('Cannot query field "nam" on type "Product".');

    const badVariable = await post(production, { query: 'query Sorted($sort: ProductSort) { products(sort: $sort) { totalCount } }', variables: { sort: 'NAM' } });
    expect(badVariable.status).toBe(400);
    expect(badVariable.body.errors?.[0].message).toBe('Variable "$sort" got invalid value "NAM"; Value "NAM" does not exist in "ProductSort" enum.');
  });
});

describe('the GraphQL over HTTP audit (graphql-http)', () => {
  it('passes every MUST; what it flags is Apollo refusing GETs without a preflight header and answering errors with 400', async () => {
    const results = await Promise.all(serverAudits({ url: `${app.url}/graphql` }).map((audit) => audit.fn()));
    const failed = results.filter((result): result is AuditFail => result.status !== 'ok');
    expect(results.length).toBeGreaterThan(50);
    expect(failed.filter((result) => result.name.startsWith('MUST'))).toEqual([]);

    // Left as they are, on purpose:
    // - MAY audits sending GETs with neither a JSON content type nor a preflight header:
    //   Apollo's CSRF prevention refuses those (a browser can send them cross-site).
    // - SHOULD audits asking for 200 on parse, validation and variable errors when the client
    //   accepts application/json: Apollo answers 400, which the spec also allows.
    for (const result of failed) {
      const body = await result.response.text();
      if (result.name.startsWith('MAY')) expect(body).toMatch(/Cross-Site Request Forgery/);
      else expect(result.name).toMatch(/^SHOULD use (200 status code|a status code of 200) on .+ failure when accepting application\/json$/);
    }
  });
});
