import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isSignedIn, type Viewer } from '../auth/viewer';
import { isUuid } from '../common/ids';
import { badUserInput, decodeCursor, encodeCursor, isTimestampText, pageSize, type Page } from '../common/pagination';
import type { PaymentMethod } from '../payments/payment.entity';
import { Order, OrderStatus } from './order.entity';
import type { OrderLifecycle } from './order-lifecycle.service';

export interface OrderQuery {
  first?: number | null;
  after?: string | null;
  status?: OrderStatus[];
  paymentMethod?: PaymentMethod[];
  createdFrom?: Date;
  createdTo?: Date;
  buyerEmail?: string;
  orderNumber?: string;
}

const CURSOR_KIND = 'ORDERS';

/** Reading orders: customers see their own, staff see all, a guest holds the id of theirs. */
export class OrdersService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  /** Null when the order does not exist or the viewer may not see it; the two look the same. */
  async find(by: { id?: string | null; orderNumber?: string | null }): Promise<Order | null> {
    let order: Order | null = null;
    if (by.id) {
      order = isUuid(by.id) ? await this.em.findOne(Order, { id: by.id }) : null;
    } else if (by.orderNumber) {
      order = await this.em.findOne(Order, { orderNumber: by.orderNumber.trim().toUpperCase() });
    } else {
      throw badUserInput('Give the order\'s "id" or "orderNumber".', 'id');
    }
    if (!order || !this.maySee(order, Boolean(by.id))) return null;
    return (await this.withExpiryApplied([order]))[0];
  }

  /** An unpaid order past its time is expired now rather than shown as pending until the sweeper comes. */
  private async withExpiryApplied(orders: Order[]): Promise<Order[]> {
    const now = new Date();
    const overdue = orders.filter((o) => o.status === OrderStatus.PENDING_PAYMENT && o.expiresAt && o.expiresAt <= now);
    if (overdue.length === 0) return orders;
    await this.lifecycle.expireIfOverdue(overdue.map((o) => o.id), now);
    await Promise.all(overdue.map((o) => this.em.refresh(o)));
    return orders;
  }

  private maySee(order: Order, byId: boolean): boolean {
    if (this.viewer.isStaff) return true;
    const owner = order.customer?.id;
    if (owner) return owner === this.viewer.customerId;
    // A guest order's id is the capability to read it; its order number is not.
    return byId;
  }

  async list(query: OrderQuery): Promise<Page<Order>> {
    const limit = pageSize(query.first);
    const where: FilterQuery<Order>[] = [];
    if (!this.viewer.isStaff) {
      // The resolver lets only signed-in viewers here; a guest must never fall through to "all".
      if (!isSignedIn(this.viewer)) throw new Error('orders listed without a signed-in viewer');
      where.push({ customer: this.viewer.customerId });
    }
    if (query.status?.length) where.push({ status: { $in: query.status } });
    if (query.paymentMethod?.length) where.push({ paymentMethod: { $in: query.paymentMethod } });
    if (query.createdFrom) where.push({ createdAt: { $gte: query.createdFrom } });
    if (query.createdTo) where.push({ createdAt: { $lt: query.createdTo } });
    if (query.buyerEmail) where.push({ buyerEmail: query.buyerEmail.trim().toLowerCase() });
    if (query.orderNumber) where.push({ orderNumber: query.orderNumber.trim().toUpperCase() });
    const filter: FilterQuery<Order> = where.length ? { $and: where } : {};

    let page: FilterQuery<Order> = filter;
    if (query.after) {
      const [createdAt, id] = decodeCursor(query.after, CURSOR_KIND, ['string', 'string']) as [string, string];
      if (!isUuid(id) || !isTimestampText(createdAt)) throw badUserInput('"after" is not a cursor from this list.', 'after');
      const at = new Date(createdAt);
      page = { $and: [filter, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }] }] };
    }
    const rows = await this.em.find(Order, page, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: limit + 1 });
    await this.withExpiryApplied(rows.slice(0, limit));
    return {
      edges: rows.slice(0, limit).map((node) => ({ node, cursor: encodeCursor(CURSOR_KIND, [node.createdAt.toISOString(), node.id]) })),
      hasNextPage: rows.length > limit,
      hasPreviousPage: Boolean(query.after),
      countTotal: () => this.em.count(Order, filter),
    };
  }
}
