import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { CreateCategory, CreateProduct } from '../support/operations';

const app = useTestApp();

const UpdateProduct = graphql(`
  mutation UpdateProduct($input: UpdateProductInput!) {
    updateProduct(input: $input) {
      __typename
      ... on UpdateProductSuccess { product { id name slug status description imageUrls categories { slug } } }
      ... on UserError { code message }
      ... on DuplicateSlug { slug }
    }
  }
`);

const SetVariantPrice = graphql(`
  mutation SetVariantPrice($input: SetVariantPriceInput!) {
    setVariantPrice(input: $input) {
      __typename
      ... on SetVariantPriceSuccess { variant { id prices { amountMinor currency formatted } } }
      ... on UserError { code message }
    }
  }
`);

const AdjustStock = graphql(`
  mutation AdjustStock($input: AdjustStockInput!) {
    adjustStock(input: $input) {
      __typename
      ... on AdjustStockSuccess { variant { id available stock { onHand reserved } } }
      ... on InvalidStockAdjustment { onHand reserved delta }
      ... on UserError { code message }
    }
  }
`);

const staff = () => ({ token: app.staffToken() });

function variantInput(sku: string, extra: Record<string, unknown> = {}) {
  return { sku, stockOnHand: 3, prices: [{ currency: 'USD', amountMinor: 500 }], ...extra };
}

describe('createProduct', () => {
  it('creates a product with variants, options, prices and stock in one call', async () => {
    await app.query(CreateCategory, { input: { name: 'Kitchen' } }, staff());
    const { createProduct } = await app.query(
      CreateProduct,
      {
        input: {
          name: 'Crème Brûlée Torch',
          description: 'For the sugar crust.',
          status: 'ACTIVE',
          categories: ['kitchen'],
          imageUrls: ['https://img.example.com/torch.jpg'],
          variants: [
            {
              sku: 'TORCH-RED',
              options: [{ name: 'color', value: 'red' }],
              stockOnHand: 7,
              prices: [
                { currency: 'USD', amountMinor: 2999 },
                { currency: 'jpy', amountMinor: 4500 },
                { currency: 'KWD', amountMinor: 9250 },
              ],
            },
          ],
        },
      },
      staff(),
    );
    expect(createProduct.__typename).toBe('CreateProductSuccess');
    if (createProduct.__typename !== 'CreateProductSuccess') return;
    expect(createProduct.product.slug).toBe('creme-brulee-torch');
    expect(createProduct.product.variants[0]).toMatchObject({
      sku: 'TORCH-RED',
      available: 7,
      options: [{ name: 'color', value: 'red' }],
    });
    expect(createProduct.product.variants[0].prices).toEqual([
      { amountMinor: 4500, currency: 'JPY', formatted: '¥4,500' },
      { amountMinor: 9250, currency: 'KWD', formatted: 'KWD\u00a09.250' },
      { amountMinor: 2999, currency: 'USD', formatted: '$29.99' },
    ]);
  });

  it.each([
    ['no variants', { variants: [] }, 'InvalidInput', 'variants'],
    ['an empty name', { name: '  ' }, 'InvalidInput', 'name'],
    ['a malformed slug', { slug: 'Not A Slug' }, 'InvalidInput', 'slug'],
    ['negative stock', { variants: [variantInput('NEG-STOCK', { stockOnHand: -1 })] }, 'InvalidInput', 'variants.0.stockOnHand'],
    ['an image that is not a URL', { imageUrls: ['javascript:alert(1)'] }, 'InvalidInput', 'imageUrls.0'],
    ['two prices in one currency', { variants: [variantInput('TWICE', { prices: [{ currency: 'USD', amountMinor: 1 }, { currency: 'USD', amountMinor: 2 }] })] }, 'InvalidInput', 'variants.0.prices'],
  ])('refuses %s', async (_, override, typename, field) => {
    const { createProduct } = await app.query(
      CreateProduct,
      { input: { name: 'Refused', variants: [variantInput('REFUSED-1')], ...override } },
      staff(),
    );
    expect(createProduct).toMatchObject({ __typename: typename, code: 'INVALID_INPUT', field });
  });

  it('refuses a negative price, a currency nobody sells in and an unknown category, creating nothing', async () => {
    const negative = await app.query(
      CreateProduct,
      { input: { name: 'Negative', variants: [variantInput('NEG-PRICE', { prices: [{ currency: 'EUR', amountMinor: -5 }] })] } },
      staff(),
    );
    expect(negative.createProduct).toMatchObject({ __typename: 'InvalidPrice', code: 'INVALID_PRICE', currency: 'EUR', amountMinor: -5 });

    const gold = await app.query(
      CreateProduct,
      { input: { name: 'Gold', variants: [variantInput('GOLD', { prices: [{ currency: 'XAU', amountMinor: 1 }] })] } },
      staff(),
    );
    expect(gold.createProduct).toMatchObject({ __typename: 'UnsupportedCurrency', code: 'UNSUPPORTED_CURRENCY', currency: 'XAU' });

    const category = await app.query(
      CreateProduct,
      { input: { name: 'Lost', categories: ['nowhere'], variants: [variantInput('LOST')] } },
      staff(),
    );
    expect(category.createProduct).toMatchObject({ __typename: 'CategoryNotFound', slug: 'nowhere' });

    // None of the refused products left a variant behind: their SKUs are still free.
    const retry = await createProduct(app, { name: 'Negative', variants: [variantInput('NEG-PRICE'), variantInput('GOLD'), variantInput('LOST')] });
    expect(retry.variants).toHaveLength(3);
  });

  it('refuses a currency code that is not ISO 4217 at the schema level', async () => {
    const response = await app.request(
      CreateProduct,
      { input: { name: 'Bad', variants: [variantInput('BAD-CUR', { prices: [{ currency: 'ABC', amountMinor: 1 }] })] } },
      staff(),
    );
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a duplicate slug or SKU, within the input or against the catalog', async () => {
    const existing = await createProduct(app, { name: 'Original', variants: [variantInput('ORIG-1')] });

    const sameSlug = await app.query(CreateProduct, { input: { name: 'Other', slug: existing.slug, variants: [variantInput('ORIG-2')] } }, staff());
    expect(sameSlug.createProduct).toMatchObject({ __typename: 'DuplicateSlug', code: 'DUPLICATE_SLUG', slug: 'original' });

    const sameSku = await app.query(CreateProduct, { input: { name: 'Other', variants: [variantInput('ORIG-1')] } }, staff());
    expect(sameSku.createProduct).toMatchObject({ __typename: 'DuplicateSku', code: 'DUPLICATE_SKU', sku: 'ORIG-1' });

    const twice = await app.query(CreateProduct, { input: { name: 'Twice', variants: [variantInput('DUP'), variantInput('DUP')] } }, staff());
    expect(twice.createProduct).toMatchObject({ __typename: 'DuplicateSku', sku: 'DUP' });
  });

  it('gives exactly one of two concurrent creates with the same slug and SKU the product', async () => {
    const attempt = () =>
      app.query(CreateProduct, { input: { name: 'Race', variants: [variantInput('RACE-1')] } }, staff());
    const results = await Promise.all(Array.from({ length: 6 }, attempt));
    const typenames = results.map((r) => r.createProduct.__typename).sort();
    expect(typenames.filter((t) => t === 'CreateProductSuccess')).toHaveLength(1);
    expect(typenames.filter((t) => t === 'DuplicateSlug' || t === 'DuplicateSku')).toHaveLength(5);
  });

  it('is refused to guests (UNAUTHENTICATED) and customers (FORBIDDEN)', async () => {
    const input = { name: 'Nope', variants: [variantInput('NOPE')] };
    const guest = await app.request(CreateProduct, { input });
    expect(guest.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(guest.data).toBeNull();
    const customer = await app.request(CreateProduct, { input }, { token: app.customerToken('shopper') });
    expect(customer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const categories = await app.request(CreateCategory, { input: { name: 'Nope' } }, { token: app.customerToken('shopper') });
    expect(categories.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('updateProduct', () => {
  it('changes name, slug, status, description, images and categories', async () => {
    await app.query(CreateCategory, { input: { name: 'Garden', slug: 'garden' } }, staff());
    const product = await createProduct(app, { name: 'Watering Can', variants: [variantInput('CAN-1')] });
    const { updateProduct } = await app.query(
      UpdateProduct,
      {
        input: {
          id: product.id,
          name: 'Brass Watering Can',
          slug: 'brass-watering-can',
          status: 'ARCHIVED',
          description: null,
          imageUrls: ['https://img.example.com/can.png'],
          categories: ['garden'],
        },
      },
      staff(),
    );
    expect(updateProduct).toMatchObject({
      __typename: 'UpdateProductSuccess',
      product: {
        name: 'Brass Watering Can',
        slug: 'brass-watering-can',
        status: 'ARCHIVED',
        description: null,
        imageUrls: ['https://img.example.com/can.png'],
        categories: [{ slug: 'garden' }],
      },
    });
  });

  it('refuses an unknown product, a taken slug and an unknown category', async () => {
    const a = await createProduct(app, { name: 'Slug Owner', variants: [variantInput('OWNER-1')] });
    const b = await createProduct(app, { name: 'Slug Wanter', variants: [variantInput('WANTER-1')] });
    const missing = await app.query(UpdateProduct, { input: { id: '00000000-0000-4000-8000-000000000001', name: 'x' } }, staff());
    expect(missing.updateProduct).toMatchObject({ __typename: 'ProductNotFound', code: 'PRODUCT_NOT_FOUND' });
    const taken = await app.query(UpdateProduct, { input: { id: b.id, slug: a.slug } }, staff());
    expect(taken.updateProduct).toMatchObject({ __typename: 'DuplicateSlug', slug: a.slug });
    const category = await app.query(UpdateProduct, { input: { id: b.id, categories: ['nope'] } }, staff());
    expect(category.updateProduct).toMatchObject({ __typename: 'CategoryNotFound' });
  });
});

describe('setVariantPrice', () => {
  it('adds a price in a new currency and replaces an existing one', async () => {
    const product = await createProduct(app, { name: 'Priced', variants: [variantInput('PRICED-1')] });
    const variantId = product.variants[0].id;
    await app.query(SetVariantPrice, { input: { variantId, currency: 'EUR', amountMinor: 450 } }, staff());
    const { setVariantPrice } = await app.query(SetVariantPrice, { input: { variantId, currency: 'USD', amountMinor: 650 } }, staff());
    expect(setVariantPrice).toMatchObject({
      __typename: 'SetVariantPriceSuccess',
      variant: {
        prices: [
          { currency: 'EUR', amountMinor: 450, formatted: '€4.50' },
          { currency: 'USD', amountMinor: 650, formatted: '$6.50' },
        ],
      },
    });
  });

  it('refuses a negative price, an unknown variant and a non-sale currency', async () => {
    const product = await createProduct(app, { name: 'Priced Again', variants: [variantInput('PRICED-2')] });
    const variantId = product.variants[0].id;
    const negative = await app.query(SetVariantPrice, { input: { variantId, currency: 'USD', amountMinor: -1 } }, staff());
    expect(negative.setVariantPrice).toMatchObject({ __typename: 'InvalidPrice' });
    const unknown = await app.query(SetVariantPrice, { input: { variantId: 'nope', currency: 'USD', amountMinor: 1 } }, staff());
    expect(unknown.setVariantPrice).toMatchObject({ __typename: 'VariantNotFound', code: 'VARIANT_NOT_FOUND' });
    const test = await app.query(SetVariantPrice, { input: { variantId, currency: 'XTS', amountMinor: 1 } }, staff());
    expect(test.setVariantPrice).toMatchObject({ __typename: 'UnsupportedCurrency' });
  });
});

describe('adjustStock', () => {
  it('adds and removes stock, never below zero', async () => {
    const product = await createProduct(app, { name: 'Stocked', variants: [variantInput('STOCKED-1', { stockOnHand: 2 })] });
    const variantId = product.variants[0].id;
    const added = await app.query(AdjustStock, { input: { variantId, delta: 8, reason: 'delivery' } }, staff());
    expect(added.adjustStock).toMatchObject({ __typename: 'AdjustStockSuccess', variant: { available: 10, stock: { onHand: 10, reserved: 0 } } });
    const tooMany = await app.query(AdjustStock, { input: { variantId, delta: -11 } }, staff());
    expect(tooMany.adjustStock).toMatchObject({ __typename: 'InvalidStockAdjustment', code: 'INVALID_STOCK', onHand: 10, reserved: 0, delta: -11 });
    const zero = await app.query(AdjustStock, { input: { variantId, delta: 0 } }, staff());
    expect(zero.adjustStock).toMatchObject({ __typename: 'InvalidInput' });
    const unknown = await app.query(AdjustStock, { input: { variantId: '00000000-0000-4000-8000-000000000002', delta: 1 } }, staff());
    expect(unknown.adjustStock).toMatchObject({ __typename: 'VariantNotFound' });
  });

  it('lets exactly as many concurrent removals succeed as there are units', async () => {
    const product = await createProduct(app, { name: 'Scarce', variants: [variantInput('SCARCE-1', { stockOnHand: 10 })] });
    const variantId = product.variants[0].id;
    const results = await Promise.all(
      Array.from({ length: 25 }, () => app.query(AdjustStock, { input: { variantId, delta: -1 } }, staff())),
    );
    const outcomes = results.map((r) => r.adjustStock.__typename);
    expect(outcomes.filter((t) => t === 'AdjustStockSuccess')).toHaveLength(10);
    expect(outcomes.filter((t) => t === 'InvalidStockAdjustment')).toHaveLength(15);
    const after = await app.query(AdjustStock, { input: { variantId, delta: 1 } }, staff());
    expect(after.adjustStock).toMatchObject({ variant: { stock: { onHand: 1 } } });
  });
});

describe('createCategory', () => {
  it('creates a category and refuses its slug a second time', async () => {
    const first = await app.query(CreateCategory, { input: { name: 'Outdoor Gear' } }, staff());
    expect(first.createCategory).toMatchObject({ __typename: 'CreateCategorySuccess', category: { slug: 'outdoor-gear' } });
    const second = await app.query(CreateCategory, { input: { name: 'Outdoor gear' } }, staff());
    expect(second.createCategory).toMatchObject({ __typename: 'DuplicateSlug', slug: 'outdoor-gear' });
  });
});
