import { describe, expect, it } from 'vitest';
import { CatalogService, type ProductQuery } from '../../src/catalog/catalog.service';
import { useTestApp } from '../support/app';

const app = useTestApp({ DEMO_DATA: 'true' });

/** Every page of the query, `first` at a time, following the cursors: the products' slugs in order, and the statements sent. */
async function walk(catalog: CatalogService, query: Omit<ProductQuery, 'first' | 'after'>): Promise<string[]> {
  const slugs: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await catalog.listProducts({ ...query, first: 2, after });
    slugs.push(...page.edges.map((e) => e.node.slug));
    if (!page.hasNextPage) return slugs;
    after = page.edges.at(-1)!.cursor;
  }
}

describe('a category page', () => {
  it('answers the same pages whether the category is read whole or by walking the sort index, in every sort', async () => {
    const whole = new CatalogService(app.server.orm.em.fork(), undefined, Number.MAX_SAFE_INTEGER);
    const walked = new CatalogService(app.server.orm.em.fork(), undefined, 0);
    const sorts: Array<Pick<ProductQuery, 'sort' | 'currency'>> = [
      { sort: 'NAME' },
      { sort: 'NEWEST' },
      { sort: 'PRICE_ASC', currency: 'USD' },
      { sort: 'PRICE_DESC', currency: 'EUR' },
    ];
    for (const categorySlug of ['audio', 'apparel', 'no-such-category']) {
      const members = await app.sql<{ slug: string }>(
        `select p.slug from product p join product_category pc on pc.product_id = p.id join category c on c.id = pc.category_id
          where c.slug = ? and p.status = 'ACTIVE'`,
        [categorySlug],
      );
      for (const sort of sorts) {
        const query = { ...sort, categorySlug };
        const [a, b] = [await walk(whole, query), await walk(walked, query)];
        expect(a, JSON.stringify(query)).toEqual(b);
        expect([...a].sort(), JSON.stringify(query)).toEqual(members.map((m) => m.slug).sort());
        // The unfiltered list in the same order, less the other categories' products.
        const all = await walk(whole, { ...sort });
        expect(a).toEqual(all.filter((slug) => a.includes(slug)));
      }
    }
  });
});
