/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  query Me { me { id email createdAt } }\n": typeof types.MeDocument,
    "\n  mutation UpdateProduct($input: UpdateProductInput!) {\n    updateProduct(input: $input) {\n      __typename\n      ... on UpdateProductSuccess { product { id name slug status description imageUrls categories { slug } } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n": typeof types.UpdateProductDocument,
    "\n  mutation SetVariantPrice($input: SetVariantPriceInput!) {\n    setVariantPrice(input: $input) {\n      __typename\n      ... on SetVariantPriceSuccess { variant { id prices { amountMinor currency formatted } } }\n      ... on UserError { code message }\n    }\n  }\n": typeof types.SetVariantPriceDocument,
    "\n  mutation AdjustStock($input: AdjustStockInput!) {\n    adjustStock(input: $input) {\n      __typename\n      ... on AdjustStockSuccess { variant { id available stock { onHand reserved } } }\n      ... on InvalidStockAdjustment { onHand reserved delta }\n      ... on UserError { code message }\n    }\n  }\n": typeof types.AdjustStockDocument,
    "\n  query ProductBy($id: ID, $slug: String) {\n    product(id: $id, slug: $slug) {\n      id\n      name\n      slug\n      status\n      description\n      imageUrls\n      variants {\n        sku\n        options { name value }\n        available\n        usd: price(currency: \"USD\") { amountMinor formatted }\n        jpy: price(currency: \"JPY\") { amountMinor formatted }\n        gbp: price(currency: \"GBP\") { amountMinor }\n        product { slug }\n      }\n    }\n  }\n": typeof types.ProductByDocument,
    "\n  query StaffStock($slug: String) {\n    product(slug: $slug) { variants { sku stock { onHand reserved available } } }\n  }\n": typeof types.StaffStockDocument,
    "\n  query Categories { categories { slug name } }\n": typeof types.CategoriesDocument,
    "\n  query CatalogPage($first: Int) {\n    products(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          variants {\n            sku\n            available\n            price(currency: \"EUR\") { amountMinor formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.CatalogPageDocument,
    "\n  mutation CreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      __typename\n      ... on CreateProductSuccess {\n        product {\n          id\n          slug\n          status\n          variants {\n            id\n            sku\n            available\n            options { name value }\n            prices { amountMinor currency formatted }\n          }\n        }\n      }\n      ... on UserError { code message }\n      ... on InvalidInput { field }\n      ... on DuplicateSku { sku }\n      ... on DuplicateSlug { slug }\n      ... on InvalidPrice { currency amountMinor }\n      ... on UnsupportedCurrency { currency }\n      ... on CategoryNotFound { slug }\n    }\n  }\n": typeof types.CreateProductDocument,
    "\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      __typename\n      ... on CreateCategorySuccess { category { id slug name } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n": typeof types.CreateCategoryDocument,
    "\n  query ProductsPage($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort, $currency: Currency) {\n    products(first: $first, after: $after, filter: $filter, sort: $sort, currency: $currency) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          slug\n          status\n          createdAt\n          categories { slug }\n          variants {\n            id\n            sku\n            available\n            price(currency: \"USD\") { amountMinor currency formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.ProductsPageDocument,
};
const documents: Documents = {
    "\n  query Me { me { id email createdAt } }\n": types.MeDocument,
    "\n  mutation UpdateProduct($input: UpdateProductInput!) {\n    updateProduct(input: $input) {\n      __typename\n      ... on UpdateProductSuccess { product { id name slug status description imageUrls categories { slug } } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n": types.UpdateProductDocument,
    "\n  mutation SetVariantPrice($input: SetVariantPriceInput!) {\n    setVariantPrice(input: $input) {\n      __typename\n      ... on SetVariantPriceSuccess { variant { id prices { amountMinor currency formatted } } }\n      ... on UserError { code message }\n    }\n  }\n": types.SetVariantPriceDocument,
    "\n  mutation AdjustStock($input: AdjustStockInput!) {\n    adjustStock(input: $input) {\n      __typename\n      ... on AdjustStockSuccess { variant { id available stock { onHand reserved } } }\n      ... on InvalidStockAdjustment { onHand reserved delta }\n      ... on UserError { code message }\n    }\n  }\n": types.AdjustStockDocument,
    "\n  query ProductBy($id: ID, $slug: String) {\n    product(id: $id, slug: $slug) {\n      id\n      name\n      slug\n      status\n      description\n      imageUrls\n      variants {\n        sku\n        options { name value }\n        available\n        usd: price(currency: \"USD\") { amountMinor formatted }\n        jpy: price(currency: \"JPY\") { amountMinor formatted }\n        gbp: price(currency: \"GBP\") { amountMinor }\n        product { slug }\n      }\n    }\n  }\n": types.ProductByDocument,
    "\n  query StaffStock($slug: String) {\n    product(slug: $slug) { variants { sku stock { onHand reserved available } } }\n  }\n": types.StaffStockDocument,
    "\n  query Categories { categories { slug name } }\n": types.CategoriesDocument,
    "\n  query CatalogPage($first: Int) {\n    products(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          variants {\n            sku\n            available\n            price(currency: \"EUR\") { amountMinor formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.CatalogPageDocument,
    "\n  mutation CreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      __typename\n      ... on CreateProductSuccess {\n        product {\n          id\n          slug\n          status\n          variants {\n            id\n            sku\n            available\n            options { name value }\n            prices { amountMinor currency formatted }\n          }\n        }\n      }\n      ... on UserError { code message }\n      ... on InvalidInput { field }\n      ... on DuplicateSku { sku }\n      ... on DuplicateSlug { slug }\n      ... on InvalidPrice { currency amountMinor }\n      ... on UnsupportedCurrency { currency }\n      ... on CategoryNotFound { slug }\n    }\n  }\n": types.CreateProductDocument,
    "\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      __typename\n      ... on CreateCategorySuccess { category { id slug name } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n": types.CreateCategoryDocument,
    "\n  query ProductsPage($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort, $currency: Currency) {\n    products(first: $first, after: $after, filter: $filter, sort: $sort, currency: $currency) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          slug\n          status\n          createdAt\n          categories { slug }\n          variants {\n            id\n            sku\n            available\n            price(currency: \"USD\") { amountMinor currency formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.ProductsPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me { me { id email createdAt } }\n"): (typeof documents)["\n  query Me { me { id email createdAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProduct($input: UpdateProductInput!) {\n    updateProduct(input: $input) {\n      __typename\n      ... on UpdateProductSuccess { product { id name slug status description imageUrls categories { slug } } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProduct($input: UpdateProductInput!) {\n    updateProduct(input: $input) {\n      __typename\n      ... on UpdateProductSuccess { product { id name slug status description imageUrls categories { slug } } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetVariantPrice($input: SetVariantPriceInput!) {\n    setVariantPrice(input: $input) {\n      __typename\n      ... on SetVariantPriceSuccess { variant { id prices { amountMinor currency formatted } } }\n      ... on UserError { code message }\n    }\n  }\n"): (typeof documents)["\n  mutation SetVariantPrice($input: SetVariantPriceInput!) {\n    setVariantPrice(input: $input) {\n      __typename\n      ... on SetVariantPriceSuccess { variant { id prices { amountMinor currency formatted } } }\n      ... on UserError { code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdjustStock($input: AdjustStockInput!) {\n    adjustStock(input: $input) {\n      __typename\n      ... on AdjustStockSuccess { variant { id available stock { onHand reserved } } }\n      ... on InvalidStockAdjustment { onHand reserved delta }\n      ... on UserError { code message }\n    }\n  }\n"): (typeof documents)["\n  mutation AdjustStock($input: AdjustStockInput!) {\n    adjustStock(input: $input) {\n      __typename\n      ... on AdjustStockSuccess { variant { id available stock { onHand reserved } } }\n      ... on InvalidStockAdjustment { onHand reserved delta }\n      ... on UserError { code message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductBy($id: ID, $slug: String) {\n    product(id: $id, slug: $slug) {\n      id\n      name\n      slug\n      status\n      description\n      imageUrls\n      variants {\n        sku\n        options { name value }\n        available\n        usd: price(currency: \"USD\") { amountMinor formatted }\n        jpy: price(currency: \"JPY\") { amountMinor formatted }\n        gbp: price(currency: \"GBP\") { amountMinor }\n        product { slug }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProductBy($id: ID, $slug: String) {\n    product(id: $id, slug: $slug) {\n      id\n      name\n      slug\n      status\n      description\n      imageUrls\n      variants {\n        sku\n        options { name value }\n        available\n        usd: price(currency: \"USD\") { amountMinor formatted }\n        jpy: price(currency: \"JPY\") { amountMinor formatted }\n        gbp: price(currency: \"GBP\") { amountMinor }\n        product { slug }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StaffStock($slug: String) {\n    product(slug: $slug) { variants { sku stock { onHand reserved available } } }\n  }\n"): (typeof documents)["\n  query StaffStock($slug: String) {\n    product(slug: $slug) { variants { sku stock { onHand reserved available } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Categories { categories { slug name } }\n"): (typeof documents)["\n  query Categories { categories { slug name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CatalogPage($first: Int) {\n    products(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          variants {\n            sku\n            available\n            price(currency: \"EUR\") { amountMinor formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query CatalogPage($first: Int) {\n    products(first: $first) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          variants {\n            sku\n            available\n            price(currency: \"EUR\") { amountMinor formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      __typename\n      ... on CreateProductSuccess {\n        product {\n          id\n          slug\n          status\n          variants {\n            id\n            sku\n            available\n            options { name value }\n            prices { amountMinor currency formatted }\n          }\n        }\n      }\n      ... on UserError { code message }\n      ... on InvalidInput { field }\n      ... on DuplicateSku { sku }\n      ... on DuplicateSlug { slug }\n      ... on InvalidPrice { currency amountMinor }\n      ... on UnsupportedCurrency { currency }\n      ... on CategoryNotFound { slug }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      __typename\n      ... on CreateProductSuccess {\n        product {\n          id\n          slug\n          status\n          variants {\n            id\n            sku\n            available\n            options { name value }\n            prices { amountMinor currency formatted }\n          }\n        }\n      }\n      ... on UserError { code message }\n      ... on InvalidInput { field }\n      ... on DuplicateSku { sku }\n      ... on DuplicateSlug { slug }\n      ... on InvalidPrice { currency amountMinor }\n      ... on UnsupportedCurrency { currency }\n      ... on CategoryNotFound { slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      __typename\n      ... on CreateCategorySuccess { category { id slug name } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCategory($input: CreateCategoryInput!) {\n    createCategory(input: $input) {\n      __typename\n      ... on CreateCategorySuccess { category { id slug name } }\n      ... on UserError { code message }\n      ... on DuplicateSlug { slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductsPage($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort, $currency: Currency) {\n    products(first: $first, after: $after, filter: $filter, sort: $sort, currency: $currency) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          slug\n          status\n          createdAt\n          categories { slug }\n          variants {\n            id\n            sku\n            available\n            price(currency: \"USD\") { amountMinor currency formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ProductsPage($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort, $currency: Currency) {\n    products(first: $first, after: $after, filter: $filter, sort: $sort, currency: $currency) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          name\n          slug\n          status\n          createdAt\n          categories { slug }\n          variants {\n            id\n            sku\n            available\n            price(currency: \"USD\") { amountMinor currency formatted }\n            prices { amountMinor currency }\n          }\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;