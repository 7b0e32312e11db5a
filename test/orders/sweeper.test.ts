import { describe, expect, it } from 'vitest';
import { TASKS } from '../../src/jobs/tasks';
import { useTestApp, waitFor } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods, stockOf } from '../support/checkout-fixtures';

const app = useTestApp();

describe('the background expiry job', () => {
  it('is a recurring job of the queue, scheduled every minute, beside the email dispatch', async () => {
    const crontabs = await waitFor(async () => {
      const rows = await app.sql<{ identifier: string }>('select identifier from graphile_worker._private_known_crontabs order by identifier');
      return rows.length > 1 && rows;
    }, 'the crontab to be registered');
    expect(crontabs.map((c) => c.identifier)).toEqual([TASKS.dispatchNotifications.name, TASKS.expireOrders.name]);
  });

  it('expires an overdue unpaid order without anyone reading it, and gives its stock back', async () => {
    await createShippingMethods(app);
    const product = await createProduct(app, {
      name: 'Swept',
      variants: [{ sku: 'SWEPT-1', stockOnHand: 5, prices: [{ currency: 'USD', amountMinor: 900 }] }],
    });
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 2 }] }));
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    await app.sql(`update orders set expires_at = now() - interval '1 second' where id = ?`, [checkout.order.id]);

    // What the crontab adds each minute, added now.
    await app.sql(`select graphile_worker.add_job(?)`, [TASKS.expireOrders.name]);
    await app.jobsDone();
    // Read the table directly: reading through the API would expire it on read instead.
    const [{ status }] = await app.sql('select status from orders where id = ?', [checkout.order.id]);
    expect(status).toBe('EXPIRED');
    const [variant] = await stockOf(app, product.id);
    expect(variant.stock).toEqual({ onHand: 5, reserved: 0 });
  });
});
