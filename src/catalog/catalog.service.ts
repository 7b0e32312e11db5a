import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { ConnectionType, EntityManager } from '@mikro-orm/postgresql';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { isSaleCurrency, MAX_AMOUNT_MINOR } from '../common/money';
import { badUserInput, decodeCursor, encodeCursor, isTimestampText, pageSize, type Page } from '../common/pagination';
import { queryPrepared } from '../db/prepared';
import { PRIMARY_READS, type CatalogReads } from '../db/read-replicas';
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
import { UNPRICED_LAST_ASC, UNPRICED_LAST_DESC } from './product-price-key.entity';
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
  /** The table(s) a page reads: `product p`, and the price sort keys `k` for the price sorts, with their own condition. */
  from: SqlPart;
  /** SQL of the sort value: exactly the expression of the index that serves the sort. */
  value: string;
  /** The row's id as the index has it (k.product_id for the price sorts, so the cursor's comparison is an index condition). */
  id: string;
  direction: 'asc' | 'desc';
  cursorType: 'string' | 'number';
  /** Cast applied to the cursor value so it compares like the column. */
  cast: string;
  /** The price sorts: the sort value of an unpriced product. */
  unpriced?: number;
}

/** A piece of SQL with `?` placeholders: a FROM clause and the conditions that go with it. */
interface SqlPart {
  sql: string;
  where: string[];
  params: unknown[];
}

const PRODUCTS: SqlPart = { sql: 'product p', where: [], params: [] };

/** `select <columns> from <from> where <conditions>`: the parameters are the FROM's, then the conditions', in order. */
function select(columns: string, from: SqlPart, ...conditions: string[][]): string {
  const where = [...from.where, ...conditions.flat()];
  return `select ${columns} from ${from.sql}${where.length ? ` where ${where.join(' and ')}` : ''}`;
}

/**
 * Every sort is a walk along one index, starting after the cursor, so a page reads about as
 * many rows as it shows, whatever the catalog's size. The price sorts walk the maintained
 * per-currency minimum (product_price_key); unpriced products sort last in both directions.
 */
function sortSpec(sort: ProductSortOrder, currency: string | undefined): SortSpec {
  const products: SqlPart = { sql: 'product p', where: [], params: [] };
  const priceKeys: SqlPart = { sql: 'product_price_key k join product p on p.id = k.product_id', where: ['k.currency = ?'], params: [currency] };
  switch (sort) {
    case 'NAME':
      return { from: products, value: 'p.name', id: 'p.id', direction: 'asc', cursorType: 'string', cast: '::text' };
    case 'NEWEST':
      // Compared as timestamptz but carried in the cursor as text, which keeps microseconds.
      return { from: products, value: 'p.created_at', id: 'p.id', direction: 'desc', cursorType: 'string', cast: '::timestamptz' };
    case 'PRICE_ASC':
      return {
        from: priceKeys,
        value: `coalesce(k.min_amount_minor, ${UNPRICED_LAST_ASC})`,
        id: 'k.product_id',
        direction: 'asc',
        cursorType: 'number',
        cast: '::bigint',
        unpriced: UNPRICED_LAST_ASC,
      };
    case 'PRICE_DESC':
      return {
        from: priceKeys,
        value: `coalesce(k.min_amount_minor, ${UNPRICED_LAST_DESC})`,
        id: 'k.product_id',
        direction: 'desc',
        cursorType: 'number',
        cast: '::bigint',
        unpriced: UNPRICED_LAST_DESC,
      };
  }
}

/**
 * `totalCount` counts exactly up to this many products; beyond it the planner's estimate is
 * given (at least one more than the bound), so a count costs about the same at any size.
 */
export const EXACT_COUNT_LIMIT = 1000;

/** The search filter matches substrings through trigrams: shorter terms have none to look up. */
export const MIN_SEARCH_LENGTH = 3;

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

/**
 * A product of a page, read from its row. The timestamps are parsed when a resolver asks for
 * them: a page of 50 asks for none of them as often as not, and parsing them cost more than
 * anything else this module did per page (CPU profile of npm run bench).
 */
class ProductRowView implements ProductView {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly description: string | null;
  readonly imageUrls: string[];
  readonly status: ProductStatus;
  private readonly createdAtText: string;
  private readonly updatedAtText: string;

  constructor(row: ProductRow) {
    this.id = row.id;
    this.name = row.name;
    this.slug = row.slug;
    this.description = row.description;
    this.imageUrls = row.image_urls;
    this.status = row.status;
    this.createdAtText = row.created_at;
    this.updatedAtText = row.updated_at;
  }

  get createdAt(): Date {
    return new Date(this.createdAtText);
  }

  get updatedAt(): Date {
    return new Date(this.updatedAtText);
  }
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

/**
 * A category with at most this many products is read whole and then sorted by name or date:
 * one index probe per product, about 40 ms at this size. A larger one, and every category
 * sorted by price, is read by walking the sort's index and keeping the category's products,
 * which finds a page quickly when they are many or spread evenly, but walked a quarter of a
 * 200,000-product catalog (272 ms) when a small category's names all sorted late. The price
 * sorts keep the walk: reading a category whole costs them two probes per product.
 */
export const SMALL_CATEGORY = 10_000;

/** The conditions of a product list on `product p`: status, search and category (see SMALL_CATEGORY). */
function productFilter(query: ProductQuery, smallCategory: boolean): SqlPart {
  const filter: SqlPart = { sql: 'product p', where: [], params: [] };
  if (!query.anyStatus || query.status) {
    filter.where.push('p.status = ?');
    filter.params.push(query.anyStatus ? query.status : ProductStatus.ACTIVE);
  }
  const search = query.search?.trim();
  if (search) {
    // Case-insensitive substring of the name or the description: search_text is both,
    // lowercased by PostgreSQL, and its trigram index finds the rows that can match.
    filter.where.push('p.search_text like lower(?)');
    filter.params.push(`%${search.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  }
  if (query.categorySlug) {
    // The category's id is looked up once, so each product costs one probe of an index.
    filter.where.push(
      smallCategory
        ? 'p.id = any(array(select pc.product_id from product_category pc where pc.category_id = (select id from category where slug = ?)))'
        : 'exists (select 1 from product_category pc where pc.product_id = p.id and pc.category_id = (select id from category where slug = ?))',
    );
    filter.params.push(query.categorySlug);
  }
  return filter;
}

/** Catalog rules: what shoppers may see, how staff create and change products, prices and stock. */
export class CatalogService {
  /** `reads`: where the shop-window reads (pages, a product, categories) go; staff writes use `em` alone. */
  constructor(
    private readonly em: EntityManager,
    private readonly reads: CatalogReads = PRIMARY_READS,
    /** See SMALL_CATEGORY; tests set it to take one way or the other. */
    private readonly smallCategory = SMALL_CATEGORY,
  ) {}

  async listProducts(query: ProductQuery): Promise<Page<ProductView>> {
    const limit = pageSize(query.first);
    if ((query.sort === 'PRICE_ASC' || query.sort === 'PRICE_DESC') && !query.currency) {
      throw badUserInput('Sorting by price needs the "currency" argument.', 'currency');
    }
    const search = query.search?.trim();
    if (search !== undefined && search !== '' && [...search].length < MIN_SEARCH_LENGTH) {
      throw badUserInput(`"search" needs at least ${MIN_SEARCH_LENGTH} characters.`, 'search');
    }
    const spec = sortSpec(query.sort, query.currency);

    const cursor = query.after ? decodeCursor(query.after, query.sort, [spec.cursorType, 'string']) : undefined;
    if (cursor && (!isUuid(cursor[1] as string) || (query.sort === 'NEWEST' && !isTimestampText(cursor[0] as string)))) {
      throw badUserInput('"after" is not a cursor from this list and sort order.', 'after');
    }
    const comparison = spec.direction === 'asc' ? '>' : '<';
    const columns = 'p.id, p.name, p.slug, p.description, p.image_urls, p.status, p.created_at, p.updated_at';
    const readCategoryWhole = Boolean(query.categorySlug) && spec.unpriced === undefined && (await this.isSmallCategory(query.categorySlug!));
    const filter = productFilter(query, readCategoryWhole);

    // SQL text, not a knex query built per request: building it cost a products page more
    // CPU than the rest of this service (profile of npm run bench -- --pages-only).
    const after = cursor ? [`(${spec.value}, ${spec.id}) ${comparison} (?${spec.cast}, ?::uuid)`] : [];
    let sql = `${select(`${columns}, ${spec.value}::text as cursor_value`, spec.from, filter.where, after)} order by ${spec.value} ${spec.direction}, ${spec.id} ${spec.direction} limit ?`;
    let bindings = [...spec.from.params, ...filter.params, ...(cursor ?? []), limit + 1];
    if (spec.unpriced !== undefined) {
      // A currency no product has a price in has no sort keys: every product is unpriced and
      // sorts by id. Only one of the two parts can return rows, so their union is in order.
      const noKeys = ['not exists (select 1 from catalog_currency where code = ?)'];
      const afterId = cursor ? [`p.id ${comparison} ?::uuid`] : [];
      const unpriced = `${select(`${columns}, '${spec.unpriced}' as cursor_value`, PRODUCTS, filter.where, noKeys, afterId)} order by p.id ${spec.direction} limit ?`;
      sql = `(${sql}) union all (${unpriced})`;
      bindings = [...bindings, ...filter.params, query.currency, ...(cursor ? [cursor[1]] : []), limit + 1];
    }

    const filtered = Boolean(search || query.categorySlug);
    // The unfiltered page is asked for far more often than anything else: prepared, per sort.
    // A filtered one is planned for its values: how many products a term or category matches
    // decides whether walking the sort's index or collecting the matches first is cheaper.
    const rows = await this.reads.run((connection) =>
      filtered
        ? (this.em.getConnection(connection).execute(sql, bindings) as Promise<ProductRow[]>)
        : queryPrepared<ProductRow>(this.em, sql, bindings, connection),
    );
    const hasNextPage = rows.length > limit;
    const edges = rows.slice(0, limit).map((row) => {
      const cursorValue = spec.cursorType === 'number' ? Number(row.cursor_value) : row.cursor_value;
      return { node: new ProductRowView(row), cursor: encodeCursor(query.sort, [cursorValue, row.id]) };
    });
    return {
      edges,
      hasNextPage,
      hasPreviousPage: Boolean(query.after),
      countTotal: () => this.reads.run((connection) => this.countProducts(filter, connection)),
    };
  }

  /** Whether the category has at most `smallCategory` products: at most that many entries of its index are read. */
  private async isSmallCategory(slug: string): Promise<boolean> {
    const [{ count }] = await this.reads.run((connection) =>
      this.em
        .getConnection(connection)
        .execute(
          'select count(*)::int as count from (select 1 from product_category pc where pc.category_id = (select id from category where slug = ?) limit ?) m',
          [slug, this.smallCategory + 1],
        ),
    );
    return Number(count) <= this.smallCategory;
  }

  /** Exact up to EXACT_COUNT_LIMIT; above it, the planner's estimate of the filtered rows. */
  private async countProducts(filter: SqlPart, connection: ConnectionType): Promise<number> {
    const matching = select('1', PRODUCTS, filter.where);
    const [{ count }] = await this.em.getConnection(connection).execute(`select count(*) as count from (${matching} limit ?) m`, [...filter.params, EXACT_COUNT_LIMIT + 1]);
    if (Number(count) <= EXACT_COUNT_LIMIT) return Number(count);
    const [{ 'QUERY PLAN': plan }] = await this.em.getConnection(connection).execute(`explain (format json) ${matching}`, filter.params);
    const estimate = Math.round((plan as Array<{ Plan: { 'Plan Rows': number } }>)[0].Plan['Plan Rows']);
    return Math.max(estimate, EXACT_COUNT_LIMIT + 1);
  }

  /** A product by id or slug; null when it does not exist or the viewer may not see it. */
  async findProduct(by: { id?: string | null; slug?: string | null }, anyStatus: boolean): Promise<Product | null> {
    if (by.id) {
      if (!isUuid(by.id)) return null;
    } else if (!by.slug) {
      throw badUserInput('Give the product\'s "id" or "slug".', 'id');
    }
    const where = by.id ? { id: by.id } : { slug: by.slug! };
    return this.reads.run((connectionType) =>
      this.em.findOne(Product, anyStatus ? where : { ...where, status: ProductStatus.ACTIVE }, { connectionType }),
    );
  }

  listCategories(): Promise<Category[]> {
    return this.reads.run((connectionType) => this.em.find(Category, {}, { orderBy: { name: 'asc' }, connectionType }));
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
