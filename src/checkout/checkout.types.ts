import { CountryCodeResolver, CurrencyResolver, JSONObjectResolver } from 'graphql-scalars';
import { createUnionType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CartNotFound } from '../cart/cart.errors';
import { InsufficientStock, InvalidQuantity, ProductNotAvailable, ProductNotFound, VariantNotFound } from '../catalog/catalog.errors';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import type { Order } from '../orders/order.entity';
import { OrderType } from '../orders/order.types';
import { PaymentMethod, type Payment } from '../payments/payment.entity';
import { PaymentType } from '../payments/payment.types';
import { ShippingMethodNotFound, ShippingNotSupported } from '../shipping/shipping.errors';
import {
  EmptyCart,
  IdempotencyKeyReused,
  InvalidAddress,
  InvalidAmount,
  InvalidBuyer,
  OrderNumberCollision,
  PaymentProviderError,
  PriceNotAvailable,
  VariantProductMismatch,
} from './checkout.errors';

@InputType()
export class CheckoutItemInput {
  @Field(() => ID)
  variantId!: string;

  @Field(() => Int, { description: 'An Int, so 0 or a negative number is InvalidQuantity rather than a parse error.' })
  quantity!: number;

  @Field(() => ID, { nullable: true, description: 'When given, the variant must belong to this product.' })
  productId?: string;

  @Field(() => JSONObjectResolver, { nullable: true })
  customization?: Record<string, unknown>;
}

@InputType()
export class BuyerInput {
  @Field()
  name!: string;

  @Field()
  email!: string;

  @Field({ nullable: true })
  phone?: string;
}

@InputType()
export class AddressInput {
  @Field()
  name!: string;

  @Field({ nullable: true })
  phone?: string;

  @Field()
  line1!: string;

  @Field({ nullable: true })
  line2?: string;

  @Field()
  city!: string;

  @Field({ nullable: true, description: 'State, province or prefecture: its ISO 3166-2 code ("AK", "US-AK") or name ("Alaska"); stored as the code. One that names no region of the country is InvalidAddress.' })
  region?: string;

  @Field({ nullable: true })
  postalCode?: string;

  @Field(() => CountryCodeResolver)
  country!: string;

  @Field({ nullable: true })
  reference?: string;
}

@InputType()
export class PaymentInput {
  @Field(() => PaymentMethod)
  method!: PaymentMethod;

  @Field({ nullable: true, description: 'Which transfer service, e.g. "zelle"; "stripe" for cards.' })
  provider?: string;

  @Field({ nullable: true, description: 'HOSTED_CHECKOUT: where Stripe sends the shopper after paying; {ORDER_ID} is replaced. Default from configuration.' })
  successUrl?: string;

  @Field({ nullable: true, description: 'HOSTED_CHECKOUT: where Stripe sends a shopper who gives up.' })
  cancelUrl?: string;
}

@InputType()
export class CheckoutInput {
  @Field(() => [CheckoutItemInput], { nullable: true, description: 'Explicit items; or give cartId; or neither to use the signed-in customer\'s cart.' })
  items?: CheckoutItemInput[];

  @Field(() => ID, { nullable: true })
  cartId?: string;

  @Field(() => CurrencyResolver)
  currency!: string;

  @Field(() => BuyerInput)
  buyer!: BuyerInput;

  @Field(() => AddressInput)
  shippingAddress!: AddressInput;

  @Field(() => ID, { nullable: true, description: 'Default: the cheapest method that serves the address.' })
  shippingMethodId?: string;

  @Field({ nullable: true })
  notes?: string;

  @Field(() => PaymentInput)
  payment!: PaymentInput;

  @Field({ nullable: true, description: 'Retrying with the same key returns the first order and creates nothing.' })
  idempotencyKey?: string;
}

@ObjectType()
export class CheckoutSuccess {
  @Field(() => OrderType)
  order: Order;

  @Field(() => PaymentType)
  payment: Payment;

  @Field(() => String, { nullable: true, description: 'Stripe PaymentIntent client secret, for card payments.' })
  clientSecret: string | null;

  @Field(() => String, { nullable: true, description: 'Where to send the shopper for a hosted checkout.' })
  checkoutUrl: string | null;

  constructor(order: Order, payment: Payment, clientSecret: string | null = null, checkoutUrl: string | null = null) {
    this.order = order;
    this.payment = payment;
    this.clientSecret = clientSecret;
    this.checkoutUrl = checkoutUrl;
  }
}

export const CheckoutResult = createUnionType({
  name: 'CheckoutResult',
  types: () =>
    [
      CheckoutSuccess,
      EmptyCart,
      InvalidQuantity,
      ProductNotFound,
      ProductNotAvailable,
      VariantNotFound,
      VariantProductMismatch,
      PriceNotAvailable,
      InsufficientStock,
      ShippingNotSupported,
      ShippingMethodNotFound,
      InvalidAmount,
      PaymentProviderError,
      OrderNumberCollision,
      InvalidAddress,
      InvalidBuyer,
      IdempotencyKeyReused,
      CartNotFound,
      UnsupportedCurrency,
      InvalidInput,
    ] as const,
});
