import { CurrencyResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from './errors';

@ObjectType({ implements: UserError, description: 'A field of the input is missing or malformed.' })
export class InvalidInput extends UserError {
  @Field({ description: 'Path of the offending input field, e.g. "variants.0.sku".' })
  field: string;

  constructor(field: string, message: string) {
    super(ErrorCode.INVALID_INPUT, message);
    this.field = field;
  }
}

@ObjectType({ implements: UserError, description: 'The currency is not one the shop can sell in.' })
export class UnsupportedCurrency extends UserError {
  @Field(() => CurrencyResolver)
  currency: string;

  constructor(currency: string) {
    super(ErrorCode.UNSUPPORTED_CURRENCY, `${currency} is not a currency this shop can price in.`);
    this.currency = currency;
  }
}
