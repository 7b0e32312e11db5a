import { CountryCodeResolver, CurrencyResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from '../common/errors';

@ObjectType({ implements: UserError, description: 'No shipping rate serves this address in this currency.' })
export class ShippingNotSupported extends UserError {
  @Field(() => CountryCodeResolver)
  country: string;

  @Field(() => String, { nullable: true })
  region: string | null;

  @Field(() => CurrencyResolver)
  currency: string;

  constructor(country: string, region: string | null, currency: string) {
    super(
      ErrorCode.SHIPPING_NOT_SUPPORTED,
      `We do not ship to ${region ? `${region}, ` : ''}${country} in ${currency}.`,
    );
    this.country = country;
    this.region = region;
    this.currency = currency;
  }
}

@ObjectType({ implements: UserError })
export class ShippingMethodNotFound extends UserError {
  @Field(() => ID)
  shippingMethodId: string;

  constructor(shippingMethodId: string) {
    super(ErrorCode.SHIPPING_METHOD_NOT_FOUND, `Shipping method ${shippingMethodId} does not exist.`);
    this.shippingMethodId = shippingMethodId;
  }
}
