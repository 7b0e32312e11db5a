import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { CheckoutInput, CheckoutResult, CheckoutSuccess } from './checkout.types';

@Resolver()
export class CheckoutResolver {
  @Mutation(() => CheckoutResult, { description: 'Places an order: prices from the database, reserves stock, creates a pending payment.' })
  async checkout(@Arg('input') input: CheckoutInput, @Ctx() { services, loaders }: Context) {
    const result = await services.checkout.checkout(input);
    if (!('order' in result)) return result;
    if (result.written) {
      // The order was just written: answer its lines, payments and history without reading them back.
      loaders.orders.linesByOrderId.prime(result.order.id, result.written.lines);
      loaders.orders.historyByOrderId.prime(result.order.id, result.written.history);
      loaders.orders.paymentsByOrderId.prime(result.order.id, [result.payment]);
    }
    return new CheckoutSuccess(result.order, result.payment, result.clientSecret, result.checkoutUrl);
  }
}
