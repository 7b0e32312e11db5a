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
  async price(
    @Root() variant: VariantView,
    @Arg('currency', () => CurrencyResolver) currency: string,
    @Ctx() { loaders }: Context,
  ): Promise<Money | null> {
    const code = currency.toUpperCase();
    const prices = await loaders.catalog.pricesByVariantId.load(variant.id);
    const price = prices.find((p) => p.currency === code);
    return price ? new Money(price.amountMinor, price.currency) : null;
  }

  @FieldResolver(() => [Money], { description: 'Every currency the variant is priced in.' })
  async prices(@Root() variant: VariantView, @Ctx() { loaders }: Context): Promise<Money[]> {
    const prices = await loaders.catalog.pricesByVariantId.load(variant.id);
    return prices.map((p) => new Money(p.amountMinor, p.currency));
  }

  @FieldResolver(() => Int, { description: 'Units that can be bought now: on hand minus reserved.' })
  available(@Root() variant: VariantView): number {
    return variant.stockOnHand - variant.stockReserved;
  }

  @Authorized(STAFF)
  @FieldResolver(() => StockLevel)
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
