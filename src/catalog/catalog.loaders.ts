import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
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

/** One SQL statement per relation per request, however many products a page shows. */
export function createCatalogLoaders(em: EntityManager) {
  return {
    variantsByProductId: new DataLoader<string, Variant[]>(async (productIds) => {
      const variants = await em.find(
        Variant,
        { product: { $in: [...productIds] } },
        { orderBy: { product: 'asc', position: 'asc' } },
      );
      return groupByKeys(productIds, variants, (v) => v.product.id);
    }),

    pricesByVariantId: new DataLoader<string, VariantPrice[]>(async (variantIds) => {
      const prices = await em.find(VariantPrice, { variant: { $in: [...variantIds] } }, { orderBy: { currency: 'asc' } });
      return groupByKeys(variantIds, prices, (p) => p.variant.id);
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
