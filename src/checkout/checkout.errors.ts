import { CurrencyResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from '../common/errors';

@ObjectType({ implements: UserError })
export class EmptyCart extends UserError {
  constructor() {
    super(ErrorCode.EMPTY_CART, 'Your cart is empty.');
  }
}

@ObjectType({ implements: UserError, description: 'The variant does not belong to the product the item names.' })
export class VariantProductMismatch extends UserError {
  @Field(() => ID)
  variantId: string;

  @Field(() => ID)
  productId: string;

  constructor(variantId: string, productId: string) {
    super(ErrorCode.VARIANT_PRODUCT_MISMATCH, `Variant ${variantId} is not a variant of product ${productId}.`);
    this.variantId = variantId;
    this.productId = productId;
  }
}

@ObjectType({ implements: UserError })
export class PriceNotAvailable extends UserError {
  @Field(() => ID)
  productId: string;

  @Field(() => ID)
  variantId: string;

  @Field(() => CurrencyResolver)
  currency: string;

  constructor(item: { productId: string; variantId: string; label: string }, currency: string) {
    super(ErrorCode.PRICE_NOT_AVAILABLE, `${item.label} cannot be bought in ${currency}.`);
    this.productId = item.productId;
    this.variantId = item.variantId;
    this.currency = currency;
  }
}

@ObjectType({ implements: UserError, description: 'The order total would not be a positive amount the system can charge.' })
export class InvalidAmount extends UserError {
  @Field(() => Int, { nullable: true })
  amountMinor: number | null;

  constructor(amountMinor: number | null, message = 'The order total must be more than zero.') {
    super(ErrorCode.INVALID_AMOUNT, message);
    this.amountMinor = amountMinor;
  }
}

@ObjectType({
  implements: UserError,
  description:
    'The payment provider refused or could not be reached. An order already placed keeps its stock until it expires: retry with the same idempotencyKey.',
})
export class PaymentProviderError extends UserError {
  @Field()
  provider: string;

  constructor(provider: string, message: string) {
    super(ErrorCode.PAYMENT_PROVIDER_ERROR, message);
    this.provider = provider;
  }
}

@ObjectType({ implements: UserError, description: 'No unique order number could be found; retrying the request is safe.' })
export class OrderNumberCollision extends UserError {
  @Field(() => Int)
  attempts: number;

  constructor(attempts: number) {
    super(ErrorCode.ORDER_NUMBER_COLLISION, `Could not allocate an order number after ${attempts} attempts; please try again.`);
    this.attempts = attempts;
  }
}

@ObjectType({ implements: UserError })
export class InvalidAddress extends UserError {
  @Field({ description: 'e.g. "line1" or "phone".' })
  field: string;

  constructor(field: string, message: string) {
    super(ErrorCode.INVALID_ADDRESS, message);
    this.field = field;
  }
}

@ObjectType({ implements: UserError })
export class InvalidBuyer extends UserError {
  @Field({ description: 'e.g. "email" or "phone".' })
  field: string;

  constructor(field: string, message: string) {
    super(ErrorCode.INVALID_BUYER, message);
    this.field = field;
  }
}

@ObjectType({ implements: UserError, description: 'The idempotency key was already used for a different checkout.' })
export class IdempotencyKeyReused extends UserError {
  @Field()
  idempotencyKey: string;

  constructor(idempotencyKey: string) {
    super(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      `The idempotency key "${idempotencyKey}" was already used for a different checkout; use a new key for a new order.`,
    );
    this.idempotencyKey = idempotencyKey;
  }
}
