import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';

const app = useTestApp();
let variantIds: string[];

beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, {
    name: 'Many Variants',
    variants: Array.from({ length: 20 }, (_, i) => ({ sku: `MANY-${i}`, stockOnHand: 100, prices: [{ currency: 'USD', amountMinor: 100 + i }] })),
  });
  variantIds = product.variants.map((v) => v.id);
});

describe('the SQL cost of a checkout', () => {
  it('is the same number of statements for 1, 5 and 20 lines', async () => {
    const token = app.customerToken('counted');
    const counts: number[] = [];
    for (const lines of [1, 5, 20]) {
      counts.push(
        await app.countStatements(async () => {
          const { checkout } = await app.query(
            Checkout,
            checkoutVariables({ items: variantIds.slice(0, lines).map((variantId) => ({ variantId, quantity: 1 })) }),
            { token },
          );
          expect(checkout.__typename).toBe('CheckoutSuccess');
        }),
      );
    }
    expect(new Set(counts).size).toBe(1);
    // Variants with prices, shipping rates, then one statement that locks, reserves and writes.
    expect(counts[0]).toBe(3);
  });
});
