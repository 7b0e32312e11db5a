import DataLoader from 'dataloader';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Money } from '../common/money.types';
import { queryPrepared } from '../db/prepared';
import { PRIMARY_READS, type CatalogReads } from '../db/read-replicas';
import { Category } from './category.entity';
import { Product } from './product.entity';
import { Variant } from './variant.entity';

/** Groups `items` by `keyOf` in the order of `keys`, as DataLoader batch functions must return. */
export function groupByKeys<K, T>(keys: readonly K[], items: T[], keyOf: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (const item of items) groups.get(keyOf(item))?.push(item);
  return keys.map((key) => groups.get(key)!);
}

/**
 * What a catalog page reads of products and variants: plain values, not managed entities.
 * A page of 50 products has hundreds of rows; hydrating them into the identity map cost
 * more CPU than the queries (measured with npm run bench). Entities satisfy these shapes
 * too, so resolvers take either.
 */
export type ProductView = Pick<Product, 'id' | 'name' | 'slug' | 'description' | 'imageUrls' | 'status' | 'createdAt' | 'updatedAt'>;
export type VariantView = Pick<Variant, 'id' | 'sku' | 'options' | 'position' | 'stockOnHand' | 'stockReserved'> & { product: { id: string } };

/**
 * One SQL statement per relation per request, however many products a page shows, on the
 * connection `reads` chooses for the request (a replica for a shop-window page).
 */
export function createCatalogLoaders(em: EntityManager, reads: CatalogReads = PRIMARY_READS) {
  const rows = <T>(query: Knex.QueryBuilder) => reads.run((connection) => em.getConnection(connection).execute(query) as Promise<T[]>);
  // Every variant's prices this request has read, as the Money the price fields return.
  const pricesRead = new Map<string, Money[]>();

  const pricesByVariantId = new DataLoader<string, Money[]>(async (variantIds) => {
    const found = await rows<{ variant_id: string; currency: string; amount_minor: number }>(
      em.getKnex().select('variant_id', 'currency', 'amount_minor').from('variant_price').whereIn('variant_id', [...variantIds]).orderBy('currency'),
    );
    const prices = groupByKeys(variantIds, found, (p) => p.variant_id).map((group) => group.map((p) => new Money(p.amount_minor, p.currency)));
    variantIds.forEach((id, i) => pricesRead.set(id, prices[i]));
    return prices;
  });

  return {
    /**
     * Variants come with their prices, in one statement: a page of 50 products asks the
     * database once for both, and its price fields then answer without waiting for a loader.
     */
    variantsByProductId: new DataLoader<string, VariantView[]>(async (productIds) => {
      const found = await reads.run((connection) => queryPrepared<{
        id: string;
        product_id: string;
        sku: string;
        options: VariantView['options'];
        position: number;
        stock_on_hand: number;
        stock_reserved: number;
        prices: Array<[currency: string, amountMinor: number]>;
      }>(
        em,
        `select v.id, v.product_id, v.sku, v.options, v.position, v.stock_on_hand, v.stock_reserved,
                (select coalesce(json_agg(json_build_array(vp.currency, vp.amount_minor) order by vp.currency), '[]')
                   from variant_price vp where vp.variant_id = v.id) as prices
           from variant v
          where v.product_id = any(?::uuid[])
          order by v.product_id, v.position`,
        [[...productIds]],
        connection,
      ));
      const variants = found.map((r): VariantView => {
        pricesRead.set(r.id, r.prices.map(([currency, amountMinor]) => new Money(amountMinor, currency)));
        return {
          id: r.id,
          sku: r.sku,
          options: r.options,
          position: r.position,
          stockOnHand: r.stock_on_hand,
          stockReserved: r.stock_reserved,
          product: { id: r.product_id },
        };
      });
      return groupByKeys(productIds, variants, (v) => v.product.id);
    }),

    pricesByVariantId,

    /** A variant's prices: at once when this request has read them, else through the loader. */
    pricesOf: (variantId: string): Money[] | Promise<Money[]> => pricesRead.get(variantId) ?? pricesByVariantId.load(variantId),

    categoriesByProductId: new DataLoader<string, Category[]>(async (productIds) => {
      const found = await rows<{ product_id: string } & Record<string, unknown>>(
        em
          .getKnex()
          .select('c.*', 'pc.product_id')
          .from('product_category as pc')
          .join('category as c', 'c.id', 'pc.category_id')
          .whereIn('pc.product_id', [...productIds])
          .orderBy('c.name'),
      );
      const pairs = found.map(({ product_id, ...columns }) => ({ productId: product_id, category: em.map(Category, columns) }));
      return groupByKeys(productIds, pairs, (p) => p.productId).map((group) => group.map((p) => p.category));
    }),

    variantById: new DataLoader<string, Variant | null>(async (ids) => {
      const variants = await reads.run((connectionType) => em.find(Variant, { id: { $in: [...ids] } }, { connectionType }));
      const byId = new Map(variants.map((v) => [v.id, v]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    productById: new DataLoader<string, Product | null>(async (ids) => {
      const products = await reads.run((connectionType) => em.find(Product, { id: { $in: [...ids] } }, { connectionType }));
      const byId = new Map(products.map((p) => [p.id, p]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
