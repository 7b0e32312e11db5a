/**
 * The catalog cache (src/http/catalog-cache*.ts) with two server processes' worth of servers
 * on one database: A (this file's app) and B (started here, with an operations manifest).
 * Waits are bounded by counts the cache keeps and by the vitest timeout, never by a clock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { operationHash } from '../../src/common/operation-manifest';
import { startServer, type RunningServer } from '../../src/server';
import { TEST_JWT_SECRET, useTestApp, waitFor } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';

/** Long enough that no test here ever sees an entry expire by age (that is catalog-cache-store.test.ts). */
const CACHE = { CATALOG_CACHE_MAX_AGE_MS: '600000', CATALOG_CACHE_ENTRIES: '4' };

const PAGE = `query CachePage($first: Int) {
  products(first: $first) { totalCount edges { node { id name variants { id sku available price(currency: "USD") { amountMinor } } } } }
}`;
const BY_SLUG = `query CacheProduct($slug: String) { product(slug: $slug) { id name variants { sku available } } }`;

const app = useTestApp(CACHE);
let b: RunningServer;
let manifestDir: string;

beforeAll(async () => {
  manifestDir = mkdtempSync(path.join(tmpdir(), 'catalog-cache-'));
  const manifest = path.join(manifestDir, 'persisted-documents.json');
  writeFileSync(manifest, JSON.stringify(Object.fromEntries([PAGE, BY_SLUG].map((d) => [`sha256:${operationHash(d)}`, d]))));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: app.config.databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO_DATA: 'false',
    CHECKOUT_RATE_LIMIT: '0',
    GRAPHQL_OPERATIONS_MANIFEST: manifest,
    ...CACHE,
  });
  b = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  await waitFor(() => app.server.catalogCache!.cache.serving && b.catalogCache!.cache.serving, 'both caches listening');
});

afterAll(async () => {
  await b?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function post(server: { url: string }, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : {} };
}

/** A GET as a CDN would forward it; `apollo-require-preflight` satisfies Apollo's CSRF prevention. */
async function get(server: { url: string }, params: Record<string, string>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql?${new URLSearchParams(params)}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : {} };
}

/** SQL statements server B sent while `work` ran. */
async function statementsOnB(work: () => Promise<unknown>): Promise<number> {
  const before = b.statements.read();
  await work();
  return b.statements.read() - before;
}

const invalidations = (server: RunningServer) => server.catalogCache!.cache.stats().invalidations;
const availableIn = (answer: Answer, sku: string): number =>
  answer.body.data.products.edges.flatMap((e: any) => e.node.variants).find((v: any) => v.sku === sku).available;

describe('the catalog cache in one process', () => {
  it('answers a guest the same products page a second time without SQL, byte for byte', async () => {
    await createProduct(app, { name: 'Cache Lamp', variants: [{ sku: 'CACHE-LAMP', stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 1500 }] }] });
    let first: Answer | undefined;
    expect(await app.countStatements(async () => (first = await post(app, PAGE, { first: 10 })))).toBeGreaterThan(0);
    let second: Answer | undefined;
    expect(await app.countStatements(async () => (second = await post(app, PAGE, { first: 10 })))).toBe(0);
    expect(second!.text).toBe(first!.text);
    expect(first!.body.data.products.edges.length).toBeGreaterThan(0);
    // Other variables are another answer: not served from this entry.
    expect(await app.countStatements(() => post(app, PAGE, { first: 1 }))).toBeGreaterThan(0);
  });

  it('runs the query once when many guests ask at once for a page that is not cached', async () => {
    const one = await app.countStatements(() => post(app, PAGE, { first: 7 }));
    const answers: Answer[] = [];
    const together = await app.countStatements(() => Promise.all(Array.from({ length: 12 }, async () => answers.push(await post(app, PAGE, { first: 6 })))));
    expect(together).toBe(one);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  });

  it('never serves a signed-in customer from the cache, nor stores what they are answered', async () => {
    const token = app.customerToken('cache-alice');
    await post(app, PAGE, { first: 10 });
    const stored = app.server.catalogCache!.cache.stats().stored;
    expect(await app.countStatements(() => post(app, PAGE, { first: 10 }, { authorization: `Bearer ${token}` }))).toBeGreaterThan(0);
    // A document that only the customer has sent is still not cached for guests.
    await post(app, PAGE, { first: 3 }, { authorization: `Bearer ${token}` });
    expect(await app.countStatements(() => post(app, PAGE, { first: 3 }))).toBeGreaterThan(0);
    expect(app.server.catalogCache!.cache.stats().stored).toBe(stored + 1);
  });

  it('never caches a document that reads more than the catalog, or an answer with errors', async () => {
    const withMe = 'query CacheWithMe { products(first: 1) { totalCount } me { email } }';
    await post(app, withMe);
    expect(await app.countStatements(() => post(app, withMe))).toBeGreaterThan(0);
    // `stock` is staff only: a guest gets an error, and the next guest gets it from the database again.
    const withStock = 'query CacheWithStock { products(first: 1) { edges { node { variants { stock { onHand } } } } } }';
    const refused = await post(app, withStock);
    expect(refused.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await app.countStatements(() => post(app, withStock))).toBeGreaterThan(0);
  });

  it('drops everything when this process answers a mutation: a guest checkout changes `available` on the next read', async () => {
    await createShippingMethods(app);
    const before = await post(app, PAGE, { first: 10 });
    expect(availableIn(before, 'CACHE-LAMP')).toBe(10);
    const variantId = before.body.data.products.edges.flatMap((e: any) => e.node.variants).find((v: any) => v.sku === 'CACHE-LAMP').id;
    const seen = invalidations(app.server);
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 2 }] }));
    expect(checkout.__typename).toBe('CheckoutSuccess');
    expect(invalidations(app.server)).toBeGreaterThan(seen);
    expect(availableIn(await post(app, PAGE, { first: 10 }), 'CACHE-LAMP')).toBe(8);
  });

  it('keeps at most CATALOG_CACHE_ENTRIES answers, the least recently used going first', async () => {
    for (const first of [1, 2, 3, 4, 5]) await post(app, PAGE, { first });
    const stats = app.server.catalogCache!.cache.stats();
    expect(stats.entries).toBe(4);
    expect(stats.evictions).toBeGreaterThan(0);
    expect(await app.countStatements(() => post(app, PAGE, { first: 5 }))).toBe(0);
    expect(await app.countStatements(() => post(app, PAGE, { first: 1 }))).toBeGreaterThan(0);
  });
});

describe('HTTP caching of GET requests', () => {
  it('gives a guest GET Cache-Control within the bound, an ETag, and 304 for a matching If-None-Match', async () => {
    const params = { query: PAGE, variables: JSON.stringify({ first: 10 }) };
    const first = await get(app, params);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(Number(first.headers.get('cache-control')!.split('=')[1])).toBeLessThanOrEqual(600);
    expect(first.headers.get('vary')).toMatch(/Authorization/i);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);

    let revalidated: Answer | undefined;
    expect(await app.countStatements(async () => (revalidated = await get(app, params, { 'apollo-require-preflight': 'true', 'if-none-match': etag! })))).toBe(0);
    expect(revalidated!.status).toBe(304);
    expect(revalidated!.text).toBe('');
    // The same bytes from B's database reads: the same validator on every process.
    expect((await get(b, params)).headers.get('etag')).toBe(etag);
  });

  it('says no-store to a signed-in GET and to a GET that is not a catalog read, and keeps CSRF prevention for cached answers', async () => {
    const params = { query: PAGE, variables: JSON.stringify({ first: 10 }) };
    const signedIn = await get(app, params, { 'apollo-require-preflight': 'true', authorization: `Bearer ${app.customerToken('cache-bob')}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    expect(signedIn.headers.get('etag')).toBeNull();
    const me = await get(app, { query: 'query CacheMe { me { email } }' });
    expect(me.headers.get('cache-control')).toBe('no-store');
    // Cached, but a GET without a preflight header is refused exactly as Apollo refuses it.
    await get(app, params);
    const simple = await get(app, params, {});
    expect(simple.status).toBe(400);
    expect(simple.body.data).toBeUndefined();
  });

  it('answers a persisted operation sent by hash alone over GET from the cache', async () => {
    const params = { extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: operationHash(PAGE) } }), variables: JSON.stringify({ first: 10 }) };
    const first = await get(b, params);
    expect(first.status).toBe(200);
    expect(first.body.data.products.totalCount).toBeGreaterThan(0);
    expect(first.headers.get('cache-control')).toMatch(/^public/);
    let second: Answer | undefined;
    expect(await statementsOnB(async () => (second = await get(b, params)))).toBe(0);
    expect(second!.text).toBe(first.text);
  });
});

describe('invalidation across processes (LISTEN/NOTIFY)', () => {
  it('drops B’s cached page when staff add a product through A', async () => {
    const params = { query: PAGE, variables: JSON.stringify({ first: 20 }) };
    const before = await get(b, params);
    expect(await statementsOnB(() => get(b, params))).toBe(0);
    const seen = invalidations(b);
    await createProduct(app, { name: 'Cache Notified', variants: [{ sku: 'CACHE-NEW', stockOnHand: 3, prices: [{ currency: 'USD', amountMinor: 700 }] }] });
    await waitFor(() => invalidations(b) > seen, 'B to hear of the new product');
    const after = await get(b, params);
    expect(after.body.data.products.totalCount).toBe(before.body.data.products.totalCount + 1);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('drops both caches on a stock change made by hand-written SQL, which no service saw', async () => {
    await post(app, PAGE, { first: 10 });
    const params = { query: PAGE, variables: JSON.stringify({ first: 10 }) };
    await get(b, params);
    const [seenA, seenB] = [invalidations(app.server), invalidations(b)];
    await app.sql(`update variant set stock_on_hand = stock_on_hand + 5 where sku = 'CACHE-LAMP'`);
    await waitFor(() => invalidations(app.server) > seenA && invalidations(b) > seenB, 'both processes to hear of the stock change');
    expect(availableIn(await post(app, PAGE, { first: 10 }), 'CACHE-LAMP')).toBe(13);
    expect(availableIn(await get(b, params), 'CACHE-LAMP')).toBe(13);
  });

  it('stops serving when B loses its LISTEN connection, and caches again once it is back', async () => {
    const params = { query: PAGE, variables: JSON.stringify({ first: 10 }) };
    await get(b, params);
    const listener = b.catalogCache!.listener;
    const lostPid = listener.backendPid!;
    // The change and the loss in one transaction: B's notification for it goes nowhere.
    await app.sql(`with killed as (select pg_terminate_backend(?::int)) update variant set stock_on_hand = stock_on_hand + 1 from killed where sku = 'CACHE-LAMP'`, [lostPid]);
    await waitFor(() => listener.backendPid !== lostPid || !b.catalogCache!.cache.serving, 'B to notice the lost connection');
    expect(availableIn(await get(b, params), 'CACHE-LAMP')).toBe(14);
    await waitFor(() => b.catalogCache!.cache.serving && listener.backendPid !== undefined && listener.backendPid !== lostPid, 'B to listen again');
    // What was cached before the loss is gone: the change it missed is there, and is cached anew.
    expect(availableIn(await get(b, params), 'CACHE-LAMP')).toBe(14);
    expect(await statementsOnB(() => get(b, params))).toBe(0);
  });
});
