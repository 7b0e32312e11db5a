/**
 * The largest value each string and JSON input of the API may carry, in one table, so that
 * the README, the guard that enforces them (src/http/input-guard.ts) and the services agree.
 *
 * Keys are `InputType.field` for fields of input objects and `Query.field.argument` or
 * `Mutation.field.argument` for arguments. Lengths count UTF-16 code units (what
 * `String.length` counts: an emoji is 2); JSON counts the characters of its JSON text.
 * PostgreSQL's own limits sit far above these (a btree entry is at most 2,704 bytes, which a
 * 255-character key cannot reach), so a value that passes here is never a database error.
 */
export const STRING_LIMITS: Readonly<Record<string, number>> = {
  // Catalog (staff)
  'CreateCategoryInput.name': 200,
  'CreateCategoryInput.slug': 100,
  'CreateProductInput.name': 200,
  'CreateProductInput.slug': 100,
  'CreateProductInput.description': 10_000,
  'CreateProductInput.imageUrls': 2_000,
  'CreateProductInput.categories': 100,
  'UpdateProductInput.name': 200,
  'UpdateProductInput.slug': 100,
  'UpdateProductInput.description': 10_000,
  'UpdateProductInput.imageUrls': 2_000,
  'UpdateProductInput.categories': 100,
  'CreateVariantInput.sku': 100,
  'OptionValueInput.name': 100,
  'OptionValueInput.value': 200,
  'AdjustStockInput.reason': 500,
  // Shipping (staff)
  'CreateShippingMethodInput.name': 200,
  'ShippingRateInput.region': 100,
  // Checkout
  'CheckoutInput.notes': 1_000,
  'CheckoutInput.idempotencyKey': 255,
  'BuyerInput.name': 200,
  'BuyerInput.email': 254,
  'BuyerInput.phone': 50,
  'AddressInput.name': 200,
  'AddressInput.phone': 50,
  'AddressInput.line1': 200,
  'AddressInput.line2': 200,
  'AddressInput.city': 200,
  'AddressInput.region': 200,
  'AddressInput.postalCode': 200,
  'AddressInput.reference': 200,
  'PaymentInput.provider': 100,
  'PaymentInput.successUrl': 2_000,
  'PaymentInput.cancelUrl': 2_000,
  // Orders and payments
  'Mutation.cancelOrder.reason': 500,
  'ConfirmManualPaymentInput.reference': 200,
  'ConfirmManualPaymentInput.note': 1_000,
  'RefundOrderInput.reason': 500,
  // Query arguments. A cursor holds a product name (200 characters) in base64 of JSON.
  'Query.products.after': 2_000,
  'Query.orders.after': 2_000,
  'Query.product.slug': 100,
  'Query.order.orderNumber': 50,
  'Query.shippingOptions.region': 200,
  'ProductFilter.search': 200,
  'ProductFilter.category': 100,
  'OrderFilter.buyerEmail': 254,
  'OrderFilter.orderNumber': 50,
};

/** JSON inputs (line customizations), in characters of their JSON text. */
export const JSON_LIMITS: Readonly<Record<string, number>> = {
  'CartLineInput.customization': 2_000,
  'AddCartLineInput.customization': 2_000,
  'UpdateCartLineInput.customization': 2_000,
  'CheckoutItemInput.customization': 2_000,
};

/**
 * Lists, in items: one request must not become thousands of rows, or more bind parameters
 * than PostgreSQL takes in one statement (65,535).
 */
export const LIST_LIMITS: Readonly<Record<string, number>> = {
  'CreateProductInput.variants': 100,
  'CreateVariantInput.prices': 50,
  'CreateVariantInput.options': 20,
  'CreateProductInput.imageUrls': 20,
  'UpdateProductInput.imageUrls': 20,
  'CreateProductInput.categories': 20,
  'UpdateProductInput.categories': 20,
  'CreateShippingMethodInput.rates': 500,
  'CreateCartInput.lines': 100,
  'CheckoutInput.items': 100,
};

/** For a list not in the table above. */
export const DEFAULT_LIST_LIMIT = 100;

export const listLimit = (key: string): number => LIST_LIMITS[key] ?? DEFAULT_LIST_LIMIT;

/** Ids are UUIDs (36 characters); anything longer cannot name a row. */
export const MAX_ID_LENGTH = 100;
/** For a string input not in the table above: one added later is bounded before anyone lists it. */
export const DEFAULT_STRING_LIMIT = 1_000;
/** For a JSON input not in the table above. */
export const DEFAULT_JSON_LIMIT = 2_000;
/** How deeply a JSON input may nest objects and arrays. */
export const MAX_JSON_DEPTH = 10;

export const stringLimit = (key: string): number => STRING_LIMITS[key] ?? DEFAULT_STRING_LIMIT;
export const jsonLimit = (key: string): number => JSON_LIMITS[key] ?? DEFAULT_JSON_LIMIT;

// NUL cannot be stored in a PostgreSQL text or jsonb value, and a lone surrogate is not
// Unicode (jsonb refuses it; text would store U+FFFD instead). With the u flag, \p{Cs}
// matches only surrogates that are not half of a pair.
const FORBIDDEN_CHARACTER = /\u0000|\p{Cs}/u;

/** Why a string cannot be taken, or undefined when it can. */
export function stringProblem(value: string, maxLength: number): string | undefined {
  if (value.length > maxLength) return `may be at most ${maxLength} characters long (got ${value.length}).`;
  return characterProblem(value);
}

function characterProblem(value: string): string | undefined {
  const found = FORBIDDEN_CHARACTER.exec(value);
  if (!found) return undefined;
  return found[0] === '\u0000' ? 'contains a NUL character (U+0000).' : 'contains an unpaired UTF-16 surrogate, which is not Unicode text.';
}

/**
 * Why a JSON value cannot be taken, or undefined when it can. Walked without recursion, so a
 * megabyte of `{"a":{"a":...}}` is refused for its depth rather than overflowing the stack.
 */
export function jsonProblem(value: unknown, maxLength: number): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: next, depth } = pending.pop()!;
    if (typeof next === 'string') {
      const problem = characterProblem(next);
      if (problem) return problem;
    } else if (next !== null && typeof next === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `may nest objects and arrays at most ${MAX_JSON_DEPTH} deep.`;
      for (const [key, child] of Object.entries(next)) {
        const problem = characterProblem(key);
        if (problem) return problem;
        pending.push({ value: child, depth: depth + 1 });
      }
    }
  }
  const length = JSON.stringify(value).length;
  if (length > maxLength) return `may hold at most ${maxLength} characters of JSON (got ${length}).`;
  return undefined;
}
