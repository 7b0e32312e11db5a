import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys } from '../catalog/catalog.loaders';
import { Payment } from '../payments/payment.entity';
import { Refund } from '../payments/refund.entity';
import { Order, OrderLine, OrderStatusChange } from './order.entity';

/** One statement per relation for a whole page of orders. */
export function createOrderLoaders(em: EntityManager) {
  return {
    linesByOrderId: new DataLoader<string, OrderLine[]>(async (orderIds) => {
      const lines = await em.find(OrderLine, { order: { $in: [...orderIds] } }, { orderBy: { position: 'asc', id: 'asc' } });
      return groupByKeys(orderIds, lines, (l) => l.order.id);
    }),
    paymentsByOrderId: new DataLoader<string, Payment[]>(async (orderIds) => {
      const payments = await em.find(Payment, { order: { $in: [...orderIds] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return groupByKeys(orderIds, payments, (p) => p.order.id);
    }),
    refundsByOrderId: new DataLoader<string, Refund[]>(async (orderIds) => {
      const refunds = await em.find(Refund, { order: { $in: [...orderIds] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return groupByKeys(orderIds, refunds, (r) => r.order.id);
    }),
    orderById: new DataLoader<string, Order | null>(async (ids) => {
      const orders = await em.find(Order, { id: { $in: [...ids] } });
      const byId = new Map(orders.map((o) => [o.id, o]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    historyByOrderId: new DataLoader<string, OrderStatusChange[]>(async (orderIds) => {
      const changes = await em.find(OrderStatusChange, { order: { $in: [...orderIds] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return groupByKeys(orderIds, changes, (c) => c.order.id);
    }),
  };
}
