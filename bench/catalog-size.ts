import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { graphqlRequest, operation } from './api';
import { fixed, median, times, type Report } from './report';

/**
 * 6. The same catalog pages at two catalog sizes. Products are added by SQL (3 variants, each
 * priced in USD, EUR and JPY; 20 categories; one in 15 named "... lamp ..."), as a shop's
 * import would: the database's triggers keep the price sort keys, then ANALYZE runs, as
 * autovacuum would. One client, each page asked `REPEATS` times: the median request time.
 */
const REPEATS = 9;
const CATEGORIES = 20;

const PAGE = `
  query SizedPage($after: String, $sort: ProductSort, $currency: Currency, $filter: ProductFilter) {
    products(first: 50, after: $after, sort: $sort, currency: $currency, filter: $filter) {
      totalCount
      edges { cursor node { id name variants { id available price(currency: "USD") { amountMinor formatted } } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface PageCase {
  label: string;
  variables: Record<string, unknown>;
}

const CASES: PageCase[] = [
  { label: 'by name', variables: { sort: 'NAME' } },
  { label: 'newest first', variables: { sort: 'NEWEST' } },
  { label: 'price, low to high (USD)', variables: { sort: 'PRICE_ASC', currency: 'USD' } },
  { label: 'price, high to low (EUR)', variables: { sort: 'PRICE_DESC', currency: 'EUR' } },
  { label: 'search "lamp", by name', variables: { sort: 'NAME', filter: { search: 'lamp' } } },
  { label: 'search "lamp", price low to high', variables: { sort: 'PRICE_ASC', currency: 'USD', filter: { search: 'lamp' } } },
  { label: 'search matching a few products', variables: { sort: 'NAME', filter: { search: 'item number 777' } } },
  { label: 'category (1 of 20), by name', variables: { sort: 'NAME', filter: { category: 'size-cat-3' } } },
  { label: 'category (1 of 20), price high to low', variables: { sort: 'PRICE_DESC', currency: 'USD', filter: { category: 'size-cat-3' } } },
];

type PageAnswer = { products: { pageInfo: { endCursor: string | null } } };

/** Adds SQL-made products until the catalog holds `total` (the bench's own products count too). */
export async function growCatalog(pool: pg.Pool, total: number): Promise<void> {
  await pool.query(
    `insert into category (id, name, slug)
     select gen_random_uuid(), 'Size category ' || g, 'size-cat-' || g from generate_series(1, $1::int) g
     on conflict do nothing`,
    [CATEGORIES],
  );
  const {
    rows: [{ count }],
  } = await pool.query<{ count: string }>('select count(*) from product');
  const chunk = 10_000;
  for (let from = Number(count) + 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `create temp table sized on commit drop as
         select gen_random_uuid() as id, g from generate_series($1::int, $2::int) g`,
        [from, to],
      );
      await client.query(
        `insert into product (id, created_at, name, slug, description, status)
         select id, now() - make_interval(secs => g),
                (array['Red','Blue','Green','Wool','Cotton','Oak','Steel','Linen'])[1 + g % 8] || ' ' ||
                (array['lamp','chair','table','mug','shirt','jacket','boots','scarf','desk','sofa','vase','clock','pillow','rug','kettle'])[1 + (g / 8) % 15]
                || ' ' || g,
                'sized-' || g, 'A well made item number ' || g || ' from the workshop.',
                case when g % 20 = 0 then 'DRAFT' else 'ACTIVE' end
           from sized`,
      );
      await client.query(
        `insert into product_category (product_id, category_id)
         select s.id, c.id from sized s join category c on c.slug = 'size-cat-' || (1 + s.g % $1::int)`,
        [CATEGORIES],
      );
      await client.query(
        `insert into variant (id, product_id, sku, options, position, stock_on_hand, stock_reserved)
         select gen_random_uuid(), s.id, 'SIZED-' || s.g || '-' || size, jsonb_build_array(jsonb_build_object('name', 'size', 'value', size)), i, 10, 0
           from sized s cross join unnest(array['S','M','L']) with ordinality as t(size, i)`,
      );
      await client.query(
        `insert into variant_price (id, variant_id, currency, amount_minor)
         select gen_random_uuid(), v.id, c.code, 100 + abs(hashtext(v.sku || c.code)) % 100000
           from variant v join sized s on s.id = v.product_id cross join unnest(array['USD','EUR','JPY']) c(code)`,
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }
  await pool.query('vacuum analyze');
}

/** Median ms of the first page and of the page after it, for every case. */
async function measurePages(endpoint: string): Promise<Map<string, { first: number; next: number }>> {
  const timed = async (variables: Record<string, unknown>) => {
    const samples: number[] = [];
    let answer: PageAnswer | undefined;
    for (let i = 0; i < REPEATS; i += 1) {
      const started = performance.now();
      answer = await graphqlRequest<PageAnswer>(endpoint, operation(PAGE, variables));
      samples.push(performance.now() - started);
    }
    return { ms: median(samples), answer: answer! };
  };
  const results = new Map<string, { first: number; next: number }>();
  for (const { label, variables } of CASES) {
    const first = await timed(variables);
    const after = first.answer.products.pageInfo.endCursor;
    const next = after ? await timed({ ...variables, after }) : first;
    results.set(label, { first: first.ms, next: next.ms });
  }
  return results;
}

export async function catalogSize(report: Report, endpoint: string, pool: pg.Pool, sizes: [number, number], progress: (m: string) => void) {
  const [small, large] = sizes;
  progress(`6. catalog of ${fixed(small)} products: seeding by SQL`);
  await growCatalog(pool, small);
  await measurePages(endpoint); // warm-up: plans, caches, JIT of the server's code
  const atSmall = await measurePages(endpoint);
  progress(`6. catalog of ${fixed(large)} products: seeding by SQL`);
  const seeded = performance.now();
  await growCatalog(pool, large);
  progress(`   seeded in ${fixed((performance.now() - seeded) / 1000)} s`);
  await measurePages(endpoint);
  const atLarge = await measurePages(endpoint);

  report.section(`6. A page of 50 with totalCount, ms at 1 client (median of ${REPEATS}): ${fixed(small)} vs ${fixed(large)} products`);
  report.row(`(columns: ${fixed(small)} products, ${fixed(large)} products, ratio)`, '', '', '');
  for (const { label } of CASES) {
    const a = atSmall.get(label)!;
    const b = atLarge.get(label)!;
    report.row(`${label}: first page`, fixed(a.first, 1), fixed(b.first, 1), times(b.first / a.first));
    report.row(`${label}: next page (cursor)`, fixed(a.next, 1), fixed(b.next, 1), times(b.next / a.next));
  }
}
