import { Field, InterfaceType, registerEnumType } from 'type-graphql';

/**
 * Every failure a user can cause is a value: a class implementing UserError, returned in a
 * mutation's result union. Services return these; resolvers pass them through unchanged.
 * Thrown exceptions are kept for bugs, which clients see as INTERNAL_SERVER_ERROR, and for
 * database outages, which they see as SERVICE_UNAVAILABLE (HTTP 503, retryable).
 */
export enum ErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  DUPLICATE_SLUG = 'DUPLICATE_SLUG',
  DUPLICATE_SKU = 'DUPLICATE_SKU',
  UNSUPPORTED_CURRENCY = 'UNSUPPORTED_CURRENCY',
  INVALID_PRICE = 'INVALID_PRICE',
  INVALID_STOCK = 'INVALID_STOCK',
  CATEGORY_NOT_FOUND = 'CATEGORY_NOT_FOUND',
  PRODUCT_NOT_FOUND = 'PRODUCT_NOT_FOUND',
  PRODUCT_NOT_AVAILABLE = 'PRODUCT_NOT_AVAILABLE',
  VARIANT_NOT_FOUND = 'VARIANT_NOT_FOUND',
  VARIANT_PRODUCT_MISMATCH = 'VARIANT_PRODUCT_MISMATCH',
  PRICE_NOT_AVAILABLE = 'PRICE_NOT_AVAILABLE',
  INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK',
  INVALID_QUANTITY = 'INVALID_QUANTITY',
  EMPTY_CART = 'EMPTY_CART',
  SHIPPING_NOT_SUPPORTED = 'SHIPPING_NOT_SUPPORTED',
  SHIPPING_METHOD_NOT_FOUND = 'SHIPPING_METHOD_NOT_FOUND',
  INVALID_AMOUNT = 'INVALID_AMOUNT',
  PAYMENT_PROVIDER_ERROR = 'PAYMENT_PROVIDER_ERROR',
  ORDER_NUMBER_COLLISION = 'ORDER_NUMBER_COLLISION',
  CART_NOT_FOUND = 'CART_NOT_FOUND',
  CART_LINE_NOT_FOUND = 'CART_LINE_NOT_FOUND',
  INVALID_ADDRESS = 'INVALID_ADDRESS',
  INVALID_BUYER = 'INVALID_BUYER',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  PAYMENT_NOT_FOUND = 'PAYMENT_NOT_FOUND',
  PAYMENT_NOT_MANUAL = 'PAYMENT_NOT_MANUAL',
  PAYMENT_ALREADY_CONFIRMED = 'PAYMENT_ALREADY_CONFIRMED',
  ORDER_NOT_PAYABLE = 'ORDER_NOT_PAYABLE',
  ORDER_NOT_CANCELABLE = 'ORDER_NOT_CANCELABLE',
  ORDER_ALREADY_PAID = 'ORDER_ALREADY_PAID',
  PAYMENT_NOT_COMPLETED = 'PAYMENT_NOT_COMPLETED',
  ORDER_NOT_REFUNDABLE = 'ORDER_NOT_REFUNDABLE',
}

registerEnumType(ErrorCode, { name: 'ErrorCode', description: 'Machine-readable kind of a UserError.' });

@InterfaceType({ description: 'A failure the caller caused and can correct; never a server fault.' })
export abstract class UserError {
  @Field(() => ErrorCode)
  code: ErrorCode;

  @Field({ description: 'Clear English a frontend may show as it is.' })
  message: string;

  protected constructor(code: ErrorCode, message: string) {
    this.code = code;
    this.message = message;
  }
}

export function isUserError(value: unknown): value is UserError {
  return value instanceof UserError;
}
