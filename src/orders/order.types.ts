import { CountryCodeResolver, CurrencyResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { InvalidInput } from '../common/common.errors';
import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OptionValueType } from '../catalog/catalog.types';
import { PageInfo } from '../common/pagination.types';
import { PaymentMethod, type Payment } from '../payments/payment.entity';
import { PaymentType } from '../payments/payment.types';
import { OrderNotCancelable, OrderNotFound, OrderNotPayable, PaymentAlreadyConfirmed, PaymentNotFound, PaymentNotManual } from './orders.errors';
import { OrderStatus, type Order } from './order.entity';

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  valuesConfig: {
    PENDING_PAYMENT: { description: 'Placed, holding stock, waiting for payment; expires at expiresAt.' },
    PAYMENT_ON_DELIVERY: { description: 'Cash on delivery: placed, holding stock, paid when delivered.' },
  },
});

@ObjectType('Buyer')
export class BuyerType {
  @Field()
  name!: string;

  @Field()
  email!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;
}

@ObjectType('Address')
export class AddressType {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field()
  line1!: string;

  @Field(() => String, { nullable: true })
  line2?: string | null;

  @Field()
  city!: string;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => CountryCodeResolver)
  country!: string;

  @Field(() => String, { nullable: true, description: 'Landmark or directions for the courier.' })
  reference?: string | null;
}

@ObjectType('OrderLine', { description: 'A snapshot of what was bought, at the price paid.' })
export class OrderLineType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  productId!: string;

  @Field(() => ID)
  variantId!: string;

  @Field()
  productName!: string;

  @Field()
  sku!: string;

  @Field(() => [OptionValueType])
  options!: OptionValueType[];

  @Field(() => Int)
  quantity!: number;

  @Field(() => JSONObjectResolver, { nullable: true })
  customization?: Record<string, unknown> | null;
}

@ObjectType('OrderStatusChange')
export class OrderStatusChangeType {
  @Field(() => OrderStatus, { nullable: true })
  fromStatus?: OrderStatus | null;

  @Field(() => OrderStatus)
  toStatus!: OrderStatus;

  @Field({ description: '"customer:<id>", "staff:<id>", "guest", "system" or "stripe".' })
  actor!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType('Order')
export class OrderType {
  @Field(() => ID, { description: 'Unguessable: a guest reads their order with it.' })
  id!: string;

  @Field()
  orderNumber!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => CurrencyResolver)
  currency!: string;

  @Field(() => PaymentMethod)
  paymentMethod!: PaymentMethod;

  @Field(() => BuyerType)
  buyer!: BuyerType;

  @Field(() => AddressType)
  shippingAddress!: AddressType;

  @Field()
  shippingMethodName!: string;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When an unpaid order gives its stock back.' })
  expiresAt?: Date | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}

@ObjectType()
export class OrderEdge {
  @Field()
  cursor!: string;

  @Field(() => OrderType)
  node!: Order;
}

@ObjectType()
export class OrderConnection {
  @Field(() => [OrderEdge])
  edges!: OrderEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  countTotal!: () => Promise<number>;

  @Field(() => Int)
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}

@InputType()
export class OrderFilter {
  @Field(() => [OrderStatus], { nullable: true })
  status?: OrderStatus[];

  @Field(() => [PaymentMethod], { nullable: true })
  paymentMethod?: PaymentMethod[];

  @Field(() => DateTimeResolver, { nullable: true, description: 'Placed at or after.' })
  createdFrom?: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Placed before.' })
  createdTo?: Date;

  @Field({ nullable: true, description: 'Staff only.' })
  buyerEmail?: string;

  @Field({ nullable: true })
  orderNumber?: string;
}

@InputType()
export class ConfirmManualPaymentInput {
  @Field(() => ID)
  paymentId!: string;

  @Field({ nullable: true, description: 'The transfer reference from the bank or Zelle receipt.' })
  reference?: string;

  @Field({ nullable: true, description: 'Kept in the order history.' })
  note?: string;
}

@ObjectType()
export class ConfirmManualPaymentSuccess {
  @Field(() => PaymentType)
  payment: Payment;

  @Field(() => OrderType)
  order: Order;

  constructor(payment: Payment, order: Order) {
    this.payment = payment;
    this.order = order;
  }
}

@ObjectType()
export class CancelOrderSuccess {
  @Field(() => OrderType)
  order: Order;

  constructor(order: Order) {
    this.order = order;
  }
}

export const ConfirmManualPaymentResult = createUnionType({
  name: 'ConfirmManualPaymentResult',
  types: () => [ConfirmManualPaymentSuccess, PaymentNotFound, PaymentNotManual, PaymentAlreadyConfirmed, OrderNotPayable, InvalidInput] as const,
});

export const CancelOrderResult = createUnionType({
  name: 'CancelOrderResult',
  types: () => [CancelOrderSuccess, OrderNotFound, OrderNotCancelable, InvalidInput] as const,
});
