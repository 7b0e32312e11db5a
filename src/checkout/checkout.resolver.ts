import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { CheckoutInput, CheckoutResult, CheckoutSuccess } from './checkout.types';

@Resolver()
export class CheckoutResolver {
  @Mutation(() => CheckoutResult, { description: 'Places an order: prices from the database, reserves stock, creates a pending payment.' })
  async checkout(@Arg('input') input: CheckoutInput, @Ctx() { services }: Context) {
    const result = await services.checkout.checkout(input);
    return 'order' in result ? new CheckoutSuccess(result.order, result.payment, result.clientSecret, result.checkoutUrl) : result;
  }
}
