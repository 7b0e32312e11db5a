import { CountryCodeResolver, CurrencyResolver } from 'graphql-scalars';
import { createUnionType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { InvalidPrice } from '../catalog/catalog.errors';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { Money } from '../common/money.types';
import type { ShippingMethod } from './shipping-method.entity';

@ObjectType({ description: 'A shipping method that serves an address, with its price there.' })
export class ShippingOption {
  @Field(() => ID, { description: 'The shipping method id; pass it to checkout as shippingMethodId.' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => Money)
  price!: Money;
}

@ObjectType('ShippingRate')
export class ShippingRateType {
  @Field(() => CountryCodeResolver)
  country!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-2 subdivision code without the country prefix ("AK"); null means the whole country.' })
  region?: string | null;

  @Field(() => Money)
  price!: Money;
}

@ObjectType('ShippingMethod')
export class ShippingMethodType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  active!: boolean;
}

@InputType()
export class ShippingRateInput {
  @Field(() => CountryCodeResolver)
  country!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A subdivision of the country: its ISO 3166-2 code ("AK" or "US-AK") or name ("Alaska"); stored as the code. Null: the whole country.',
  })
  region?: string | null;

  @Field(() => CurrencyResolver)
  currency!: string;

  @Field(() => Int)
  amountMinor!: number;
}

@InputType()
export class CreateShippingMethodInput {
  @Field()
  name!: string;

  @Field(() => [ShippingRateInput])
  rates!: ShippingRateInput[];
}

@ObjectType()
export class CreateShippingMethodSuccess {
  @Field(() => ShippingMethodType)
  shippingMethod: ShippingMethod;

  constructor(shippingMethod: ShippingMethod) {
    this.shippingMethod = shippingMethod;
  }
}

export const CreateShippingMethodResult = createUnionType({
  name: 'CreateShippingMethodResult',
  types: () => [CreateShippingMethodSuccess, InvalidInput, UnsupportedCurrency, InvalidPrice] as const,
});
