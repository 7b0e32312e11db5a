import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods, stockOf } from '../support/checkout-fixtures';

const app = useTestApp({ EXPIRY_SWEEP_SECONDS: '1' });

describe('the background expiry sweeper', () => {
  it('expires an overdue unpaid order without anyone reading it, and gives its stock back', async () => {
    await createShippingMethods(app);
    const product = await createProduct(app, {
      name: 'Swept',
      variants: [{ sku: 'SWEPT-1', stockOnHand: 5, prices: [{ currency: 'USD', amountMinor: 900 }] }],
    });
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 2 }] }));
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    const sql = app.server.orm.em.getConnection();
    await sql.execute(`update orders set expires_at = now() - interval '1 second' where id = ?`, [checkout.order.id]);

    // Poll the table directly (reading through the API would expire it on read instead).
    let status = 'PENDING_PAYMENT';
    for (let i = 0; i < 100 && status === 'PENDING_PAYMENT'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [{ status }] = await sql.execute('select status from orders where id = ?', [checkout.order.id]);
    }
    expect(status).toBe('EXPIRED');
    const [variant] = await stockOf(app, product.id);
    expect(variant.stock).toEqual({ onHand: 5, reserved: 0 });
  });
});
