import type { EntityManager } from '@mikro-orm/postgresql';
import { lockVariants, quantitiesByVariant } from '../catalog/stock';
import { isUuid } from '../common/ids';
import { addJob } from '../jobs/job-queue';
import { TASKS } from '../jobs/tasks';
import { Order, OrderLine, OrderStatus } from '../orders/order.entity';
import { afterPaymentSucceeded, AWAITING_MONEY, afterProviderVoided, afterRefunds, canTransitionPayment, needsStockCheck } from '../orders/order-lifecycle';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { Payment, PaymentStatus } from './payment.entity';
import type { ProviderEvent, ProviderPayment } from './payment-provider';
import { ProviderEvent as ProviderEventRow } from './provider-event.entity';
import { Refund, RefundStatus } from './refund.entity';

/**
 * What a provider's word does to our payments and orders, whoever brings it: a webhook, a staff
 * member asking the provider (markOrderPaid), or a job that found a payment paid while voiding
 * it. Each effect runs under the order's row lock and goes through the order state machine,
 * which decides where the order goes; money never stays with an order that is not live.
 */
export class PaymentSettlement {
  constructor(private readonly em: EntityManager) {}

  /**
   * Applies a verified webhook event once: its key is inserted in the same transaction as its
   * effect, so a redelivery changes nothing. Returns what it did, for the log and the event row.
   */
  async applyEvent(provider: string, event: ProviderEvent): Promise<string> {
    return this.em.transactional(async (tx) => {
      const inserted = await tx.execute(
        `insert into provider_event (provider, id, type, outcome, received_at) values (?, ?, ?, 'received', now()) on conflict (provider, id) do nothing returning id`,
        [provider, event.id, event.type],
      );
      if (inserted.length === 0) return 'duplicate delivery: already applied';
      const outcome = await this.effect(tx, provider, event);
      await tx.nativeUpdate(ProviderEventRow, { provider, id: event.id }, { outcome: outcome.text, orderId: outcome.orderId ?? null });
      return outcome.text;
    });
  }

  private async effect(tx: EntityManager, provider: string, event: ProviderEvent): Promise<{ text: string; orderId?: string }> {
    if (event.kind === 'ignored') return { text: `ignored: ${event.why}` };
    const found = await findPayment(tx, event.paymentId, event.references);
    if (!found) return { text: 'unknown order: no payment matches this event' };
    const order = (await OrderLifecycle.lock(tx, found.order.id))!;
    const payment = await tx.findOneOrFail(Payment, { id: found.id }, { refresh: true });
    const orderId = order.id;
    const actor = provider;
    const reason = `${provider} ${event.type}`;
    switch (event.kind) {
      case 'succeeded':
        return { text: await PaymentSettlement.succeeded(tx, order, payment, event.reported, actor, reason), orderId };
      case 'declined': {
        // The buyer may try again on the same payment: the order keeps its stock until it expires.
        if (!AWAITING_MONEY.has(payment.status)) return { text: `ignored: payment already ${payment.status}`, orderId };
        payment.lastErrorCode = event.error.code;
        payment.lastErrorMessage = event.error.message;
        if (canTransitionPayment(payment.status, PaymentStatus.DECLINED)) payment.status = PaymentStatus.DECLINED;
        await tx.flush();
        return { text: `payment declined (${event.error.code}); order still ${order.status}`, orderId };
      }
      case 'canceled':
      case 'expired': {
        const to = afterProviderVoided(order.status, event.kind);
        if (!to) return { text: `ignored: order already ${order.status}`, orderId };
        await OrderLifecycle.move(tx, order, to, { actor, reason, payment: { id: payment.id } });
        return { text: `order ${to}`, orderId };
      }
      case 'refunded':
        return { text: await PaymentSettlement.refundedAtProvider(tx, order, payment, event.refundedMinor, actor), orderId };
    }
  }

  /**
   * A payment succeeded at its provider. The order is paid, or reinstated when it had lapsed
   * with its stock still there; otherwise it moves to PAYMENT_RECEIVED_LATE and a refund job
   * sends the money back. The order must be locked (OrderLifecycle.lock).
   */
  static async succeeded(tx: EntityManager, order: Order, payment: Payment, reported: ProviderPayment, actor: string, reason: string): Promise<string> {
    const refused = refusalOf(reported, payment, order);
    if (refused) return `refused: ${refused}`;
    if (payment.status === PaymentStatus.SUCCEEDED || payment.status === PaymentStatus.REFUNDED) return `ignored: payment already ${payment.status}`;
    // A payment whose start answer was lost has no reference yet; a refund needs it.
    if (!payment.providerReference && reported.paymentIntentId) payment.providerReference = reported.paymentIntentId;
    const decision = afterPaymentSucceeded(order.status, needsStockCheck(order.status) && (await PaymentSettlement.inStock(tx, order)));
    if (!decision) return `ignored: order already ${order.status}`;
    await OrderLifecycle.move(tx, order, decision.to, { actor, reason: `${reason}: ${decision.reason}`, payment: { id: payment.id } });
    if (decision.refund) {
      const refund = await PaymentSettlement.requestRefund(tx, order, payment, payment.amountMinor, 'system', decision.reason);
      return `order ${decision.to}; refund ${refund.id} requested`;
    }
    return `order ${decision.to}`;
  }

  /** Records a refund to be made through the provider, and the job that makes it, in `tx`. */
  static async requestRefund(tx: EntityManager, order: Order, payment: Payment, amountMinor: number, actor: string, reason: string | null): Promise<Refund> {
    const refund = tx.create(Refund, { order, payment, amountMinor, currency: payment.currency, actor, reason });
    await tx.flush();
    const task = TASKS.refundPayment;
    await addJob(tx, task.name, { refundId: refund.id, orderId: order.id }, task);
    return refund;
  }

  /**
   * Refunds that succeeded move the order to REFUNDED or PARTIALLY_REFUNDED, and the payment
   * to REFUNDED once all of it went back. The order must be locked.
   */
  static async settleRefunds(tx: EntityManager, order: Order, payment: Payment, actor: string, reason: string): Promise<void> {
    const refunds = await tx.find(Refund, { payment, status: RefundStatus.SUCCEEDED });
    const refunded = refunds.reduce((sum, r) => sum + r.amountMinor, 0);
    const to = afterRefunds(order.status, refunded, payment.amountMinor);
    if (to) await OrderLifecycle.move(tx, order, to, { actor, reason, payment: { id: payment.id } });
    if (refunded >= payment.amountMinor && canTransitionPayment(payment.status, PaymentStatus.REFUNDED)) {
      payment.status = PaymentStatus.REFUNDED;
      await tx.flush();
    }
  }

  /**
   * The provider reports `refundedMinor` refunded in all. What our refunds do not account for was
   * refunded at the provider directly (e.g. Stripe's dashboard) and is recorded as a refund here.
   */
  private static async refundedAtProvider(tx: EntityManager, order: Order, payment: Payment, refundedMinor: number, actor: string): Promise<string> {
    const known = await tx.find(Refund, { payment, status: { $in: [RefundStatus.PENDING, RefundStatus.SUCCEEDED] } });
    const accounted = known.reduce((sum, r) => sum + r.amountMinor, 0);
    if (refundedMinor > accounted) {
      tx.create(Refund, { order, payment, amountMinor: refundedMinor - accounted, currency: payment.currency, actor, reason: 'Refunded at the provider', status: RefundStatus.SUCCEEDED });
      await tx.flush();
    }
    const before = order.status;
    await PaymentSettlement.settleRefunds(tx, order, payment, actor, `Refunded at ${actor}`);
    return order.status === before ? `refund recorded; order still ${order.status}` : `order ${order.status}`;
  }

  /** Whether every unit of a lapsed order could be sold again now; locks the variants. */
  private static async inStock(tx: EntityManager, order: Order): Promise<boolean> {
    const wanted = quantitiesByVariant(await tx.find(OrderLine, { order }));
    const variants = await lockVariants(tx, [...wanted.keys()]);
    return variants.length === wanted.size && variants.every((v) => v.stock_on_hand - v.stock_reserved >= wanted.get(v.id)!);
  }
}

/** A reported payment settles our payment only if it is this order's and for the full amount. */
export function refusalOf(reported: ProviderPayment, payment: Payment, order: Order): string | undefined {
  if (reported.orderId && reported.orderId !== order.id) return 'That payment belongs to another order.';
  if (!reported.succeeded) return `The provider reports the payment as ${reported.status.replace(/_/g, ' ')}, not succeeded.`;
  if (reported.amountReceivedMinor !== payment.amountMinor || reported.currency !== payment.currency) {
    return 'The provider received a different amount than the order total.';
  }
  return undefined;
}

async function findPayment(tx: EntityManager, paymentId: string | undefined, references: string[]): Promise<Payment | null> {
  const byId = paymentId && isUuid(paymentId) ? await tx.findOne(Payment, { id: paymentId }) : null;
  if (byId) return byId;
  return references.length ? tx.findOne(Payment, { providerReference: { $in: references } }) : null;
}

