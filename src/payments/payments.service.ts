import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { actorOf, type Viewer } from '../auth/viewer';
import { variantLabel } from '../catalog/variant-label';
import { InvalidAmount, PaymentProviderError } from '../checkout/checkout.errors';
import { isUuid } from '../common/ids';
import { Order, OrderLine, OrderStatus } from '../orders/order.entity';
import { REFUNDABLE } from '../orders/order-lifecycle';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { OrderNotFound, OrderNotPayable } from '../orders/orders.errors';
import type { OrdersService } from '../orders/orders.service';
import { Payment, PaymentStatus } from './payment.entity';
import {
  ONLINE_METHODS,
  PaymentProviderFailure,
  startRequestOf,
  type PaymentProvider,
  type PaymentProviders,
  type ProviderHandoff,
  type ProviderPayment,
} from './payment-provider';
import { PaymentSettlement, refusalOf } from './payment-settlement';
import { OrderAlreadyPaid, OrderNotRefundable, PaymentNotCompleted } from './payments.errors';
import { Refund, RefundStatus } from './refund.entity';

export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

export type { ProviderHandoff };

const NO_HANDOFF: ProviderHandoff = { clientSecret: null, checkoutUrl: null };

/**
 * Payments through the provider seam: starting them once the order exists, verifying them with
 * the provider, and refunds. Providers are reached only through PaymentProvider.
 */
export class PaymentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly providers: PaymentProviders,
    private readonly urls: CheckoutUrls,
    private readonly log: Logger,
  ) {}

  /**
   * The provider a checkout pays through, or why there is none; the one place that decides it.
   * For online methods `provider` names a registered provider (or none, for the method's
   * default); for manual transfers it is a free label ("zelle", "bank") kept on the payment.
   */
  providerForCheckout(payment: Pick<Payment, 'method' | 'provider'>): PaymentProvider | PaymentProviderError {
    const online = ONLINE_METHODS.includes(payment.method);
    const unknownName = online && payment.provider && !this.providers.named(payment.provider);
    const provider = unknownName ? undefined : this.providers.of(payment);
    if (provider && (!online || provider.start)) return provider;
    if (payment.provider && online) {
      return new PaymentProviderError(payment.provider, `"${payment.provider}" is not a payment provider this shop takes ${payment.method} payments with.`);
    }
    return new PaymentProviderError('stripe', `${payment.method === 'CARD' ? 'Card' : 'Hosted checkout'} payments are not available: Stripe is not configured on this server.`);
  }

  /**
   * Runs after the checkout statement committed, never inside a transaction, and again for a
   * retried checkout (same idempotency key) whose payment could not be started. If the provider
   * fails or is too slow, the order stays as it is, holding its stock: the buyer's retry starts
   * the same payment (the provider's idempotency key is the payment id), and an order whose
   * payment nobody starts expires early (OrderLifecycle.expireUnstarted).
   */
  async start(order: Order, payment: Payment, successUrl?: string | null, cancelUrl?: string | null): Promise<ProviderHandoff | PaymentProviderError> {
    if (!ONLINE_METHODS.includes(payment.method)) return NO_HANDOFF;
    const provider = this.providerForCheckout(payment);
    if (provider instanceof PaymentProviderError) return provider;
    // A replay of an order that was paid, canceled or expired: its status says all there is.
    if (order.status !== OrderStatus.PENDING_PAYMENT) return NO_HANDOFF;
    try {
      if (payment.providerReference) return await provider.resume!(payment.providerReference);
      const started = await provider.start!(await this.startRequest(order, payment, successUrl, cancelUrl));
      // Recorded only while the order still waits for it; if it died meanwhile, the job that
      // voids its payment finds this one at the provider by the same idempotency key.
      const recorded = await this.em.execute(
        `update payment set provider_reference = ?, updated_at = now()
          where id = ? and exists (select 1 from orders o where o.id = payment.order_id and o.status = ?)`,
        [started.providerReference, payment.id, OrderStatus.PENDING_PAYMENT],
        'run',
      );
      if ((recorded as unknown as { affectedRows: number }).affectedRows === 0) {
        return new PaymentProviderError(provider.name, 'The order stopped waiting for payment while the payment was being started; please check out again.');
      }
      payment.providerReference = started.providerReference;
      return { clientSecret: started.clientSecret, checkoutUrl: started.checkoutUrl };
    } catch (error) {
      if (!(error instanceof PaymentProviderFailure)) this.log.error({ err: error, orderId: order.id }, 'starting a payment failed');
      const message = error instanceof PaymentProviderFailure ? error.message : 'the payment provider is unavailable';
      return new PaymentProviderError(
        provider.name,
        `Could not start the payment: ${message}. The order is kept for now; retry with the same idempotency key.`,
      );
    }
  }

  private async startRequest(order: Order, payment: Payment, successUrl?: string | null, cancelUrl?: string | null) {
    if (payment.method === 'CARD') return startRequestOf(order, payment);
    const lines = await this.em.find(OrderLine, { order }, { orderBy: { position: 'asc' } });
    const fill = (url: string) => url.replace('{ORDER_ID}', encodeURIComponent(order.id));
    return startRequestOf(order, payment, {
      lines: lines.map((l) => ({ name: variantLabel(l.productName, l.options), unitAmountMinor: l.unitPriceMinor, quantity: l.quantity })),
      shippingMinor: order.shippingMinor,
      shippingName: order.shippingMethodName,
      successUrl: fill(successUrl || this.urls.successUrl),
      cancelUrl: fill(cancelUrl || this.urls.cancelUrl),
      expiresAt: order.expiresAt ?? null,
    });
  }

  /**
   * Seed 001's "mark as paid", made safe: the order moves only on what the provider says about
   * this order's own payment, never on the caller's word.
   */
  async markOrderPaid(orders: OrdersService, orderId: string): Promise<Order | OrderNotFound | OrderAlreadyPaid | OrderNotPayable | PaymentNotCompleted> {
    const order = await orders.find({ id: orderId });
    if (!order) return new OrderNotFound(orderId);
    if (order.status === OrderStatus.PAID || REFUNDABLE.has(order.status) || order.status === OrderStatus.REFUNDED) return new OrderAlreadyPaid(order.id);
    const payment = await this.em.findOne(
      Payment,
      { order, method: { $in: [...ONLINE_METHODS] }, providerReference: { $ne: null } },
      { orderBy: { createdAt: 'desc' } },
    );
    const provider = payment && this.providers.of(payment);
    if (!payment || !provider?.verify) {
      return new PaymentNotCompleted(order.id, null, 'This order is not paid online; staff confirm transfers and cash on delivery.');
    }
    let reported: ProviderPayment;
    try {
      reported = await provider.verify(payment.providerReference!);
    } catch (error) {
      if (!(error instanceof PaymentProviderFailure)) throw error;
      return new PaymentNotCompleted(order.id, null, `Could not reach ${provider.name} to check the payment: ${error.message}`);
    }
    const refused = refusalOf(reported, payment, order);
    if (refused) return new PaymentNotCompleted(order.id, reported.status, refused);

    return this.em.transactional(async (tx) => {
      const locked = (await OrderLifecycle.lock(tx, order.id))!;
      const current = await tx.findOneOrFail(Payment, { id: payment.id }, { refresh: true });
      const before = locked.status;
      await PaymentSettlement.succeeded(tx, locked, current, reported, actorOf(this.viewer), `Payment verified with ${provider.name}`);
      if (locked.status === before) return before === OrderStatus.PAID ? new OrderAlreadyPaid(locked.id) : new OrderNotPayable(locked.id, locked.orderNumber, locked.status);
      return locked;
    });
  }

  /**
   * Staff send money back: all that is left when no amount is given. Online payments are
   * refunded through their provider by a job; manual ones are settled by staff, so the refund
   * is recorded as done.
   */
  async refundOrder(input: { orderId: string; amountMinor?: number | null; reason?: string | null }): Promise<
    { order: Order; refund: Refund } | OrderNotFound | OrderNotRefundable | InvalidAmount
  > {
    // Its size is checked with every input's (common/input-limits.ts, RefundOrderInput.reason).
    const reason = input.reason?.trim() || null;
    if (!isUuid(input.orderId)) return new OrderNotFound(input.orderId);
    return this.em.transactional(async (tx) => {
      const order = await OrderLifecycle.lock(tx, input.orderId);
      if (!order) return new OrderNotFound(input.orderId);
      const payment = await tx.findOne(Payment, { order, status: PaymentStatus.SUCCEEDED });
      if (!REFUNDABLE.has(order.status) || !payment) return new OrderNotRefundable(order.id, order.orderNumber, order.status);
      const refunds = await tx.find(Refund, { payment, status: { $in: [RefundStatus.PENDING, RefundStatus.SUCCEEDED] } });
      const left = payment.amountMinor - refunds.reduce((sum, r) => sum + r.amountMinor, 0);
      const amount = input.amountMinor ?? left;
      if (!Number.isInteger(amount) || amount <= 0 || amount > left) {
        return new InvalidAmount(amount, `A refund must be between 1 and the ${left} minor units not yet refunded or being refunded.`);
      }
      const actor = actorOf(this.viewer);
      const provider = this.providers.of(payment);
      if (ONLINE_METHODS.includes(payment.method) && provider?.refund) {
        const refund = await PaymentSettlement.requestRefund(tx, order, payment, amount, actor, reason);
        return { order, refund };
      }
      const refund = tx.create(Refund, { order, payment, amountMinor: amount, currency: payment.currency, actor, reason, status: RefundStatus.SUCCEEDED });
      await tx.flush();
      await PaymentSettlement.settleRefunds(tx, order, payment, actor, reason ?? 'Refund settled by staff');
      return { order, refund };
    });
  }
}
