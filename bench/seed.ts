import type pg from 'pg';
import { benchCustomerId, CREATE_PRODUCT, CREATE_SHIPPING_METHOD, graphqlRequest, operation, staffToken } from './api';

/** Enough that no run sells out: the CHECK constraints would refuse it, not the benchmark. */
export const PLENTY = 100_000_000;

type CreateProductData = {
  createProduct: { __typename: string; message?: string; product?: { id: string; variants: Array<{ id: string; sku: string }> } };
};

/** A shipping method with US rates in USD, as checkout needs one for the address. */
export async function seedShipping(endpoint: string): Promise<void> {
  const input = {
    name: 'Standard',
    rates: [
      { country: 'US', region: null, currency: 'USD', amountMinor: 500 },
      { country: 'US', region: 'AK', currency: 'USD', amountMinor: 1500 },
      { country: 'DE', region: null, currency: 'EUR', amountMinor: 490 },
    ],
  };
  const { createShippingMethod } = await graphqlRequest<{ createShippingMethod: { __typename: string; message?: string } }>(
    endpoint,
    operation(CREATE_SHIPPING_METHOD, { input }),
    staffToken(),
  );
  if (createShippingMethod.__typename !== 'CreateShippingMethodSuccess') throw new Error(`shipping method refused: ${createShippingMethod.message}`);
}

/**
 * `products` ACTIVE products through the staff API, each with `variantsEach` variants priced
 * in USD, EUR and JPY. Returns the variant ids, in creation order.
 */
export async function seedCatalog(endpoint: string, products: number, variantsEach: number, stock = PLENTY): Promise<string[]> {
  const variantIds: string[][] = [];
  // A few at a time: seeding is not what is measured.
  for (let start = 0; start < products; start += 8) {
    const batch = Array.from({ length: Math.min(8, products - start) }, (_, i) => start + i);
    const created = await Promise.all(
      batch.map((n) =>
        createProduct(endpoint, {
          name: `Bench Product ${String(n).padStart(3, '0')}`,
          status: 'ACTIVE',
          variants: Array.from({ length: variantsEach }, (_, v) => ({
            sku: `BENCH-${n}-${v}`,
            options: [{ name: 'size', value: `S${v}` }],
            stockOnHand: stock,
            prices: [
              { currency: 'USD', amountMinor: 1000 + n },
              { currency: 'EUR', amountMinor: 900 + n },
              { currency: 'JPY', amountMinor: 1500 + n },
            ],
          })),
        }),
      ),
    );
    variantIds.push(...created);
  }
  return variantIds.flat();
}

/** One variant with `stock` units: what every client of the hot-SKU run buys. */
export async function seedHotVariant(endpoint: string, sku: string, stock: number): Promise<string> {
  const [variantId] = await createProduct(endpoint, {
    name: `Hot ${sku}`,
    status: 'ACTIVE',
    variants: [{ sku, stockOnHand: stock, prices: [{ currency: 'USD', amountMinor: 2500 }] }],
  });
  return variantId;
}

async function createProduct(endpoint: string, input: Record<string, unknown>): Promise<string[]> {
  const { createProduct } = await graphqlRequest<CreateProductData>(endpoint, operation(CREATE_PRODUCT, { input }), staffToken());
  if (!createProduct.product) throw new Error(`product refused: ${createProduct.__typename} ${createProduct.message ?? ''}`);
  return createProduct.product.variants.map((v) => v.id);
}

/** The customers the SQL baseline orders for; the API creates the same rows on first sight. */
export async function seedCustomers(pool: pg.Pool, count: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, i) => benchCustomerId(i));
  await pool.query(
    `insert into customer (id, email) select id, id || '@example.com' from unnest($1::text[]) as c(id) on conflict (id) do nothing`,
    [ids],
  );
}
