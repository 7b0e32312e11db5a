import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PaymentMethod, PaymentStatus } from './payment.entity';

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
