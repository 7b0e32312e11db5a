import { FieldResolver, Resolver, Root } from 'type-graphql';
import { Money } from '../common/money.types';
import type { Payment } from './payment.entity';
import type { Refund } from './refund.entity';
import { FulfillmentLineType, PaymentErrorType, PaymentType, RefundType } from './payment.types';

@Resolver(() => PaymentType)
export class PaymentResolver {
  @FieldResolver(() => Money)
  amount(@Root() payment: Payment): Money {
    return new Money(payment.amountMinor, payment.currency);
  }

  @FieldResolver(() => PaymentErrorType, { nullable: true, description: 'The provider\'s last decline; the buyer may still pay until the order expires.' })
  lastError(@Root() payment: Payment): PaymentErrorType | null {
    return payment.lastErrorCode ? { code: payment.lastErrorCode, message: payment.lastErrorMessage ?? '' } : null;
  }
}

@Resolver(() => RefundType)
export class RefundResolver {
  @FieldResolver(() => Money)
  amount(@Root() refund: Refund): Money {
    return new Money(refund.amountMinor, refund.currency);
  }

  @FieldResolver(() => [FulfillmentLineType], { description: 'The order lines refunded; empty for a refund of an amount.' })
  lines(): FulfillmentLineType[] {
    return [];
  }
}
