import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { CurrencyResolver } from 'graphql-scalars';
import { STAFF } from '../auth/auth-checker';
import type { Context } from '../context';
import { Money } from '../common/money.types';
import type { Product } from './product.entity';
import type { VariantView } from './catalog.loaders';
import { ProductType, StockLevel, VariantType } from './catalog.types';

@Resolver(() => VariantType)
export class VariantResolver {
  @FieldResolver(() => Money, { nullable: true, description: 'The price in this currency; null when the variant is not priced in it.' })
  price(
    @Root() variant: VariantView,
    @Arg('currency', () => CurrencyResolver) currency: string,
    @Ctx() { loaders }: Context,
  ): Money | null | Promise<Money | null> {
    // Synchronous when the variant came with its prices (a product page): no promise per field.
    const code = currency.toUpperCase();
    const inCurrency = (prices: Money[]) => prices.find((p) => p.currency === code) ?? null;
    const prices = loaders.catalog.pricesOf(variant.id);
    return prices instanceof Promise ? prices.then(inCurrency) : inCurrency(prices);
  }

  @FieldResolver(() => [Money], { description: 'Every currency the variant is priced in.' })
  prices(@Root() variant: VariantView, @Ctx() { loaders }: Context): Money[] | Promise<Money[]> {
    return loaders.catalog.pricesOf(variant.id);
  }

  @FieldResolver(() => Int, { description: 'Units that can be bought now: on hand minus reserved.' })
  available(@Root() variant: VariantView): number {
    return variant.stockOnHand - variant.stockReserved;
  }

  @Authorized(STAFF)
  // Nullable so that a viewer who may not see it loses this field alone, not the variant.
  @FieldResolver(() => StockLevel, { nullable: true, description: 'Staff only: on hand, reserved and available units.' })
  stock(@Root() variant: VariantView): StockLevel {
    return { onHand: variant.stockOnHand, reserved: variant.stockReserved, available: variant.stockOnHand - variant.stockReserved };
  }

  @FieldResolver(() => ProductType)
  async product(@Root() variant: VariantView, @Ctx() { loaders }: Context): Promise<Product> {
    const product = await loaders.catalog.productById.load(variant.product.id);
    if (!product) throw new Error(`variant ${variant.id} has no product`);
    return product;
  }
}
