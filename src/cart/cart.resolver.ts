import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ProductType, VariantType } from '../catalog/catalog.types';
import { ProductStatus, type Product } from '../catalog/product.entity';
import { variantLabel } from '../catalog/variant-label';
import type { Variant } from '../catalog/variant.entity';
import { Money } from '../common/money.types';
import type { Context } from '../context';
import { Cart, type CartLine } from './cart.entity';
import {
  AddCartLineInput,
  CartLineType,
  CartResult,
  CartSuccess,
  CartType,
  CartWarning,
  CartWarningCode,
  CreateCartInput,
  CreateCartResult,
  CreateCartSuccess,
  RemoveCartLineInput,
  UpdateCartLineInput,
} from './cart.types';

const asCartResult = <T>(result: Cart | T) => (result instanceof Cart ? new CartSuccess(result) : result);

@Resolver(() => CartType)
export class CartResolver {
  @Query(() => CartType, { nullable: true, description: 'A cart by id; without id, the signed-in customer\'s open cart.' })
  cart(@Arg('id', () => ID, { nullable: true }) id: string | null, @Ctx() { services }: Context): Promise<Cart | null> {
    return services.cart.find(id);
  }

  @Mutation(() => CreateCartResult, { description: 'A signed-in customer who already has an open cart gets that cart back.' })
  async createCart(@Arg('input', () => CreateCartInput, { nullable: true }) input: CreateCartInput | null, @Ctx() { services }: Context) {
    const result = await services.cart.create({ currency: input?.currency, lines: input?.lines });
    return result instanceof Cart ? new CreateCartSuccess(result) : result;
  }

  @Mutation(() => CartResult, { description: 'Adds to an existing line with the same variant and customization, else adds a line.' })
  async addCartLine(@Arg('input') input: AddCartLineInput, @Ctx() { services }: Context) {
    return asCartResult(await services.cart.addLine(input));
  }

  @Mutation(() => CartResult)
  async updateCartLine(@Arg('input') input: UpdateCartLineInput, @Ctx() { services }: Context) {
    return asCartResult(await services.cart.updateLine(input));
  }

  @Mutation(() => CartResult)
  async removeCartLine(@Arg('input') input: RemoveCartLineInput, @Ctx() { services }: Context) {
    return asCartResult(await services.cart.removeLine(input));
  }

  @Mutation(() => CartResult, { description: 'After sign-in: takes over a guest cart, merging it into the customer\'s open cart if any.' })
  async claimCart(@Arg('cartId', () => ID) cartId: string, @Ctx() { services }: Context) {
    return asCartResult(await services.cart.claim(cartId));
  }

  @FieldResolver(() => [CartLineType])
  lines(@Root() cart: Cart, @Ctx() { loaders }: Context): Promise<CartLine[]> {
    return loaders.cart.linesByCartId.load(cart.id);
  }

  @FieldResolver(() => Money, { description: 'Sum of the lines priced in the cart currency, before shipping.' })
  async subtotal(@Root() cart: Cart, @Ctx() ctx: Context): Promise<Money> {
    const lines = await ctx.loaders.cart.linesByCartId.load(cart.id);
    const prices = await Promise.all(lines.map((line) => unitPrice(line, cart.currency, ctx)));
    const total = lines.reduce((sum, line, i) => sum + (prices[i] ?? 0) * line.quantity, 0);
    return new Money(total, cart.currency);
  }

  @FieldResolver(() => Int)
  async totalQuantity(@Root() cart: Cart, @Ctx() { loaders }: Context): Promise<number> {
    const lines = await loaders.cart.linesByCartId.load(cart.id);
    return lines.reduce((sum, line) => sum + line.quantity, 0);
  }
}

async function unitPrice(line: CartLine, currency: string, { loaders }: Context): Promise<number | undefined> {
  const prices = await loaders.catalog.pricesByVariantId.load(line.variant.id);
  return prices.find((p) => p.currency === currency)?.amountMinor;
}

async function variantAndProduct(line: CartLine, { loaders }: Context): Promise<{ variant: Variant; product: Product }> {
  const variant = await loaders.catalog.variantById.load(line.variant.id);
  const product = variant && (await loaders.catalog.productById.load(variant.product.id));
  if (!variant || !product) throw new Error(`cart line ${line.id} points at a missing variant`);
  return { variant, product };
}

@Resolver(() => CartLineType)
export class CartLineResolver {
  @FieldResolver(() => VariantType)
  async variant(@Root() line: CartLine, @Ctx() ctx: Context): Promise<Variant> {
    return (await variantAndProduct(line, ctx)).variant;
  }

  @FieldResolver(() => ProductType)
  async product(@Root() line: CartLine, @Ctx() ctx: Context): Promise<Product> {
    return (await variantAndProduct(line, ctx)).product;
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Current price in the cart currency; null when the variant has none.' })
  async unitPrice(@Root() line: CartLine, @Ctx() ctx: Context): Promise<Money | null> {
    // Lines are only reached through their cart, which the identity map already holds.
    const amount = await unitPrice(line, line.cart.currency, ctx);
    return amount === undefined ? null : new Money(amount, line.cart.currency);
  }

  @FieldResolver(() => Money, { nullable: true })
  async lineTotal(@Root() line: CartLine, @Ctx() ctx: Context): Promise<Money | null> {
    const amount = await unitPrice(line, line.cart.currency, ctx);
    return amount === undefined ? null : new Money(amount * line.quantity, line.cart.currency);
  }

  @FieldResolver(() => Int, { description: 'Units of this variant that can be bought now.' })
  async available(@Root() line: CartLine, @Ctx() ctx: Context): Promise<number> {
    const { variant } = await variantAndProduct(line, ctx);
    return variant.stockOnHand - variant.stockReserved;
  }

  @FieldResolver(() => [CartWarning], { description: 'Why checkout would refuse this line as it stands.' })
  async warnings(@Root() line: CartLine, @Ctx() ctx: Context): Promise<CartWarning[]> {
    const { variant, product } = await variantAndProduct(line, ctx);
    const label = variantLabel(product.name, variant.options);
    const warnings: CartWarning[] = [];
    if (product.status !== ProductStatus.ACTIVE) {
      warnings.push({ code: CartWarningCode.PRODUCT_NOT_AVAILABLE, message: `${label} is no longer on sale.` });
    }
    const available = variant.stockOnHand - variant.stockReserved;
    if (line.quantity > available) {
      warnings.push({
        code: CartWarningCode.INSUFFICIENT_STOCK,
        message: available === 0 ? `${label} is sold out.` : `Only ${available} left of ${label}; the cart has ${line.quantity}.`,
      });
    }
    if ((await unitPrice(line, line.cart.currency, ctx)) === undefined) {
      warnings.push({ code: CartWarningCode.PRICE_NOT_AVAILABLE, message: `${label} has no price in ${line.cart.currency}.` });
    }
    return warnings;
  }
}
