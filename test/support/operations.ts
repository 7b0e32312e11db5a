import { graphql } from '../generated';

// Operations shared by several test files. Each goes through codegen, so a schema change that
// breaks one breaks `npm test` (typecheck) before any request is sent.

export const CreateProduct = graphql(`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      __typename
      ... on CreateProductSuccess {
        product {
          id
          slug
          status
          variants {
            id
            sku
            available
            options { name value }
            prices { amountMinor currency formatted }
          }
        }
      }
      ... on UserError { code message }
      ... on InvalidInput { field }
      ... on DuplicateSku { sku }
      ... on DuplicateSlug { slug }
      ... on InvalidPrice { currency amountMinor }
      ... on UnsupportedCurrency { currency }
      ... on CategoryNotFound { slug }
    }
  }
`);

export const CreateCategory = graphql(`
  mutation CreateCategory($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      __typename
      ... on CreateCategorySuccess { category { id slug name } }
      ... on UserError { code message }
      ... on DuplicateSlug { slug }
    }
  }
`);

export const ProductsPage = graphql(`
  query ProductsPage($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort, $currency: Currency) {
    products(first: $first, after: $after, filter: $filter, sort: $sort, currency: $currency) {
      totalCount
      edges {
        cursor
        node {
          id
          name
          slug
          status
          createdAt
          categories { slug }
          variants {
            id
            sku
            available
            price(currency: "USD") { amountMinor currency formatted }
            prices { amountMinor currency }
          }
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

/** The newest orders' statuses, for tests of what reading a list does to overdue ones. */
export const OrderStatuses = graphql(`
  query OrderStatuses($first: Int) {
    orders(first: $first) { edges { node { id status } } }
  }
`);
