import { expect } from 'vitest';
import { graphql } from '../generated';
import type { CheckoutInput } from '../generated/graphql';
import type { TestApp } from './app';
import { createShippingMethod } from './shipping-fixtures';

export const Checkout = graphql(`
  mutation Checkout($input: CheckoutInput!) {
    checkout(input: $input) {
      __typename
      ... on CheckoutSuccess {
        clientSecret
        checkoutUrl
        order {
          id
          orderNumber
          status
          currency
          paymentMethod
          expiresAt
          notes
          shippingMethodName
          buyer { name email phone }
          shippingAddress { name phone line1 line2 city region postalCode country reference }
          lines { productId variantId productName sku options { name value } quantity customization unitPrice { amountMinor } lineTotal { amountMinor } }
          subtotal { amountMinor currency formatted }
          shipping { amountMinor formatted }
          discount { amountMinor }
          total { amountMinor currency formatted }
          payments { id status method provider amount { amountMinor currency } }
          statusHistory { fromStatus toStatus actor reason }
        }
        payment { id method status provider amount { amountMinor currency } }
      }
      ... on UserError { code message }
      ... on InsufficientStock { productId variantId available requested }
      ... on InvalidQuantity { variantId quantity maximum }
      ... on PriceNotAvailable { variantId currency }
      ... on ShippingNotSupported { country region currency }
      ... on ShippingMethodNotFound { shippingMethodId }
      ... on VariantNotFound { variantId }
      ... on ProductNotFound { productId }
      ... on ProductNotAvailable { productId variantId }
      ... on VariantProductMismatch { variantId productId }
      ... on InvalidAmount { amountMinor }
      ... on InvalidAddress { field }
      ... on InvalidBuyer { field }
      ... on IdempotencyKeyReused { idempotencyKey }
      ... on OrderNumberCollision { attempts }
      ... on PaymentProviderError { provider }
      ... on CartNotFound { cartId }
      ... on UnsupportedCurrency { currency }
      ... on InvalidInput { field }
    }
  }
`);

export const StockOf = graphql(`
  query StockOf($id: ID!) {
    product(id: $id) { variants { id sku available stock { onHand reserved } } }
  }
`);

/** Standard and Express methods: US (AK dearer), Germany in EUR, Japan in JPY. */
export async function createShippingMethods(app: TestApp) {
  const create = async (name: string, rates: Array<[string, string | null, string, number]>) => {
    const method = await createShippingMethod(
      app,
      name,
      rates.map(([country, region, currency, amountMinor]) => ({ country, region, currency, amountMinor })),
    );
    return method.id;
  };
  const standard = await create('Standard', [
    ['US', null, 'USD', 500],
    ['US', 'AK', 'USD', 1500],
    ['DE', null, 'EUR', 490],
    ['JP', null, 'JPY', 800],
  ]);
  const express = await create('Express', [['US', null, 'USD', 1900]]);
  return { standard, express };
}

export function defaultAddress(): CheckoutInput['shippingAddress'] {
  return {
    name: 'María García',
    phone: '+1 (212) 555-0199',
    line1: '123 Main St',
    line2: 'Apt 4',
    city: 'New York',
    region: 'NY',
    postalCode: '10001',
    country: 'US',
    reference: 'Blue door',
  };
}

/** Variables for the Checkout mutation: a guest buyer in New York paying by Zelle, plus overrides. */
export function checkoutVariables(overrides: Partial<CheckoutInput> = {}): { input: CheckoutInput } {
  return {
    input: {
      currency: 'USD',
      buyer: { name: 'Carlos Pérez', email: 'carlos@example.com', phone: '+1-305-555-0100' },
      shippingAddress: defaultAddress(),
      payment: { method: 'MANUAL_TRANSFER', provider: 'zelle' },
      ...overrides,
    },
  };
}

/** Stock figures of a product's variants, read by staff through the API. */
export async function stockOf(app: TestApp, productId: string) {
  const { product } = await app.query(StockOf, { id: productId }, { token: app.staffToken() });
  expect(product).not.toBeNull();
  // Staff always see stock; the field is nullable only for the viewers who may not.
  return product!.variants.map((variant) => ({ ...variant, stock: variant.stock! }));
}

export async function countOrders(app: TestApp): Promise<number> {
  const [row] = await app.server.orm.em.getConnection().execute('select count(*)::int as n from orders');
  return row.n;
}
