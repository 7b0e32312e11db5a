import { beforeAll, describe, expect, it } from 'vitest';
import { GUEST } from '../../src/auth/viewer';
import { CheckoutService, ORDER_NUMBER_ATTEMPTS } from '../../src/checkout/checkout.service';
import { CustomerService } from '../../src/auth/customer.service';
import { CartService } from '../../src/cart/cart.service';
import { PaymentsService } from '../../src/payments/payments.service';
import { manualPayments } from '../../src/payments/manual-provider';
import { PaymentProviders } from '../../src/payments/payment-provider';
import pino from 'pino';
import { PaymentMethod } from '../../src/payments/payment.entity';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, countOrders, createShippingMethods, defaultAddress, stockOf } from '../support/checkout-fixtures';

const app = useTestApp();

const RaceCancel = graphql(`
  mutation RaceCancel($orderId: ID!) {
    cancelOrder(orderId: $orderId, reason: "Changed my mind") { __typename }
  }
`);

const RaceRestock = graphql(`
  mutation RaceRestock($input: AdjustStockInput!) {
    adjustStock(input: $input) { __typename }
  }
`);

beforeAll(async () => {
  await createShippingMethods(app);
});

function tally(typenames: string[]): Record<string, number> {
  return typenames.reduce<Record<string, number>>((counts, t) => ({ ...counts, [t]: (counts[t] ?? 0) + 1 }), {});
}

describe('checkout under concurrency', () => {
  it('sells exactly the 37 units in stock to 200 concurrent buyers of one unit each', async () => {
    const product = await createProduct(app, {
      name: 'Hot Item',
      variants: [{ sku: 'HOT-1', stockOnHand: 37, prices: [{ currency: 'USD', amountMinor: 1500 }] }],
    });
    const variantId = product.variants[0].id;
    const ordersBefore = await countOrders(app);

    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        app.request(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], buyer: { name: `Buyer ${i}`, email: `buyer${i}@example.com` } })),
      ),
    );

    expect(responses.every((r) => r.status === 200 && !r.errors)).toBe(true);
    const outcomes = tally(responses.map((r) => r.data!.checkout.__typename));
    expect(outcomes).toEqual({ CheckoutSuccess: 37, InsufficientStock: 163 });
    const [stock] = await stockOf(app, product.id);
    expect(stock.stock).toEqual({ onHand: 37, reserved: 37 });
    expect(stock.available).toBe(0);
    expect(await countOrders(app)).toBe(ordersBefore + 37);
  });

  it('finishes 100 concurrent two-line checkouts with lines in opposite orders without a deadlock', async () => {
    const product = await createProduct(app, {
      name: 'Pair',
      variants: [
        { sku: 'PAIR-A', stockOnHand: 500, prices: [{ currency: 'USD', amountMinor: 700 }] },
        { sku: 'PAIR-B', stockOnHand: 500, prices: [{ currency: 'USD', amountMinor: 900 }] },
      ],
    });
    const [a, b] = product.variants.map((v) => v.id);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const items = i % 2 === 0
          ? [{ variantId: a, quantity: 1 }, { variantId: b, quantity: 2 }]
          : [{ variantId: b, quantity: 2 }, { variantId: a, quantity: 1 }];
        return app.request(Checkout, checkoutVariables({ items }));
      }),
    );
    expect(responses.map((r) => r.errors ?? null).filter(Boolean)).toEqual([]);
    expect(tally(responses.map((r) => r.data!.checkout.__typename))).toEqual({ CheckoutSuccess: 100 });
    const stock = await stockOf(app, product.id);
    expect(stock.map((v) => v.stock)).toEqual([
      { onHand: 500, reserved: 100 },
      { onHand: 500, reserved: 200 },
    ]);
  });

  it('turns 20 concurrent retries with one idempotency key into one order', async () => {
    const product = await createProduct(app, {
      name: 'Retried',
      variants: [{ sku: 'RETRY-1', stockOnHand: 50, prices: [{ currency: 'USD', amountMinor: 1000 }] }],
    });
    const variables = checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 2 }], idempotencyKey: 'retry-storm' });
    const ordersBefore = await countOrders(app);
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.query(Checkout, variables)));
    const orderIds = new Set(responses.map((r) => (r.checkout.__typename === 'CheckoutSuccess' ? r.checkout.order.id : r.checkout.__typename)));
    expect([...orderIds]).toHaveLength(1);
    expect([...orderIds][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(await countOrders(app)).toBe(ordersBefore + 1);
    const [stock] = await stockOf(app, product.id);
    expect(stock.stock.reserved).toBe(2);
  });
});

describe('checkout racing with stock coming back', () => {
  it('sells units released by cancellations and a restock while checkouts run, without an error or an oversell', async () => {
    const product = await createProduct(app, {
      name: 'Sold Out',
      variants: [{ sku: 'SOLD-1', stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 1200 }] }],
    });
    const variantId = product.variants[0].id;
    const buy = (i: number) =>
      app.request(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], buyer: { name: `Buyer ${i}`, email: `race${i}@example.com` } }));
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => buy(i)));
    const placed = first.map((r) => (r.data!.checkout.__typename === 'CheckoutSuccess' ? r.data!.checkout.order.id : undefined));
    expect(placed.every(Boolean)).toBe(true);

    // Stock comes back (10 cancellations, 5 restocked) while 60 more buyers check out.
    const staff = app.staffToken();
    const [cancels, restock, buyers] = await Promise.all([
      Promise.all(placed.map((orderId) => app.request(RaceCancel, { orderId: orderId! }, { token: staff }))),
      app.request(RaceRestock, { input: { variantId, delta: 5 } }, { token: staff }),
      Promise.all(Array.from({ length: 60 }, (_, i) => buy(100 + i))),
    ]);

    expect([...cancels, restock, ...buyers].filter((r) => r.status !== 200 || r.errors)).toEqual([]);
    expect(cancels.every((r) => r.data!.cancelOrder.__typename === 'CancelOrderSuccess')).toBe(true);
    const outcomes = tally(buyers.map((r) => r.data!.checkout.__typename));
    expect(Object.keys(outcomes).filter((t) => t !== 'CheckoutSuccess' && t !== 'InsufficientStock')).toEqual([]);
    const [stock] = await stockOf(app, product.id);
    expect(stock.stock).toEqual({ onHand: 15, reserved: outcomes.CheckoutSuccess ?? 0 });
  });
});

describe('order numbers', () => {
  it(`gives up with OrderNumberCollision after ${ORDER_NUMBER_ATTEMPTS} taken numbers, leaving no order and no reservation`, async () => {
    const product = await createProduct(app, {
      name: 'Numbered',
      variants: [{ sku: 'NUM-1', stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 1000 }] }],
    });
    let generated = 0;
    const checkoutWithFixedNumbers = () => {
      const em = app.server.orm.em.fork();
      const customers = new CustomerService(em, GUEST);
      const payments = new PaymentsService(em, GUEST, new PaymentProviders([manualPayments]), { successUrl: 'http://shop.test/ok', cancelUrl: 'http://shop.test/back' }, pino({ level: 'silent' }));
      const service = new CheckoutService(em, GUEST, new CartService(em, GUEST, customers, 'USD'), payments, { orderTtlMinutes: 30 }, () => {
        generated += 1;
        return 'ORD-20261122-SAME00';
      });
      return service.checkout({
        ...checkoutVariables().input,
        shippingAddress: defaultAddress(),
        items: [{ variantId: product.variants[0].id, quantity: 1 }],
        payment: { method: PaymentMethod.MANUAL_TRANSFER },
      });
    };

    const first = await checkoutWithFixedNumbers();
    expect(first).toHaveProperty('order.orderNumber', 'ORD-20261122-SAME00');
    generated = 0;
    const ordersBefore = await countOrders(app);
    const second = await checkoutWithFixedNumbers();
    expect(second).toMatchObject({ code: 'ORDER_NUMBER_COLLISION', attempts: ORDER_NUMBER_ATTEMPTS });
    expect(generated).toBe(ORDER_NUMBER_ATTEMPTS);
    expect(await countOrders(app)).toBe(ordersBefore);
    const [stock] = await stockOf(app, product.id);
    expect(stock.stock.reserved).toBe(1);
  });
});
