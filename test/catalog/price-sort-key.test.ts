import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import type { ProductSort } from '../generated/graphql';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';
import { ProductsPage } from '../support/operations';

const app = useTestApp();

const SetPriceForSort = graphql(`
  mutation SetPriceForSort($input: SetVariantPriceInput!) {
    setVariantPrice(input: $input) { __typename }
  }
`);

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  app.server.orm.em.getConnection().execute(query, params) as Promise<T[]>;

/** Every (product, catalog currency) whose key is missing or differs from its variants' lowest price. */
function keysOutOfStep() {
  return sql(`
    select p.id, c.code, k.min_amount_minor as key,
           (select min(vp.amount_minor) from variant v join variant_price vp on vp.variant_id = v.id
             where v.product_id = p.id and vp.currency = c.code) as actual
      from product p cross join catalog_currency c
      left join product_price_key k on k.product_id = p.id and k.currency = c.code
     where k.product_id is null
        or k.min_amount_minor is distinct from (select min(vp.amount_minor) from variant v join variant_price vp on vp.variant_id = v.id
                                                 where v.product_id = p.id and vp.currency = c.code)`);
}

async function pageIds(sort: ProductSort, currency: string, pageSize = 2) {
  const ids: string[] = [];
  let after: string | null | undefined;
  for (;;) {
    const { products } = await app.query(ProductsPage, { first: pageSize, after, sort, currency });
    ids.push(...products.edges.map((e) => e.node.id));
    if (!products.pageInfo.hasNextPage) return ids;
    after = products.pageInfo.endCursor;
  }
}

const staff = () => ({ token: app.staffToken() });

describe('the price sort key', () => {
  it('follows every change to prices, variants and products, whoever writes them', async () => {
    const a = await createProduct(app, {
      name: 'Key A',
      variants: [
        { sku: 'KEY-A-1', stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 900 }, { currency: 'EUR', amountMinor: 800 }] },
        { sku: 'KEY-A-2', stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 700 }] },
      ],
    });
    const b = await createProduct(app, {
      name: 'Key B',
      variants: [{ sku: 'KEY-B-1', stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 800 }] }],
    });
    expect(await keysOutOfStep()).toEqual([]);
    expect(await pageIds('PRICE_ASC', 'USD')).toEqual([a.id, b.id]);
    // B has no EUR price: last in both directions.
    expect(await pageIds('PRICE_ASC', 'EUR')).toEqual([a.id, b.id]);
    expect(await pageIds('PRICE_DESC', 'EUR')).toEqual([a.id, b.id]);

    // Staff raise A's cheapest variant above B.
    const cheapest = a.variants.find((v) => v.sku === 'KEY-A-2')!;
    await app.query(SetPriceForSort, { input: { variantId: cheapest.id, currency: 'USD', amountMinor: 950 } }, staff());
    expect(await pageIds('PRICE_ASC', 'USD')).toEqual([b.id, a.id]);

    // The first price in a new currency gives every product a key in it, priced or not.
    await app.query(SetPriceForSort, { input: { variantId: b.variants[0].id, currency: 'GBP', amountMinor: 500 } }, staff());
    expect(await sql("select product_id from product_price_key where currency = 'GBP' order by product_id")).toHaveLength(2);
    expect(await pageIds('PRICE_DESC', 'GBP')).toEqual([b.id, a.id]);

    // SQL written by hand keeps it too: a price deleted, a variant deleted, a product inserted.
    await sql("delete from variant_price where variant_id = ? and currency = 'USD'", [b.variants[0].id]);
    expect(await pageIds('PRICE_ASC', 'USD')).toEqual([a.id, b.id]);
    await sql('delete from variant where id = ?', [cheapest.id]);
    await sql(`insert into product (id, name, slug, status) values (gen_random_uuid(), 'Key C', 'key-c', 'ACTIVE')`);
    expect(await keysOutOfStep()).toEqual([]);
    const { products } = await app.query(ProductsPage, { first: 10, sort: 'PRICE_ASC', currency: 'USD' });
    // A is the only product left with a USD price; B and C follow, unpriced, by id.
    expect(products.edges[0].node.name).toBe('Key A');
    expect(products.edges.slice(1).map((e) => e.node.name).sort()).toEqual(['Key B', 'Key C']);
  });

  it('lets products priced in a currency new to the catalog be created concurrently', async () => {
    const created = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) =>
        createProduct(app, {
          name: `Krona ${i}`,
          variants: [{ sku: `SEK-${i}`, stockOnHand: 1, prices: [{ currency: 'SEK', amountMinor: 100 * i }] }],
        }),
      ),
    );
    expect(created).toHaveLength(6);
    expect(await keysOutOfStep()).toEqual([]);
    const sekFirst = (await pageIds('PRICE_ASC', 'SEK', 6)).slice(0, 6);
    expect(sekFirst).toEqual(created.map((p) => p.id));
  });

  it('lists every product, by id, for a currency no product is priced in', async () => {
    const all = await sql<{ id: string }>("select id from product where status = 'ACTIVE' order by id");
    expect(all.length).toBeGreaterThan(2);
    expect(await pageIds('PRICE_ASC', 'CHF')).toEqual(all.map((p) => p.id));
    expect(await pageIds('PRICE_DESC', 'CHF')).toEqual(all.map((p) => p.id).reverse());
  });

  it('is right when two transactions change prices of one product at once', async () => {
    const product = await createProduct(app, {
      name: 'Key Race',
      variants: [
        { sku: 'RACE-1', stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 1000 }] },
        { sku: 'RACE-2', stockOnHand: 1, prices: [{ currency: 'USD', amountMinor: 1000 }] },
      ],
    });
    const [first, second] = [new pg.Client(app.config.databaseUrl), new pg.Client(app.config.databaseUrl)];
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query('begin');
      await first.query("update variant_price set amount_minor = 300 where variant_id = $1 and currency = 'USD'", [product.variants[0].id]);
      await second.query('begin');
      const secondPid = (await second.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
      // Neither sees the other's price: without its lock the second would store 500.
      const secondUpdate = second.query("update variant_price set amount_minor = 500 where variant_id = $1 and currency = 'USD'", [
        product.variants[1].id,
      ]);
      for (let i = 0; ; i += 1) {
        const waiting = await first.query('select 1 from pg_stat_activity where pid = $1 and wait_event_type = $2', [secondPid, 'Lock']);
        if (waiting.rowCount) break;
        if (i > 10_000) throw new Error('the second transaction never waited for the first');
      }
      await first.query('commit');
      await secondUpdate;
      await second.query('commit');
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    const [key] = await sql<{ min_amount_minor: number }>(
      "select min_amount_minor from product_price_key where product_id = ? and currency = 'USD'",
      [product.id],
    );
    expect(key.min_amount_minor).toBe(300);
    expect(await keysOutOfStep()).toEqual([]);
  });
});
