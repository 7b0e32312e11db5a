import { FieldResolver, Resolver, Root } from 'type-graphql';
import { Money } from '../common/money.types';
import type { Payment } from './payment.entity';
import { PaymentType } from './payment.types';

@Resolver(() => PaymentType)
export class PaymentResolver {
  @FieldResolver(() => Money)
  amount(@Root() payment: Payment): Money {
    return new Money(payment.amountMinor, payment.currency);
  }
}
