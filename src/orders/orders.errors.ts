import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from '../common/errors';
import { PaymentMethod, PaymentStatus } from '../payments/payment.entity';
import { OrderStatus } from './order.entity';

@ObjectType({ implements: UserError, description: 'No such order, or not one the viewer may act on.' })
export class OrderNotFound extends UserError {
  @Field(() => ID)
  orderId: string;

  constructor(orderId: string) {
    super(ErrorCode.ORDER_NOT_FOUND, `Order ${orderId} does not exist.`);
    this.orderId = orderId;
  }
}

@ObjectType({ implements: UserError })
export class PaymentNotFound extends UserError {
  @Field(() => ID)
  paymentId: string;

  constructor(paymentId: string) {
    super(ErrorCode.PAYMENT_NOT_FOUND, `Payment ${paymentId} does not exist.`);
    this.paymentId = paymentId;
  }
}

@ObjectType({ implements: UserError, description: 'Card and hosted payments are confirmed by Stripe, not by staff.' })
export class PaymentNotManual extends UserError {
  @Field(() => ID)
  paymentId: string;

  @Field(() => PaymentMethod)
  method: PaymentMethod;

  constructor(paymentId: string, method: PaymentMethod) {
    super(ErrorCode.PAYMENT_NOT_MANUAL, `Payment ${paymentId} is a ${method} payment; only transfers and cash on delivery are confirmed by staff.`);
    this.paymentId = paymentId;
    this.method = method;
  }
}

@ObjectType({ implements: UserError })
export class PaymentAlreadyConfirmed extends UserError {
  @Field(() => ID)
  paymentId: string;

  @Field(() => PaymentStatus)
  paymentStatus: PaymentStatus;

  constructor(paymentId: string, paymentStatus: PaymentStatus) {
    super(ErrorCode.PAYMENT_ALREADY_CONFIRMED, `Payment ${paymentId} ${PAYMENT_STATE_PHRASES[paymentStatus] ?? `is ${humanStatus(paymentStatus)}`}.`);
    this.paymentId = paymentId;
    this.paymentStatus = paymentStatus;
  }
}

@ObjectType({ implements: UserError, description: 'The order can no longer be paid (expired, canceled, failed) or is already paid.' })
export class OrderNotPayable extends UserError {
  @Field(() => ID)
  orderId: string;

  @Field(() => OrderStatus)
  orderStatus: OrderStatus;

  constructor(orderId: string, orderNumber: string, status: OrderStatus) {
    super(
      ErrorCode.ORDER_NOT_PAYABLE,
      status === OrderStatus.PAID ? `Order ${orderNumber} is already paid.` : `Order ${orderNumber} ${orderState(status)} and cannot be paid.`,
    );
    this.orderId = orderId;
    this.orderStatus = status;
  }
}

@ObjectType({ implements: UserError, description: 'Only unpaid orders can be canceled; paid ones are refunded.' })
export class OrderNotCancelable extends UserError {
  @Field(() => ID)
  orderId: string;

  @Field(() => OrderStatus)
  orderStatus: OrderStatus;

  constructor(orderId: string, orderNumber: string, status: OrderStatus) {
    super(
      ErrorCode.ORDER_NOT_CANCELABLE,
      status === OrderStatus.PAID
        ? `Order ${orderNumber} is paid; it can be refunded, not canceled.`
        : status === OrderStatus.CANCELED
          ? `Order ${orderNumber} is already canceled.`
          : `Order ${orderNumber} ${orderState(status)} and cannot be canceled.`,
    );
    this.orderId = orderId;
    this.orderStatus = status;
  }
}

// Messages are read by people: "has expired", not "is expired"; "has already succeeded", not "is already succeeded".
const ORDER_STATE_PHRASES: Partial<Record<OrderStatus, string>> = {
  [OrderStatus.PENDING_PAYMENT]: 'is waiting for payment',
  [OrderStatus.PAYMENT_ON_DELIVERY]: 'is to be paid on delivery',
  [OrderStatus.PAID]: 'is paid',
  [OrderStatus.PAYMENT_FAILED]: 'has a failed payment',
  [OrderStatus.CANCELED]: 'was canceled',
  [OrderStatus.EXPIRED]: 'has expired',
  [OrderStatus.REFUNDED]: 'was refunded',
  [OrderStatus.PAYMENT_RECEIVED_LATE]: 'was paid after it lapsed',
};

const PAYMENT_STATE_PHRASES: Partial<Record<PaymentStatus, string>> = {
  [PaymentStatus.SUCCEEDED]: 'has already succeeded',
  [PaymentStatus.FAILED]: 'has already failed',
  [PaymentStatus.CANCELED]: 'was canceled',
  [PaymentStatus.REFUNDED]: 'was refunded',
};

/** A status added later still reads as a sentence: "is partially refunded". */
const humanStatus = (status: string) => status.toLowerCase().replace(/_/g, ' ');
const orderState = (status: OrderStatus) => ORDER_STATE_PHRASES[status] ?? `is ${humanStatus(status)}`;
