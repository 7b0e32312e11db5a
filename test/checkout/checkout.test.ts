import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, countOrders, createShippingMethods, defaultAddress, stockOf } from '../support/checkout-fixtures';
import { createShippingMethod } from '../support/shipping-fixtures';

const app = useTestApp();

const OrderById = graphql(`
  query OrderById($id: ID, $orderNumber: String) {
    order(id: $id, orderNumber: $orderNumber) { id orderNumber status total { amountMinor } }
  }
`);

const CartForCheckout = graphql(`
  mutation CartForCheckout($input: CreateCartInput!) {
    createCart(input: $input) { __typename ... on CreateCartSuccess { cart { id } } }
  }
`);

const CartStatusOf = graphql(`
  query CartStatusOf($id: ID) { cart(id: $id) { id status } }
`);

let shipping: { standard: string; express: string };
let headphones: Awaited<ReturnType<typeof createProduct>>;

beforeAll(async () => {
  shipping = await createShippingMethods(app);
  headphones = await createProduct(app, {
    name: 'Premium Headphones',
    variants: [
      {
        sku: 'HP-M',
        options: [{ name: 'size', value: 'M' }],
        stockOnHand: 1000,
        prices: [
          { currency: 'USD', amountMinor: 24900 },
          { currency: 'JPY', amountMinor: 36800 },
          { currency: 'EUR', amountMinor: 22900 },
        ],
      },
      { sku: 'HP-L', options: [{ name: 'size', value: 'L' }], stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 25900 }] },
    ],
  });
});

const variant = (sku: string) => headphones.variants.find((v) => v.sku === sku)!.id;

describe('checkout with manual transfer', () => {
  it('places an order priced from the database, reserves its stock and records a pending payment', async () => {
    const before = await stockOf(app, headphones.id);
    const { checkout } = await app.query(
      Checkout,
      checkoutVariables({
        items: [{ variantId: variant('HP-M'), quantity: 2, customization: { note: 'Gift wrap please' } }],
        notes: 'Ring the doorbell',
      }),
    );
    expect(checkout.__typename).toBe('CheckoutSuccess');
    if (checkout.__typename !== 'CheckoutSuccess') return;
    const { order, payment } = checkout;
    expect(order.orderNumber).toMatch(/^ORD-\d{8}-[0-9A-Z]{6}$/);
    expect(order).toMatchObject({
      status: 'PENDING_PAYMENT',
      currency: 'USD',
      paymentMethod: 'MANUAL_TRANSFER',
      notes: 'Ring the doorbell',
      shippingMethodName: 'Standard',
      buyer: { name: 'Carlos Pérez', email: 'carlos@example.com', phone: '+13055550100' },
      shippingAddress: { name: 'María García', line1: '123 Main St', city: 'New York', region: 'NY', country: 'US', phone: '+12125550199' },
      subtotal: { amountMinor: 49800, currency: 'USD', formatted: '$498.00' },
      shipping: { amountMinor: 500 },
      discount: { amountMinor: 0 },
      total: { amountMinor: 50300, formatted: '$503.00' },
      statusHistory: [{ fromStatus: null, toStatus: 'PENDING_PAYMENT', actor: 'guest', reason: 'Order placed' }],
    });
    expect(order.lines).toEqual([
      {
        productId: headphones.id,
        variantId: variant('HP-M'),
        productName: 'Premium Headphones',
        sku: 'HP-M',
        options: [{ name: 'size', value: 'M' }],
        quantity: 2,
        customization: { note: 'Gift wrap please' },
        unitPrice: { amountMinor: 24900 },
        lineTotal: { amountMinor: 49800 },
      },
    ]);
    expect(payment).toMatchObject({ status: 'PENDING', method: 'MANUAL_TRANSFER', provider: 'zelle', amount: { amountMinor: 50300, currency: 'USD' } });
    expect(order.payments.map((p) => p.id)).toEqual([payment.id]);
    const expiresIn = Date.parse(order.expiresAt!) - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 60_000);

    const after = await stockOf(app, headphones.id);
    const m = (list: typeof after) => list.find((v) => v.sku === 'HP-M')!;
    expect(m(after).stock).toEqual({ onHand: m(before).stock.onHand, reserved: m(before).stock.reserved + 2 });
    expect(m(after).available).toBe(m(before).available - 2);
  });

  it('places a cash-on-delivery order that does not expire', async () => {
    const { checkout } = await app.query(
      Checkout,
      checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 1 }], payment: { method: 'CASH_ON_DELIVERY' } }),
    );
    expect(checkout).toMatchObject({
      __typename: 'CheckoutSuccess',
      order: { status: 'PAYMENT_ON_DELIVERY', expiresAt: null, statusHistory: [{ toStatus: 'PAYMENT_ON_DELIVERY' }] },
      payment: { method: 'CASH_ON_DELIVERY', status: 'PENDING', provider: null },
    });
  });

  it('prices a JPY order in whole yen', async () => {
    const { checkout } = await app.query(
      Checkout,
      checkoutVariables({
        currency: 'JPY',
        items: [{ variantId: variant('HP-M'), quantity: 1 }],
        shippingAddress: { ...defaultAddress(), country: 'JP', region: 'Tokyo', phone: null },
      }),
    );
    expect(checkout).toMatchObject({
      __typename: 'CheckoutSuccess',
      order: { subtotal: { amountMinor: 36800, formatted: '¥36,800' }, shipping: { amountMinor: 800 }, total: { amountMinor: 37600, formatted: '¥37,600' } },
    });
  });

  it('uses the chosen shipping method, and a region rate over the country rate', async () => {
    const item = { variantId: variant('HP-M'), quantity: 1 };
    const express = await app.query(Checkout, checkoutVariables({ items: [item], shippingMethodId: shipping.express }));
    expect(express.checkout).toMatchObject({ order: { shippingMethodName: 'Express', shipping: { amountMinor: 1900 } } });
    const alaska = await app.query(
      Checkout,
      checkoutVariables({ items: [item], shippingAddress: { ...defaultAddress(), region: 'ak' } }),
    );
    expect(alaska.checkout).toMatchObject({ order: { shippingMethodName: 'Standard', shipping: { amountMinor: 1500 } } });
  });
});

describe('checkout refusals leave nothing behind', () => {
  const item = () => ({ variantId: variant('HP-M'), quantity: 1 });
  const address = defaultAddress;

  it.each([
    ['an empty item list', () => ({ items: [] }), { __typename: 'EmptyCart', code: 'EMPTY_CART', message: 'Your cart is empty.' }],
    ['a zero quantity', () => ({ items: [{ ...item(), quantity: 0 }] }), { __typename: 'InvalidQuantity', quantity: 0, maximum: 999 }],
    ['a negative quantity', () => ({ items: [{ ...item(), quantity: -3 }] }), { __typename: 'InvalidQuantity', quantity: -3 }],
    ['a quantity above the line maximum', () => ({ items: [{ ...item(), quantity: 1000 }] }), { __typename: 'InvalidQuantity', code: 'INVALID_QUANTITY' }],
    ['an unknown variant', () => ({ items: [{ variantId: '00000000-0000-4000-8000-00000000000a', quantity: 1 }] }), { __typename: 'VariantNotFound', variantId: '00000000-0000-4000-8000-00000000000a' }],
    ['a malformed variant id', () => ({ items: [{ variantId: '5', quantity: 1 }] }), { __typename: 'VariantNotFound', variantId: '5' }],
    ['an unknown product', () => ({ items: [{ ...item(), productId: '00000000-0000-4000-8000-00000000000b' }] }), { __typename: 'ProductNotFound', code: 'PRODUCT_NOT_FOUND' }],
    ['a currency the variant has no price in', () => ({ currency: 'GBP', items: [item()] }), { __typename: 'PriceNotAvailable', currency: 'GBP', code: 'PRICE_NOT_AVAILABLE' }],
    ['more than is in stock', () => ({ items: [{ variantId: variant('HP-L'), quantity: 2 }] }), { __typename: 'InsufficientStock', available: 1, requested: 2, message: 'Only 1 left of Premium Headphones (size L); you asked for 2.' }],
    ['the same variant on two lines together exceeding stock', () => ({ items: [{ variantId: variant('HP-L'), quantity: 1 }, { variantId: variant('HP-L'), quantity: 1 }] }), { __typename: 'InsufficientStock', available: 1, requested: 2 }],
    ['an address no rate serves', () => ({ items: [item()], shippingAddress: { ...address(), country: 'BR', region: null } }), { __typename: 'ShippingNotSupported', country: 'BR', region: null, currency: 'USD', code: 'SHIPPING_NOT_SUPPORTED' }],
    ['a currency no rate serves for the address', () => ({ currency: 'EUR', items: [item()] }), { __typename: 'ShippingNotSupported', country: 'US', currency: 'EUR' }],
    ['an unknown shipping method', () => ({ items: [item()], shippingMethodId: '00000000-0000-4000-8000-00000000000c' }), { __typename: 'ShippingMethodNotFound', code: 'SHIPPING_METHOD_NOT_FOUND' }],
    ['a buyer email that is not an email', () => ({ items: [item()], buyer: { name: 'A', email: 'not-an-email' } }), { __typename: 'InvalidBuyer', field: 'email', code: 'INVALID_BUYER' }],
    ['a blank buyer name', () => ({ items: [item()], buyer: { name: ' ', email: 'a@b.co' } }), { __typename: 'InvalidBuyer', field: 'name' }],
    ['a buyer phone that is not a phone number', () => ({ items: [item()], buyer: { name: 'A', email: 'a@b.co', phone: 'call me' } }), { __typename: 'InvalidBuyer', field: 'phone' }],
    ['an address without a street', () => ({ items: [item()], shippingAddress: { ...address(), line1: '' } }), { __typename: 'InvalidAddress', field: 'line1', code: 'INVALID_ADDRESS' }],
    ['an address without a city', () => ({ items: [item()], shippingAddress: { ...address(), city: '  ' } }), { __typename: 'InvalidAddress', field: 'city' }],
    ['a currency nobody sells in', () => ({ currency: 'XTS', items: [item()] }), { __typename: 'UnsupportedCurrency', currency: 'XTS' }],
    ['a card payment while Stripe is not configured', () => ({ items: [item()], payment: { method: 'CARD' as const } }), { __typename: 'PaymentProviderError', provider: 'stripe', message: 'Card payments are not available: Stripe is not configured on this server.' }],
    ['an unknown cart', () => ({ cartId: '00000000-0000-4000-8000-00000000000d' }), { __typename: 'CartNotFound', code: 'CART_NOT_FOUND' }],
    ['both items and a cart', () => ({ items: [item()], cartId: '00000000-0000-4000-8000-00000000000d' }), { __typename: 'InvalidInput', field: 'items' }],
    ['a guest with no items and no cart', () => ({}), { __typename: 'EmptyCart' }],
  ])('refuses %s with a typed error', async (_, overrides, expected) => {
    const ordersBefore = await countOrders(app);
    const stockBefore = await stockOf(app, headphones.id);
    const { checkout } = await app.query(Checkout, checkoutVariables(overrides()));
    expect(checkout).toMatchObject(expected);
    expect(await countOrders(app)).toBe(ordersBefore);
    expect(await stockOf(app, headphones.id)).toEqual(stockBefore);
  });

  it('refuses a variant of another product as VariantProductMismatch', async () => {
    const other = await createProduct(app, { name: 'Other Thing' });
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: variant('HP-M'), productId: other.id, quantity: 1 }] }));
    expect(checkout).toMatchObject({ __typename: 'VariantProductMismatch', code: 'VARIANT_PRODUCT_MISMATCH', variantId: variant('HP-M'), productId: other.id });
  });

  it('refuses a product that is not on sale as ProductNotAvailable', async () => {
    const draft = await createProduct(app, { name: 'Not Yet', status: 'DRAFT' });
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: draft.variants[0].id, quantity: 1 }] }));
    expect(checkout).toMatchObject({ __typename: 'ProductNotAvailable', productId: draft.id, message: 'Not Yet is not available for sale.' });
  });

  it('refuses an order whose total would be zero as InvalidAmount', async () => {
    const freebie = await createProduct(app, { name: 'Free Sticker', variants: [{ sku: 'FREE-1', stockOnHand: 10, prices: [{ currency: 'EUR', amountMinor: 0 }] }] });
    await createShippingMethod(app, 'Free pickup', [{ country: 'NL', currency: 'EUR', amountMinor: 0 }]);
    const { checkout } = await app.query(
      Checkout,
      checkoutVariables({ currency: 'EUR', items: [{ variantId: freebie.variants[0].id, quantity: 1 }], shippingAddress: { ...defaultAddress(), country: 'NL', region: null } }),
    );
    expect(checkout).toMatchObject({ __typename: 'InvalidAmount', code: 'INVALID_AMOUNT', amountMinor: 0 });
  });

  it('refuses a country code that is not ISO 3166 at the schema level', async () => {
    const response = await app.request(Checkout, checkoutVariables({ items: [item()], shippingAddress: { ...defaultAddress(), country: 'XX' } }));
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('checkout from a cart', () => {
  it('checks out a guest cart and closes it', async () => {
    const { createCart } = await app.query(CartForCheckout, {
      input: { currency: 'USD', lines: [{ variantId: variant('HP-M'), quantity: 1, customization: { note: 'Gift wrap please' } }] },
    });
    if (createCart.__typename !== 'CreateCartSuccess') throw new Error(createCart.__typename);
    const cartId = createCart.cart.id;
    const { checkout } = await app.query(Checkout, checkoutVariables({ cartId }));
    expect(checkout).toMatchObject({ __typename: 'CheckoutSuccess', order: { lines: [{ quantity: 1, customization: { note: 'Gift wrap please' } }] } });
    expect((await app.query(CartStatusOf, { id: cartId })).cart?.status).toBe('CHECKED_OUT');
    const again = await app.query(Checkout, checkoutVariables({ cartId }));
    expect(again.checkout).toMatchObject({ __typename: 'CartNotFound' });
  });

  it('answers a retried cart checkout with the first order, even though the cart is now closed', async () => {
    const { createCart } = await app.query(CartForCheckout, { input: { currency: 'USD', lines: [{ variantId: variant('HP-M'), quantity: 2 }] } });
    if (createCart.__typename !== 'CreateCartSuccess') throw new Error(createCart.__typename);
    const variables = checkoutVariables({ cartId: createCart.cart.id, idempotencyKey: 'cart-retry-1' });
    const attempts = await Promise.all([app.query(Checkout, variables), app.query(Checkout, variables)]);
    const retry = await app.query(Checkout, variables);
    const ids = [...attempts, retry].map((r) => (r.checkout.__typename === 'CheckoutSuccess' ? r.checkout.order.id : r.checkout.__typename));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('turns one cart into one order when two checkouts of it race', async () => {
    const { createCart } = await app.query(CartForCheckout, { input: { currency: 'USD', lines: [{ variantId: variant('HP-M'), quantity: 1 }] } });
    if (createCart.__typename !== 'CreateCartSuccess') throw new Error(createCart.__typename);
    const before = await countOrders(app);
    const results = await Promise.all(
      ['race-a', 'race-b', 'race-c'].map((idempotencyKey) => app.query(Checkout, checkoutVariables({ cartId: createCart.cart.id, idempotencyKey }))),
    );
    expect(results.map((r) => r.checkout.__typename).sort()).toEqual(['CartNotFound', 'CartNotFound', 'CheckoutSuccess']);
    expect(await countOrders(app)).toBe(before + 1);
  });

  it('checks out the signed-in customer\'s open cart when neither items nor cart are given', async () => {
    const token = app.customerToken('cart-shopper');
    await app.query(CartForCheckout, { input: { currency: 'USD', lines: [{ variantId: variant('HP-M'), quantity: 1 }] } }, { token });
    const { checkout } = await app.query(Checkout, checkoutVariables(), { token });
    expect(checkout).toMatchObject({ __typename: 'CheckoutSuccess', order: { statusHistory: [{ actor: 'customer:cart-shopper' }] } });
  });

  it('refuses another customer\'s cart', async () => {
    const { createCart } = await app.query(
      CartForCheckout,
      { input: { currency: 'USD', lines: [{ variantId: variant('HP-M'), quantity: 1 }] } },
      { token: app.customerToken('cart-owner') },
    );
    if (createCart.__typename !== 'CreateCartSuccess') throw new Error(createCart.__typename);
    for (const token of [app.customerToken('cart-thief'), undefined]) {
      const { checkout } = await app.query(Checkout, checkoutVariables({ cartId: createCart.cart.id }), { token });
      expect(checkout).toMatchObject({ __typename: 'CartNotFound' });
    }
  });
});

describe('idempotency', () => {
  it('returns the first order for a repeated key and reserves nothing more', async () => {
    const input = checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 1 }], idempotencyKey: 'key-repeat-1' });
    const first = await app.query(Checkout, input);
    const stock = await stockOf(app, headphones.id);
    const orders = await countOrders(app);
    const second = await app.query(Checkout, input);
    expect(first.checkout.__typename).toBe('CheckoutSuccess');
    expect(second.checkout).toEqual(first.checkout);
    expect(await countOrders(app)).toBe(orders);
    expect(await stockOf(app, headphones.id)).toEqual(stock);
  });

  it('refuses the same key with a different body', async () => {
    await app.query(Checkout, checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 1 }], idempotencyKey: 'key-reused' }));
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 2 }], idempotencyKey: 'key-reused' }));
    expect(checkout).toMatchObject({ __typename: 'IdempotencyKeyReused', code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'key-reused' });
  });

  it('keeps keys apart per customer', async () => {
    const input = checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 1 }], idempotencyKey: 'shared-key' });
    const a = await app.query(Checkout, input, { token: app.customerToken('idem-a') });
    const b = await app.query(Checkout, input, { token: app.customerToken('idem-b') });
    if (a.checkout.__typename !== 'CheckoutSuccess' || b.checkout.__typename !== 'CheckoutSuccess') throw new Error('expected two orders');
    expect(a.checkout.order.id).not.toBe(b.checkout.order.id);
  });
});

describe('reading a placed order back', () => {
  it('lets the owner and staff read it, a guest read a guest order by id only, and nobody else', async () => {
    const owner = app.customerToken('reader-owner');
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 1 }] }), { token: owner });
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    const { id, orderNumber } = checkout.order;
    expect((await app.query(OrderById, { id }, { token: owner })).order?.id).toBe(id);
    expect((await app.query(OrderById, { orderNumber }, { token: owner })).order?.id).toBe(id);
    expect((await app.query(OrderById, { orderNumber }, { token: app.staffToken() })).order?.id).toBe(id);
    expect((await app.query(OrderById, { id }, { token: app.customerToken('reader-other') })).order).toBeNull();
    expect((await app.query(OrderById, { id })).order).toBeNull();

    const guest = await app.query(Checkout, checkoutVariables({ items: [{ variantId: variant('HP-M'), quantity: 1 }] }));
    if (guest.checkout.__typename !== 'CheckoutSuccess') throw new Error(guest.checkout.__typename);
    expect((await app.query(OrderById, { id: guest.checkout.order.id })).order?.orderNumber).toBe(guest.checkout.order.orderNumber);
    expect((await app.query(OrderById, { orderNumber: guest.checkout.order.orderNumber })).order).toBeNull();
  });
});
