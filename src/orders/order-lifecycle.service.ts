import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { actorOf, isSignedIn, type Viewer } from '../auth/viewer';
import { lockVariants, quantitiesByVariant, releaseStock, sellAvailableStock, sellReservedStock } from '../catalog/stock';
import { isUuid } from '../common/ids';
import { addJob } from '../jobs/job-queue';
import { TASKS } from '../jobs/tasks';
import { Payment, PaymentMethod, PaymentStatus } from '../payments/payment.entity';
import { ONLINE_METHODS } from '../payments/payment-provider';
import { Order, OrderLine, OrderStatus, OrderStatusChange } from './order.entity';
import {
  AWAITING_MONEY,
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
 * An online payment still without a provider reference this long after checkout was never
 * started (the process died after the order committed, or the buyer gave up while the provider
 * was down): nobody can pay it, so its order expires at once instead of holding stock.
 */
export const UNSTARTED_PAYMENT_GRACE_MINUTES = 5;

/**
 * Moves an order through its state machine with everything that must happen together: stock
 * released or sold, payments updated, a history row written, and the provider payment voided
 * (a job in the same transaction). Always under a row lock on the order, so each transition
 * (and each stock release) happens exactly once however many requests, webhooks or jobs race
 * for it.
 */
export class OrderLifecycle {
  constructor(private readonly em: EntityManager) {}

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
    const settling = settles ? (payments.find((p) => p.id === details.payment?.id) ?? payments.find((p) => AWAITING_MONEY.has(p.status))) : undefined;
    for (const payment of payments) {
      // When an order is paid, the payment that paid it succeeds and any other pending one is void.
      const next = settles && payment !== settling ? (AWAITING_MONEY.has(payment.status) ? PaymentStatus.CANCELED : undefined) : paymentStatus;
      if (!next || !canTransitionPayment(payment.status, next)) continue;
      payment.status = next;
      if (next === PaymentStatus.CANCELED && ONLINE_METHODS.includes(payment.method)) {
        // The buyer must not be able to pay it any more; the job reaches the provider after commit.
        const task = TASKS.cancelProviderPayment;
        await addJob(tx, task.name, { paymentId: payment.id, orderId: order.id }, { ...task, jobKey: `${task.name}:${payment.id}` });
      }
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
    return this.em.transactional(async (tx) => {
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
  }

  /**
   * One sweep: expires unpaid orders past their time, oldest first. SKIP LOCKED lets several
   * sweepers (one per server process) share the work without waiting on or repeating each other.
   */
  async expireOverdue(now = new Date(), limit = SWEEP_BATCH): Promise<number> {
    return this.em.transactional(async (tx) => {
      const overdue = await tx.find(
        Order,
        overdueAt(now),
        { orderBy: { expiresAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, refresh: true },
      );
      return OrderLifecycle.expireLocked(tx, overdue, 'Not paid in time');
    });
  }

  /**
   * Expires pending orders whose online payment was never started (see
   * UNSTARTED_PAYMENT_GRACE_MINUTES); the job that voids the payment finds it at the provider
   * if the start call did reach it.
   */
  async expireUnstarted(now = new Date(), limit = SWEEP_BATCH): Promise<number> {
    const before = new Date(now.getTime() - UNSTARTED_PAYMENT_GRACE_MINUTES * 60_000);
    return this.em.transactional(async (tx) => {
      const unstarted = await tx.find(
        Order,
        {
          status: OrderStatus.PENDING_PAYMENT,
          payments: { method: { $in: [...ONLINE_METHODS] }, status: PaymentStatus.PENDING, providerReference: null, createdAt: { $lte: before } },
        },
        { orderBy: { createdAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, refresh: true },
      );
      return OrderLifecycle.expireLocked(tx, unstarted, 'The payment could not be started');
    });
  }

  private static async expireLocked(tx: EntityManager, orders: Order[], reason: string): Promise<number> {
    if (orders.length === 0) return 0;
    // Lock every variant the batch will release in one ordered call. Locking them order by
    // order would take them out of id order across the batch and deadlock with checkouts.
    const lines = await tx.find(OrderLine, { order: { $in: orders } });
    await lockVariants(tx, lines.map((line) => line.variantId));
    let expired = 0;
    for (const order of orders) {
      if (await OrderLifecycle.move(tx, order, OrderStatus.EXPIRED, { actor: 'system', reason })) expired += 1;
    }
    return expired;
  }

  /**
   * Expiry on read: orders past their time are expired before anyone sees them as pending, up
   * to SWEEP_BATCH per transaction. Unlike the sweep it waits for locked orders (a reader must
   * not see one as pending), and takes their locks in id order, so two readers expiring
   * overlapping lists queue instead of deadlocking; the status filter is checked again on the
   * locked row, so an order paid or expired meanwhile is left alone.
   */
  async expireIfOverdue(orderIds: string[], now = new Date()): Promise<void> {
    const ids = [...new Set(orderIds)].sort();
    for (let start = 0; start < ids.length; start += SWEEP_BATCH) {
      const batch = ids.slice(start, start + SWEEP_BATCH);
      await this.em.transactional(async (tx) => {
        const overdue = await tx.find(
          Order,
          { ...overdueAt(now), id: { $in: batch } },
          { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        await OrderLifecycle.expireLocked(tx, overdue, 'Not paid in time');
      });
    }
  }
}

/** Unpaid orders whose time to be paid has run out by `now`. */
function overdueAt(now: Date) {
  return { status: OrderStatus.PENDING_PAYMENT, expiresAt: { $lte: now } };
}
