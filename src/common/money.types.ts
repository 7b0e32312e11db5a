import { Field, Int, ObjectType } from 'type-graphql';
import { CurrencyResolver } from 'graphql-scalars';
import { formatMoney, type MoneyValue } from './money';

@ObjectType({ description: 'An amount in the minor unit of its currency (cents; yen for JPY).', simpleResolvers: true })
export class Money implements MoneyValue {
  @Field(() => Int)
  amountMinor: number;

  @Field(() => CurrencyResolver)
  currency: string;

  constructor(amountMinor: number, currency: string) {
    this.amountMinor = amountMinor;
    this.currency = currency;
  }

  @Field({ description: 'Display string, e.g. "$12.50" or "¥1,200".' })
  formatted(): string {
    return formatMoney(this);
  }
}
