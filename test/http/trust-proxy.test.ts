import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';

// One proxy in front: the guest's address is the last X-Forwarded-For hop.
const app = useTestApp({ CHECKOUT_RATE_LIMIT: '1', TRUST_PROXY_HOPS: '1' });
let variantId: string;

beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, { variants: [{ sku: 'PROXIED', stockOnHand: 100, prices: [{ currency: 'USD', amountMinor: 900 }] }] });
  variantId = product.variants[0].id;
});

async function checkoutFrom(ip: string): Promise<number> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ query: print(Checkout), variables: checkoutVariables({ items: [{ variantId, quantity: 1 }] }) }),
  });
  return response.status;
}

describe('behind a proxy (TRUST_PROXY_HOPS)', () => {
  it('counts guests by their forwarded address, not by the proxy\'s', async () => {
    expect(await checkoutFrom('203.0.113.7')).toBe(200);
    expect(await checkoutFrom('198.51.100.23')).toBe(200);
    expect(await checkoutFrom('203.0.113.7')).toBe(429);
  });
});
