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
  @Field()
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
