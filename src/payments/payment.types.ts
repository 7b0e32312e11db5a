import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PaymentMethod, PaymentStatus } from './payment.entity';
import { RefundStatus } from './refund.entity';

registerEnumType(PaymentMethod, { name: 'PaymentMethod' });
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });

@ObjectType('Payment')
export class PaymentType {
  @Field(() => ID)
  id!: string;

  @Field(() => PaymentMethod)
  method!: PaymentMethod;

  @Field(() => String, { nullable: true, description: 'e.g. "zelle" for a manual transfer, "stripe" for cards.' })
  provider?: string | null;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => String, { nullable: true, description: 'The provider\'s id, e.g. a Stripe PaymentIntent id.' })
  providerReference?: string | null;

  @Field(() => String, { nullable: true, description: 'Reference staff recorded when confirming a manual payment.' })
  reference?: string | null;

  @Field(() => String, { nullable: true })
  confirmedBy?: string | null;

  @Field(() => DateTimeResolver, { nullable: true })
  confirmedAt?: Date | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType('PaymentError', { description: 'The provider\'s last decline of a payment, e.g. code "card_declined".' })
export class PaymentErrorType {
  @Field()
  code!: string;

  @Field()
  message!: string;
}

registerEnumType(RefundStatus, { name: 'RefundStatus' });

@ObjectType('FulfillmentLine')
export class FulfillmentLineType {
  @Field(() => ID)
  orderLineId!: string;

  @Field(() => Int)
  quantity!: number;
}

@ObjectType('Refund', { description: 'Money going back to the buyer through the payment\'s provider.' })
export class RefundType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => RefundStatus)
  status!: RefundStatus;

  @Field({ description: '"staff:<id>", "system" (a payment that arrived for a dead order) or the provider\'s name.' })
  actor!: string;

  @Field(() => String, { nullable: true, description: 'Why the provider refused it, while it is retried or once it failed.' })
  lastError?: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType('FailedJob', { description: 'A background job (a provider call, an email) that gave up after its last attempt.' })
export class FailedJobType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'e.g. "refund_payment", "cancel_provider_payment", "send_notification".' })
  task!: string;

  @Field(() => Int)
  attempts!: number;

  @Field()
  lastError!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}
