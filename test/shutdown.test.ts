import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from './stripe/fake-stripe';
import { useTestApp } from './support/app';
import { createProduct } from './support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from './support/checkout-fixtures';

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: 'whsec_shutdown_test' });
});
const app = useTestApp(() => ({ STRIPE_SECRET_KEY: 'sk_test_shutdown', STRIPE_API_URL: fake.url, STRIPE_TIMEOUT_MS: '5000' }));
afterAll(() => fake?.close());

describe('graceful shutdown', () => {
  it('lets a request whose client hung up finish its database work before the database closes', async () => {
    await createShippingMethods(app);
    const product = await createProduct(app, { variants: [{ sku: 'SHUTDOWN-1', stockOnHand: 5, prices: [{ currency: 'USD', amountMinor: 1000 }] }] });
    // Stripe answers slowly: the checkout is still waiting for it when the server is told to stop.
    fake.delayNext({ method: 'POST', path: /^\/v1\/payment_intents$/ }, 1500);

    const client = new AbortController();
    const request = fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(Checkout), variables: checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 1 }], payment: { method: 'CARD' } }) }),
      signal: client.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 400));
    client.abort();
    await request;

    await app.server.close();

    const db = new pg.Client({ connectionString: app.config.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`select o.status, p.provider_reference from orders o join payment p on p.order_id = o.id`);
      expect(rows).toHaveLength(1);
      expect(rows[0].status).toBe('PENDING_PAYMENT');
      expect(rows[0].provider_reference).toMatch(/^pi_/);
    } finally {
      await db.end();
    }
  });
});
