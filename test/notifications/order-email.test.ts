import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { Checkout, checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';

interface Received {
  to: string[];
  raw: string;
}

// A real SMTP server on loopback; the first delivery to "flaky@example.com" is refused once.
const received: Received[] = [];
let refusedOnce = false;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (address.address === 'flaky@example.com' && !refusedOnce) {
      refusedOnce = true;
      return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 }));
    }
    callback();
  },
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});

beforeAll(() => new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const app = useTestApp(() => ({
  SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
  MAIL_FROM: 'Test Shop <orders@shop.test>',
}));

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const outbox = (orderId: string) =>
  app.server.orm.em.getConnection().execute('select status, attempts, last_error, recipient from notification where order_id = ?', [orderId]);

/** What the crontab does each minute: give new outbox emails their send jobs. */
const dispatch = () => app.server.orm.em.getConnection().execute(`select graphile_worker.add_job('dispatch_notifications')`);

describe('the order confirmation email', () => {
  let variantId: string;
  beforeAll(async () => {
    await createShippingMethods(app);
    const product = await createProduct(app, { name: 'Mailed Mug', variants: [{ sku: 'MAIL-1', stockOnHand: 10, prices: [{ currency: 'USD', amountMinor: 1800 }] }] });
    variantId = product.variants[0].id;
  });

  it('is queued with the order and delivered to the buyer with the order number, lines and total', async () => {
    const { checkout } = await app.query(
      Checkout,
      checkoutVariables({ items: [{ variantId, quantity: 2 }], buyer: { name: 'Ada', email: 'ada@example.com' }, notes: 'Leave at the door' }),
    );
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    await dispatch();
    const mail = await waitFor(() => received.find((m) => m.to.includes('ada@example.com')));
    expect(mail.raw).toContain(`Subject: Your order ${checkout.order.orderNumber}`);
    expect(mail.raw).toContain('From: Test Shop <orders@shop.test>');
    // The text part is quoted-printable: "×" travels as =C3=97.
    expect(mail.raw).toMatch(/2 (×|=C3=97) Mailed Mug/);
    expect(mail.raw).toContain('Total: $41.00');
    expect(mail.raw).toContain('Leave at the door');
    const [row] = await waitFor(async () => {
      const rows = await outbox(checkout.order.id);
      return rows[0]?.status === 'SENT' ? rows : undefined;
    });
    expect(row).toMatchObject({ status: 'SENT', attempts: 1, recipient: 'ada@example.com' });
  });

  it('is retried when the mail server refuses it for now', async () => {
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 1 }], buyer: { name: 'Flo', email: 'flaky@example.com' } }));
    if (checkout.__typename !== 'CheckoutSuccess') throw new Error(checkout.__typename);
    await dispatch();
    await waitFor(() => received.find((m) => m.to.includes('flaky@example.com')));
    const [row] = await waitFor(async () => {
      const rows = await outbox(checkout.order.id);
      return rows[0]?.status === 'SENT' ? rows : undefined;
    });
    expect(row.attempts).toBe(2);
  });

  it('is not written when the checkout is refused', async () => {
    const before = await app.server.orm.em.getConnection().execute('select count(*)::int as n from notification');
    const { checkout } = await app.query(Checkout, checkoutVariables({ items: [{ variantId, quantity: 999 }] }));
    expect(checkout.__typename).toBe('InsufficientStock');
    const after = await app.server.orm.em.getConnection().execute('select count(*)::int as n from notification');
    expect(after[0].n).toBe(before[0].n);
  });
});
