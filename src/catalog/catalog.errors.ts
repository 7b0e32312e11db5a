import { CurrencyResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from '../common/errors';

@ObjectType({ implements: UserError })
export class DuplicateSlug extends UserError {
  @Field()
  slug: string;

  constructor(slug: string) {
    super(ErrorCode.DUPLICATE_SLUG, `The slug "${slug}" is already used.`);
    this.slug = slug;
  }
}

@ObjectType({ implements: UserError })
export class DuplicateSku extends UserError {
  @Field()
  sku: string;

  constructor(sku: string) {
    super(ErrorCode.DUPLICATE_SKU, `The SKU "${sku}" is already used by another variant.`);
    this.sku = sku;
  }
}

@ObjectType({ implements: UserError, description: 'A price below zero or above the largest amount allowed.' })
export class InvalidPrice extends UserError {
  @Field(() => CurrencyResolver)
  currency: string;

  @Field(() => Int)
  amountMinor: number;

  constructor(currency: string, amountMinor: number) {
    super(
      ErrorCode.INVALID_PRICE,
      amountMinor < 0 ? `A price cannot be negative (got ${amountMinor} ${currency}).` : `The price ${amountMinor} ${currency} is too large.`,
    );
    this.currency = currency;
    this.amountMinor = amountMinor;
  }
}

@ObjectType({ implements: UserError, description: 'A stock change that would leave on hand below zero or below what is reserved.' })
export class InvalidStockAdjustment extends UserError {
  @Field(() => ID)
  variantId: string;

  @Field(() => Int)
  onHand: number;

  @Field(() => Int)
  reserved: number;

  @Field(() => Int)
  delta: number;

  constructor(variantId: string, onHand: number, reserved: number, delta: number) {
    super(
      ErrorCode.INVALID_STOCK,
      `Cannot change stock by ${delta}: ${onHand} on hand with ${reserved} reserved by unpaid orders.`,
    );
    this.variantId = variantId;
    this.onHand = onHand;
    this.reserved = reserved;
    this.delta = delta;
  }
}

@ObjectType({ implements: UserError })
export class CategoryNotFound extends UserError {
  @Field()
  slug: string;

  constructor(slug: string) {
    super(ErrorCode.CATEGORY_NOT_FOUND, `There is no category "${slug}".`);
    this.slug = slug;
  }
}

@ObjectType({ implements: UserError })
export class ProductNotFound extends UserError {
  @Field(() => ID)
  productId: string;

  constructor(productId: string) {
    super(ErrorCode.PRODUCT_NOT_FOUND, `Product ${productId} does not exist.`);
    this.productId = productId;
  }
}

@ObjectType({ implements: UserError })
export class VariantNotFound extends UserError {
  @Field(() => ID)
  variantId: string;

  constructor(variantId: string) {
    super(ErrorCode.VARIANT_NOT_FOUND, `Variant ${variantId} does not exist.`);
    this.variantId = variantId;
  }
}

@ObjectType({ implements: UserError, description: 'The product exists but is not on sale (DRAFT or ARCHIVED).' })
export class ProductNotAvailable extends UserError {
  @Field(() => ID)
  productId: string;

  @Field(() => ID)
  variantId: string;

  constructor(productId: string, productName: string, variantId: string) {
    super(ErrorCode.PRODUCT_NOT_AVAILABLE, `${productName} is not available for sale.`);
    this.productId = productId;
    this.variantId = variantId;
  }
}

@ObjectType({ implements: UserError, description: 'A quantity of zero or less, or above the per-line maximum.' })
export class InvalidQuantity extends UserError {
  @Field(() => ID)
  variantId: string;

  @Field(() => Int)
  quantity: number;

  @Field(() => Int)
  maximum: number;

  constructor(variantId: string, quantity: number, maximum: number) {
    super(
      ErrorCode.INVALID_QUANTITY,
      quantity < 1 ? `Quantity must be at least 1 (got ${quantity}).` : `At most ${maximum} of one item per order (got ${quantity}).`,
    );
    this.variantId = variantId;
    this.quantity = quantity;
    this.maximum = maximum;
  }
}

@ObjectType({ implements: UserError })
export class InsufficientStock extends UserError {
  @Field(() => ID)
  productId: string;

  @Field(() => ID)
  variantId: string;

  @Field(() => Int)
  available: number;

  @Field(() => Int)
  requested: number;

  constructor(item: { productId: string; variantId: string; label: string }, available: number, requested: number) {
    super(
      ErrorCode.INSUFFICIENT_STOCK,
      available === 0
        ? `${item.label} is sold out; you asked for ${requested}.`
        : `Only ${available} left of ${item.label}; you asked for ${requested}.`,
    );
    this.productId = item.productId;
    this.variantId = item.variantId;
    this.available = available;
    this.requested = requested;
  }
}
