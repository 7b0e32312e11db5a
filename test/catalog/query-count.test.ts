import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { graphql } from '../generated';

const CatalogPage = graphql(`
  query CatalogPage($first: Int) {
    products(first: $first) {
      totalCount
      edges {
        cursor
        node {
          id
          name
          variants {
            sku
            available
            price(currency: "EUR") { amountMinor formatted }
            prices { amountMinor currency }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const app = useTestApp();

describe('the SQL cost of a product page', () => {
  it('is the same for 5 and for 50 products with variants and prices, and at most 3 statements', async () => {
    for (let i = 0; i < 55; i += 1) {
      await createProduct(app, {
        name: `Bulk ${String(i).padStart(2, '0')}`,
        variants: ['S', 'M', 'L'].map((size) => ({
          sku: `BULK-${i}-${size}`,
          options: [{ name: 'size', value: size }],
          stockOnHand: 5,
          prices: [
            { currency: 'USD', amountMinor: 1000 + i },
            { currency: 'EUR', amountMinor: 900 + i },
            { currency: 'JPY', amountMinor: 1500 + i },
          ],
        })),
      });
    }

    let small = 0;
    const five = await app.countStatements(async () => {
      const { products } = await app.query(CatalogPage, { first: 5 });
      small = products.edges.length;
    });
    let large = 0;
    let variants = 0;
    let firstVariant: { price: unknown; prices: unknown } | undefined;
    const fifty = await app.countStatements(async () => {
      const { products } = await app.query(CatalogPage, { first: 50 });
      large = products.edges.length;
      variants = products.edges.reduce((n, e) => n + e.node.variants.length, 0);
      firstVariant = products.edges[0].node.variants[0];
    });

    expect(small).toBe(5);
    expect(large).toBe(50);
    expect(variants).toBe(150);
    // The prices come in the variants' statement; both price fields read them.
    expect(firstVariant?.price).toEqual({ amountMinor: 900, formatted: '€9.00' });
    expect(firstVariant?.prices).toEqual([
      { amountMinor: 900, currency: 'EUR' },
      { amountMinor: 1500, currency: 'JPY' },
      { amountMinor: 1000, currency: 'USD' },
    ]);
    // One statement each for the page, totalCount, and the variants with their prices.
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(3);
  });
});
