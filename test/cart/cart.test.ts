import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import type { CartLineInput, CartSuiteCartResultFragment } from '../generated/graphql';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';

const app = useTestApp();

const sql = (query: string, params: unknown[] = []) => app.server.orm.em.getConnection().execute(query, params);

// Fragments shared by the operations below.
graphql(`
  fragment CartSuiteCart on Cart {
    id
    currency
    status
    totalQuantity
    subtotal { amountMinor currency formatted }
    lines {
      id
      quantity
      customization
      variant { id sku }
      product { id }
      unitPrice { amountMinor currency formatted }
      lineTotal { amountMinor currency formatted }
      available
      warnings { code message }
    }
  }
`);

const CreateCartOp = graphql(`
  mutation CartSuiteCreateCart($input: CreateCartInput!) {
    createCart(input: $input) {
      __typename
      ... on CreateCartSuccess { cart { ...CartSuiteCart } }
      ... on UserError { code message }
      ... on UnsupportedCurrency { currency }
      ... on VariantNotFound { variantId }
      ... on ProductNotAvailable { productId variantId }
      ... on InvalidQuantity { variantId quantity maximum }
      ... on InvalidInput { field }
    }
  }
`);

// Asks for nothing that reads the lines, so nothing but the mutation itself can have saved them.
const CreateCartIdOnly = graphql(`
  mutation CartSuiteCreateCartIdOnly($input: CreateCartInput!) {
    createCart(input: $input) {
      __typename
      ... on CreateCartSuccess { cart { id } }
    }
  }
`);

graphql(`
  fragment CartSuiteCartResult on CartResult {
    __typename
    ... on CartSuccess { cart { ...CartSuiteCart } }
    ... on UserError { code message }
    ... on CartNotFound { cartId }
    ... on CartLineNotFound { lineId }
    ... on VariantNotFound { variantId }
    ... on ProductNotAvailable { productId variantId }
    ... on InvalidQuantity { variantId quantity maximum }
    ... on InvalidInput { field }
  }
`);

const AddCartLineOp = graphql(`
  mutation CartSuiteAddLine($input: AddCartLineInput!) {
    addCartLine(input: $input) { ...CartSuiteCartResult }
  }
`);

const UpdateCartLineOp = graphql(`
  mutation CartSuiteUpdateLine($input: UpdateCartLineInput!) {
    updateCartLine(input: $input) { ...CartSuiteCartResult }
  }
`);

const RemoveCartLineOp = graphql(`
  mutation CartSuiteRemoveLine($input: RemoveCartLineInput!) {
    removeCartLine(input: $input) { ...CartSuiteCartResult }
  }
`);

const ClaimCartOp = graphql(`
  mutation CartSuiteClaimCart($cartId: ID!) {
    claimCart(cartId: $cartId) { ...CartSuiteCartResult }
  }
`);

const ReadCart = graphql(`
  query CartSuiteReadCart($id: ID) {
    cart(id: $id) { ...CartSuiteCart }
  }
`);

const SetProductStatus = graphql(`
  mutation CartSuiteSetProductStatus($input: UpdateProductInput!) {
    updateProduct(input: $input) {
      __typename
      ... on UpdateProductSuccess { product { id status } }
    }
  }
`);

const UNKNOWN_ID = '00000000-0000-4000-8000-00000000c0de';

let skuCounter = 0;

/** An ACTIVE product with one variant; options name it in warning messages. */
async function variant(
  options: { name?: string; stock?: number; prices?: Array<{ currency: string; amountMinor: number }>; size?: string } = {},
) {
  skuCounter += 1;
  const product = await createProduct(app, {
    name: options.name ?? `Cart Item ${skuCounter}`,
    variants: [
      {
        sku: `CART-${skuCounter}`,
        options: options.size ? [{ name: 'size', value: options.size }] : [],
        stockOnHand: options.stock ?? 10,
        prices: options.prices ?? [{ currency: 'USD', amountMinor: 1250 }],
      },
    ],
  });
  return { productId: product.id, variantId: product.variants[0].id, sku: product.variants[0].sku };
}

async function createCart(currency: string, lines: CartLineInput[] = [], token?: string) {
  const { createCart } = await app.query(CreateCartOp, { input: { currency, lines } }, { token });
  if (createCart.__typename !== 'CreateCartSuccess') throw new Error(`createCart refused: ${JSON.stringify(createCart)}`);
  return createCart.cart;
}

async function readCart(id?: string, token?: string) {
  return (await app.query(ReadCart, { id }, { token })).cart;
}

async function addLine(input: { cartId: string } & CartLineInput, token?: string) {
  return (await app.query(AddCartLineOp, { input }, { token })).addCartLine;
}

/** The cart of a CartSuccess; fails the test with the typed error otherwise. */
function successfulCart(result: CartSuiteCartResultFragment) {
  if (result.__typename !== 'CartSuccess') throw new Error(`expected CartSuccess, got ${JSON.stringify(result)}`);
  return result.cart;
}

describe('a guest cart', () => {
  it('is created with a currency and lines and reads back with prices, totals and no warnings', async () => {
    const mug = await variant({ name: 'Enamel Mug', stock: 7, prices: [{ currency: 'USD', amountMinor: 1250 }, { currency: 'EUR', amountMinor: 1100 }] });
    const cap = await variant({ name: 'Wool Cap', stock: 4, prices: [{ currency: 'USD', amountMinor: 2000 }] });

    const created = await createCart('USD', [
      { variantId: mug.variantId, quantity: 2, customization: { note: 'Gift wrap please' } },
      { variantId: cap.variantId, quantity: 1 },
    ]);
    expect(created.status).toBe('OPEN');

    const cart = await readCart(created.id);
    expect(cart).toEqual({
      id: created.id,
      currency: 'USD',
      status: 'OPEN',
      totalQuantity: 3,
      subtotal: { amountMinor: 4500, currency: 'USD', formatted: '$45.00' },
      lines: [
        {
          id: expect.any(String),
          quantity: 2,
          customization: { note: 'Gift wrap please' },
          variant: { id: mug.variantId, sku: mug.sku },
          product: { id: mug.productId },
          unitPrice: { amountMinor: 1250, currency: 'USD', formatted: '$12.50' },
          lineTotal: { amountMinor: 2500, currency: 'USD', formatted: '$25.00' },
          available: 7,
          warnings: [],
        },
        {
          id: expect.any(String),
          quantity: 1,
          customization: null,
          variant: { id: cap.variantId, sku: cap.sku },
          product: { id: cap.productId },
          unitPrice: { amountMinor: 2000, currency: 'USD', formatted: '$20.00' },
          lineTotal: { amountMinor: 2000, currency: 'USD', formatted: '$20.00' },
          available: 4,
          warnings: [],
        },
      ],
    });
  });

  it('prices its lines in the cart currency', async () => {
    const mug = await variant({ prices: [{ currency: 'USD', amountMinor: 1250 }, { currency: 'JPY', amountMinor: 1800 }] });
    const cart = await createCart('jpy', [{ variantId: mug.variantId, quantity: 3 }]);
    expect(cart.currency).toBe('JPY');
    expect(cart.lines[0].unitPrice).toEqual({ amountMinor: 1800, currency: 'JPY', formatted: '¥1,800' });
    expect(cart.subtotal).toEqual({ amountMinor: 5400, currency: 'JPY', formatted: '¥5,400' });
  });

  it('can be created empty and has no lines, a zero subtotal and zero quantity', async () => {
    const cart = await createCart('EUR');
    expect(cart).toMatchObject({ currency: 'EUR', status: 'OPEN', lines: [], totalQuantity: 0, subtotal: { amountMinor: 0, currency: 'EUR' } });
  });
});

describe('addCartLine', () => {
  it('adds to the existing line when the variant and customization are the same', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1, customization: { note: 'Gift wrap please' } }]);
    const result = successfulCart(
      await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 2, customization: { note: 'Gift wrap please' } }),
    );
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({ id: cart.lines[0].id, quantity: 3, lineTotal: { amountMinor: 3750 } });
    expect(result.totalQuantity).toBe(3);
  });

  it('adds to the existing line when the same customization lists its keys in another order', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1, customization: { engraving: 'A.B.', color: 'red' } }]);
    const result = successfulCart(
      await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 1, customization: { engraving: 'A.B.', color: 'red' } }),
    );
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0].quantity).toBe(2);
  });

  it('makes a separate line for the same variant with a different customization', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1, customization: { note: 'Gift wrap please' } }]);
    const withOtherNote = successfulCart(
      await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 2, customization: { note: 'No gift wrap' } }),
    );
    const withoutNote = successfulCart(await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 4 }));
    expect(withOtherNote.lines.map((l) => [l.quantity, l.customization])).toEqual([
      [1, { note: 'Gift wrap please' }],
      [2, { note: 'No gift wrap' }],
    ]);
    expect(withoutNote.lines.map((l) => [l.quantity, l.customization])).toEqual([
      [1, { note: 'Gift wrap please' }],
      [2, { note: 'No gift wrap' }],
      [4, null],
    ]);
    expect(withoutNote.totalQuantity).toBe(7);
  });

  it('accepts more than is in stock but warns INSUFFICIENT_STOCK on the line', async () => {
    const mug = await variant({ name: 'Stoneware Mug', size: 'L', stock: 3 });
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 2 }]);
    expect(cart.lines[0].warnings).toEqual([]);

    const result = successfulCart(await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 3 }));
    expect(result.lines[0]).toMatchObject({
      quantity: 5,
      available: 3,
      warnings: [{ code: 'INSUFFICIENT_STOCK', message: 'Only 3 left of Stoneware Mug (size L); the cart has 5.' }],
    });
  });

  it('warns INSUFFICIENT_STOCK with "sold out" when nothing is left', async () => {
    const mug = await variant({ name: 'Rare Mug', stock: 0 });
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }]);
    expect(cart.lines[0]).toMatchObject({
      available: 0,
      warnings: [{ code: 'INSUFFICIENT_STOCK', message: 'Rare Mug is sold out.' }],
    });
  });

  it('warns PRICE_NOT_AVAILABLE for a variant with no price in the cart currency, and leaves it out of the subtotal', async () => {
    const priced = await variant({ prices: [{ currency: 'EUR', amountMinor: 900 }] });
    const unpriced = await variant({ name: 'Dollar Only Mug', prices: [{ currency: 'USD', amountMinor: 1250 }] });
    const cart = await createCart('EUR', [{ variantId: priced.variantId, quantity: 1 }]);
    const result = successfulCart(await addLine({ cartId: cart.id, variantId: unpriced.variantId, quantity: 2 }));
    expect(result.lines[1]).toMatchObject({
      unitPrice: null,
      lineTotal: null,
      warnings: [{ code: 'PRICE_NOT_AVAILABLE', message: 'Dollar Only Mug has no price in EUR.' }],
    });
    expect(result.subtotal).toMatchObject({ amountMinor: 900, currency: 'EUR' });
  });

  it.each(['DRAFT', 'ARCHIVED'] as const)('warns PRODUCT_NOT_AVAILABLE once the product is set to %s', async (status) => {
    const mug = await variant({ name: `Retired Mug ${status}` });
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }]);
    const { updateProduct } = await app.query(SetProductStatus, { input: { id: mug.productId, status } }, { token: app.staffToken() });
    expect(updateProduct).toMatchObject({ __typename: 'UpdateProductSuccess', product: { status } });

    const after = await readCart(cart.id);
    expect(after?.lines[0].warnings).toEqual([{ code: 'PRODUCT_NOT_AVAILABLE', message: `Retired Mug ${status} is no longer on sale.` }]);
  });

  it('answers CartNotFound for an unknown or malformed cart id', async () => {
    const mug = await variant();
    for (const cartId of [UNKNOWN_ID, 'not-a-cart']) {
      expect(await addLine({ cartId, variantId: mug.variantId, quantity: 1 })).toMatchObject({
        __typename: 'CartNotFound',
        code: 'CART_NOT_FOUND',
        cartId,
      });
    }
  });
});

describe('updateCartLine and removeCartLine', () => {
  it('updateCartLine sets the quantity of a line', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }]);
    const { updateCartLine } = await app.query(UpdateCartLineOp, { input: { cartId: cart.id, lineId: cart.lines[0].id, quantity: 4 } });
    const updated = successfulCart(updateCartLine);
    expect(updated.lines).toMatchObject([{ id: cart.lines[0].id, quantity: 4, lineTotal: { amountMinor: 5000 } }]);
    expect(updated.subtotal.amountMinor).toBe(5000);
  });

  it('updateCartLine replaces the customization when one is given', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1, customization: { note: 'Gift wrap please' } }]);
    const { updateCartLine } = await app.query(UpdateCartLineOp, {
      input: { cartId: cart.id, lineId: cart.lines[0].id, quantity: 1, customization: { note: 'Plain box' } },
    });
    expect(successfulCart(updateCartLine).lines[0].customization).toEqual({ note: 'Plain box' });
  });

  it('updateCartLine with quantity 0 removes the line', async () => {
    const mug = await variant();
    const cap = await variant();
    const cart = await createCart('USD', [
      { variantId: mug.variantId, quantity: 2 },
      { variantId: cap.variantId, quantity: 1 },
    ]);
    const { updateCartLine } = await app.query(UpdateCartLineOp, { input: { cartId: cart.id, lineId: cart.lines[0].id, quantity: 0 } });
    const updated = successfulCart(updateCartLine);
    expect(updated.lines.map((l) => l.variant.id)).toEqual([cap.variantId]);
    expect(updated.totalQuantity).toBe(1);
  });

  it.each([-1, 1000])('updateCartLine refuses quantity %i as InvalidQuantity and leaves the line as it was', async (quantity) => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 2 }]);
    const { updateCartLine } = await app.query(UpdateCartLineOp, { input: { cartId: cart.id, lineId: cart.lines[0].id, quantity } });
    expect(updateCartLine).toMatchObject({ __typename: 'InvalidQuantity', code: 'INVALID_QUANTITY', variantId: mug.variantId, quantity, maximum: 999 });
    expect((await readCart(cart.id))?.lines[0].quantity).toBe(2);
  });

  it('updateCartLine and removeCartLine answer CartLineNotFound for a line that is not in the cart', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }]);
    const otherCart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }]);
    for (const lineId of [UNKNOWN_ID, 'not-a-line', otherCart.lines[0].id]) {
      const { updateCartLine } = await app.query(UpdateCartLineOp, { input: { cartId: cart.id, lineId, quantity: 1 } });
      expect(updateCartLine).toMatchObject({ __typename: 'CartLineNotFound', code: 'CART_LINE_NOT_FOUND', lineId });
      const { removeCartLine } = await app.query(RemoveCartLineOp, { input: { cartId: cart.id, lineId } });
      expect(removeCartLine).toMatchObject({ __typename: 'CartLineNotFound', lineId });
    }
    expect((await readCart(otherCart.id))?.lines).toHaveLength(1);
  });

  it('removeCartLine removes the line', async () => {
    const mug = await variant();
    const cap = await variant();
    const cart = await createCart('USD', [
      { variantId: mug.variantId, quantity: 2 },
      { variantId: cap.variantId, quantity: 1 },
    ]);
    const { removeCartLine } = await app.query(RemoveCartLineOp, { input: { cartId: cart.id, lineId: cart.lines[1].id } });
    const updated = successfulCart(removeCartLine);
    expect(updated.lines.map((l) => l.variant.id)).toEqual([mug.variantId]);
    expect((await readCart(cart.id))?.lines).toHaveLength(1);
  });

  it('updateCartLine and removeCartLine answer CartNotFound for an unknown cart', async () => {
    const { updateCartLine } = await app.query(UpdateCartLineOp, { input: { cartId: UNKNOWN_ID, lineId: UNKNOWN_ID, quantity: 1 } });
    expect(updateCartLine).toMatchObject({ __typename: 'CartNotFound', code: 'CART_NOT_FOUND', cartId: UNKNOWN_ID });
    const { removeCartLine } = await app.query(RemoveCartLineOp, { input: { cartId: UNKNOWN_ID, lineId: UNKNOWN_ID } });
    expect(removeCartLine).toMatchObject({ __typename: 'CartNotFound', cartId: UNKNOWN_ID });
  });
});

describe('typed errors', () => {
  it.each([
    ['an unknown variant id', UNKNOWN_ID],
    ['a malformed variant id', 'not-a-variant'],
  ])('createCart and addCartLine answer VariantNotFound for %s', async (_, variantId) => {
    const { createCart: created } = await app.query(CreateCartOp, { input: { currency: 'USD', lines: [{ variantId, quantity: 1 }] } });
    expect(created).toMatchObject({ __typename: 'VariantNotFound', code: 'VARIANT_NOT_FOUND', variantId });
    const cart = await createCart('USD');
    expect(await addLine({ cartId: cart.id, variantId, quantity: 1 })).toMatchObject({ __typename: 'VariantNotFound', variantId });
  });

  it('createCart and addCartLine answer ProductNotAvailable for a DRAFT product', async () => {
    const product = await createProduct(app, {
      name: 'Unreleased Kettle',
      status: 'DRAFT',
      variants: [{ sku: 'CART-DRAFT-1', stockOnHand: 5, prices: [{ currency: 'USD', amountMinor: 3000 }] }],
    });
    const variantId = product.variants[0].id;
    const { createCart: created } = await app.query(CreateCartOp, { input: { currency: 'USD', lines: [{ variantId, quantity: 1 }] } });
    expect(created).toMatchObject({
      __typename: 'ProductNotAvailable',
      code: 'PRODUCT_NOT_AVAILABLE',
      message: 'Unreleased Kettle is not available for sale.',
      productId: product.id,
      variantId,
    });
    const cart = await createCart('USD');
    expect(await addLine({ cartId: cart.id, variantId, quantity: 1 })).toMatchObject({ __typename: 'ProductNotAvailable', productId: product.id });
  });

  it.each([0, -1, 1000])('createCart and addCartLine answer InvalidQuantity for quantity %i', async (quantity) => {
    const mug = await variant();
    const { createCart: created } = await app.query(CreateCartOp, {
      input: { currency: 'USD', lines: [{ variantId: mug.variantId, quantity }] },
    });
    expect(created).toMatchObject({ __typename: 'InvalidQuantity', code: 'INVALID_QUANTITY', variantId: mug.variantId, quantity, maximum: 999 });
    const cart = await createCart('USD');
    expect(await addLine({ cartId: cart.id, variantId: mug.variantId, quantity })).toMatchObject({ __typename: 'InvalidQuantity', quantity });
  });

  it('addCartLine answers InvalidQuantity when the line would go above 999', async () => {
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 998 }]);
    expect(await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 2 })).toMatchObject({
      __typename: 'InvalidQuantity',
      quantity: 1000,
      maximum: 999,
    });
    expect((await readCart(cart.id))?.lines[0].quantity).toBe(998);
  });

  it('createCart answers UnsupportedCurrency for a currency the shop cannot sell in', async () => {
    const { createCart: created } = await app.query(CreateCartOp, { input: { currency: 'XTS' } });
    expect(created).toMatchObject({ __typename: 'UnsupportedCurrency', code: 'UNSUPPORTED_CURRENCY', currency: 'XTS' });
  });

  it('createCart refuses a customization above 2,000 characters of JSON as InvalidInput', async () => {
    const mug = await variant();
    const { createCart: created } = await app.query(CreateCartOp, {
      input: { currency: 'USD', lines: [{ variantId: mug.variantId, quantity: 1, customization: { note: 'x'.repeat(2_001) } }] },
    });
    expect(created).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', field: 'lines.0.customization' });
  });

  it('cart(id) is null for an unknown or malformed id', async () => {
    expect(await readCart(UNKNOWN_ID)).toBeNull();
    expect(await readCart('not-a-cart')).toBeNull();
  });
});

describe("a signed-in customer's cart", () => {
  it('createCart a second time returns the same open cart, with the new lines added', async () => {
    const token = app.customerToken('cart-repeat');
    const mug = await variant();
    const cap = await variant();
    const first = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }], token);
    const second = await createCart('USD', [{ variantId: cap.variantId, quantity: 2 }], token);
    expect(second.id).toBe(first.id);
    expect(second.lines.map((l) => [l.variant.id, l.quantity])).toEqual([
      [mug.variantId, 1],
      [cap.variantId, 2],
    ]);

    const third = await app.query(CreateCartIdOnly, { input: { currency: 'USD', lines: [{ variantId: mug.variantId, quantity: 4 }] } }, { token });
    expect(third.createCart).toEqual({ __typename: 'CreateCartSuccess', cart: { id: first.id } });
    expect((await readCart(first.id, token))?.lines.map((l) => [l.variant.id, l.quantity])).toEqual([
      [mug.variantId, 5],
      [cap.variantId, 2],
    ]);
  });

  it('cart with no id returns their open cart, and null for a guest or a customer without one', async () => {
    const token = app.customerToken('cart-no-id');
    const mug = await variant();
    expect(await readCart(undefined, token)).toBeNull();
    const created = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }], token);
    expect(await readCart(undefined, token)).toMatchObject({ id: created.id, status: 'OPEN', totalQuantity: 1 });
    expect(await readCart(undefined)).toBeNull();
  });

  it('another customer can neither read nor change it, and a guest cannot read it', async () => {
    const owner = app.customerToken('cart-owner');
    const intruder = app.customerToken('cart-intruder');
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }], owner);
    const lineId = cart.lines[0].id;

    expect(await readCart(cart.id, intruder)).toBeNull();
    expect(await readCart(cart.id)).toBeNull();

    const notFound = { __typename: 'CartNotFound', code: 'CART_NOT_FOUND', cartId: cart.id };
    expect(await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 1 }, intruder)).toMatchObject(notFound);
    expect((await app.query(UpdateCartLineOp, { input: { cartId: cart.id, lineId, quantity: 5 } }, { token: intruder })).updateCartLine).toMatchObject(notFound);
    expect((await app.query(RemoveCartLineOp, { input: { cartId: cart.id, lineId } }, { token: intruder })).removeCartLine).toMatchObject(notFound);
    expect((await app.query(ClaimCartOp, { cartId: cart.id }, { token: intruder })).claimCart).toMatchObject(notFound);
    expect(await addLine({ cartId: cart.id, variantId: mug.variantId, quantity: 1 })).toMatchObject(notFound);

    expect(await readCart(cart.id, owner)).toMatchObject({ lines: [{ id: lineId, quantity: 1 }] });
  });

  it('staff can read it', async () => {
    const owner = app.customerToken('cart-staff-read');
    const mug = await variant();
    const cart = await createCart('USD', [{ variantId: mug.variantId, quantity: 2 }], owner);
    expect(await readCart(cart.id, app.staffToken())).toMatchObject({ id: cart.id, totalQuantity: 2 });
  });

  it('two concurrent createCart calls from a new customer end with one open cart holding both lines', async () => {
    const mug = await variant();
    const cap = await variant();
    // Several customers at once, so that at least some pairs really race past the first look-up.
    const customers = Array.from({ length: 6 }, (_, i) => `cart-race-${i}`);
    await Promise.all(
      customers.map(async (sub) => {
        const token = app.customerToken(sub);
        const [a, b] = await Promise.all([
          createCart('USD', [{ variantId: mug.variantId, quantity: 1 }], token),
          createCart('USD', [{ variantId: cap.variantId, quantity: 2 }], token),
        ]);
        expect(a.id).toBe(b.id);
        const open = await sql(`select id from cart where customer_id = ? and status = 'OPEN'`, [sub]);
        expect(open).toEqual([{ id: a.id }]);
        const cart = await readCart(undefined, token);
        expect(cart?.lines.map((l) => [l.variant.id, l.quantity]).sort()).toEqual(
          [
            [mug.variantId, 1],
            [cap.variantId, 2],
          ].sort(),
        );
      }),
    );
  });
});

describe('claimCart', () => {
  it('gives a guest cart to a customer who has no open cart', async () => {
    const token = app.customerToken('claimer-empty');
    const mug = await variant();
    const guestCart = await createCart('USD', [{ variantId: mug.variantId, quantity: 2, customization: { note: 'Gift wrap please' } }]);

    const { claimCart } = await app.query(ClaimCartOp, { cartId: guestCart.id }, { token });
    const claimed = successfulCart(claimCart);
    expect(claimed).toMatchObject({ id: guestCart.id, status: 'OPEN', lines: [{ quantity: 2, customization: { note: 'Gift wrap please' } }] });
    expect(await readCart(undefined, token)).toMatchObject({ id: guestCart.id });
    // It is the customer's now: the id alone no longer opens it.
    expect(await readCart(guestCart.id)).toBeNull();
  });

  it("merges a guest cart into the customer's open cart and closes the guest cart as MERGED", async () => {
    const token = app.customerToken('claimer-merge');
    const mug = await variant();
    const cap = await variant();
    const own = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }], token);
    const guestCart = await createCart('USD', [
      { variantId: mug.variantId, quantity: 2 },
      { variantId: cap.variantId, quantity: 1, customization: { note: 'Gift wrap please' } },
    ]);

    const { claimCart } = await app.query(ClaimCartOp, { cartId: guestCart.id }, { token });
    const merged = successfulCart(claimCart);
    expect(merged.id).toBe(own.id);
    expect(merged.lines.map((l) => [l.variant.id, l.quantity, l.customization])).toEqual([
      [mug.variantId, 3, null],
      [cap.variantId, 1, { note: 'Gift wrap please' }],
    ]);
    expect(merged.totalQuantity).toBe(4);

    expect(await readCart(guestCart.id)).toMatchObject({ id: guestCart.id, status: 'MERGED' });
    expect(await addLine({ cartId: guestCart.id, variantId: mug.variantId, quantity: 1 })).toMatchObject({
      __typename: 'CartNotFound',
      cartId: guestCart.id,
    });
    const again = await app.query(ClaimCartOp, { cartId: guestCart.id }, { token });
    expect(again.claimCart).toMatchObject({ __typename: 'CartNotFound', cartId: guestCart.id });
    expect((await readCart(undefined, token))?.totalQuantity).toBe(4);
  });

  it('merges a guest line whose product went off sale, keeping it with a PRODUCT_NOT_AVAILABLE warning', async () => {
    const token = app.customerToken('claimer-off-sale');
    const mug = await variant();
    const kettle = await variant({ name: 'Discontinued Kettle' });
    const own = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }], token);
    const guestCart = await createCart('USD', [{ variantId: kettle.variantId, quantity: 1 }]);
    await app.query(SetProductStatus, { input: { id: kettle.productId, status: 'ARCHIVED' } }, { token: app.staffToken() });

    const { claimCart } = await app.query(ClaimCartOp, { cartId: guestCart.id }, { token });
    const merged = successfulCart(claimCart);
    expect(merged.id).toBe(own.id);
    expect(merged.lines[1]).toMatchObject({
      variant: { id: kettle.variantId },
      warnings: [{ code: 'PRODUCT_NOT_AVAILABLE', message: 'Discontinued Kettle is no longer on sale.' }],
    });
    expect(await readCart(guestCart.id)).toMatchObject({ status: 'MERGED' });
  });

  it('caps a merged line at 999 rather than refusing the claim', async () => {
    const token = app.customerToken('claimer-cap');
    const mug = await variant();
    await createCart('USD', [{ variantId: mug.variantId, quantity: 600 }], token);
    const guestCart = await createCart('USD', [{ variantId: mug.variantId, quantity: 600 }]);
    const { claimCart } = await app.query(ClaimCartOp, { cartId: guestCart.id }, { token });
    expect(successfulCart(claimCart).lines).toMatchObject([{ variant: { id: mug.variantId }, quantity: 999 }]);
  });

  it('answers CartNotFound, not an error, when a guest tries to claim a cart', async () => {
    const mug = await variant();
    const guestCart = await createCart('USD', [{ variantId: mug.variantId, quantity: 1 }]);
    const response = await app.request(ClaimCartOp, { cartId: guestCart.id });
    expect(response.errors).toBeUndefined();
    expect(response.data?.claimCart).toMatchObject({ __typename: 'CartNotFound', code: 'CART_NOT_FOUND', cartId: guestCart.id });
    expect(await readCart(guestCart.id)).toMatchObject({ status: 'OPEN' });
  });

  it('answers CartNotFound for an unknown cart id', async () => {
    const { claimCart } = await app.query(ClaimCartOp, { cartId: UNKNOWN_ID }, { token: app.customerToken('claimer-unknown') });
    expect(claimCart).toMatchObject({ __typename: 'CartNotFound', cartId: UNKNOWN_ID });
  });
});

describe('concurrent changes to one cart', () => {
  it('adds up ten concurrent additions to the same line instead of losing any', async () => {
    const { variantId } = await variant({ stock: 100 });
    const cart = await createCart('USD', [{ variantId, quantity: 1 }]);
    const results = await Promise.all(Array.from({ length: 10 }, () => addLine({ cartId: cart.id, variantId, quantity: 1 })));
    expect(results.every((r) => r.__typename === 'CartSuccess')).toBe(true);
    const after = await readCart(cart.id);
    expect(after?.lines.map((l) => l.quantity)).toEqual([11]);
  });
});

describe('createCart without input', () => {
  const CreateBareCart = graphql(`
    mutation CartSuiteCreateBareCart {
      createCart { __typename ... on CreateCartSuccess { cart { id currency lines { id } } } }
    }
  `);

  it('creates an empty cart in the shop currency', async () => {
    const { createCart } = await app.query(CreateBareCart, {});
    expect(createCart).toMatchObject({ __typename: 'CreateCartSuccess', cart: { currency: 'USD', lines: [] } });
  });
});
