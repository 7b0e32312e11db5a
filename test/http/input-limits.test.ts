import 'reflect-metadata';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { JSON_LIMITS, MAX_ID_LENGTH, STRING_LIMITS, stringLimit } from '../../src/common/input-limits';
import { answersInvalidInput } from '../../src/http/input-guard';
import { buildGraphQLSchema } from '../../src/schema';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { checkoutVariables, createShippingMethods } from '../support/checkout-fixtures';
import { getNamedType, isInputObjectType, isScalarType } from 'graphql';

const app = useTestApp();

interface Answer {
  status: number;
  data?: Record<string, { __typename: string; code?: string; message?: string; field?: string } | null> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; argument?: string } }>;
}

async function post(query: string, variables: Record<string, unknown>, token = app.staffToken()): Promise<Answer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const sql = (query: string) => app.server.orm.em.getConnection().execute(query);

/** Rows in every table of the application: what a refused request must leave as it was. */
let countRows: () => Promise<Record<string, number>>;

const RESULT = '{ __typename ... on UserError { code message } ... on InvalidInput { field } }';

/** Every mutation with its string, id and JSON inputs, and variables that make a valid call. */
interface MutationCase {
  mutation: string;
  signature: string;
  call: string;
  variables: () => Record<string, unknown>;
  /** Paths into the variables of the string, id and JSON inputs to spoil. */
  paths: string[];
}

let ids: { variantId: string; productId: string; cartId: string; lineId: string; orderId: string; paymentId: string };
let counter = 0;
const unique = () => `${process.pid}-${(counter += 1)}`;

const CASES: MutationCase[] = [
  {
    mutation: 'createCategory',
    signature: '$input: CreateCategoryInput!',
    call: 'createCategory(input: $input)',
    variables: () => ({ input: { name: 'Mugs', slug: `mugs-${unique()}` } }),
    paths: ['input.name', 'input.slug'],
  },
  {
    mutation: 'createProduct',
    signature: '$input: CreateProductInput!',
    call: 'createProduct(input: $input)',
    variables: () => ({
      input: {
        name: 'Fuzzed mug',
        slug: `fuzzed-${unique()}`,
        description: 'A mug',
        imageUrls: ['https://example.com/a.png'],
        variants: [{ sku: `FUZZ-${unique()}`, options: [{ name: 'size', value: 'M' }], prices: [{ currency: 'USD', amountMinor: 100 }], stockOnHand: 1 }],
      },
    }),
    paths: ['input.name', 'input.slug', 'input.description', 'input.imageUrls.0', 'input.variants.0.sku', 'input.variants.0.options.0.name', 'input.variants.0.options.0.value'],
  },
  {
    mutation: 'updateProduct',
    signature: '$input: UpdateProductInput!',
    call: 'updateProduct(input: $input)',
    variables: () => ({ input: { id: ids.productId, name: 'Renamed', description: 'Still a mug', categories: [] } }),
    paths: ['input.id', 'input.name', 'input.slug', 'input.description', 'input.imageUrls.0', 'input.categories.0'],
  },
  {
    mutation: 'setVariantPrice',
    signature: '$input: SetVariantPriceInput!',
    call: 'setVariantPrice(input: $input)',
    variables: () => ({ input: { variantId: ids.variantId, currency: 'EUR', amountMinor: 900 } }),
    paths: ['input.variantId'],
  },
  {
    mutation: 'adjustStock',
    signature: '$input: AdjustStockInput!',
    call: 'adjustStock(input: $input)',
    variables: () => ({ input: { variantId: ids.variantId, delta: 1, reason: 'recount' } }),
    paths: ['input.variantId', 'input.reason'],
  },
  {
    mutation: 'createCart',
    signature: '$input: CreateCartInput',
    call: 'createCart(input: $input)',
    variables: () => ({ input: { currency: 'USD', lines: [{ variantId: ids.variantId, quantity: 1, customization: { engraving: 'Hi' } }] } }),
    paths: ['input.lines.0.variantId', 'input.lines.0.customization'],
  },
  {
    mutation: 'addCartLine',
    signature: '$input: AddCartLineInput!',
    call: 'addCartLine(input: $input)',
    variables: () => ({ input: { cartId: ids.cartId, variantId: ids.variantId, quantity: 1, customization: { engraving: 'Yo' } } }),
    paths: ['input.cartId', 'input.variantId', 'input.customization'],
  },
  {
    mutation: 'updateCartLine',
    signature: '$input: UpdateCartLineInput!',
    call: 'updateCartLine(input: $input)',
    variables: () => ({ input: { cartId: ids.cartId, lineId: ids.lineId, quantity: 2, customization: { engraving: 'Hey' } } }),
    paths: ['input.cartId', 'input.lineId', 'input.customization'],
  },
  {
    mutation: 'removeCartLine',
    signature: '$input: RemoveCartLineInput!',
    call: 'removeCartLine(input: $input)',
    variables: () => ({ input: { cartId: ids.cartId, lineId: '00000000-0000-4000-8000-000000000000' } }),
    paths: ['input.cartId', 'input.lineId'],
  },
  {
    mutation: 'claimCart',
    signature: '$cartId: ID!',
    call: 'claimCart(cartId: $cartId)',
    variables: () => ({ cartId: '00000000-0000-4000-8000-000000000000' }),
    paths: ['cartId'],
  },
  {
    mutation: 'createShippingMethod',
    signature: '$input: CreateShippingMethodInput!',
    call: 'createShippingMethod(input: $input)',
    variables: () => ({ input: { name: 'Courier', rates: [{ country: 'US', region: 'NY', currency: 'USD', amountMinor: 700 }] } }),
    paths: ['input.name', 'input.rates.0.region'],
  },
  {
    mutation: 'checkout',
    signature: '$input: CheckoutInput!',
    call: 'checkout(input: $input)',
    variables: () => ({
      input: {
        ...checkoutVariables({ items: [{ variantId: ids.variantId, quantity: 1, customization: { engraving: 'Hi' } }] }).input,
        notes: 'Leave at the door',
        idempotencyKey: `fuzz-${unique()}`,
      },
    }),
    paths: [
      'input.items.0.variantId',
      'input.items.0.customization',
      'input.cartId',
      'input.shippingMethodId',
      'input.notes',
      'input.idempotencyKey',
      'input.buyer.name',
      'input.buyer.email',
      'input.buyer.phone',
      'input.shippingAddress.name',
      'input.shippingAddress.phone',
      'input.shippingAddress.line1',
      'input.shippingAddress.line2',
      'input.shippingAddress.city',
      'input.shippingAddress.region',
      'input.shippingAddress.postalCode',
      'input.shippingAddress.reference',
      'input.payment.provider',
      'input.payment.successUrl',
      'input.payment.cancelUrl',
    ],
  },
  {
    mutation: 'cancelOrder',
    signature: '$orderId: ID!, $reason: String',
    call: 'cancelOrder(orderId: $orderId, reason: $reason)',
    variables: () => ({ orderId: ids.orderId, reason: 'Changed my mind' }),
    paths: ['orderId', 'reason'],
  },
  {
    mutation: 'confirmManualPayment',
    signature: '$input: ConfirmManualPaymentInput!',
    call: 'confirmManualPayment(input: $input)',
    variables: () => ({ input: { paymentId: ids.paymentId, reference: 'ZELLE-123', note: 'Seen in the bank' } }),
    paths: ['input.paymentId', 'input.reference', 'input.note'],
  },
  {
    mutation: 'markOrderPaid',
    signature: '$orderId: ID!',
    call: 'markOrderPaid(orderId: $orderId)',
    variables: () => ({ orderId: ids.orderId }),
    paths: ['orderId'],
  },
  {
    mutation: 'refundOrder',
    signature: '$input: RefundOrderInput!',
    call: 'refundOrder(input: $input)',
    variables: () => ({ input: { orderId: ids.orderId, reason: 'Damaged in transit' } }),
    paths: ['input.orderId', 'input.reason'],
  },
];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target as Record<string, unknown>;
  keys.slice(0, -1).forEach((key, i) => {
    node[key] ??= /^\d+$/.test(keys[i + 1]) ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  node[keys.at(-1)!] = value;
}

/** The limit the table sets for a path of a case, to know which values must be refused. */
function limitOf(schemaLimits: Map<string, { kind: 'string' | 'id' | 'json'; limit: number }>, mutation: string, path: string) {
  return schemaLimits.get(`${mutation}:${path.replace(/\.\d+(?=\.|$)/g, '')}`)!;
}

/** Walks the schema as the guard does, to know for each mutation input path its kind and limit. */
async function limitsByPath() {
  const schema = await buildGraphQLSchema();
  const limits = new Map<string, { kind: 'string' | 'id' | 'json'; limit: number }>();
  for (const field of Object.values(schema.getMutationType()!.getFields())) {
    const walk = (type: Parameters<typeof getNamedType>[0], key: string, path: string, depth: number) => {
      const named = getNamedType(type)!;
      if (isScalarType(named)) {
        if (named.name === 'String') limits.set(`${field.name}:${path}`, { kind: 'string', limit: stringLimit(key) });
        if (named.name === 'ID') limits.set(`${field.name}:${path}`, { kind: 'id', limit: MAX_ID_LENGTH });
        if (named.name === 'JSONObject') limits.set(`${field.name}:${path}`, { kind: 'json', limit: JSON_LIMITS[key] });
      } else if (isInputObjectType(named) && depth < 5) {
        for (const child of Object.values(named.getFields())) walk(child.type, `${named.name}.${child.name}`, `${path}.${child.name}`, depth + 1);
      }
    };
    for (const argument of field.args) walk(argument.type, `Mutation.${field.name}.${argument.name}`, argument.name, 0);
  }
  return limits;
}

beforeAll(async () => {
  const tables = (await sql(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'mikro_orm%' order by 1",
  )) as Array<{ name: string }>;
  const counts = tables.map(({ name }) => `(select count(*)::int from "${name}") as "${name}"`).join(', ');
  countRows = async () => (await sql(`select ${counts}`))[0] as Record<string, number>;

  await createShippingMethods(app);
  const product = await createProduct(app, {
    variants: [{ sku: `LIMITS-${process.pid}`, stockOnHand: 100_000, prices: [{ currency: 'USD', amountMinor: 1000 }] }],
  });
  const cart = await post(`mutation($input: CreateCartInput) { createCart(input: $input) { ... on CreateCartSuccess { cart { id lines { id } } } } }`, {
    input: { currency: 'USD', lines: [{ variantId: product.variants[0].id, quantity: 1 }] },
  });
  const createdCart = (cart.data!.createCart as unknown as { cart: { id: string; lines: Array<{ id: string }> } }).cart;
  const order = await post(`mutation($input: CheckoutInput!) { checkout(input: $input) { ... on CheckoutSuccess { order { id } payment { id } } } }`, checkoutVariables({ items: [{ variantId: product.variants[0].id, quantity: 1 }] }));
  const placed = order.data!.checkout as unknown as { order: { id: string }; payment: { id: string } };
  ids = { variantId: product.variants[0].id, productId: product.id, cartId: createdCart.id, lineId: createdCart.lines[0].id, orderId: placed.order.id, paymentId: placed.payment.id };
});

const send = (testCase: MutationCase, variables: Record<string, unknown>) =>
  post(`mutation Fuzz(${testCase.signature}) { ${testCase.call} ${RESULT} }`, variables);

describe('every string and JSON input has a maximum size, and NUL or lone surrogates are refused', () => {
  // What the outside probe sent, each of which was an internal error or was stored.
  const probes: Array<[string, string, string, unknown]> = [
    ['a NUL in the buyer name', 'input.buyer.name', 'buyer.name', 'Carlos\u0000Pérez'],
    ['a NUL in an address line', 'input.shippingAddress.line1', 'shippingAddress.line1', '123\u0000Main St'],
    ['a NUL in the notes', 'input.notes', 'notes', 'Ring\u0000twice'],
    ['a NUL in a customization', 'input.items.0.customization', 'items.0.customization', { engraving: 'Hi\u0000' }],
    ['a NUL in a customization key', 'input.items.0.customization', 'items.0.customization', { 'engr\u0000aving': 'Hi' }],
    ['a lone surrogate in the buyer name', 'input.buyer.name', 'buyer.name', 'Carlos \ud83d'],
    ['a lone surrogate in a customization', 'input.items.0.customization', 'items.0.customization', { engraving: '\udc00' }],
    ['a 2.8 KB idempotency key', 'input.idempotencyKey', 'idempotencyKey', 'k'.repeat(2_800)],
    ['a 400 KB email', 'input.buyer.email', 'buyer.email', `${'a'.repeat(400_000)}@example.com`],
    ['a 100,000-character email', 'input.buyer.email', 'buyer.email', `${'a'.repeat(100_000)}@example.com`],
    ['a 900 KB payment provider', 'input.payment.provider', 'payment.provider', 'z'.repeat(900_000)],
    ['a customization nested 100 deep', 'input.items.0.customization', 'items.0.customization', JSON.parse('{"a":'.repeat(100) + '1' + '}'.repeat(100))],
  ];
  for (const [what, path, field, value] of probes) {
    it(`checkout answers InvalidInput naming ${field} for ${what}, and writes nothing`, async () => {
      const checkout = CASES.find((c) => c.mutation === 'checkout')!;
      const variables = checkout.variables();
      setPath(variables, path, value);
      const before = await countRows();
      const answer = await send(checkout, variables);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.checkout).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', field });
      expect(await countRows()).toEqual(before);
    });
  }

  it('takes an email of 254 characters and refuses one of 255, and an idempotency key of 255 but not 256', async () => {
    const checkout = CASES.find((c) => c.mutation === 'checkout')!;
    const email = (length: number) => `${'a'.repeat(64)}@${'b'.repeat(length - 64 - 1 - 4)}.com`;
    const attempt = async (email: string, idempotencyKey: string) => {
      const variables = checkout.variables();
      setPath(variables, 'input.buyer.email', email);
      setPath(variables, 'input.idempotencyKey', idempotencyKey);
      return (await send(checkout, variables)).data?.checkout;
    };
    expect(email(254)).toHaveLength(254);
    expect((await attempt(email(255), 'k'.repeat(20))) ?? {}).toMatchObject({ __typename: 'InvalidInput', field: 'buyer.email' });
    expect((await attempt('buyer@example.com', `${unique()}`.padEnd(256, 'k'))) ?? {}).toMatchObject({ __typename: 'InvalidInput', field: 'idempotencyKey' });
    expect((await attempt('buyer@example.com', `${unique()}`.padEnd(255, 'k')))?.__typename).toBe('CheckoutSuccess');
    // The email's length is within limits; whether such an address is valid is the buyer check's to say.
    expect((await attempt(email(254), 'k'.repeat(20)))?.__typename).not.toBe('InvalidInput');
  });

  it('cancelOrder refuses a 900 KB reason, and confirmManualPayment a NUL in its note, writing nothing', async () => {
    const before = await countRows();
    const cancel = await send(CASES.find((c) => c.mutation === 'cancelOrder')!, { orderId: ids.orderId, reason: 'r'.repeat(900_000) });
    expect(cancel.data?.cancelOrder).toMatchObject({ __typename: 'InvalidInput', field: 'reason' });
    const confirm = await send(CASES.find((c) => c.mutation === 'confirmManualPayment')!, { input: { paymentId: ids.paymentId, note: 'paid\u0000' } });
    expect(confirm.data?.confirmManualPayment).toMatchObject({ __typename: 'InvalidInput', field: 'note' });
    expect(await countRows()).toEqual(before);
  });

  it('refuses lists over their maximum: a product with 101 variants, a checkout with 101 lines', async () => {
    const before = await countRows();
    const variants = Array.from({ length: 101 }, (_, i) => ({ sku: `MANY-${i}`, prices: [{ currency: 'USD', amountMinor: 100 }], stockOnHand: 1 }));
    const product = await send(CASES.find((c) => c.mutation === 'createProduct')!, { input: { name: 'Many', variants } });
    expect(product.data?.createProduct).toMatchObject({ __typename: 'InvalidInput', field: 'variants' });
    const checkout = CASES.find((c) => c.mutation === 'checkout')!;
    const variables = checkout.variables();
    setPath(variables, 'input.items', Array.from({ length: 101 }, () => ({ variantId: ids.variantId, quantity: 1 })));
    expect((await send(checkout, variables)).data?.checkout).toMatchObject({ __typename: 'InvalidInput', field: 'items' });
    expect(await countRows()).toEqual(before);
  });

  it('answers a query argument that is too long or holds NUL with 400 BAD_USER_INPUT naming the argument', async () => {
    const products = 'query($filter: ProductFilter, $after: String) { products(filter: $filter, after: $after) { totalCount } }';
    for (const [variables, argument] of [
      [{ filter: { search: 'mug\u0000' } }, 'filter.search'],
      [{ filter: { search: 's'.repeat(201) } }, 'filter.search'],
      [{ filter: { category: '\ud800' } }, 'filter.category'],
      [{ after: 'c'.repeat(5_000) }, 'after'],
    ] as const) {
      const answer = await post(products, variables);
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
    const orders = await post('query($filter: OrderFilter) { orders(filter: $filter) { totalCount } }', { filter: { buyerEmail: `${'a'.repeat(300)}@example.com` } });
    expect(orders.status).toBe(400);
    expect(orders.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.buyerEmail' });
    const product = await post('query($slug: String) { product(slug: $slug) { id } }', { slug: 'mug\u0000' });
    expect(product.status).toBe(400);
    expect(product.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'slug' });
  });

  it('names only fields the schema has in its table of limits, and every mutation can answer InvalidInput', async () => {
    const schema = await buildGraphQLSchema();
    for (const key of [...Object.keys(STRING_LIMITS), ...Object.keys(JSON_LIMITS)]) {
      const [typeName, fieldName, argumentName] = key.split('.');
      const type = schema.getType(typeName);
      if (typeName === 'Query' || typeName === 'Mutation') {
        const field = schema.getQueryType()!.getFields()[fieldName] ?? schema.getMutationType()!.getFields()[fieldName];
        expect(field?.args.some((argument) => argument.name === argumentName), key).toBe(true);
      } else {
        const inputField = isInputObjectType(type) ? type.getFields()[fieldName] : undefined;
        expect(inputField, key).toBeDefined();
        expect(['String', 'JSONObject'], key).toContain(getNamedType(inputField!.type).name);
      }
    }
    const withoutInvalidInput = Object.values(schema.getMutationType()!.getFields())
      .filter((field) => field.args.length > 0 && !answersInvalidInput(field))
      .map((field) => field.name);
    expect(withoutInvalidInput).toEqual([]);
  });
});

describe('random strings at every mutation input (fast-check)', () => {
  // Strings that stress storage: NUL, lone and paired surrogates, emoji, combining marks,
  // right-to-left text, and sizes around and far beyond the limits.
  const awkward = fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d\ude00', '👩‍👩‍👧', 'e\u0301', '\u202e', '\ufeff', "'", '"', '\\', '%', '\n', ' ', 'a');
  const text = fc.oneof(
    fc.string({ unit: awkward, maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.tuple(fc.constantFrom(50, 100, 200, 254, 255, 256, 1_000, 1_001, 2_000, 10_001, 150_000), fc.constantFrom('x', 'é', '😀', '\u0000')).map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
  );

  for (const testCase of CASES) {
    it(`${testCase.mutation}: never an internal error; a refusal writes nothing; NUL, lone surrogates and oversize are InvalidInput`, { timeout: 60_000 }, async () => {
      const limits = await limitsByPath();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...testCase.paths), text, async (path, value) => {
          const variables = testCase.variables();
          const { kind, limit } = limitOf(limits, testCase.mutation, path);
          const sent = kind === 'json' ? { [value.slice(0, 20)]: value } : value;
          setPath(variables, path, sent);
          const before = await countRows();
          const answer = await send(testCase, variables);
          expect(answer.status).toBeLessThan(500);
          const brief = JSON.stringify(answer).slice(0, 400);
          expect(answer.errors?.map((e) => e.extensions?.code) ?? [], brief).not.toContain('INTERNAL_SERVER_ERROR');
          const result = answer.data?.[testCase.mutation];
          if (answer.errors || !result?.__typename.endsWith('Success')) expect(await countRows()).toEqual(before);

          const size = kind === 'json' ? JSON.stringify(sent).length : value.length;
          // (A body over 1 MB is refused whole, 413, before GraphQL reads it.)
          if (answer.status !== 413 && (/\u0000|\p{Cs}/u.test(value) || size > limit)) {
            expect(result, brief).toMatchObject({ __typename: 'InvalidInput', field: path.replace(/^input\./, '') });
          }
        }),
        { numRuns: Number(process.env.FUZZ_RUNS) || 12 },
      );
    });
  }
});
