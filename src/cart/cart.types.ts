import { CurrencyResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { InvalidQuantity, ProductNotAvailable, VariantNotFound } from '../catalog/catalog.errors';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { Cart, CartStatus } from './cart.entity';
import { CartLineNotFound, CartNotFound } from './cart.errors';

registerEnumType(CartStatus, { name: 'CartStatus' });

export enum CartWarningCode {
  INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK',
  PRODUCT_NOT_AVAILABLE = 'PRODUCT_NOT_AVAILABLE',
  PRICE_NOT_AVAILABLE = 'PRICE_NOT_AVAILABLE',
}
registerEnumType(CartWarningCode, { name: 'CartWarningCode' });

@ObjectType({ description: 'Something that will stop this line at checkout unless the shopper changes it.' })
export class CartWarning {
  @Field(() => CartWarningCode)
  code!: CartWarningCode;

  @Field()
  message!: string;
}

@ObjectType('CartLine')
export class CartLineType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'e.g. { "note": "Gift wrap please" }' })
  customization?: Record<string, unknown> | null;
}

@ObjectType('Cart')
export class CartType {
  @Field(() => ID, { description: 'Unguessable: for a guest cart it is the key to the cart.' })
  id!: string;

  @Field(() => CurrencyResolver)
  currency!: string;

  @Field(() => CartStatus)
  status!: CartStatus;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  updatedAt!: Date;
}

@InputType()
export class CartLineInput {
  @Field(() => ID)
  variantId!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => JSONObjectResolver, { nullable: true })
  customization?: Record<string, unknown> | null;
}

@InputType()
export class CreateCartInput {
  @Field(() => CurrencyResolver, { nullable: true, description: 'Default: the shop currency (DEFAULT_CURRENCY).' })
  currency?: string;

  @Field(() => [CartLineInput], { nullable: true })
  lines?: CartLineInput[];
}

@InputType()
export class AddCartLineInput extends CartLineInput {
  @Field(() => ID)
  cartId!: string;
}

@InputType()
export class UpdateCartLineInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => ID)
  lineId!: string;

  @Field(() => Int, { description: '0 removes the line.' })
  quantity!: number;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Replaces the customization when given.' })
  customization?: Record<string, unknown> | null;
}

@InputType()
export class RemoveCartLineInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => ID)
  lineId!: string;
}

@ObjectType()
export class CartSuccess {
  @Field(() => CartType)
  cart: Cart;

  constructor(cart: Cart) {
    this.cart = cart;
  }
}

@ObjectType()
export class CreateCartSuccess {
  @Field(() => CartType)
  cart: Cart;

  constructor(cart: Cart) {
    this.cart = cart;
  }
}

export const CreateCartResult = createUnionType({
  name: 'CreateCartResult',
  types: () => [CreateCartSuccess, UnsupportedCurrency, VariantNotFound, ProductNotAvailable, InvalidQuantity, InvalidInput, CartNotFound] as const,
});

export const CartResult = createUnionType({
  name: 'CartResult',
  types: () =>
    [CartSuccess, CartNotFound, CartLineNotFound, VariantNotFound, ProductNotAvailable, InvalidQuantity, InvalidInput] as const,
});

