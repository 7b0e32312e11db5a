/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AddCartLineInput = {
  cartId: string;
  customization?: Record<string, unknown> | null | undefined;
  quantity: number;
  variantId: string;
};

export type AddressInput = {
  city: string;
  country: string;
  line1: string;
  line2?: string | null | undefined;
  name: string;
  phone?: string | null | undefined;
  postalCode?: string | null | undefined;
  reference?: string | null | undefined;
  /** State, province or prefecture: its ISO 3166-2 code ("AK", "US-AK") or name ("Alaska"); stored as the code. One that names no region of the country is InvalidAddress. */
  region?: string | null | undefined;
};

export type BuyerInput = {
  email: string;
  name: string;
  phone?: string | null | undefined;
};

export type CartLineInput = {
  customization?: Record<string, unknown> | null | undefined;
  quantity: number;
  variantId: string;
};

export type CartWarningCode =
  | 'INSUFFICIENT_STOCK'
  | 'PRICE_NOT_AVAILABLE'
  | 'PRODUCT_NOT_AVAILABLE';

export type CheckoutInput = {
  buyer: BuyerInput;
  cartId?: string | null | undefined;
  currency: string;
  /** Retrying with the same key returns the first order and creates nothing. */
  idempotencyKey?: string | null | undefined;
  /** Explicit items; or give cartId; or neither to use the signed-in customer's cart. */
  items?: Array<CheckoutItemInput> | null | undefined;
  notes?: string | null | undefined;
  payment: PaymentInput;
  shippingAddress: AddressInput;
  /** Default: the cheapest method that serves the address. */
  shippingMethodId?: string | null | undefined;
};

export type CheckoutItemInput = {
  customization?: Record<string, unknown> | null | undefined;
  /** When given, the variant must belong to this product. */
  productId?: string | null | undefined;
  /** An Int, so 0 or a negative number is InvalidQuantity rather than a parse error. */
  quantity: number;
  variantId: string;
};

export type CreateCartInput = {
  /** Default: the shop currency (DEFAULT_CURRENCY). */
  currency?: string | null | undefined;
  lines?: Array<CartLineInput> | null | undefined;
};

/** Machine-readable kind of a UserError. */
export type ErrorCode =
  | 'CART_LINE_NOT_FOUND'
  | 'CART_NOT_FOUND'
  | 'CATEGORY_NOT_FOUND'
  | 'DUPLICATE_SKU'
  | 'DUPLICATE_SLUG'
  | 'EMPTY_CART'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INSUFFICIENT_STOCK'
  | 'INVALID_ADDRESS'
  | 'INVALID_AMOUNT'
  | 'INVALID_BUYER'
  | 'INVALID_INPUT'
  | 'INVALID_PRICE'
  | 'INVALID_QUANTITY'
  | 'INVALID_STOCK'
  | 'NOT_FOUND'
  | 'ORDER_ALREADY_PAID'
  | 'ORDER_NOT_CANCELABLE'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_NOT_PAYABLE'
  | 'ORDER_NOT_REFUNDABLE'
  | 'ORDER_NUMBER_COLLISION'
  | 'PAYMENT_ALREADY_CONFIRMED'
  | 'PAYMENT_NOT_COMPLETED'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_NOT_MANUAL'
  | 'PAYMENT_PROVIDER_ERROR'
  | 'PRICE_NOT_AVAILABLE'
  | 'PRODUCT_NOT_AVAILABLE'
  | 'PRODUCT_NOT_FOUND'
  | 'SHIPPING_METHOD_NOT_FOUND'
  | 'SHIPPING_NOT_SUPPORTED'
  | 'UNSUPPORTED_CURRENCY'
  | 'VARIANT_NOT_FOUND'
  | 'VARIANT_PRODUCT_MISMATCH';

export type OrderStatus =
  | 'CANCELED'
  | 'EXPIRED'
  | 'PAID'
  | 'PARTIALLY_REFUNDED'
  | 'PAYMENT_FAILED'
  /** Cash on delivery: placed, holding stock, paid when delivered. */
  | 'PAYMENT_ON_DELIVERY'
  | 'PAYMENT_RECEIVED_LATE'
  /** Placed, holding stock, waiting for payment; expires at expiresAt. */
  | 'PENDING_PAYMENT'
  | 'REFUNDED';

export type PaymentInput = {
  /** HOSTED_CHECKOUT: where Stripe sends a shopper who gives up. */
  cancelUrl?: string | null | undefined;
  method: PaymentMethod;
  /** Which transfer service, e.g. "zelle"; "stripe" for cards. */
  provider?: string | null | undefined;
  /** HOSTED_CHECKOUT: where Stripe sends the shopper after paying; {ORDER_ID} is replaced. Default from configuration. */
  successUrl?: string | null | undefined;
};

export type PaymentMethod =
  | 'CARD'
  | 'CASH_ON_DELIVERY'
  | 'HOSTED_CHECKOUT'
  | 'MANUAL_TRANSFER';

export type PaymentStatus =
  | 'CANCELED'
  | 'DECLINED'
  | 'FAILED'
  | 'PENDING'
  | 'REFUNDED'
  | 'SUCCEEDED';

export type ProductsQueryVariables = Exact<{
  first: number;
  currency: string;
}>;


export type ProductsQuery = { products: { totalCount: number, edges: Array<{ node: { id: string, name: string, slug: string, variants: Array<{ id: string, sku: string, available: number, price: { amountMinor: number, currency: string, formatted: string } | null }> } }> } };

export type CreateCartMutationVariables = Exact<{
  input?: CreateCartInput | null | undefined;
}>;


export type CreateCartMutation = { createCart:
    | { __typename: 'CartNotFound', code: ErrorCode, message: string }
    | { __typename: 'CreateCartSuccess', cart: { id: string, currency: string, totalQuantity: number } }
    | { __typename: 'InvalidInput', code: ErrorCode, message: string }
    | { __typename: 'InvalidQuantity', code: ErrorCode, message: string }
    | { __typename: 'ProductNotAvailable', code: ErrorCode, message: string }
    | { __typename: 'UnsupportedCurrency', code: ErrorCode, message: string }
    | { __typename: 'VariantNotFound', code: ErrorCode, message: string }
   };

export type AddCartLineMutationVariables = Exact<{
  input: AddCartLineInput;
}>;


export type AddCartLineMutation = { addCartLine:
    | { __typename: 'CartLineNotFound', code: ErrorCode, message: string }
    | { __typename: 'CartNotFound', code: ErrorCode, message: string }
    | { __typename: 'CartSuccess', cart: { id: string, totalQuantity: number, subtotal: { formatted: string }, lines: Array<{ quantity: number, warnings: Array<{ code: CartWarningCode }> }> } }
    | { __typename: 'InvalidInput', code: ErrorCode, message: string }
    | { __typename: 'InvalidQuantity', code: ErrorCode, message: string }
    | { __typename: 'ProductNotAvailable', code: ErrorCode, message: string }
    | { __typename: 'VariantNotFound', code: ErrorCode, message: string }
   };

export type CheckoutCartMutationVariables = Exact<{
  input: CheckoutInput;
}>;


export type CheckoutCartMutation = { checkout:
    | { __typename: 'CartNotFound', code: ErrorCode, message: string }
    | { __typename: 'CheckoutSuccess', order: { id: string, orderNumber: string, status: OrderStatus, expiresAt: string | null, total: { amountMinor: number, currency: string, formatted: string } }, payment: { id: string, method: PaymentMethod, status: PaymentStatus, provider: string | null } }
    | { __typename: 'EmptyCart', code: ErrorCode, message: string }
    | { __typename: 'IdempotencyKeyReused', code: ErrorCode, message: string }
    | { __typename: 'InsufficientStock', code: ErrorCode, message: string, variantId: string, available: number, requested: number }
    | { __typename: 'InvalidAddress', code: ErrorCode, message: string }
    | { __typename: 'InvalidAmount', code: ErrorCode, message: string }
    | { __typename: 'InvalidBuyer', code: ErrorCode, message: string }
    | { __typename: 'InvalidInput', code: ErrorCode, message: string }
    | { __typename: 'InvalidQuantity', code: ErrorCode, message: string }
    | { __typename: 'OrderNumberCollision', code: ErrorCode, message: string }
    | { __typename: 'PaymentProviderError', code: ErrorCode, message: string }
    | { __typename: 'PriceNotAvailable', code: ErrorCode, message: string }
    | { __typename: 'ProductNotAvailable', code: ErrorCode, message: string }
    | { __typename: 'ProductNotFound', code: ErrorCode, message: string }
    | { __typename: 'ShippingMethodNotFound', code: ErrorCode, message: string }
    | { __typename: 'ShippingNotSupported', code: ErrorCode, message: string }
    | { __typename: 'UnsupportedCurrency', code: ErrorCode, message: string }
    | { __typename: 'VariantNotFound', code: ErrorCode, message: string }
    | { __typename: 'VariantProductMismatch', code: ErrorCode, message: string }
   };

export type OrderByIdQueryVariables = Exact<{
  id: string;
}>;


export type OrderByIdQuery = { order: { id: string, orderNumber: string, status: OrderStatus, createdAt: string, total: { formatted: string }, lines: Array<{ sku: string, quantity: number, customization: Record<string, unknown> | null, lineTotal: { formatted: string } }>, payments: Array<{ method: PaymentMethod, status: PaymentStatus, provider: string | null }> } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ProductsDocument = new TypedDocumentString(`
    query Products($first: Int!, $currency: Currency!) {
  products(first: $first) {
    totalCount
    edges {
      node {
        id
        name
        slug
        variants {
          id
          sku
          available
          price(currency: $currency) {
            amountMinor
            currency
            formatted
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ProductsQuery, ProductsQueryVariables>;
export const CreateCartDocument = new TypedDocumentString(`
    mutation CreateCart($input: CreateCartInput) {
  createCart(input: $input) {
    __typename
    ... on CreateCartSuccess {
      cart {
        id
        currency
        totalQuantity
      }
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CreateCartMutation, CreateCartMutationVariables>;
export const AddCartLineDocument = new TypedDocumentString(`
    mutation AddCartLine($input: AddCartLineInput!) {
  addCartLine(input: $input) {
    __typename
    ... on CartSuccess {
      cart {
        id
        totalQuantity
        subtotal {
          formatted
        }
        lines {
          quantity
          warnings {
            code
          }
        }
      }
    }
    ... on UserError {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AddCartLineMutation, AddCartLineMutationVariables>;
export const CheckoutCartDocument = new TypedDocumentString(`
    mutation CheckoutCart($input: CheckoutInput!) {
  checkout(input: $input) {
    __typename
    ... on CheckoutSuccess {
      order {
        id
        orderNumber
        status
        total {
          amountMinor
          currency
          formatted
        }
        expiresAt
      }
      payment {
        id
        method
        status
        provider
      }
    }
    ... on UserError {
      code
      message
    }
    ... on InsufficientStock {
      variantId
      available
      requested
    }
  }
}
    `) as unknown as TypedDocumentString<CheckoutCartMutation, CheckoutCartMutationVariables>;
export const OrderByIdDocument = new TypedDocumentString(`
    query OrderById($id: ID!) {
  order(id: $id) {
    id
    orderNumber
    status
    createdAt
    total {
      formatted
    }
    lines {
      sku
      quantity
      customization
      lineTotal {
        formatted
      }
    }
    payments {
      method
      status
      provider
    }
  }
}
    `) as unknown as TypedDocumentString<OrderByIdQuery, OrderByIdQueryVariables>;