import { describe, expect, it } from 'vitest';
import { StripeProvider as StripeGateway, toStripeAmount } from '../../src/payments/stripe-provider';

describe("amounts in Stripe's unit", () => {
  it.each([
    ['USD', 1999, 1999],
    ['EUR', 500, 500],
    ['JPY', 3700, 3700],
    ['KRW', 15000, 15000],
    ['KWD', 1250, 1250],
    ['ISK', 990, 99000],
    ['UGX', 5000, 500000],
  ])('sends %s %i minor units as %i', (currency, ours, stripes) => {
    expect(toStripeAmount(ours, currency)).toBe(stripes);
    expect(StripeGateway.fromStripeAmount(stripes, currency.toLowerCase())).toBe(ours);
  });

  it.each([
    ['KWD', 1255, 'three-decimal amounts must end in 0'],
    ['MGA', 1234, 'MGA has cents in ISO 4217 but Stripe charges whole ariary'],
    ['XTS', 100, 'not a currency one can sell in'],
  ])('refuses %s %i (%s)', (currency, ours) => {
    expect(toStripeAmount(ours, currency)).toBeUndefined();
  });

  it('converts MGA whole ariary', () => {
    expect(toStripeAmount(1200, 'MGA')).toBe(12);
  });
});
