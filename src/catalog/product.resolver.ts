import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { CurrencyResolver } from 'graphql-scalars';
import { forbidden } from '../auth/viewer';
import type { Context } from '../context';
import { toConnection } from '../common/pagination.types';
import { ProductStatus, type Product } from './product.entity';
import type { Category } from './category.entity';
import type { ProductView, VariantView } from './catalog.loaders';
import { CategoryType, ProductConnection, ProductFilter, ProductSort, ProductType, VariantType } from './catalog.types';

@ArgsType()
class ProductsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100; default 20.' })
  first?: number;

  @Field({ nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string;

  @Field(() => ProductFilter, { nullable: true })
  filter?: ProductFilter;

  @Field(() => ProductSort, { nullable: true, defaultValue: ProductSort.NAME })
  sort!: ProductSort;

  @Field(() => CurrencyResolver, { nullable: true, description: 'Required by the price sorts.' })
  currency?: string;
}

@Resolver(() => ProductType)
export class ProductResolver {
  @Query(() => ProductConnection, { description: 'Customers and guests see ACTIVE products only.' })
  async products(@Args() args: ProductsArgs, @Ctx() { viewer, services }: Context): Promise<ProductConnection> {
    const status = args.filter?.status;
    if (status && status !== ProductStatus.ACTIVE && !viewer.isStaff) {
      throw forbidden('Only store staff can list products that are not ACTIVE.');
    }
    const page = await services.catalog.listProducts({
      first: args.first,
      after: args.after,
      search: args.filter?.search,
      categorySlug: args.filter?.category,
      status,
      anyStatus: viewer.isStaff,
      sort: args.sort,
      currency: args.currency?.toUpperCase(),
    });
    return toConnection(new ProductConnection(), page);
  }

  @Query(() => ProductType, { nullable: true, description: 'By id or slug; null when absent or not visible to the viewer.' })
  product(
    @Arg('id', () => ID, { nullable: true }) id: string | undefined,
    @Arg('slug', () => String, { nullable: true }) slug: string | undefined,
    @Ctx() { viewer, services }: Context,
  ): Promise<Product | null> {
    return services.catalog.findProduct({ id, slug }, viewer.isStaff);
  }

  @FieldResolver(() => [VariantType])
  variants(@Root() product: ProductView, @Ctx() { loaders }: Context): Promise<VariantView[]> {
    return loaders.catalog.variantsByProductId.load(product.id);
  }

  @FieldResolver(() => [CategoryType])
  categories(@Root() product: ProductView, @Ctx() { loaders }: Context): Promise<Category[]> {
    return loaders.catalog.categoriesByProductId.load(product.id);
  }
}
