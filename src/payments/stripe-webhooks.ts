import type { EntityManager } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import { isUuid } from '../common/ids';
import { OrderStatus } from '../orders/order.entity';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { Payment } from './payment.entity';
import { verifyReported } from './payments.service';
import { StripeGateway, providerPaymentOf, type ProviderPayment } from './stripe-gateway';
import { StripeEvent } from './stripe-event.entity';

/** Where an event wants the order to go, given where the order is now. */
type Intent = { kind: 'paid'; reported: ProviderPayment } | { kind: 'move'; to: OrderStatus; from: OrderStatus[] } | { kind: 'ignore'; why: string };

const GAVE_UP = [OrderStatus.EXPIRED, OrderStatus.CANCELED, OrderStatus.PAYMENT_FAILED];

/**
 * Applies verified Stripe events. Each event id is inserted under its primary key in the
 * same transaction as its effect, and every effect goes through the order state machine
 * under the order's row lock: duplicates, out-of-order events and races with markOrderPaid
 * change nothing the first arrival did not.
 */
export class StripeWebhooks {
  constructor(private readonly em: EntityManager) {}

  /** Returns what the event did, for the log and the stored event row. */
  async apply(event: Stripe.Event): Promise<string> {
    return this.em.transactional(async (tx) => {
      const inserted = await tx.execute(
        `insert into stripe_event (id, type, outcome, received_at) values (?, ?, 'received', now()) on conflict (id) do nothing returning id`,
        [event.id, event.type],
      );
      if (inserted.length === 0) return 'duplicate delivery: already applied';

      const outcome = await this.effect(tx, event);
      await tx.nativeUpdate(StripeEvent, { id: event.id }, { outcome: outcome.text, orderId: outcome.orderId ?? null });
      return outcome.text;
    });
  }

  private async effect(tx: EntityManager, event: Stripe.Event): Promise<{ text: string; orderId?: string }> {
    const target = this.target(event);
    if (!target) return { text: `ignored: ${event.type} is not handled` };
    const payment = await this.findPayment(tx, target.paymentId, target.references);
    if (!payment) return { text: 'unknown order: no payment matches this event' };

    const order = (await OrderLifecycle.lock(tx, payment.order.id))!;
    const intent = target.intent;
    if (intent.kind === 'ignore') return { text: `ignored: ${intent.why}`, orderId: order.id };

    let to: OrderStatus | undefined;
    if (intent.kind === 'paid') {
      const refused = verifyReported(intent.reported, payment, order);
      if (refused) return { text: `refused: ${refused.message}`, orderId: order.id };
      to = order.status === OrderStatus.PENDING_PAYMENT ? OrderStatus.PAID : GAVE_UP.includes(order.status) ? OrderStatus.PAYMENT_RECEIVED_LATE : undefined;
    } else if (intent.from.includes(order.status)) {
      to = intent.to;
    }
    if (!to) return { text: `ignored: order already ${order.status}`, orderId: order.id };
    const reason = `Stripe ${event.type}`;
    await OrderLifecycle.move(tx, order, to, { actor: 'stripe', reason, payment: { id: payment.id } });
    return { text: `order ${to}`, orderId: order.id };
  }

  /** Which payment an event is about, and what it asks for. */
  private target(event: Stripe.Event): { paymentId?: string; references: string[]; intent: Intent } | undefined {
    switch (event.type) {
      case 'payment_intent.succeeded': {
        const intent = event.data.object;
        return { paymentId: intent.metadata?.payment_id, references: [intent.id], intent: { kind: 'paid', reported: providerPaymentOf(intent) } };
      }
      case 'payment_intent.payment_failed': {
        const intent = event.data.object;
        return { paymentId: intent.metadata?.payment_id, references: [intent.id], intent: { kind: 'move', to: OrderStatus.PAYMENT_FAILED, from: [OrderStatus.PENDING_PAYMENT] } };
      }
      case 'payment_intent.canceled': {
        const intent = event.data.object;
        return { paymentId: intent.metadata?.payment_id, references: [intent.id], intent: { kind: 'move', to: OrderStatus.CANCELED, from: [OrderStatus.PENDING_PAYMENT] } };
      }
      case 'checkout.session.completed': {
        const session = event.data.object;
        const paid = session.payment_status === 'paid';
        const reported: ProviderPayment = {
          paymentIntentId: typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null),
          status: paid ? 'succeeded' : 'processing',
          amountReceivedMinor: StripeGateway.fromStripeAmount(session.amount_total ?? 0, session.currency ?? ''),
          currency: (session.currency ?? '').toUpperCase(),
          orderId: session.metadata?.order_id,
          paymentId: session.metadata?.payment_id,
        };
        return {
          paymentId: session.metadata?.payment_id,
          references: [session.id],
          intent: paid ? { kind: 'paid', reported } : { kind: 'ignore', why: `session completed with payment ${session.payment_status}` },
        };
      }
      case 'checkout.session.expired': {
        const session = event.data.object;
        return { paymentId: session.metadata?.payment_id, references: [session.id], intent: { kind: 'move', to: OrderStatus.EXPIRED, from: [OrderStatus.PENDING_PAYMENT] } };
      }
      case 'charge.refunded': {
        const charge = event.data.object;
        const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
        return {
          paymentId: charge.metadata?.payment_id,
          references: intentId ? [intentId] : [],
          intent: charge.refunded
            ? { kind: 'move', to: OrderStatus.REFUNDED, from: [OrderStatus.PAID, OrderStatus.PAYMENT_RECEIVED_LATE] }
            : { kind: 'ignore', why: 'partial refund recorded, order unchanged' },
        };
      }
      default:
        return undefined;
    }
  }

  private async findPayment(tx: EntityManager, paymentId: string | undefined, references: string[]): Promise<Payment | null> {
    const byId = paymentId && isUuid(paymentId) ? await tx.findOne(Payment, { id: paymentId }) : null;
    if (byId) return byId;
    return references.length ? tx.findOne(Payment, { providerReference: { $in: references } }) : null;
  }
}
