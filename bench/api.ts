import { signToken } from '../src/auth/viewer';

// The benchmark speaks to the server the way a storefront does: GraphQL over HTTP with a JWT.
// Its operations are plain strings: test/generated only covers operations under test/.

export const BENCH_JWT_SECRET = 'benchmark-secret-that-is-long-enough-for-hs256';

/** How the benchmarks configure the server: as production runs it, with no demo data, logs or rate limit. */
export const benchServerEnv = (databaseUrl: string): Record<string, string> => ({
  NODE_ENV: 'production',
  PORT: '0',
  DATABASE_URL: databaseUrl,
  JWT_SECRET: BENCH_JWT_SECRET,
  DEMO_DATA: 'false',
  LOG_LEVEL: 'silent',
  CHECKOUT_RATE_LIMIT: '0',
});

export const staffToken = () => signToken(BENCH_JWT_SECRET, { sub: 'bench-staff', email: 'staff@shop.test', role: 'admin' });

/** The customer behind benchmark client `index`; the baseline orders for the same customers. */
export const benchCustomerId = (index: number) => `bench-customer-${index}`;

const customerTokens = new Map<number, string>();

/** Signed once per customer, so that signing does not show up in the server's CPU time or profile. */
export function customerToken(index: number): string {
  let token = customerTokens.get(index);
  if (!token) {
    token = signToken(BENCH_JWT_SECRET, { sub: benchCustomerId(index), email: `${benchCustomerId(index)}@example.com`, role: 'customer' });
    customerTokens.set(index, token);
  }
  return token;
}

export const CREATE_SHIPPING_METHOD = `
  mutation CreateShippingMethod($input: CreateShippingMethodInput!) {
    createShippingMethod(input: $input) {
      __typename
      ... on CreateShippingMethodSuccess { shippingMethod { id } }
      ... on UserError { code message }
    }
  }`;

export const CREATE_PRODUCT = `
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      __typename
      ... on CreateProductSuccess { product { id variants { id sku } } }
      ... on UserError { code message }
    }
  }`;

/** What an order confirmation page asks for. */
export const CHECKOUT = `
  mutation Checkout($input: CheckoutInput!) {
    checkout(input: $input) {
      __typename
      ... on CheckoutSuccess {
        order { id orderNumber status total { amountMinor currency } lines { sku quantity } }
        payment { id status }
      }
      ... on UserError { code message }
    }
  }`;

export const PRODUCTS_PAGE = `
  query ProductsPage {
    products(first: 50) {
      edges {
        cursor
        node { id name slug variants { id sku available price(currency: "USD") { amountMinor currency formatted } } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

/** Where every benchmark order goes; the baseline stores the same address. */
export const SHIPPING_ADDRESS = {
  name: 'María García',
  phone: '+1 (212) 555-0199',
  line1: '123 Main St',
  line2: 'Apt 4',
  city: 'New York',
  region: 'NY',
  postalCode: '10001',
  country: 'US',
};

export interface CheckoutLine {
  variantId: string;
  quantity: number;
}

/** A 1..n line MANUAL_TRANSFER checkout in USD to New York: the CHECKOUT operation's input. */
export function checkoutInput(lines: CheckoutLine[], buyerIndex: number) {
  return {
    items: lines,
    currency: 'USD',
    buyer: { name: `Buyer ${buyerIndex}`, email: `${benchCustomerId(buyerIndex)}@example.com`, phone: '+1-305-555-0100' },
    shippingAddress: SHIPPING_ADDRESS,
    payment: { method: 'MANUAL_TRANSFER' as const, provider: 'zelle' },
  };
}

/** The same checkout as JSON for a POST body. */
export function checkoutBody(lines: CheckoutLine[], buyerIndex: number): string {
  return JSON.stringify({ query: CHECKOUT, variables: { input: checkoutInput(lines, buyerIndex) } });
}

export const jsonHeaders = (token?: string): Record<string, string> => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

/** Sends one operation and returns its data; throws on HTTP or GraphQL errors. */
export async function graphqlRequest<T>(endpoint: string, body: string, token?: string): Promise<T> {
  const response = await fetch(endpoint, { method: 'POST', headers: jsonHeaders(token), body });
  const payload = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || payload.errors?.length || !payload.data) {
    throw new Error(`GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(payload.errors ?? payload)}`);
  }
  return payload.data;
}

export const operation = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
