import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { actorOf, isSignedIn, type Viewer } from '../auth/viewer';
import { lockVariants, quantitiesByVariant, releaseStock, sellAvailableStock, sellReservedStock } from '../catalog/stock';
import { isUuid } from '../common/ids';
import { Payment, PaymentMethod, PaymentStatus } from '../payments/payment.entity';
import { Order, OrderLine, OrderStatus, OrderStatusChange } from './order.entity';
import {
  canTransition,
  canTransitionPayment,
  CUSTOMER_CANCELABLE,
  paymentStatusFor,
  STAFF_CANCELABLE,
  stockEffect,
} from './order-lifecycle';
import { OrderNotCancelable, OrderNotFound, OrderNotPayable, PaymentAlreadyConfirmed, PaymentNotFound, PaymentNotManual } from './orders.errors';

export interface TransitionDetails {
  /** `customer:<id>`, `staff:<id>`, `guest`, `system` or `stripe`. */
  actor: string;
  reason?: string | null;
  /** The payment that settled the order, with what the confirmer recorded. */
  payment?: { id: string; reference?: string | null; confirmedBy?: string | null };
}

const SWEEP_BATCH = 100;

/**
 * Moves an order through its state machine with everything that must happen together: stock
 * released or sold, payments updated, a history row written. Always under a row lock on the
 * order, so each transition (and each stock release) happens exactly once however many
 * requests, webhooks or sweepers race for it.
 */
/** Cancels payments at the provider (Stripe) for orders that will not be paid; best effort. */
export type ProviderVoider = (providerReferences: string[]) => Promise<void>;

export class OrderLifecycle {
  constructor(private readonly em: EntityManager, private readonly voidAtProvider?: ProviderVoider) {}

  /** Locks the order row until the transaction ends and returns its current state. */
  static lock(tx: EntityManager, orderId: string): Promise<Order | null> {
    return tx.findOne(Order, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /** Applies one transition to an order locked by `lock`. False when the machine refuses it. */
  static async move(tx: EntityManager, order: Order, to: OrderStatus, details: TransitionDetails): Promise<boolean> {
    const from = order.status;
    if (!canTransition(from, to)) return false;

    const effect = stockEffect(from, to);
    if (effect !== 'none') {
      const quantities = quantitiesByVariant(await tx.find(OrderLine, { order }));
      const apply = { release: releaseStock, sell: sellReservedStock, 'sell-available': sellAvailableStock }[effect];
      await apply(tx, quantities);
    }

    const paymentStatus = paymentStatusFor(to);
    const payments = await tx.find(Payment, { order }, { orderBy: { createdAt: 'asc' } });
    const settles = to === OrderStatus.PAID || to === OrderStatus.PAYMENT_RECEIVED_LATE;
    const settling = settles ? (payments.find((p) => p.id === details.payment?.id) ?? payments.find((p) => p.status === PaymentStatus.PENDING)) : undefined;
    for (const payment of payments) {
      // When an order is paid, the payment that paid it succeeds and any other pending one is void.
      const next = settles && payment !== settling ? (payment.status === PaymentStatus.PENDING ? PaymentStatus.CANCELED : undefined) : paymentStatus;
      if (!next || !canTransitionPayment(payment.status, next)) continue;
      payment.status = next;
      if (payment === settling) {
        payment.reference = details.payment?.reference ?? payment.reference;
        payment.confirmedBy = details.payment?.confirmedBy ?? details.actor;
        payment.confirmedAt = new Date();
      }
    }

    order.status = to;
    if (!canTransition(to, OrderStatus.EXPIRED)) order.expiresAt = null;
    tx.create(OrderStatusChange, { order, fromStatus: from, toStatus: to, actor: details.actor, reason: details.reason ?? null });
    await tx.flush();
    return true;
  }

  /**
   * Staff confirm a bank transfer (or cash collected on delivery): the payment succeeds with
   * the reference they give, and the order is paid, which turns its reserved units into sales.
   */
  async confirmManualPayment(
    viewer: Viewer,
    input: { paymentId: string; reference?: string | null; note?: string | null },
  ): Promise<Payment | PaymentNotFound | PaymentNotManual | PaymentAlreadyConfirmed | OrderNotPayable> {
    const found = isUuid(input.paymentId) ? await this.em.findOne(Payment, { id: input.paymentId }) : null;
    if (!found) return new PaymentNotFound(input.paymentId);
    if (found.method !== PaymentMethod.MANUAL_TRANSFER && found.method !== PaymentMethod.CASH_ON_DELIVERY) {
      return new PaymentNotManual(found.id, found.method);
    }
    await this.expireIfOverdue([found.order.id]);
    return this.em.transactional(async (tx) => {
      const order = (await OrderLifecycle.lock(tx, found.order.id))!;
      const payment = await tx.findOneOrFail(Payment, { id: found.id }, { refresh: true });
      if (payment.status === PaymentStatus.SUCCEEDED || payment.status === PaymentStatus.REFUNDED) {
        return new PaymentAlreadyConfirmed(payment.id, payment.status);
      }
      const actor = actorOf(viewer);
      const moved =
        payment.status === PaymentStatus.PENDING &&
        (await OrderLifecycle.move(tx, order, OrderStatus.PAID, {
          actor,
          reason: input.note?.trim() || (payment.method === PaymentMethod.CASH_ON_DELIVERY ? 'Cash collected on delivery' : 'Transfer confirmed by staff'),
          payment: { id: payment.id, reference: input.reference?.trim() || null, confirmedBy: actor },
        }));
      return moved ? payment : new OrderNotPayable(order.id, order.orderNumber, order.status);
    });
  }

  /** A customer cancels their own unpaid order; staff cancel any unpaid order. Stock comes back. */
  async cancel(viewer: Viewer, orderId: string, reason?: string | null): Promise<Order | OrderNotFound | OrderNotCancelable> {
    const found = isUuid(orderId) ? await this.em.findOne(Order, { id: orderId }) : null;
    const mayAct = found && (viewer.isStaff || (isSignedIn(viewer) && found.customer?.id === viewer.customerId));
    if (!found || !mayAct) return new OrderNotFound(orderId);
    await this.expireIfOverdue([found.id]);
    const result = await this.em.transactional(async (tx) => {
      const order = (await OrderLifecycle.lock(tx, found.id))!;
      const cancelable = viewer.isStaff ? STAFF_CANCELABLE : CUSTOMER_CANCELABLE;
      const moved =
        cancelable.has(order.status) &&
        (await OrderLifecycle.move(tx, order, OrderStatus.CANCELED, {
          actor: actorOf(viewer),
          reason: reason?.trim() || (viewer.isStaff ? 'Canceled by staff' : 'Canceled by the customer'),
        }));
      return moved ? order : new OrderNotCancelable(order.id, order.orderNumber, order.status);
    });
    if (result instanceof Order) await this.voidProviderPayments([result.id]);
    return result;
  }

  /** Cancels an order that is still unpaid (e.g. its payment could not be started); no-op otherwise. */
  async cancelUnpaid(orderId: string, actor: string, reason: string): Promise<void> {
    await this.em.transactional(async (tx) => {
      const order = await OrderLifecycle.lock(tx, orderId);
      if (order && STAFF_CANCELABLE.has(order.status)) await OrderLifecycle.move(tx, order, OrderStatus.CANCELED, { actor, reason });
    });
  }

  /**
   * One sweep: expires unpaid orders past their time, oldest first. SKIP LOCKED lets several
   * sweepers (one per server process) share the work without waiting on or repeating each other.
   */
  async expireOverdue(now = new Date(), limit = SWEEP_BATCH): Promise<number> {
    const expired = await this.em.transactional(async (tx) => {
      const overdue = await tx.find(
        Order,
        { status: OrderStatus.PENDING_PAYMENT, expiresAt: { $lte: now } },
        { orderBy: { expiresAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, refresh: true },
      );
      // Lock every variant the batch will release in one ordered call. Locking them order by
      // order would take them out of id order across the batch and deadlock with checkouts.
      if (overdue.length > 0) {
        const lines = await tx.find(OrderLine, { order: { $in: overdue } });
        await lockVariants(tx, lines.map((line) => line.variantId));
      }
      const ids: string[] = [];
      for (const order of overdue) {
        if (await OrderLifecycle.move(tx, order, OrderStatus.EXPIRED, { actor: 'system', reason: 'Not paid in time' })) ids.push(order.id);
      }
      return ids;
    });
    await this.voidProviderPayments(expired);
    return expired.length;
  }

  /** Expiry on read: an order past its time is expired before anyone sees it as pending. */
  async expireIfOverdue(orderIds: string[], now = new Date()): Promise<void> {
    const expired: string[] = [];
    for (const orderId of orderIds) {
      await this.em.transactional(async (tx) => {
        const order = await OrderLifecycle.lock(tx, orderId);
        if (order?.status === OrderStatus.PENDING_PAYMENT && order.expiresAt && order.expiresAt <= now) {
          await OrderLifecycle.move(tx, order, OrderStatus.EXPIRED, { actor: 'system', reason: 'Not paid in time' });
          expired.push(orderId);
        }
      });
    }
    await this.voidProviderPayments(expired);
  }

  /** After commit, never inside the transaction: Stripe calls do not hold database locks. */
  private async voidProviderPayments(orderIds: string[]): Promise<void> {
    if (!this.voidAtProvider || orderIds.length === 0) return;
    const payments = await this.em.find(Payment, {
      order: { $in: orderIds },
      method: { $in: [PaymentMethod.CARD, PaymentMethod.HOSTED_CHECKOUT] },
      providerReference: { $ne: null },
    });
    if (payments.length > 0) await this.voidAtProvider(payments.map((p) => p.providerReference!));
  }
}
