import { GraphQLError } from 'graphql';
import { CountryCodeResolver, CurrencyResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { STAFF } from '../auth/auth-checker';
import { Money } from '../common/money.types';
import { RegionRefusal } from '../common/regions';
import type { Context } from '../context';
import { ShippingMethod } from './shipping-method.entity';
import {
  CreateShippingMethodInput,
  CreateShippingMethodResult,
  CreateShippingMethodSuccess,
  ShippingMethodType,
  ShippingOption,
  ShippingRateType,
} from './shipping.types';

@Resolver(() => ShippingMethodType)
export class ShippingResolver {
  @Query(() => [ShippingOption], {
    description:
      'Methods that deliver to the address in this currency, cheapest first. `region` is an ISO 3166-2 subdivision code ("AK") or name ("Alaska"); one that names no region of the country is refused with BAD_USER_INPUT.',
  })
  async shippingOptions(
    @Arg('country', () => CountryCodeResolver) country: string,
    @Arg('region', () => String, { nullable: true }) region: string | null,
    @Arg('currency', () => CurrencyResolver) currency: string,
    @Ctx() { services }: Context,
  ): Promise<ShippingOption[]> {
    const quotes = await services.shipping.optionsFor({ country, region, currency });
    // A query answers data or an error, not a union: an unknown region is the caller's mistake (HTTP 400).
    if (quotes instanceof RegionRefusal) {
      throw new GraphQLError(quotes.message, { extensions: { code: 'BAD_USER_INPUT', argument: 'region', http: { status: 400 } } });
    }
    return quotes.map((q) => ({ id: q.methodId, name: q.methodName, price: new Money(q.amountMinor, q.currency) }));
  }

  @Authorized(STAFF)
  @Query(() => [ShippingMethodType])
  shippingMethods(@Ctx() { services }: Context): Promise<ShippingMethod[]> {
    return services.shipping.listMethods();
  }

  @Authorized(STAFF)
  @Mutation(() => CreateShippingMethodResult, { description: 'A method (e.g. Express) with its rates per country or region and currency.' })
  async createShippingMethod(@Arg('input') input: CreateShippingMethodInput, @Ctx() { services }: Context) {
    const result = await services.shipping.createMethod(input);
    return result instanceof ShippingMethod ? new CreateShippingMethodSuccess(result) : result;
  }

  @FieldResolver(() => [ShippingRateType])
  async rates(@Root() method: ShippingMethod, @Ctx() { loaders }: Context): Promise<ShippingRateType[]> {
    const rates = await loaders.shipping.ratesByMethodId.load(method.id);
    return rates.map((r) => ({ country: r.country, region: r.region ?? null, price: new Money(r.amountMinor, r.currency) }));
  }
}
