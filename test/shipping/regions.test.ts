import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import type { ShippingRateInput } from '../generated/graphql';
import { useTestApp } from '../support/app';
import { CreateShippingMethod, createShippingMethod } from '../support/shipping-fixtures';

const app = useTestApp();

const sql = (query: string, params: unknown[] = []) => app.server.orm.em.getConnection().execute(query, params);

const Options = graphql(`
  query RegionSuiteOptions($country: CountryCode!, $region: String, $currency: Currency!) {
    shippingOptions(country: $country, region: $region, currency: $currency) { id name price { amountMinor } }
  }
`);

const staff = () => ({ token: app.staffToken() });

const createMethod = (name: string, rates: ShippingRateInput[]) => createShippingMethod(app, name, rates);

/** What the method charges for the address, or undefined when it does not serve it. */
async function priceOf(method: { id: string }, country: string, currency: string, region?: string | null) {
  const { shippingOptions } = await app.query(Options, { country, currency, region });
  return shippingOptions.find((o) => o.id === method.id)?.price.amountMinor;
}

const counts = async () => {
  const [row] = await sql('select (select count(*) from shipping_method)::int as methods, (select count(*) from shipping_rate)::int as rates');
  return row;
};

// Each test ships to its own countries or currencies, so methods from other tests do not interfere.

describe('shipping rates by ISO 3166-2 region', () => {
  it('charges Alaska its own rate whether the address names it or gives its code, and other states the US-wide rate', async () => {
    const method = await createMethod('Alaska Post', [
      { country: 'US', currency: 'USD', amountMinor: 500 },
      { country: 'US', region: 'AK', currency: 'USD', amountMinor: 1500 },
    ]);
    for (const region of ['Alaska', 'alaska', ' ALASKA ', 'AK', 'ak', 'US-AK', 'us-ak']) {
      expect({ region, price: await priceOf(method, 'US', 'USD', region) }).toEqual({ region, price: 1500 });
    }
    for (const region of ['Texas', 'TX', 'US-TX', null]) {
      expect({ region, price: await priceOf(method, 'US', 'USD', region) }).toEqual({ region, price: 500 });
    }
  });

  it('stores a rate named by its region as the code, and matches it by code and by name', async () => {
    const method = await createMethod('Okinawa Post', [
      { country: 'JP', currency: 'USD', amountMinor: 800 },
      { country: 'JP', region: 'Okinawa', currency: 'USD', amountMinor: 1500 },
      { country: 'DE', region: 'Thüringen', currency: 'USD', amountMinor: 990 },
    ]);
    expect(method.rates.map((r) => r.region).sort()).toEqual(['47', 'TH', null].sort());
    expect(await priceOf(method, 'JP', 'USD', 'okinawa')).toBe(1500);
    expect(await priceOf(method, 'JP', 'USD', 'JP-47')).toBe(1500);
    expect(await priceOf(method, 'JP', 'USD', 'Tokyo')).toBe(800);
    expect(await priceOf(method, 'DE', 'USD', 'thuringen')).toBe(990);
    const [stored] = await sql("select region from shipping_rate where method_id = ? and country = 'JP' and region is not null", [method.id]);
    expect(stored.region).toBe('47');
  });

  it('applies a rate for a region to the subdivisions inside it, the innermost rate winning', async () => {
    // Ain (FR-01) and Rhône (FR-69) lie in Auvergne-Rhône-Alpes (FR-ARA).
    const method = await createMethod('Alpine Post', [
      { country: 'FR', currency: 'CHF', amountMinor: 1000 },
      { country: 'FR', region: 'Auvergne-Rhône-Alpes', currency: 'CHF', amountMinor: 700 },
      { country: 'FR', region: '69', currency: 'CHF', amountMinor: 1200 },
    ]);
    expect(await priceOf(method, 'FR', 'CHF', 'Ain')).toBe(700);
    expect(await priceOf(method, 'FR', 'CHF', 'ARA')).toBe(700);
    expect(await priceOf(method, 'FR', 'CHF', 'Rhône')).toBe(1200);
    expect(await priceOf(method, 'FR', 'CHF', 'Paris')).toBe(1000);
  });

  it('ignores the free-text region of a country without subdivisions', async () => {
    const method = await createMethod('Harbour Post', [{ country: 'HK', currency: 'HKD', amountMinor: 3000 }]);
    expect(await priceOf(method, 'HK', 'HKD', 'Kowloon')).toBe(3000);
    expect(await priceOf(method, 'HK', 'HKD')).toBe(3000);
  });
});

describe('createShippingMethod refuses a region that is not a subdivision of its country', () => {
  it.each([
    ['a name of no US state', [{ country: 'US', currency: 'SEK', amountMinor: 100 }, { country: 'US', region: 'Alaskaa', currency: 'SEK', amountMinor: 1500 }], 'rates.1.region'],
    ["another country's region", [{ country: 'US', region: 'Quebec', currency: 'SEK', amountMinor: 1500 }], 'rates.0.region'],
    ['a region in a country without subdivisions', [{ country: 'HK', region: 'Kowloon', currency: 'SEK', amountMinor: 1500 }], 'rates.0.region'],
    ['a name shared by two subdivisions', [{ country: 'EE', region: 'Tartu', currency: 'SEK', amountMinor: 1500 }], 'rates.0.region'],
    ['a region given by name and by code', [{ country: 'US', region: 'Alaska', currency: 'SEK', amountMinor: 1 }, { country: 'US', region: 'us-ak', currency: 'SEK', amountMinor: 2 }], 'rates.1'],
  ])('as InvalidInput for %s, writing nothing', async (_, rates, field) => {
    const before = await counts();
    const { createShippingMethod } = await app.query(CreateShippingMethod, { input: { name: 'Refused Post', rates } }, staff());
    expect(createShippingMethod).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', field, message: expect.any(String) });
    expect(await counts()).toEqual(before);
  });

  it('says which region it did not recognise', async () => {
    const { createShippingMethod } = await app.query(
      CreateShippingMethod,
      { input: { name: 'Typo Post', rates: [{ country: 'US', region: 'Alaskaa', currency: 'SEK', amountMinor: 1 }] } },
      staff(),
    );
    expect(createShippingMethod).toMatchObject({ message: expect.stringContaining('"Alaskaa" is not a region of US') });
  });
});

describe('shippingOptions with a region that names no subdivision', () => {
  it('is refused with HTTP 400 and BAD_USER_INPUT naming the region argument', async () => {
    await createMethod('Any Post', [{ country: 'US', currency: 'NOK', amountMinor: 100 }]);
    const response = await app.request(Options, { country: 'US', currency: 'NOK', region: 'Atlantis' });
    expect(response.status).toBe(400);
    expect(response.data).toBeNull();
    expect(response.errors?.[0]).toMatchObject({
      message: expect.stringContaining('"Atlantis" is not a region of US'),
      extensions: { code: 'BAD_USER_INPUT', argument: 'region' },
    });
  });
});
