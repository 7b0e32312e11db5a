import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { isSaleCurrency, MAX_AMOUNT_MINOR } from '../common/money';
import { badUserInput, decodeCursor, encodeCursor, isTimestampText, pageSize, type Page } from '../common/pagination';
import { queryPrepared } from '../db/prepared';
import { isUuid } from '../common/ids';
import {
  CategoryNotFound,
  DuplicateSku,
  DuplicateSlug,
  InvalidPrice,
  InvalidStockAdjustment,
  ProductNotFound,
  VariantNotFound,
} from './catalog.errors';
import type { ProductView } from './catalog.loaders';
import { Category } from './category.entity';
import { Product, ProductStatus } from './product.entity';
import { VariantPrice } from './variant-price.entity';
import { Variant, type OptionValue } from './variant.entity';

export type ProductSortOrder = 'NAME' | 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC';

export interface ProductQuery {
  first?: number | null;
  after?: string | null;
  search?: string;
  categorySlug?: string;
  /** undefined: ACTIVE only (what customers see). */
  status?: ProductStatus;
  anyStatus?: boolean;
  sort: ProductSortOrder;
  /** Needed for the price sorts. */
  currency?: string;
}


interface SortSpec {
  /** SQL for the sort value of a product row aliased `p`. */
  expression: (knex: Knex) => Knex.Raw;
  direction: 'asc' | 'desc';
  cursorType: 'string' | 'number';
  /** Cast applied to the cursor value so it compares like the column. */
  cast: string;
}

// Unpriced products sort last in both directions.
const UNPRICED_LAST_ASC = Number.MAX_SAFE_INTEGER;
const UNPRICED_LAST_DESC = -1;

function sortSpec(sort: ProductSortOrder, currency: string | undefined): SortSpec {
  const minPrice = (knex: Knex, fallback: number) =>
    knex.raw(
      `coalesce((select min(vp.amount_minor) from variant v join variant_price vp on vp.variant_id = v.id
        where v.product_id = p.id and vp.currency = ?), ${fallback})::bigint`,
      [currency ?? null],
    );
  switch (sort) {
    case 'NAME':
      return { expression: (k) => k.raw('p.name'), direction: 'asc', cursorType: 'string', cast: '::text' };
    case 'NEWEST':
      // Compared as timestamptz but carried in the cursor as text, which keeps microseconds.
      return { expression: (k) => k.raw('p.created_at'), direction: 'desc', cursorType: 'string', cast: '::timestamptz' };
    case 'PRICE_ASC':
      return { expression: (k) => minPrice(k, UNPRICED_LAST_ASC), direction: 'asc', cursorType: 'number', cast: '::bigint' };
    case 'PRICE_DESC':
      return { expression: (k) => minPrice(k, UNPRICED_LAST_DESC), direction: 'desc', cursorType: 'number', cast: '::bigint' };
  }
}

/** A row of the product page query: the product's columns, its sort value as text for the cursor. */
interface ProductRow {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  image_urls: string[];
  status: ProductStatus;
  /** Timestamps arrive as text: the ORM's driver settings leave parsing them to the ORM. */
  created_at: string;
  updated_at: string;
  cursor_value: string;
}

function productView(row: ProductRow): ProductView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    imageUrls: row.image_urls,
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_STOCK = 1_000_000_000;

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export interface CreateProductCommand {
  name: string;
  slug?: string;
  description?: string | null;
  status?: ProductStatus;
  imageUrls?: string[];
  categories?: string[];
  variants: Array<{ sku: string; options?: OptionValue[]; prices: Array<{ currency: string; amountMinor: number }>; stockOnHand: number }>;
}

export interface UpdateProductCommand {
  id: string;
  name?: string;
  slug?: string;
  description?: string | null;
  status?: ProductStatus;
  imageUrls?: string[];
  categories?: string[];
}

/** Catalog rules: what shoppers may see, how staff create and change products, prices and stock. */
export class CatalogService {
  constructor(private readonly em: EntityManager) {}

  async listProducts(query: ProductQuery): Promise<Page<ProductView>> {
    const limit = pageSize(query.first);
    if ((query.sort === 'PRICE_ASC' || query.sort === 'PRICE_DESC') && !query.currency) {
      throw badUserInput('Sorting by price needs the "currency" argument.', 'currency');
    }
    const knex = this.em.getKnex();
    const spec = sortSpec(query.sort, query.currency);
    const filtered = () => this.filteredProducts(knex, query);

    const inner = filtered().select('p.*', spec.expression(knex).wrap('(', ') as sort_value'));
    const page = knex.select('*', knex.raw('sort_value::text as cursor_value')).from(inner.as('s'));
    if (query.after) {
      const [value, id] = decodeCursor(query.after, query.sort, [spec.cursorType, 'string']);
      if (!isUuid(id as string) || (query.sort === 'NEWEST' && !isTimestampText(value as string))) {
        throw badUserInput('"after" is not a cursor from this list and sort order.', 'after');
      }
      const comparison = spec.direction === 'asc' ? '>' : '<';
      page.whereRaw(`(s.sort_value, s.id) ${comparison} (?${spec.cast}, ?::uuid)`, [value, id]);
    }
    page.orderBy([
      { column: 's.sort_value', order: spec.direction },
      { column: 's.id', order: spec.direction },
    ]);
    page.limit(limit + 1);

    const { sql, bindings } = page.toSQL();
    // A page is asked for far more often than anything else: prepared, per sort and filter shape.
    const rows = await queryPrepared<ProductRow>(this.em, sql, [...bindings]);
    const hasNextPage = rows.length > limit;
    const edges = rows.slice(0, limit).map((row) => {
      const cursorValue = spec.cursorType === 'number' ? Number(row.cursor_value) : row.cursor_value;
      return { node: productView(row), cursor: encodeCursor(query.sort, [cursorValue, row.id]) };
    });
    return {
      edges,
      hasNextPage,
      hasPreviousPage: Boolean(query.after),
      countTotal: async () => {
        const [{ count }] = await this.em.getConnection().execute(filtered().count({ count: '*' }));
        return Number(count);
      },
    };
  }

  private filteredProducts(knex: Knex, query: ProductQuery): Knex.QueryBuilder {
    const qb = knex('product as p');
    if (!query.anyStatus) qb.where('p.status', ProductStatus.ACTIVE);
    else if (query.status) qb.where('p.status', query.status);
    const search = query.search?.trim();
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      qb.where((w) => w.whereILike('p.name', pattern).orWhereILike('p.description', pattern));
    }
    if (query.categorySlug) {
      qb.whereExists(
        knex('product_category as pc')
          .join('category as c', 'c.id', 'pc.category_id')
          .whereRaw('pc.product_id = p.id')
          .where('c.slug', query.categorySlug),
      );
    }
    return qb;
  }

  /** A product by id or slug; null when it does not exist or the viewer may not see it. */
  async findProduct(by: { id?: string | null; slug?: string | null }, anyStatus: boolean): Promise<Product | null> {
    if (by.id) {
      if (!isUuid(by.id)) return null;
    } else if (!by.slug) {
      throw badUserInput('Give the product\'s "id" or "slug".', 'id');
    }
    const where = by.id ? { id: by.id } : { slug: by.slug! };
    const product = await this.em.findOne(Product, anyStatus ? where : { ...where, status: ProductStatus.ACTIVE });
    return product;
  }

  listCategories(): Promise<Category[]> {
    return this.em.find(Category, {}, { orderBy: { name: 'asc' } });
  }

  async createCategory(input: { name: string; slug?: string }): Promise<Category | InvalidInput | DuplicateSlug> {
    const name = input.name.trim();
    if (!name) return new InvalidInput('name', 'A category needs a name.');
    const slug = input.slug?.trim() || slugify(name);
    if (!SLUG_PATTERN.test(slug)) return new InvalidInput('slug', slugMessage(slug));
    if (await this.em.count(Category, { slug })) return new DuplicateSlug(slug);
    const category = this.em.create(Category, { name, slug });
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return new DuplicateSlug(slug);
      throw error;
    }
    return category;
  }

  async createProduct(
    input: CreateProductCommand,
  ): Promise<Product | InvalidInput | DuplicateSlug | DuplicateSku | UnsupportedCurrency | InvalidPrice | CategoryNotFound> {
    const name = input.name.trim();
    if (!name) return new InvalidInput('name', 'A product needs a name.');
    const slug = input.slug?.trim() || slugify(name);
    if (!SLUG_PATTERN.test(slug)) return new InvalidInput('slug', slugMessage(slug));
    const invalidUrl = validateImageUrls(input.imageUrls ?? []);
    if (invalidUrl) return invalidUrl;
    if (input.variants.length === 0) return new InvalidInput('variants', 'A product needs at least one variant.');

    const skus = new Set<string>();
    for (const [i, variant] of input.variants.entries()) {
      const sku = variant.sku.trim();
      if (!sku) return new InvalidInput(`variants.${i}.sku`, 'Every variant needs a SKU.');
      if (skus.has(sku)) return new DuplicateSku(sku);
      skus.add(sku);
      if (!Number.isInteger(variant.stockOnHand) || variant.stockOnHand < 0 || variant.stockOnHand > MAX_STOCK) {
        return new InvalidInput(`variants.${i}.stockOnHand`, `Stock on hand must be a whole number from 0 to ${MAX_STOCK}.`);
      }
      const priceError = validatePrices(variant.prices, `variants.${i}.prices`);
      if (priceError) return priceError;
      const optionError = validateOptions(variant.options ?? [], `variants.${i}.options`);
      if (optionError) return optionError;
    }

    const categories = await this.findCategories(input.categories ?? []);
    if (categories instanceof CategoryNotFound) return categories;
    if (await this.em.count(Product, { slug })) return new DuplicateSlug(slug);
    const taken = await this.em.findOne(Variant, { sku: { $in: [...skus] } }, { fields: ['sku'] });
    if (taken) return new DuplicateSku(taken.sku);

    const product = this.em.create(Product, {
      name,
      slug,
      description: input.description?.trim() || null,
      status: input.status ?? ProductStatus.DRAFT,
      imageUrls: input.imageUrls ?? [],
    });
    product.categories.set(categories);
    input.variants.forEach((v, position) => {
      const variant = this.em.create(Variant, {
        product,
        sku: v.sku.trim(),
        options: (v.options ?? []).map(({ name, value }) => ({ name: name.trim(), value: value.trim() })),
        position,
        stockOnHand: v.stockOnHand,
        stockReserved: 0,
      });
      for (const price of v.prices) {
        this.em.create(VariantPrice, { variant, currency: price.currency.toUpperCase(), amountMinor: price.amountMinor });
      }
    });
    // A concurrent create can take the slug or a SKU between the checks and the insert.
    const conflict = await this.flushOrConflict(slug, [...skus]);
    return conflict ?? product;
  }

  async updateProduct(
    input: UpdateProductCommand,
  ): Promise<Product | ProductNotFound | InvalidInput | DuplicateSlug | CategoryNotFound> {
    const product = isUuid(input.id) ? await this.em.findOne(Product, { id: input.id }) : null;
    if (!product) return new ProductNotFound(input.id);
    if (input.name !== undefined && input.name !== null) {
      const name = input.name.trim();
      if (!name) return new InvalidInput('name', 'A product needs a name.');
      product.name = name;
    }
    if (input.slug !== undefined && input.slug !== null && input.slug.trim() !== product.slug) {
      const slug = input.slug.trim();
      if (!SLUG_PATTERN.test(slug)) return new InvalidInput('slug', slugMessage(slug));
      if (await this.em.count(Product, { slug })) return new DuplicateSlug(slug);
      product.slug = slug;
    }
    if (input.description !== undefined) product.description = input.description?.trim() || null;
    if (input.status) product.status = input.status;
    if (input.imageUrls) {
      const invalidUrl = validateImageUrls(input.imageUrls);
      if (invalidUrl) return invalidUrl;
      product.imageUrls = input.imageUrls;
    }
    if (input.categories) {
      const categories = await this.findCategories(input.categories);
      if (categories instanceof CategoryNotFound) return categories;
      await product.categories.init();
      product.categories.set(categories);
    }
    return (await this.flushOrConflict(product.slug, [])) ?? product;
  }

  async setVariantPrice(input: {
    variantId: string;
    currency: string;
    amountMinor: number;
  }): Promise<Variant | VariantNotFound | UnsupportedCurrency | InvalidPrice> {
    const currency = input.currency.toUpperCase();
    const priceError = validatePrices([{ currency, amountMinor: input.amountMinor }], 'amountMinor');
    if (priceError) return priceError as UnsupportedCurrency | InvalidPrice;
    const variant = isUuid(input.variantId) ? await this.em.findOne(Variant, { id: input.variantId }) : null;
    if (!variant) return new VariantNotFound(input.variantId);
    // One statement, so two staff setting the same price at once cannot collide on the unique key.
    await this.em.upsert(
      VariantPrice,
      { id: randomUUID(), variant, currency, amountMinor: input.amountMinor, createdAt: new Date(), updatedAt: new Date() },
      { onConflictFields: ['variant', 'currency'], onConflictAction: 'merge', onConflictMergeFields: ['amountMinor', 'updatedAt'] },
    );
    return variant;
  }

  /**
   * Adds `delta` to stock on hand in one conditional UPDATE, so it composes with checkouts
   * reserving the same row: on hand never drops below zero or below what orders hold.
   */
  async adjustStock(input: {
    variantId: string;
    delta: number;
  }): Promise<Variant | VariantNotFound | InvalidStockAdjustment | InvalidInput> {
    if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > MAX_STOCK) {
      return new InvalidInput('delta', `The change must be a whole number other than 0, at most ${MAX_STOCK} either way.`);
    }
    if (!isUuid(input.variantId)) return new VariantNotFound(input.variantId);
    const rows: Array<Record<string, unknown>> = await this.em.getConnection().execute(
      `update variant set stock_on_hand = stock_on_hand + ?, updated_at = now()
        where id = ? and stock_on_hand + ? >= stock_reserved and stock_on_hand + ? <= ?
        returning *`,
      [input.delta, input.variantId, input.delta, input.delta, MAX_STOCK],
    );
    if (rows.length === 0) {
      const variant = await this.em.findOne(Variant, { id: input.variantId }, { refresh: true });
      if (!variant) return new VariantNotFound(input.variantId);
      return new InvalidStockAdjustment(variant.id, variant.stockOnHand, variant.stockReserved, input.delta);
    }
    return this.em.map(Variant, rows[0]);
  }

  private async findCategories(slugs: string[]): Promise<Category[] | CategoryNotFound> {
    if (slugs.length === 0) return [];
    const categories = await this.em.find(Category, { slug: { $in: slugs } });
    const missing = slugs.find((slug) => !categories.some((c) => c.slug === slug));
    return missing ? new CategoryNotFound(missing) : categories;
  }

  private async flushOrConflict(slug: string, skus: []): Promise<DuplicateSlug | undefined>;
  private async flushOrConflict(slug: string, skus: string[]): Promise<DuplicateSlug | DuplicateSku | undefined>;
  private async flushOrConflict(slug: string, skus: string[]): Promise<DuplicateSlug | DuplicateSku | undefined> {
    try {
      await this.em.flush();
      return undefined;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      this.em.clear();
      const detail = String((error as { detail?: string }).detail ?? error.message);
      const sku = skus.find((s) => detail.includes(`(${s})`));
      return sku ? new DuplicateSku(sku) : new DuplicateSlug(slug);
    }
  }
}

function slugMessage(slug: string): string {
  return `"${slug}" is not a valid slug: use lowercase letters, digits and single hyphens.`;
}

function validatePrices(
  prices: Array<{ currency: string; amountMinor: number }>,
  field: string,
): UnsupportedCurrency | InvalidPrice | InvalidInput | undefined {
  const seen = new Set<string>();
  for (const price of prices) {
    const currency = price.currency.toUpperCase();
    if (!isSaleCurrency(currency)) return new UnsupportedCurrency(currency);
    if (price.amountMinor < 0 || price.amountMinor > MAX_AMOUNT_MINOR) return new InvalidPrice(currency, price.amountMinor);
    if (seen.has(currency)) return new InvalidInput(field, `Two prices in ${currency}: give one price per currency.`);
    seen.add(currency);
  }
  return undefined;
}

function validateOptions(options: OptionValue[], field: string): InvalidInput | undefined {
  const names = new Set<string>();
  for (const option of options) {
    const name = option.name.trim().toLowerCase();
    if (!name || !option.value.trim()) return new InvalidInput(field, 'An option needs a name and a value.');
    if (names.has(name)) return new InvalidInput(field, `The option "${option.name}" is given twice.`);
    names.add(name);
  }
  return undefined;
}

function validateImageUrls(urls: string[]): InvalidInput | undefined {
  for (const [i, raw] of urls.entries()) {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      return new InvalidInput(`imageUrls.${i}`, `"${raw}" is not an http(s) URL.`);
    }
  }
  return undefined;
}
