import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import type { ShippingRateInput } from '../generated/graphql';
import { useTestApp } from '../support/app';
import { CreateShippingMethod, createShippingMethod } from '../support/shipping-fixtures';

const app = useTestApp();

const sql = (query: string, params: unknown[] = []) => app.server.orm.em.getConnection().execute(query, params);

const Options = graphql(`
  query ShippingSuiteOptions($country: CountryCode!, $region: String, $currency: Currency!) {
    shippingOptions(country: $country, region: $region, currency: $currency) {
      id
      name
      price { amountMinor currency formatted }
    }
  }
`);

const Methods = graphql(`
  query ShippingSuiteMethods {
    shippingMethods { id name active rates { country region price { amountMinor currency } } }
  }
`);

const staff = () => ({ token: app.staffToken() });

const createMethod = (name: string, rates: ShippingRateInput[]) => createShippingMethod(app, name, rates);

async function options(country: string, currency: string, region?: string | null) {
  return (await app.query(Options, { country, currency, region })).shippingOptions;
}

const option = (method: { id: string; name: string }, amountMinor: number, currency: string, formatted: string) => ({
  id: method.id,
  name: method.name,
  price: { amountMinor, currency, formatted },
});

// Each test ships to its own countries, so methods created by other tests do not show up.

describe('createShippingMethod', () => {
  it('creates a method with rates per country, region and currency', async () => {
    const method = await createMethod('  Standard  ', [
      { country: 'US', currency: 'USD', amountMinor: 599 },
      { country: 'US', region: ' AK ', currency: 'USD', amountMinor: 1999 },
      { country: 'US', currency: 'EUR', amountMinor: 550 },
      { country: 'JP', currency: 'JPY', amountMinor: 800 },
    ]);
    expect(method).toMatchObject({ id: expect.any(String), name: 'Standard', active: true });
    expect(method.rates).toHaveLength(4);
    expect(method.rates).toEqual(
      expect.arrayContaining([
        { country: 'US', region: null, price: { amountMinor: 599, currency: 'USD', formatted: '$5.99' } },
        { country: 'US', region: 'AK', price: { amountMinor: 1999, currency: 'USD', formatted: '$19.99' } },
        { country: 'US', region: null, price: { amountMinor: 550, currency: 'EUR', formatted: '€5.50' } },
        { country: 'JP', region: null, price: { amountMinor: 800, currency: 'JPY', formatted: '¥800' } },
      ]),
    );

    const { shippingMethods } = await app.query(Methods, {}, staff());
    expect(shippingMethods.find((m) => m.id === method.id)).toMatchObject({ name: 'Standard', active: true, rates: expect.any(Array) });
  });

  it('is refused to guests (UNAUTHENTICATED) and customers (FORBIDDEN)', async () => {
    const input = { name: 'Sneaky', rates: [{ country: 'US', currency: 'USD', amountMinor: 0 }] };
    const guest = await app.request(CreateShippingMethod, { input });
    expect(guest.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(guest.data).toBeNull();
    const customer = await app.request(CreateShippingMethod, { input }, { token: app.customerToken('shipping-shopper') });
    expect(customer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(customer.data).toBeNull();

    const list = await app.request(Methods, {}, { token: app.customerToken('shipping-shopper') });
    expect(list.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { shippingMethods } = await app.query(Methods, {}, staff());
    expect(shippingMethods.map((m) => m.name)).not.toContain('Sneaky');
  });

  it.each([
    ['no name', { name: '   ', rates: [{ country: 'US', currency: 'USD', amountMinor: 100 }] }, 'name'],
    ['no rates', { name: 'Rateless', rates: [] }, 'rates'],
    [
      'two rates for the same country and currency',
      { name: 'Twice', rates: [{ country: 'US', currency: 'USD', amountMinor: 100 }, { country: 'US', currency: 'usd', amountMinor: 200 }] },
      'rates.1',
    ],
    [
      'two rates for the same region, whatever its case',
      {
        name: 'Twice By Region',
        rates: [
          { country: 'US', region: 'AK', currency: 'USD', amountMinor: 100 },
          { country: 'US', region: 'ak ', currency: 'USD', amountMinor: 200 },
        ],
      },
      'rates.1',
    ],
  ])('answers InvalidInput with the field for %s', async (_, input, field) => {
    const { createShippingMethod } = await app.query(CreateShippingMethod, { input }, staff());
    expect(createShippingMethod).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', field, message: expect.any(String) });
  });

  it('answers InvalidPrice for a negative amount', async () => {
    const { createShippingMethod } = await app.query(
      CreateShippingMethod,
      { input: { name: 'Refund Post', rates: [{ country: 'US', currency: 'USD', amountMinor: -1 }] } },
      staff(),
    );
    expect(createShippingMethod).toMatchObject({
      __typename: 'InvalidPrice',
      code: 'INVALID_PRICE',
      message: 'A price cannot be negative (got -1 USD).',
      currency: 'USD',
      amountMinor: -1,
    });
  });

  it('answers UnsupportedCurrency for a currency the shop cannot sell in', async () => {
    const { createShippingMethod } = await app.query(
      CreateShippingMethod,
      { input: { name: 'Test Money Post', rates: [{ country: 'US', currency: 'XTS', amountMinor: 100 }] } },
      staff(),
    );
    expect(createShippingMethod).toMatchObject({ __typename: 'UnsupportedCurrency', code: 'UNSUPPORTED_CURRENCY', currency: 'XTS' });
  });

  it('saves nothing when it refuses a method', async () => {
    await app.query(
      CreateShippingMethod,
      { input: { name: 'Half Valid', rates: [{ country: 'NZ', currency: 'NZD', amountMinor: 100 }, { country: 'NZ', currency: 'NZD', amountMinor: -5 }] } },
      staff(),
    );
    expect(await options('NZ', 'NZD')).toEqual([]);
  });
});

describe('shippingOptions', () => {
  it('lists the methods that serve the address in the currency, cheapest first', async () => {
    const express = await createMethod('Express', [{ country: 'CA', currency: 'CAD', amountMinor: 2500 }]);
    const standard = await createMethod('Standard', [{ country: 'CA', currency: 'CAD', amountMinor: 900 }]);
    const pickup = await createMethod('Pickup Point', [{ country: 'CA', currency: 'CAD', amountMinor: 0 }]);

    expect(await options('CA', 'CAD')).toEqual([
      option(pickup, 0, 'CAD', 'CA$0.00'),
      option(standard, 900, 'CAD', 'CA$9.00'),
      option(express, 2500, 'CAD', 'CA$25.00'),
    ]);
  });

  it('prices a region by its own rate, over the country-wide rate of the same method', async () => {
    const ground = await createMethod('Ground', [
      { country: 'AU', currency: 'AUD', amountMinor: 1000 },
      { country: 'AU', region: 'TAS', currency: 'AUD', amountMinor: 3000 },
    ]);
    const air = await createMethod('Air', [{ country: 'AU', currency: 'AUD', amountMinor: 2000 }]);

    expect(await options('AU', 'AUD', 'TAS')).toEqual([option(air, 2000, 'AUD', 'A$20.00'), option(ground, 3000, 'AUD', 'A$30.00')]);
    expect(await options('AU', 'AUD', 'NSW')).toEqual([option(ground, 1000, 'AUD', 'A$10.00'), option(air, 2000, 'AUD', 'A$20.00')]);
    expect(await options('AU', 'AUD')).toEqual([option(ground, 1000, 'AUD', 'A$10.00'), option(air, 2000, 'AUD', 'A$20.00')]);
  });

  it('lets a cheaper region rate win over the country-wide rate too', async () => {
    const local = await createMethod('Local Courier', [
      { country: 'MX', currency: 'MXN', amountMinor: 15000 },
      { country: 'MX', region: 'CMX', currency: 'MXN', amountMinor: 5000 },
    ]);
    expect(await options('MX', 'MXN', 'CMX')).toEqual([option(local, 5000, 'MXN', 'MX$50.00')]);
    expect(await options('MX', 'MXN', 'JAL')).toEqual([option(local, 15000, 'MXN', 'MX$150.00')]);
  });

  it('matches the region ignoring case and surrounding spaces', async () => {
    const method = await createMethod('Alaska Aware', [
      { country: 'US', currency: 'USD', amountMinor: 500 },
      { country: 'US', region: 'AK', currency: 'USD', amountMinor: 2500 },
    ]);
    for (const region of ['AK', 'ak', ' Ak ']) {
      const quoted = (await options('US', 'USD', region)).find((o) => o.id === method.id);
      expect(quoted?.price.amountMinor).toBe(2500);
    }
    expect((await options('US', 'USD', 'CA')).find((o) => o.id === method.id)?.price.amountMinor).toBe(500);
  });

  it('does not offer a method with only region rates outside those regions', async () => {
    const islands = await createMethod('Islands Only', [{ country: 'ES', region: 'CN', currency: 'EUR', amountMinor: 1200 }]);
    expect(await options('ES', 'EUR', 'cn')).toEqual([option(islands, 1200, 'EUR', '€12.00')]);
    expect(await options('ES', 'EUR', 'MD')).toEqual([]);
    expect(await options('ES', 'EUR')).toEqual([]);
  });

  it('is an empty list for a country or a currency no method serves', async () => {
    await createMethod('Nordic', [{ country: 'SE', currency: 'SEK', amountMinor: 4900 }]);
    expect(await options('SE', 'SEK')).toHaveLength(1);
    expect(await options('NO', 'SEK')).toEqual([]);
    expect(await options('SE', 'EUR')).toEqual([]);
  });

  it('does not offer an inactive method', async () => {
    const retired = await createMethod('Retired Post', [{ country: 'DE', currency: 'EUR', amountMinor: 300 }]);
    const current = await createMethod('Current Post', [{ country: 'DE', currency: 'EUR', amountMinor: 700 }]);
    expect((await options('DE', 'EUR')).map((o) => o.id)).toEqual([retired.id, current.id]);

    await sql('update shipping_method set active = false where id = ?', [retired.id]);
    expect(await options('DE', 'EUR')).toEqual([option(current, 700, 'EUR', '€7.00')]);
  });

  it('is open to guests and customers alike', async () => {
    const method = await createMethod('Everyone Post', [{ country: 'IE', currency: 'EUR', amountMinor: 450 }]);
    const expected = [option(method, 450, 'EUR', '€4.50')];
    expect(await options('IE', 'EUR')).toEqual(expected);
    const asCustomer = await app.query(Options, { country: 'IE', currency: 'EUR' }, { token: app.customerToken('shipping-viewer') });
    expect(asCustomer.shippingOptions).toEqual(expected);
  });
});
