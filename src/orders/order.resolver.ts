import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { STAFF } from '../auth/auth-checker';
import { forbidden } from '../auth/viewer';
import { Money } from '../common/money.types';
import { toConnection } from '../common/pagination.types';
import type { Context } from '../context';
import { FailedJob } from '../jobs/failed-job.entity';
import { FailedJobType, PaymentType, RefundType } from '../payments/payment.types';
import { RefundStatus, type Refund } from '../payments/refund.entity';
import { Order, type OrderLine, type OrderStatusChange } from './order.entity';
import { Payment as PaymentEntity } from '../payments/payment.entity';
import {
  CancelOrderResult,
  CancelOrderSuccess,
  ConfirmManualPaymentInput,
  ConfirmManualPaymentResult,
  ConfirmManualPaymentSuccess,
  OrderConnection,
  OrderFilter,
  OrderLineType,
  OrderStatusChangeType,
  OrderType,
} from './order.types';

@ArgsType()
class OrdersArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field({ nullable: true })
  after?: string;

  @Field(() => OrderFilter, { nullable: true })
  filter?: OrderFilter;
}

@Resolver(() => OrderType)
export class OrderResolver {
  @Query(() => OrderType, { nullable: true, description: 'The owner or staff; a guest by the order id. Anyone else gets null.' })
  order(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('orderNumber', () => String, { nullable: true }) orderNumber: string | null,
    @Ctx() { services }: Context,
  ): Promise<Order | null> {
    return services.orders.find({ id, orderNumber });
  }

  @Authorized()
  @Query(() => OrderConnection, { description: 'Newest first. Customers see their own orders; staff see all.' })
  async orders(@Args() { first, after, filter }: OrdersArgs, @Ctx() { viewer, services }: Context): Promise<OrderConnection> {
    if (filter?.buyerEmail && !viewer.isStaff) throw forbidden('Only store staff can filter orders by buyer email.');
    return toConnection(new OrderConnection(), await services.orders.list({ first, after, ...filter }));
  }

  @Authorized()
  @Mutation(() => CancelOrderResult, { description: 'Customers cancel their own unpaid orders; staff any unpaid order. Stock returns.' })
  async cancelOrder(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() { viewer, services }: Context,
  ) {
    const result = await services.lifecycle.cancel(viewer, orderId, reason);
    return result instanceof Order ? new CancelOrderSuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => ConfirmManualPaymentResult, { description: 'Staff record a received bank transfer or cash on delivery; the order becomes PAID.' })
  async confirmManualPayment(@Arg('input') input: ConfirmManualPaymentInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.lifecycle.confirmManualPayment(viewer, input);
    if (!(result instanceof PaymentEntity)) return result;
    return new ConfirmManualPaymentSuccess(result, (await loaders.orders.orderById.load(result.order.id))!);
  }

  @FieldResolver(() => [OrderLineType])
  lines(@Root() order: Order, @Ctx() { loaders }: Context): Promise<OrderLine[]> {
    return loaders.orders.linesByOrderId.load(order.id);
  }

  @FieldResolver(() => [PaymentType])
  payments(@Root() order: Order, @Ctx() { loaders }: Context): Promise<PaymentEntity[]> {
    return loaders.orders.paymentsByOrderId.load(order.id);
  }

  @FieldResolver(() => [OrderStatusChangeType], { description: 'Every status change, oldest first.' })
  statusHistory(@Root() order: Order, @Ctx() { loaders }: Context): Promise<OrderStatusChange[]> {
    return loaders.orders.historyByOrderId.load(order.id);
  }

  @FieldResolver(() => [RefundType], { description: 'Oldest first: pending, succeeded and failed.' })
  refunds(@Root() order: Order, @Ctx() { loaders }: Context): Promise<Refund[]> {
    return loaders.orders.refundsByOrderId.load(order.id);
  }

  @FieldResolver(() => Money, { description: 'The sum of the refunds that succeeded.' })
  async refunded(@Root() order: Order, @Ctx() { loaders }: Context): Promise<Money> {
    const refunds = await loaders.orders.refundsByOrderId.load(order.id);
    const sum = refunds.filter((r) => r.status === RefundStatus.SUCCEEDED).reduce((total, r) => total + r.amountMinor, 0);
    return new Money(sum, order.currency);
  }

  @FieldResolver(() => [FailedJobType], {
    nullable: true,
    description: 'Staff only (null with an error for anyone else): background jobs for this order that gave up, e.g. a refund the provider kept refusing.',
  })
  failedJobs(@Root() order: Order, @Ctx() { viewer, em }: Context): Promise<FailedJob[]> {
    if (!viewer.isStaff) throw forbidden('Only store staff can see failed jobs.');
    return em.find(FailedJob, { orderId: order.id }, { orderBy: { createdAt: 'asc' } });
  }

  @FieldResolver(() => Money)
  subtotal(@Root() order: Order): Money {
    return new Money(order.subtotalMinor, order.currency);
  }

  @FieldResolver(() => Money)
  shipping(@Root() order: Order): Money {
    return new Money(order.shippingMinor, order.currency);
  }

  @FieldResolver(() => Money)
  discount(@Root() order: Order): Money {
    return new Money(order.discountMinor, order.currency);
  }

  @FieldResolver(() => Money)
  total(@Root() order: Order): Money {
    return new Money(order.totalMinor, order.currency);
  }
}

@Resolver(() => OrderLineType)
export class OrderLineResolver {
  @FieldResolver(() => Money)
  unitPrice(@Root() line: OrderLine): Money {
    return new Money(line.unitPriceMinor, line.order.currency);
  }

  @FieldResolver(() => Money)
  lineTotal(@Root() line: OrderLine): Money {
    return new Money(line.lineTotalMinor, line.order.currency);
  }
}
