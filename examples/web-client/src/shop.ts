// A typed client for the commerce API, as a frontend would write it: operations with
// `graphql()` from the generated folder, sent with fetch. Runs in a browser and in Node 20+.
import { graphql } from './gql';
import type { CheckoutCartMutation, TypedDocumentString } from './gql/graphql';

export const Products = graphql(`
  query Products($first: Int!, $currency: Currency!) {
    products(first: $first) {
      totalCount
      edges {
        node {
          id
          name
          slug
          variants { id sku available price(currency: $currency) { amountMinor currency formatted } }
        }
      }
    }
  }
`);

export const CreateCart = graphql(`
  mutation CreateCart($input: CreateCartInput) {
    createCart(input: $input) {
      __typename
      ... on CreateCartSuccess { cart { id currency totalQuantity } }
      ... on UserError { code message }
    }
  }
`);

export const AddCartLine = graphql(`
  mutation AddCartLine($input: AddCartLineInput!) {
    addCartLine(input: $input) {
      __typename
      ... on CartSuccess { cart { id totalQuantity subtotal { formatted } lines { quantity warnings { code } } } }
      ... on UserError { code message }
    }
  }
`);

export const CheckoutCart = graphql(`
  mutation CheckoutCart($input: CheckoutInput!) {
    checkout(input: $input) {
      __typename
      ... on CheckoutSuccess {
        order { id orderNumber status total { amountMinor currency formatted } expiresAt }
        payment { id method status provider }
      }
      ... on UserError { code message }
      ... on InsufficientStock { variantId available requested }
    }
  }
`);

export const OrderById = graphql(`
  query OrderById($id: ID!) {
    order(id: $id) {
      id
      orderNumber
      status
      createdAt
      total { formatted }
      lines { sku quantity customization lineTotal { formatted } }
      payments { method status provider }
    }
  }
`);

export class GraphQLRequestError extends Error {}

/** Sends one operation; its variables and answer are typed by the document. */
export async function execute<TResult, TVariables>(
  endpoint: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<TResult> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      // A JSON body is what satisfies the server's CSRF prevention; it also makes the browser send a preflight.
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await response.json()) as { data?: TResult | null; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) {
    throw new GraphQLRequestError(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`);
  }
  return body.data;
}

type CheckoutResult = CheckoutCartMutation['checkout'];

/**
 * What the shop's page shows for each answer. The switch names every member of the
 * CheckoutResult union: when the API adds one, `never` stops the build until it is handled.
 */
export function describeCheckout(result: CheckoutResult): string {
  switch (result.__typename) {
    case 'CheckoutSuccess':
      return `Order ${result.order.orderNumber} placed: ${result.order.total.formatted}, pay by ${result.payment.method}.`;
    case 'InsufficientStock':
      return `Only ${result.available} left; you asked for ${result.requested}.`;
    case 'EmptyCart':
    case 'InvalidQuantity':
    case 'ProductNotFound':
    case 'ProductNotAvailable':
    case 'VariantNotFound':
    case 'VariantProductMismatch':
    case 'PriceNotAvailable':
    case 'ShippingNotSupported':
    case 'ShippingMethodNotFound':
    case 'InvalidAmount':
    case 'PaymentProviderError':
    case 'OrderNumberCollision':
    case 'InvalidAddress':
    case 'InvalidBuyer':
    case 'IdempotencyKeyReused':
    case 'CartNotFound':
    case 'UnsupportedCurrency':
    case 'InvalidInput':
      return result.message;
    default:
      return unhandled(result);
  }
}

function unhandled(result: never): never {
  throw new Error(`Unhandled checkout result ${(result as { __typename: string }).__typename}`);
}

export interface ShopRun {
  products: number;
  cartId: string;
  checkout: string;
  orderNumber: string;
  orderStatus: string;
  orderTotal: string;
  createdAt: Date;
}

/** The whole journey: products, a cart, checkout by bank transfer, then the order. */
export async function buyFirstProduct(endpoint: string): Promise<ShopRun> {
  const { products } = await execute(endpoint, Products, { first: 10, currency: 'USD' });
  const variant = products.edges.flatMap((edge) => edge.node.variants).find((v) => v.available > 0 && v.price);
  if (!variant) throw new Error('No product in stock with a USD price.');

  const { createCart } = await execute(endpoint, CreateCart, { input: { currency: 'USD' } });
  if (createCart.__typename !== 'CreateCartSuccess') throw new Error(`createCart: ${createCart.__typename}`);
  const cartId = createCart.cart.id;
  const { addCartLine } = await execute(endpoint, AddCartLine, {
    input: { cartId, variantId: variant.id, quantity: 1, customization: { note: 'Gift wrap please' } },
  });
  if (addCartLine.__typename !== 'CartSuccess') throw new Error(`addCartLine: ${addCartLine.__typename}`);

  const { checkout } = await execute(endpoint, CheckoutCart, {
    input: {
      cartId,
      currency: 'USD',
      buyer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      shippingAddress: { name: 'Ada Lovelace', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' },
      payment: { method: 'MANUAL_TRANSFER', provider: 'zelle' },
    },
  });
  if (checkout.__typename !== 'CheckoutSuccess') throw new Error(describeCheckout(checkout));

  const { order } = await execute(endpoint, OrderById, { id: checkout.order.id });
  if (!order) throw new Error(`Order ${checkout.order.id} not found`);
  return {
    products: products.totalCount,
    cartId,
    checkout: describeCheckout(checkout),
    orderNumber: order.orderNumber,
    orderStatus: order.status,
    orderTotal: order.total.formatted,
    // DateTime is typed string (schema/codegen-scalars.json), an ISO 8601 instant.
    createdAt: new Date(order.createdAt),
  };
}
