import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { STAFF } from '../auth/auth-checker';
import type { Context } from '../context';
import { Order } from '../orders/order.entity';
import { MarkOrderPaidResult, MarkOrderPaidSuccess, RefundOrderInput, RefundOrderResult, RefundOrderSuccess } from './payments.types';

@Resolver()
export class PaymentsResolver {
  @Mutation(() => MarkOrderPaidResult, {
    description: 'Asks the payment provider about the order\'s payment and marks the order paid only if it says it succeeded. Safe to race with the webhook.',
  })
  async markOrderPaid(@Arg('orderId', () => ID) orderId: string, @Ctx() { services }: Context) {
    const result = await services.payments.markOrderPaid(services.orders, orderId);
    return result instanceof Order ? new MarkOrderPaidSuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => RefundOrderResult, {
    description: 'Staff send money back through the payment\'s provider (a job, retried until the provider answers); manual payments are settled by hand and recorded at once.',
  })
  async refundOrder(@Arg('input') input: RefundOrderInput, @Ctx() { services }: Context) {
    const result = await services.payments.refundOrder(input);
    return 'refund' in result ? new RefundOrderSuccess(result.order, result.refund) : result;
  }
}
