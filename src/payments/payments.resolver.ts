import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { STAFF } from '../auth/auth-checker';
import type { Context } from '../context';
import { Order } from '../orders/order.entity';
import { MarkOrderPaidResult, MarkOrderPaidSuccess, ReinstateOrderResult, ReinstateOrderSuccess } from './payments.types';

@Resolver()
export class PaymentsResolver {
  @Mutation(() => MarkOrderPaidResult, {
    description: 'Asks Stripe about the order\'s payment and marks the order paid only if Stripe says it succeeded. Safe to race with the webhook.',
  })
  async markOrderPaid(@Arg('orderId', () => ID) orderId: string, @Ctx() { services }: Context) {
    const result = await services.payments.markOrderPaid(services.orders, orderId);
    return result instanceof Order ? new MarkOrderPaidSuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => ReinstateOrderResult, { description: 'Staff accept a payment that arrived after the order lapsed, if the stock is still there.' })
  async reinstateOrder(@Arg('orderId', () => ID) orderId: string, @Ctx() { services }: Context) {
    const result = await services.payments.reinstate(orderId);
    return result instanceof Order ? new ReinstateOrderSuccess(result) : result;
  }
}
