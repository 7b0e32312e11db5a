import { CurrencyResolver, DateTimeResolver } from 'graphql-scalars';
import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { PageInfo } from '../common/pagination.types';
import {
  CategoryNotFound,
  DuplicateSku,
  DuplicateSlug,
  InvalidPrice,
  InvalidStockAdjustment,
  ProductNotFound,
  VariantNotFound,
} from './catalog.errors';
import type { ProductView } from './catalog.loaders';
import type { Category } from './category.entity';
import { ProductStatus, type Product } from './product.entity';
import type { Variant } from './variant.entity';

registerEnumType(ProductStatus, {
  name: 'ProductStatus',
  description: 'Only ACTIVE products are visible to customers and guests.',
});

export enum ProductSort {
  NAME = 'NAME',
  NEWEST = 'NEWEST',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
}
registerEnumType(ProductSort, {
  name: 'ProductSort',
  description: 'PRICE_ASC and PRICE_DESC sort by the lowest variant price in the `currency` argument; products without a price in it come last.',
});

@ObjectType('Category', { simpleResolvers: true })
export class CategoryType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  slug!: string;
}

@ObjectType('OptionValue', { description: 'One option of a variant, e.g. name "size", value "M".', simpleResolvers: true })
export class OptionValueType {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType({ description: 'Stock figures of a variant, for staff.', simpleResolvers: true })
export class StockLevel {
  @Field(() => Int)
  onHand!: number;

  @Field(() => Int, { description: 'Held by unpaid orders.' })
  reserved!: number;

  @Field(() => Int)
  available!: number;
}

@ObjectType('Variant', { simpleResolvers: true })
export class VariantType {
  @Field(() => ID)
  id!: string;

  @Field()
  sku!: string;

  @Field(() => [OptionValueType])
  options!: OptionValueType[];
}

// simpleResolvers, here and on the other types a product page returns: graphql-js reads a
// plain field straight off the object; type-graphql's wrapper allocated per field, ~700 a page.
@ObjectType('Product', { simpleResolvers: true })
export class ProductType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  slug!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String])
  imageUrls!: string[];

  @Field(() => ProductStatus)
  status!: ProductStatus;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ProductEdge {
  @Field()
  cursor!: string;

  @Field(() => ProductType)
  node!: ProductView;
}

@ObjectType({ simpleResolvers: true })
export class ProductConnection {
  @Field(() => [ProductEdge])
  edges!: ProductEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  countTotal!: () => Promise<number>;

  @Field(() => Int, {
    description:
      'Products matching the filter, over all pages: exact up to 1,000; above that an estimate from the ' +
      "database's statistics (always more than 1,000), so that counting costs the same in a catalog of any size.",
  })
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}

@InputType()
export class ProductFilter {
  @Field({
    nullable: true,
    description:
      'Products whose name or description contains this text, ignoring case (a substring, not words: "lamp" ' +
      'matches "Lamps" and "clamp"; `%` and `_` are plain characters). At least 3 characters, after trimming.',
  })
  search?: string;

  @Field({ nullable: true, description: 'Slug of a category.' })
  category?: string;

  @Field(() => ProductStatus, { nullable: true, description: 'Staff only; others always see ACTIVE products.' })
  status?: ProductStatus;
}

@InputType()
export class OptionValueInput {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@InputType()
export class PriceInput {
  @Field(() => CurrencyResolver)
  currency!: string;

  @Field(() => Int)
  amountMinor!: number;
}

@InputType()
export class CreateVariantInput {
  @Field()
  sku!: string;

  @Field(() => [OptionValueInput], { nullable: true })
  options?: OptionValueInput[];

  @Field(() => [PriceInput])
  prices!: PriceInput[];

  @Field(() => Int)
  stockOnHand!: number;
}

@InputType()
export class CreateProductInput {
  @Field()
  name!: string;

  @Field({ nullable: true, description: 'Made from the name when absent.' })
  slug?: string;

  @Field({ nullable: true })
  description?: string;

  @Field(() => ProductStatus, { nullable: true, description: 'Default DRAFT.' })
  status?: ProductStatus;

  @Field(() => [String], { nullable: true })
  imageUrls?: string[];

  @Field(() => [String], { nullable: true, description: 'Slugs of existing categories.' })
  categories?: string[];

  @Field(() => [CreateVariantInput])
  variants!: CreateVariantInput[];
}

@InputType()
export class UpdateProductInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  slug?: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ProductStatus, { nullable: true })
  status?: ProductStatus;

  @Field(() => [String], { nullable: true })
  imageUrls?: string[];

  @Field(() => [String], { nullable: true, description: 'Replaces the product\'s categories.' })
  categories?: string[];
}

@InputType()
export class SetVariantPriceInput {
  @Field(() => ID)
  variantId!: string;

  @Field(() => CurrencyResolver)
  currency!: string;

  @Field(() => Int)
  amountMinor!: number;
}

@InputType()
export class AdjustStockInput {
  @Field(() => ID)
  variantId!: string;

  @Field(() => Int, { description: 'Units to add to stock on hand (negative to remove).' })
  delta!: number;

  @Field({ nullable: true, description: 'Why, e.g. "delivery from supplier" or "damaged".' })
  reason?: string;
}

@InputType()
export class CreateCategoryInput {
  @Field()
  name!: string;

  @Field({ nullable: true })
  slug?: string;
}

@ObjectType()
export class CreateProductSuccess {
  @Field(() => ProductType)
  product: Product;

  constructor(product: Product) {
    this.product = product;
  }
}

@ObjectType()
export class UpdateProductSuccess {
  @Field(() => ProductType)
  product: Product;

  constructor(product: Product) {
    this.product = product;
  }
}

@ObjectType()
export class SetVariantPriceSuccess {
  @Field(() => VariantType)
  variant: Variant;

  constructor(variant: Variant) {
    this.variant = variant;
  }
}

@ObjectType()
export class AdjustStockSuccess {
  @Field(() => VariantType)
  variant: Variant;

  constructor(variant: Variant) {
    this.variant = variant;
  }
}

@ObjectType()
export class CreateCategorySuccess {
  @Field(() => CategoryType)
  category: Category;

  constructor(category: Category) {
    this.category = category;
  }
}

export const CreateProductResult = createUnionType({
  name: 'CreateProductResult',
  types: () =>
    [CreateProductSuccess, InvalidInput, DuplicateSlug, DuplicateSku, UnsupportedCurrency, InvalidPrice, CategoryNotFound] as const,
});

export const UpdateProductResult = createUnionType({
  name: 'UpdateProductResult',
  types: () => [UpdateProductSuccess, ProductNotFound, InvalidInput, DuplicateSlug, CategoryNotFound] as const,
});

export const SetVariantPriceResult = createUnionType({
  name: 'SetVariantPriceResult',
  types: () => [SetVariantPriceSuccess, VariantNotFound, UnsupportedCurrency, InvalidPrice, InvalidInput] as const,
});

export const AdjustStockResult = createUnionType({
  name: 'AdjustStockResult',
  types: () => [AdjustStockSuccess, VariantNotFound, InvalidStockAdjustment, InvalidInput] as const,
});

export const CreateCategoryResult = createUnionType({
  name: 'CreateCategoryResult',
  types: () => [CreateCategorySuccess, InvalidInput, DuplicateSlug] as const,
});
