import { createUnionType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { InvalidAmount } from '../checkout/checkout.errors';
import { InvalidInput } from '../common/common.errors';
import type { Order } from '../orders/order.entity';
import { OrderType } from '../orders/order.types';
import { OrderNotFound, OrderNotPayable } from '../orders/orders.errors';
import { OrderAlreadyPaid, OrderNotRefundable, PaymentNotCompleted } from './payments.errors';
import type { Refund } from './refund.entity';
import { RefundType } from './payment.types';

@ObjectType()
export class MarkOrderPaidSuccess {
  @Field(() => OrderType)
  order: Order;

  constructor(order: Order) {
    this.order = order;
  }
}

@InputType()
export class RefundOrderInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => Int, { nullable: true, description: 'In minor units; omitted: everything not yet refunded.' })
  amountMinor?: number;

  @Field(() => String, { nullable: true })
  reason?: string;
}

@ObjectType()
export class RefundOrderSuccess {
  @Field(() => OrderType)
  order: Order;

  @Field(() => RefundType, { description: 'PENDING while the provider is asked (a job); SUCCEEDED at once for manual payments.' })
  refund: Refund;

  constructor(order: Order, refund: Refund) {
    this.order = order;
    this.refund = refund;
  }
}

export const MarkOrderPaidResult = createUnionType({
  name: 'MarkOrderPaidResult',
  types: () => [MarkOrderPaidSuccess, OrderNotFound, OrderAlreadyPaid, OrderNotPayable, PaymentNotCompleted, InvalidInput] as const,
});

export const RefundOrderResult = createUnionType({
  name: 'RefundOrderResult',
  types: () => [RefundOrderSuccess, OrderNotFound, OrderNotRefundable, InvalidAmount, InvalidInput] as const,
});
