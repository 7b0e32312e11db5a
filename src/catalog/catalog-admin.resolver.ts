import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { STAFF } from '../auth/auth-checker';
import type { Context } from '../context';
import { Category } from './category.entity';
import { Product } from './product.entity';
import { Variant } from './variant.entity';
import {
  AdjustStockInput,
  AdjustStockResult,
  AdjustStockSuccess,
  CategoryType,
  CreateCategoryInput,
  CreateCategoryResult,
  CreateCategorySuccess,
  CreateProductInput,
  CreateProductResult,
  CreateProductSuccess,
  SetVariantPriceInput,
  SetVariantPriceResult,
  SetVariantPriceSuccess,
  UpdateProductInput,
  UpdateProductResult,
  UpdateProductSuccess,
} from './catalog.types';

/** Staff operations on the catalog. Each returns its success type or a typed error from the service. */
@Resolver()
export class CatalogAdminResolver {
  @Query(() => [CategoryType])
  categories(@Ctx() { services }: Context): Promise<Category[]> {
    return services.catalog.listCategories();
  }

  @Authorized(STAFF)
  @Mutation(() => CreateCategoryResult)
  async createCategory(@Arg('input') input: CreateCategoryInput, @Ctx() { services }: Context) {
    const result = await services.catalog.createCategory(input);
    return result instanceof Category ? new CreateCategorySuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => CreateProductResult, { description: 'Creates a product with its variants, prices and stock in one go.' })
  async createProduct(@Arg('input') input: CreateProductInput, @Ctx() { services }: Context) {
    const result = await services.catalog.createProduct(input);
    return result instanceof Product ? new CreateProductSuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => UpdateProductResult)
  async updateProduct(@Arg('input') input: UpdateProductInput, @Ctx() { services }: Context) {
    const result = await services.catalog.updateProduct(input);
    return result instanceof Product ? new UpdateProductSuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => SetVariantPriceResult, { description: 'Sets (or replaces) the price of a variant in one currency.' })
  async setVariantPrice(@Arg('input') input: SetVariantPriceInput, @Ctx() { services }: Context) {
    const result = await services.catalog.setVariantPrice(input);
    return result instanceof Variant ? new SetVariantPriceSuccess(result) : result;
  }

  @Authorized(STAFF)
  @Mutation(() => AdjustStockResult, { description: 'Adds to or removes from stock on hand; never below what unpaid orders reserve.' })
  async adjustStock(@Arg('input') input: AdjustStockInput, @Ctx() { services }: Context) {
    const result = await services.catalog.adjustStock(input);
    return result instanceof Variant ? new AdjustStockSuccess(result) : result;
  }
}
