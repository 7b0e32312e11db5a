import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from '../common/errors';

@ObjectType({ implements: UserError })
export class OrderAlreadyPaid extends UserError {
  @Field(() => ID)
  orderId: string;

  constructor(orderId: string) {
    super(ErrorCode.ORDER_ALREADY_PAID, 'Order has already been marked as paid.');
    this.orderId = orderId;
  }
}

@ObjectType({ implements: UserError, description: 'Stripe does not (yet) report this order\'s payment as succeeded.' })
export class PaymentNotCompleted extends UserError {
  @Field(() => ID)
  orderId: string;

  @Field(() => String, { nullable: true, description: 'Stripe\'s status, e.g. "processing" or "requires_action".' })
  providerStatus: string | null;

  constructor(orderId: string, providerStatus: string | null, message: string) {
    super(ErrorCode.PAYMENT_NOT_COMPLETED, message);
    this.orderId = orderId;
    this.providerStatus = providerStatus;
  }
}

@ObjectType({ implements: UserError, description: 'Only a paid order with money not yet refunded can be refunded.' })
export class OrderNotRefundable extends UserError {
  @Field(() => ID)
  orderId: string;

  constructor(orderId: string, orderNumber: string, status: string) {
    super(ErrorCode.ORDER_NOT_REFUNDABLE, `Order ${orderNumber} is ${status.toLowerCase().replace(/_/g, ' ')}, so there is nothing to refund.`);
    this.orderId = orderId;
  }
}
