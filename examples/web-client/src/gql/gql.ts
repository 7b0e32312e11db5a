/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Products($first: Int!, $currency: Currency!) {\n    products(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          slug\n          variants { id sku available price(currency: $currency) { amountMinor currency formatted } }\n        }\n      }\n    }\n  }\n": typeof types.ProductsDocument,
    "\n  mutation CreateCart($input: CreateCartInput) {\n    createCart(input: $input) {\n      __typename\n      ... on CreateCartSuccess { cart { id currency totalQuantity } }\n      ... on UserError { code message }\n    }\n  }\n": typeof types.CreateCartDocument,
    "\n  mutation AddCartLine($input: AddCartLineInput!) {\n    addCartLine(input: $input) {\n      __typename\n      ... on CartSuccess { cart { id totalQuantity subtotal { formatted } lines { quantity warnings { code } } } }\n      ... on UserError { code message }\n    }\n  }\n": typeof types.AddCartLineDocument,
    "\n  mutation CheckoutCart($input: CheckoutInput!) {\n    checkout(input: $input) {\n      __typename\n      ... on CheckoutSuccess {\n        order { id orderNumber status total { amountMinor currency formatted } expiresAt }\n        payment { id method status provider }\n      }\n      ... on UserError { code message }\n      ... on InsufficientStock { variantId available requested }\n    }\n  }\n": typeof types.CheckoutCartDocument,
    "\n  query OrderById($id: ID!) {\n    order(id: $id) {\n      id\n      orderNumber\n      status\n      createdAt\n      total { formatted }\n      lines { sku quantity customization lineTotal { formatted } }\n      payments { method status provider }\n    }\n  }\n": typeof types.OrderByIdDocument,
};
const documents: Documents = {
    "\n  query Products($first: Int!, $currency: Currency!) {\n    products(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          slug\n          variants { id sku available price(currency: $currency) { amountMinor currency formatted } }\n        }\n      }\n    }\n  }\n": types.ProductsDocument,
    "\n  mutation CreateCart($input: CreateCartInput) {\n    createCart(input: $input) {\n      __typename\n      ... on CreateCartSuccess { cart { id currency totalQuantity } }\n      ... on UserError { code message }\n    }\n  }\n": types.CreateCartDocument,
    "\n  mutation AddCartLine($input: AddCartLineInput!) {\n    addCartLine(input: $input) {\n      __typename\n      ... on CartSuccess { cart { id totalQuantity subtotal { formatted } lines { quantity warnings { code } } } }\n      ... on UserError { code message }\n    }\n  }\n": types.AddCartLineDocument,
    "\n  mutation CheckoutCart($input: CheckoutInput!) {\n    checkout(input: $input) {\n      __typename\n      ... on CheckoutSuccess {\n        order { id orderNumber status total { amountMinor currency formatted } expiresAt }\n        payment { id method status provider }\n      }\n      ... on UserError { code message }\n      ... on InsufficientStock { variantId available requested }\n    }\n  }\n": types.CheckoutCartDocument,
    "\n  query OrderById($id: ID!) {\n    order(id: $id) {\n      id\n      orderNumber\n      status\n      createdAt\n      total { formatted }\n      lines { sku quantity customization lineTotal { formatted } }\n      payments { method status provider }\n    }\n  }\n": types.OrderByIdDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Products($first: Int!, $currency: Currency!) {\n    products(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          slug\n          variants { id sku available price(currency: $currency) { amountMinor currency formatted } }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ProductsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCart($input: CreateCartInput) {\n    createCart(input: $input) {\n      __typename\n      ... on CreateCartSuccess { cart { id currency totalQuantity } }\n      ... on UserError { code message }\n    }\n  }\n"): typeof import('./graphql').CreateCartDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddCartLine($input: AddCartLineInput!) {\n    addCartLine(input: $input) {\n      __typename\n      ... on CartSuccess { cart { id totalQuantity subtotal { formatted } lines { quantity warnings { code } } } }\n      ... on UserError { code message }\n    }\n  }\n"): typeof import('./graphql').AddCartLineDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CheckoutCart($input: CheckoutInput!) {\n    checkout(input: $input) {\n      __typename\n      ... on CheckoutSuccess {\n        order { id orderNumber status total { amountMinor currency formatted } expiresAt }\n        payment { id method status provider }\n      }\n      ... on UserError { code message }\n      ... on InsufficientStock { variantId available requested }\n    }\n  }\n"): typeof import('./graphql').CheckoutCartDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrderById($id: ID!) {\n    order(id: $id) {\n      id\n      orderNumber\n      status\n      createdAt\n      total { formatted }\n      lines { sku quantity customization lineTotal { formatted } }\n      payments { method status provider }\n    }\n  }\n"): typeof import('./graphql').OrderByIdDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
