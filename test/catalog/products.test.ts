import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import type { ProductSort } from '../generated/graphql';
import { useTestApp, type TestApp } from '../support/app';
import { ProductsPage } from '../support/operations';

// This file runs on the demo catalog: 20 ACTIVE products and one DRAFT.
const app = useTestApp({ DEMO_DATA: 'true' });

const ProductBy = graphql(`
  query ProductBy($id: ID, $slug: String) {
    product(id: $id, slug: $slug) {
      id
      name
      slug
      status
      description
      imageUrls
      variants {
        sku
        options { name value }
        available
        usd: price(currency: "USD") { amountMinor formatted }
        jpy: price(currency: "JPY") { amountMinor formatted }
        gbp: price(currency: "GBP") { amountMinor }
        product { slug }
      }
    }
  }
`);

const StaffStock = graphql(`
  query StaffStock($slug: String) {
    product(slug: $slug) { variants { sku stock { onHand reserved available } } }
  }
`);

const Categories = graphql(`
  query Categories { categories { slug name } }
`);

async function allPages(app: TestApp, sort: ProductSort, pageSize: number, extra: { currency?: string; token?: string } = {}) {
  const names: string[] = [];
  const ids: string[] = [];
  let after: string | null | undefined;
  let pages = 0;
  for (;;) {
    const { products } = await app.query(
      ProductsPage,
      { first: pageSize, after, sort, currency: extra.currency },
      { token: extra.token },
    );
    pages += 1;
    ids.push(...products.edges.map((e) => e.node.id));
    names.push(...products.edges.map((e) => e.node.name));
    expect(products.pageInfo.hasPreviousPage).toBe(after !== undefined);
    if (!products.pageInfo.hasNextPage) break;
    after = products.pageInfo.endCursor;
  }
  return { ids, names, pages };
}

describe('products', () => {
  it('pages through the whole catalog by name with no gaps or repeats', async () => {
    const { products: all } = await app.query(ProductsPage, { first: 100 });
    expect(all.totalCount).toBe(20);
    expect(all.edges).toHaveLength(20);

    const { ids, names, pages } = await allPages(app, 'NAME', 3);
    expect(pages).toBe(7);
    expect(ids).toEqual(all.edges.map((e) => e.node.id));
    expect(new Set(ids).size).toBe(20);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it.each(['NEWEST', 'PRICE_ASC', 'PRICE_DESC'] as const)('pages through every product exactly once sorted %s', async (sort) => {
    const { ids } = await allPages(app, sort, 4, { currency: 'USD' });
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('orders by the lowest USD variant price', async () => {
    const { products } = await app.query(ProductsPage, { first: 100, sort: 'PRICE_ASC', currency: 'USD' });
    const lowest = products.edges.map((e) => Math.min(...e.node.variants.map((v) => v.price!.amountMinor)));
    expect(lowest).toEqual([...lowest].sort((a, b) => a - b));
    const { products: desc } = await app.query(ProductsPage, { first: 100, sort: 'PRICE_DESC', currency: 'USD' });
    expect(desc.edges.map((e) => e.node.id)).toEqual(products.edges.map((e) => e.node.id).reverse());
  });

  it('hides DRAFT products from guests and customers, but not from staff', async () => {
    const customer = app.customerToken('cust-drafts');
    for (const token of [undefined, customer]) {
      const { products } = await app.query(ProductsPage, { first: 100 }, { token });
      expect(products.edges.map((e) => e.node.status)).not.toContain('DRAFT');
      const { product } = await app.query(ProductBy, { slug: 'spring-collection-preview' }, { token });
      expect(product).toBeNull();
    }
    const staff = app.staffToken();
    const { products } = await app.query(ProductsPage, { first: 100 }, { token: staff });
    expect(products.totalCount).toBe(21);
    const { products: drafts } = await app.query(ProductsPage, { filter: { status: 'DRAFT' } }, { token: staff });
    expect(drafts.edges.map((e) => e.node.slug)).toEqual(['spring-collection-preview']);
    const { product } = await app.query(ProductBy, { slug: 'spring-collection-preview' }, { token: staff });
    expect(product?.status).toBe('DRAFT');
  });

  it('refuses a status filter other than ACTIVE to non-staff', async () => {
    const response = await app.request(ProductsPage, { filter: { status: 'DRAFT' } }, { token: app.customerToken('c1') });
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const active = await app.query(ProductsPage, { filter: { status: 'ACTIVE' } });
    expect(active.products.totalCount).toBe(20);
  });

  it('filters by search text and by category', async () => {
    const { products: found } = await app.query(ProductsPage, { filter: { search: 'headphones' } });
    expect(found.edges.map((e) => e.node.slug)).toEqual(['premium-headphones']);
    const { products: byDescription } = await app.query(ProductsPage, { filter: { search: 'MERINO' } });
    expect(byDescription.totalCount).toBe(1);
    const { products: literal } = await app.query(ProductsPage, { filter: { search: '%%%' } });
    expect(literal.totalCount).toBe(0);
    const short = await app.request(ProductsPage, { filter: { search: 'tv' } });
    expect(short.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });

    const { products: audio } = await app.query(ProductsPage, { filter: { category: 'audio' } });
    expect(audio.totalCount).toBe(4);
    expect(audio.edges.every((e) => e.node.categories.some((c) => c.slug === 'audio'))).toBe(true);
    const { products: both } = await app.query(ProductsPage, { filter: { category: 'audio', search: 'wireless' } });
    expect(both.edges.map((e) => e.node.slug)).toEqual(['wireless-earbuds']);
  });

  it('reads a product by id or slug, with prices per currency and available stock', async () => {
    const bySlug = await app.query(ProductBy, { slug: 'premium-headphones' });
    const product = bySlug.product!;
    expect(product.name).toBe('Premium Headphones');
    const byId = await app.query(ProductBy, { id: product.id });
    expect(byId.product?.slug).toBe('premium-headphones');

    const [small, medium, large] = product.variants;
    expect(small.usd).toEqual({ amountMinor: 24900, formatted: '$249.00' });
    expect(small.jpy).toEqual({ amountMinor: 36800, formatted: '¥36,800' });
    expect(small.gbp).toBeNull();
    expect(medium.available).toBe(0);
    expect(large.available).toBe(1);
    expect(small.product.slug).toBe('premium-headphones');
    expect(small.options).toEqual([
      { name: 'size', value: 'S' },
      { name: 'color', value: 'black' },
    ]);
  });

  it('answers null for an unknown or malformed id and slug', async () => {
    expect((await app.query(ProductBy, { id: '00000000-0000-4000-8000-000000000000' })).product).toBeNull();
    expect((await app.query(ProductBy, { id: 'not-a-uuid' })).product).toBeNull();
    expect((await app.query(ProductBy, { slug: 'no-such-product' })).product).toBeNull();
  });

  it('shows stock figures to staff only', async () => {
    const staff = await app.query(StaffStock, { slug: 'premium-headphones' }, { token: app.staffToken() });
    expect(staff.product?.variants[1].stock).toEqual({ onHand: 0, reserved: 0, available: 0 });
    const variants = staff.product!.variants.length;
    // Everyone else loses the staff-only field alone: the rest of the answer stands, with HTTP 200.
    for (const [token, code] of [[app.customerToken('c2'), 'FORBIDDEN'], [undefined, 'UNAUTHENTICATED']] as const) {
      const response = await app.request(StaffStock, { slug: 'premium-headphones' }, { token });
      expect(response.status).toBe(200);
      expect(response.data?.product?.variants.map((v) => v.stock)).toEqual(Array(variants).fill(null));
      expect(response.data?.product?.variants.map((v) => v.sku)).toEqual(staff.product!.variants.map((v) => v.sku));
      expect(response.errors).toHaveLength(variants);
      expect(response.errors?.[0]).toMatchObject({
        message: 'Only store staff can see Variant.stock.',
        path: ['product', 'variants', 0, 'stock'],
        extensions: { code },
      });
    }
  });

  it('refuses a bad page size, a forged cursor and a price sort without currency with a clear error', async () => {
    for (const first of [0, -1, 101]) {
      const response = await app.request(ProductsPage, { first });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(/"first" must be between 1 and 100/);
    }
    for (const after of ['garbage', Buffer.from('["NAME","x","not-a-uuid"]').toString('base64url')]) {
      const response = await app.request(ProductsPage, { after });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const { products } = await app.query(ProductsPage, { first: 2, sort: 'NAME' });
    const wrongSort = await app.request(ProductsPage, { after: products.pageInfo.endCursor, sort: 'NEWEST' });
    expect(wrongSort.errors?.[0].message).toMatch(/not a cursor from this list and sort order/);
    const noCurrency = await app.request(ProductsPage, { sort: 'PRICE_ASC' });
    expect(noCurrency.errors?.[0].message).toMatch(/needs the "currency" argument/);
  });

  it('lists the demo categories', async () => {
    const { categories } = await app.query(Categories);
    expect(categories.map((c) => c.slug)).toEqual(['accessories', 'apparel', 'audio', 'footwear', 'home']);
  });
});
