import { expect } from 'vitest';
import type { CreateProductInput } from '../generated/graphql';
import type { TestApp } from './app';
import { CreateProduct } from './operations';

let counter = 0;

/** Creates an ACTIVE product through the API and returns it; fails the test if refused. */
export async function createProduct(app: TestApp, input: Partial<CreateProductInput> = {}) {
  counter += 1;
  const name = input.name ?? `Test Product ${process.pid}-${counter}`;
  const result = await app.query(
    CreateProduct,
    {
      input: {
        name,
        status: 'ACTIVE',
        variants: [
          { sku: `SKU-${process.pid}-${counter}-A`, stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 1000 }] },
        ],
        ...input,
      },
    },
    { token: app.staffToken() },
  );
  expect(result.createProduct.__typename).toBe('CreateProductSuccess');
  if (result.createProduct.__typename !== 'CreateProductSuccess') throw new Error('unreachable');
  return result.createProduct.product;
}
