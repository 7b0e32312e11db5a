import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';

const app = useTestApp();

const Orders = graphql(`
  query Orders($first: Int, $after: String, $filter: OrderFilter) {
    orders(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          id
          orderNumber
          status
          paymentMethod
          createdAt
          buyer { email }
          total { amountMinor formatted }
          lines { sku quantity unitPrice { amountMinor } }
          payments { status amount { amountMinor } }
          statusHistory { toStatus actor }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

let variantId: string;
const alice = () => app.customerToken('alice', 'alice@example.com');
const bob = () => app.customerToken('bob', 'bob@example.com');

async function place(token: string | undefined, email: string, method: 'MANUAL_TRANSFER' | 'CASH_ON_DELIVERY' = 'MANUAL_TRANSFER') {
  const { checkout } = await app.query(
    Checkout,
    checkoutVariables({ items: [{ variantId, quantity: 1 }], buyer: { name: 'Buyer', email }, payment: { method } }),
    { token },
  );
  if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
  return checkout.order;
}

beforeAll(async () => {
  await createShippingMethods(app);
  const product = await createProduct(app, {
    name: 'Listed',
    variants: [{ sku: 'LIST-1', stockOnHand: 10_000, prices: [{ currency: 'USD', amountMinor: 1200 }] }],
  });
  variantId = product.variants[0].id;
});

describe('orders', () => {
  it('shows a customer their own orders, newest first, and staff everyone\'s', async () => {
    const a1 = await place(alice(), 'alice@example.com');
    const b1 = await place(bob(), 'bob@example.com');
    const a2 = await place(alice(), 'alice@example.com', 'CASH_ON_DELIVERY');
    const guest = await place(undefined, 'guest@example.com');

    const mine = await app.query(Orders, {}, { token: alice() });
    expect(mine.orders.edges.map((e) => e.node.id)).toEqual([a2.id, a1.id]);
    expect(mine.orders.totalCount).toBe(2);

    const all = await app.query(Orders, { first: 100 }, { token: app.staffToken() });
    const ids = all.orders.edges.map((e) => e.node.id);
    expect(ids.slice(0, 4)).toEqual([guest.id, a2.id, b1.id, a1.id]);

    const guestList = await app.request(Orders, {});
    expect(guestList.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets staff filter by status, payment method, buyer email, order number and date', async () => {
    const staff = { token: app.staffToken() };
    const start = new Date().toISOString();
    const cod = await place(bob(), 'Filter.Me@Example.com', 'CASH_ON_DELIVERY');
    const byEmail = await app.query(Orders, { filter: { buyerEmail: 'filter.me@example.com' } }, staff);
    expect(byEmail.orders.edges.map((e) => e.node.id)).toEqual([cod.id]);
    const byNumber = await app.query(Orders, { filter: { orderNumber: cod.orderNumber.toLowerCase() } }, staff);
    expect(byNumber.orders.edges.map((e) => e.node.id)).toEqual([cod.id]);
    const byStatus = await app.query(Orders, { first: 100, filter: { status: ['PAYMENT_ON_DELIVERY'], createdFrom: start } }, staff);
    expect(byStatus.orders.edges.map((e) => e.node.id)).toEqual([cod.id]);
    const byMethod = await app.query(Orders, { first: 100, filter: { paymentMethod: ['CASH_ON_DELIVERY'] } }, staff);
    expect(byMethod.orders.edges.every((e) => e.node.paymentMethod === 'CASH_ON_DELIVERY')).toBe(true);
    const future = await app.query(Orders, { filter: { createdFrom: new Date(Date.now() + 60_000).toISOString() } }, staff);
    expect(future.orders.totalCount).toBe(0);

    const customerByEmail = await app.request(Orders, { filter: { buyerEmail: 'filter.me@example.com' } }, { token: alice() });
    expect(customerByEmail.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('pages through every order once, and refuses a forged cursor', async () => {
    for (let i = 0; i < 7; i += 1) await place(undefined, `pager${i}@example.com`);
    const staff = { token: app.staffToken() };
    const { orders: all } = await app.query(Orders, { first: 100 }, staff);
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const { orders } = await app.query(Orders, { first: 3, after }, staff);
      seen.push(...orders.edges.map((e) => e.node.id));
      if (!orders.pageInfo.hasNextPage) break;
      after = orders.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((e) => e.node.id));
    const forged = await app.request(Orders, { after: 'bm9wZQ' }, staff);
    expect(forged.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('costs the same number of SQL statements for 5 and for 50 orders with lines, payments and history', async () => {
    for (let i = 0; i < 50; i += 1) await place(undefined, `bulk${i}@example.com`);
    const staff = { token: app.staffToken() };
    const sizes: number[] = [];
    const five = await app.countStatements(async () => {
      const { orders } = await app.query(Orders, { first: 5 }, staff);
      sizes.push(orders.edges.length);
    });
    const fifty = await app.countStatements(async () => {
      const { orders } = await app.query(Orders, { first: 50 }, staff);
      sizes.push(orders.edges.length);
    });
    expect(sizes).toEqual([5, 50]);
    // page, total count, lines, payments, history
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(5);
  });
});
