import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, countOrders, defaultAddress, stockOf } from '../support/checkout-fixtures';
import { createShippingMethod } from '../support/shipping-fixtures';

const app = useTestApp();

let lamp: Awaited<ReturnType<typeof createProduct>>;

beforeAll(async () => {
  lamp = await createProduct(app, {
    name: 'Desk Lamp',
    variants: [{ sku: 'LAMP-1', stockOnHand: 100, prices: [{ currency: 'USD', amountMinor: 4000 }, { currency: 'HKD', amountMinor: 30000 }] }],
  });
  await createShippingMethod(app, 'Standard', [
    { country: 'US', currency: 'USD', amountMinor: 500 },
    { country: 'US', region: 'AK', currency: 'USD', amountMinor: 1500 },
    { country: 'HK', currency: 'HKD', amountMinor: 6000 },
  ]);
});

const items = () => [{ variantId: lamp.variants[0].id, quantity: 1 }];

async function checkoutTo(shippingAddress: Partial<ReturnType<typeof defaultAddress>>, currency = 'USD') {
  const { checkout } = await app.query(Checkout, checkoutVariables({ currency, items: items(), shippingAddress: { ...defaultAddress(), ...shippingAddress } }));
  return checkout;
}

describe('checkout prices shipping by the address region, named or coded', () => {
  it.each([['Alaska'], ['alaska'], ['AK'], ['us-ak']])('charges the Alaska rate for region "%s" and stores the code', async (region) => {
    const checkout = await checkoutTo({ region, city: 'Juneau' });
    expect(checkout).toMatchObject({
      __typename: 'CheckoutSuccess',
      order: { shipping: { amountMinor: 1500 }, total: { amountMinor: 5500 }, shippingAddress: { region: 'AK', country: 'US' } },
    });
  });

  it.each([['Texas'], ['TX'], [null]])('charges the US-wide rate for region %s', async (region) => {
    const checkout = await checkoutTo({ region });
    expect(checkout).toMatchObject({ __typename: 'CheckoutSuccess', order: { shipping: { amountMinor: 500 }, shippingAddress: { region: region && 'TX' } } });
  });

  it('keeps the region as written in a country without subdivisions', async () => {
    const checkout = await checkoutTo({ country: 'HK', region: ' Kowloon ', phone: null }, 'HKD');
    expect(checkout).toMatchObject({ __typename: 'CheckoutSuccess', order: { shipping: { amountMinor: 6000 }, shippingAddress: { region: 'Kowloon', country: 'HK' } } });
  });
});

describe('checkout refuses a region that names no subdivision of the country', () => {
  it.each([
    ['a misspelt state', { region: 'Alaskaa' }],
    ["another country's province", { region: 'Quebec' }],
    ["another country's prefixed code", { region: 'CA-QC' }],
  ])('as InvalidAddress on the region for %s, writing nothing', async (_, address) => {
    const ordersBefore = await countOrders(app);
    const stockBefore = await stockOf(app, lamp.id);
    const checkout = await checkoutTo(address);
    expect(checkout).toMatchObject({ __typename: 'InvalidAddress', code: 'INVALID_ADDRESS', field: 'region', message: expect.stringContaining(address.region) });
    expect(await countOrders(app)).toBe(ordersBefore);
    expect(await stockOf(app, lamp.id)).toEqual(stockBefore);
  });
});
