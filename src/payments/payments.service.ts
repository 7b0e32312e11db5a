import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { actorOf, type Viewer } from '../auth/viewer';
import { InsufficientStock } from '../catalog/catalog.errors';
import { lockVariants, quantitiesByVariant } from '../catalog/stock';
import { variantLabel } from '../catalog/variant-label';
import { PaymentProviderError } from '../checkout/checkout.errors';
import { isUuid } from '../common/ids';
import { Order, OrderLine, OrderStatus } from '../orders/order.entity';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { OrderNotFound, OrderNotPayable } from '../orders/orders.errors';
import type { OrdersService } from '../orders/orders.service';
import { Payment, PaymentMethod } from './payment.entity';
import { OrderAlreadyPaid, PaymentNotCompleted } from './payments.errors';
import { PaymentProviderFailure, type ProviderPayment, type StripeGateway } from './stripe-gateway';

export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

/** What the shopper needs to pay at Stripe: a client secret (cards) or a hosted page URL. */
export interface ProviderHandoff {
  clientSecret: string | null;
  checkoutUrl: string | null;
}

export const PROVIDER_METHODS: ReadonlySet<PaymentMethod> = new Set([PaymentMethod.CARD, PaymentMethod.HOSTED_CHECKOUT]);

/** Statuses an order can leave for PAYMENT_RECEIVED_LATE when Stripe reports money after all. */
const GAVE_UP: ReadonlySet<OrderStatus> = new Set([OrderStatus.EXPIRED, OrderStatus.CANCELED, OrderStatus.PAYMENT_FAILED]);

/**
 * Card and hosted payments: starting them at Stripe once the order exists, verifying them
 * with Stripe, and settling what Stripe says. Stripe is reached only through the gateway.
 */
export class PaymentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly gateway: StripeGateway | undefined,
    private readonly urls: CheckoutUrls,
    private readonly log: Logger,
  ) {}

  get providerConfigured(): boolean {
    return this.gateway !== undefined;
  }

  /**
   * Runs after the checkout statement committed, never inside a transaction. If Stripe fails, the
   * order is canceled and its stock released: no order is left waiting for a payment that
   * cannot happen.
   */
  async start(order: Order, payment: Payment, successUrl?: string | null, cancelUrl?: string | null): Promise<ProviderHandoff | PaymentProviderError> {
    if (!PROVIDER_METHODS.has(payment.method)) return { clientSecret: null, checkoutUrl: null };
    if (order.status === OrderStatus.CANCELED && !payment.providerReference) {
      // A retry (same idempotency key) of a checkout whose payment could not be started.
      return new PaymentProviderError('stripe', 'Failed to initialize payment earlier for this request; check out again with a new idempotency key.');
    }
    const gateway = this.gateway;
    if (!gateway) return new PaymentProviderError('stripe', 'Card payments are not available: Stripe is not configured on this server.');
    if (payment.providerReference) {
      // A replayed checkout: hand back the payment made the first time (Stripe forgets idempotency keys after a day).
      try {
        const earlier = await gateway.handoff(payment.providerReference);
        return { clientSecret: earlier.clientSecret, checkoutUrl: earlier.url };
      } catch (error) {
        if (!(error instanceof PaymentProviderFailure)) throw error;
        return new PaymentProviderError('stripe', `Could not reach Stripe: ${error.message}`);
      }
    }
    try {
      const request = {
        paymentId: payment.id,
        orderId: order.id,
        orderNumber: order.orderNumber,
        customerId: order.customer?.id ?? null,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        email: order.buyer.email,
      };
      let handoff: ProviderHandoff & { providerReference: string };
      if (payment.method === PaymentMethod.CARD) {
        const intent = await gateway.createPaymentIntent(request);
        handoff = { providerReference: intent.providerReference, clientSecret: intent.clientSecret, checkoutUrl: null };
      } else {
        const lines = await this.em.find(OrderLine, { order }, { orderBy: { position: 'asc' } });
        const fill = (url: string) => url.replace('{ORDER_ID}', encodeURIComponent(order.id));
        const session = await gateway.createCheckoutSession({
          ...request,
          lines: lines.map((l) => ({ name: variantLabel(l.productName, l.options), unitAmountMinor: l.unitPriceMinor, quantity: l.quantity })),
          shippingMinor: order.shippingMinor,
          shippingName: order.shippingMethodName,
          successUrl: fill(successUrl || this.urls.successUrl),
          cancelUrl: fill(cancelUrl || this.urls.cancelUrl),
        });
        handoff = { providerReference: session.providerReference, clientSecret: null, checkoutUrl: session.url };
      }
      if (payment.providerReference !== handoff.providerReference) {
        await this.em.nativeUpdate(Payment, { id: payment.id }, { providerReference: handoff.providerReference });
        payment.providerReference = handoff.providerReference;
      }
      return { clientSecret: handoff.clientSecret, checkoutUrl: handoff.checkoutUrl };
    } catch (error) {
      const message = error instanceof PaymentProviderFailure ? error.message : 'the payment provider is unavailable';
      if (!(error instanceof PaymentProviderFailure)) this.log.error({ err: error, orderId: order.id }, 'starting a Stripe payment failed');
      await new OrderLifecycle(this.em).cancelUnpaid(order.id, 'system', `Payment provider error: ${message}`);
      return new PaymentProviderError('stripe', `Failed to initialize payment: ${message}`);
    }
  }

  /**
   * Seed 001's "mark as paid", made safe: the order moves only on what Stripe says about
   * this order's own PaymentIntent, never on the caller's word.
   */
  async markOrderPaid(orders: OrdersService, orderId: string): Promise<Order | OrderNotFound | OrderAlreadyPaid | OrderNotPayable | PaymentNotCompleted> {
    const order = await orders.find({ id: orderId });
    if (!order) return new OrderNotFound(orderId);
    if (order.status === OrderStatus.PAID || order.status === OrderStatus.REFUNDED) return new OrderAlreadyPaid(order.id);
    const payment = await this.em.findOne(
      Payment,
      { order, method: { $in: [...PROVIDER_METHODS] }, providerReference: { $ne: null } },
      { orderBy: { createdAt: 'desc' } },
    );
    if (!payment || !this.gateway) {
      return new PaymentNotCompleted(order.id, null, 'This order is not paid by card; staff confirm transfers and cash on delivery.');
    }
    let reported: ProviderPayment;
    try {
      reported = await this.gateway.retrieve(payment.providerReference!);
    } catch (error) {
      if (!(error instanceof PaymentProviderFailure)) throw error;
      return new PaymentNotCompleted(order.id, null, `Could not reach Stripe to check the payment: ${error.message}`);
    }
    const refused = verifyReported(reported, payment, order);
    if (refused) return refused;

    return this.em.transactional(async (tx) => {
      const locked = (await OrderLifecycle.lock(tx, order.id))!;
      const to = locked.status === OrderStatus.PENDING_PAYMENT ? OrderStatus.PAID : GAVE_UP.has(locked.status) ? OrderStatus.PAYMENT_RECEIVED_LATE : undefined;
      if (!to) return locked.status === OrderStatus.PAID ? new OrderAlreadyPaid(locked.id) : new OrderNotPayable(locked.id, locked.orderNumber, locked.status);
      await OrderLifecycle.move(tx, locked, to, { actor: actorOf(this.viewer), reason: 'Payment verified with Stripe', payment: { id: payment.id } });
      return locked;
    });
  }

  /**
   * Staff decision on a late payment: if every unit is still available the order is paid
   * after all; otherwise InsufficientStock tells them to refund instead.
   */
  async reinstate(orderId: string): Promise<Order | OrderNotFound | OrderNotPayable | InsufficientStock> {
    return this.em.transactional(async (tx) => {
      const order = isUuid(orderId) ? await OrderLifecycle.lock(tx, orderId) : null;
      if (!order) return new OrderNotFound(orderId);
      if (order.status !== OrderStatus.PAYMENT_RECEIVED_LATE) return new OrderNotPayable(order.id, order.orderNumber, order.status);
      const lines = await tx.find(OrderLine, { order });
      const wanted = quantitiesByVariant(lines);
      const variants = await lockVariants(tx, [...wanted.keys()]);
      for (const variant of variants) {
        const available = variant.stock_on_hand - variant.stock_reserved;
        if (wanted.get(variant.id)! > available) {
          const label = variantLabel(variant.product_name, variant.options);
          return new InsufficientStock({ productId: variant.product_id, variantId: variant.id, label }, available, wanted.get(variant.id)!);
        }
      }
      await OrderLifecycle.move(tx, order, OrderStatus.PAID, { actor: actorOf(this.viewer), reason: 'Late payment accepted; order reinstated' });
      return order;
    });
  }
}

/** A reported payment settles our payment only if it is this order's and for the full amount. */
export function verifyReported(reported: ProviderPayment, payment: Payment, order: Order): PaymentNotCompleted | undefined {
  if (reported.orderId && reported.orderId !== order.id) {
    return new PaymentNotCompleted(order.id, reported.status, 'That Stripe payment belongs to another order.');
  }
  if (reported.status !== 'succeeded') {
    return new PaymentNotCompleted(order.id, reported.status, `Stripe reports the payment as ${reported.status.replace(/_/g, ' ')}, not succeeded.`);
  }
  if (reported.amountReceivedMinor !== payment.amountMinor || reported.currency !== payment.currency) {
    return new PaymentNotCompleted(order.id, reported.status, 'Stripe received a different amount than the order total.');
  }
  return undefined;
}
