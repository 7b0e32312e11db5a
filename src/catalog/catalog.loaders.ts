import DataLoader from 'dataloader';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Category } from './category.entity';
import { Product } from './product.entity';
import { VariantPrice } from './variant-price.entity';
import { Variant } from './variant.entity';

/** Groups `items` by `keyOf` in the order of `keys`, as DataLoader batch functions must return. */
export function groupByKeys<K, T>(keys: readonly K[], items: T[], keyOf: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (const item of items) groups.get(keyOf(item))?.push(item);
  return keys.map((key) => groups.get(key)!);
}

/**
 * What a catalog page reads of a variant and its prices: plain values, not managed entities.
 * A page of 50 products has hundreds of variant and price rows; hydrating them into the
 * identity map cost more CPU than the queries (measured with npm run bench). Entities
 * satisfy these shapes too, so resolvers take either.
 */
export type VariantView = Pick<Variant, 'id' | 'sku' | 'options' | 'position' | 'stockOnHand' | 'stockReserved'> & { product: { id: string } };
export type PriceView = Pick<VariantPrice, 'currency' | 'amountMinor'>;

/** One SQL statement per relation per request, however many products a page shows. */
export function createCatalogLoaders(em: EntityManager) {
  const rows = <T>(query: Knex.QueryBuilder) => em.getConnection().execute(query) as Promise<T[]>;
  return {
    variantsByProductId: new DataLoader<string, VariantView[]>(async (productIds) => {
      const found = await rows<{ id: string; product_id: string; sku: string; options: VariantView['options']; position: number; stock_on_hand: number; stock_reserved: number }>(
        em
          .getKnex()
          .select('id', 'product_id', 'sku', 'options', 'position', 'stock_on_hand', 'stock_reserved')
          .from('variant')
          .whereIn('product_id', [...productIds])
          .orderBy([{ column: 'product_id' }, { column: 'position' }]),
      );
      const variants = found.map((r): VariantView => ({
        id: r.id,
        sku: r.sku,
        options: r.options,
        position: r.position,
        stockOnHand: r.stock_on_hand,
        stockReserved: r.stock_reserved,
        product: { id: r.product_id },
      }));
      return groupByKeys(productIds, variants, (v) => v.product.id);
    }),

    pricesByVariantId: new DataLoader<string, PriceView[]>(async (variantIds) => {
      const found = await rows<{ variant_id: string; currency: string; amount_minor: number }>(
        em.getKnex().select('variant_id', 'currency', 'amount_minor').from('variant_price').whereIn('variant_id', [...variantIds]).orderBy('currency'),
      );
      const prices = found.map((r) => ({ variantId: r.variant_id, currency: r.currency, amountMinor: r.amount_minor }));
      return groupByKeys(variantIds, prices, (p) => p.variantId);
    }),

    categoriesByProductId: new DataLoader<string, Category[]>(async (productIds) => {
      const rows: Array<{ product_id: string } & Record<string, unknown>> = await em
        .getConnection()
        .execute(
          em
            .getKnex()
            .select('c.*', 'pc.product_id')
            .from('product_category as pc')
            .join('category as c', 'c.id', 'pc.category_id')
            .whereIn('pc.product_id', [...productIds])
            .orderBy('c.name'),
        );
      const pairs = rows.map(({ product_id, ...columns }) => ({ productId: product_id, category: em.map(Category, columns) }));
      return groupByKeys(productIds, pairs, (p) => p.productId).map((group) => group.map((p) => p.category));
    }),

    variantById: new DataLoader<string, Variant | null>(async (ids) => {
      const variants = await em.find(Variant, { id: { $in: [...ids] } });
      const byId = new Map(variants.map((v) => [v.id, v]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    productById: new DataLoader<string, Product | null>(async (ids) => {
      const products = await em.find(Product, { id: { $in: [...ids] } });
      const byId = new Map(products.map((p) => [p.id, p]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
