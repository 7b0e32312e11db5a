import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import type { Customer } from './customer.entity';
import { CustomerType } from './customer.types';

@Resolver(() => CustomerType)
export class CustomerResolver {
  @Query(() => CustomerType, { nullable: true, description: 'The signed-in customer; null for guests.' })
  me(@Ctx() { services }: Context): Promise<Customer | null> {
    return services.customers.current();
  }
}
