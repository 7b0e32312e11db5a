import { createUnionType, Field, ObjectType } from 'type-graphql';
import { InvalidInput } from '../common/common.errors';
import { InsufficientStock } from '../catalog/catalog.errors';
import type { Order } from '../orders/order.entity';
import { OrderType } from '../orders/order.types';
import { OrderNotFound, OrderNotPayable } from '../orders/orders.errors';
import { OrderAlreadyPaid, PaymentNotCompleted } from './payments.errors';

@ObjectType()
export class MarkOrderPaidSuccess {
  @Field(() => OrderType)
  order: Order;

  constructor(order: Order) {
    this.order = order;
  }
}

@ObjectType()
export class ReinstateOrderSuccess {
  @Field(() => OrderType)
  order: Order;

  constructor(order: Order) {
    this.order = order;
  }
}

export const MarkOrderPaidResult = createUnionType({
  name: 'MarkOrderPaidResult',
  types: () => [MarkOrderPaidSuccess, OrderNotFound, OrderAlreadyPaid, OrderNotPayable, PaymentNotCompleted, InvalidInput] as const,
});

export const ReinstateOrderResult = createUnionType({
  name: 'ReinstateOrderResult',
  types: () => [ReinstateOrderSuccess, OrderNotFound, OrderNotPayable, InsufficientStock, InvalidInput] as const,
});
