import { writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { viewerFromAuthorization } from '../src/auth/viewer';
import { loadConfig, type Config } from '../src/config';
import { startServer, type RunningServer } from '../src/server';
import {
  benchCustomerId,
  BENCH_JWT_SECRET,
  benchServerEnv,
  checkoutBody,
  customerToken,
  graphqlRequest,
  jsonHeaders,
  operation,
  PRODUCTS_PAGE,
  type CheckoutLine,
} from './api';
import { runConcurrently } from './concurrent';
import { inProcessCheckout } from './in-process';
import { catalogSize } from './catalog-size';
import { startMinimalServer } from './minimal-server';
import { cpuMeter, type CpuMeter } from './cpu';
import { createBenchDatabase } from './database';
import { runHttpLoad, type HttpLoadPlan, type LoadResult } from './http-load';
import { profileCpu, sqlStopwatch, summarizeProfile, type SqlStopwatch } from './profile';
import { Comparison, fixed, median, Report, times, type ProfileReport } from './report';
import { seedCatalog, seedCustomers, seedHotVariant, seedShipping } from './seed';
import { sqlCheckout, sqlProductsPage } from './sql-baseline';

// `npm run bench` for the numbers in README; `npm run bench -- --quick` while working on it.
const QUICK = process.argv.includes('--quick');
/** `--catalog-only`: only the catalog-size row (6), e.g. while working on catalog queries. */
const CATALOG_ONLY = process.argv.includes('--catalog-only');
/** `--cache-only`: only the cached products page (row 7), e.g. while working on the catalog cache. */
const CACHE_ONLY = process.argv.includes('--cache-only');
/** `--pages-only`: only the products page (row 3) and its profile, e.g. while working on the catalog read path. */
const PAGES_ONLY = process.argv.includes('--pages-only');
/** `--checkout-only`: only the checkout throughput (row 1), e.g. while working on checkout's request path. */
const CHECKOUT_ONLY = process.argv.includes('--checkout-only');
const largeCatalogArg = process.argv.find((a) => a.startsWith('--large-catalog='));
/** Catalog sizes of row 6; a quick run stops at 20,000 products to stay short. */
const CATALOG_SIZES: [number, number] = [1_000, largeCatalogArg ? Number(largeCatalogArg.split('=')[1]) : QUICK ? 20_000 : 200_000];
/**
 * Runs are a fixed number of requests, not a duration: with 128 clients an API checkout takes
 * longer than a short window, and a window would cut off the requests still in flight. API
 * and baseline alternate for `rounds` rounds, so a neighbour's load on a shared machine hits both.
 */
const SETTINGS = QUICK
  ? { rounds: 1, checkouts: 200, scalingCheckouts: 100, pages: 100, hotStock: 200 }
  : { rounds: 3, checkouts: 600, scalingCheckouts: 300, pages: 300, hotStock: 600 };
const WARM_UP = { checkouts: 600, pages: 300 };
/** Row 7: a cached page costs a fraction of a millisecond, so a run needs many more of them to last. */
const CACHED_PAGES_PER_PAGE = 10;
const CLIENTS = 32;
const SCALING = [1, 8, 32, 128];
const CART_SIZES = [1, 5, 20];
/** The app's pool (src/db/orm-config.ts); the baseline gets a pool of the same size. */
const POOL_SIZE = 20;
const PRODUCTS = 150;
const VARIANTS_EACH = 2;

const progress = (message: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const sold = (result: LoadResult) => result.outcomes.CheckoutSuccess ?? 0;
const ordersPerSecond = (result: LoadResult) => sold(result) / result.seconds;
const outcomeList = (result: LoadResult) =>
  Object.entries(result.outcomes)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
// At least a few checkouts per client, so that every client is busy for most of the run.
const checkoutsFor = (clients: number, checkouts: number) => Math.max(checkouts, clients * 4);

/** Everything the benchmarks share: the server, the baseline's pool, and how to run load on each. */
interface Bench {
  config: Config;
  server: RunningServer;
  endpoint: string;
  /** The minimal node:http + pg server (minimal-server.ts), on its own pool of the same size. */
  minimalUrl: string;
  /** A second server on the same database with the catalog cache on (row 7); `server` runs without it. */
  cached: RunningServer;
  pool: pg.Pool;
  stopwatch: SqlStopwatch;
  report: Report;
  /** Seeded variants with plenty of stock. */
  variants: string[];
  httpLoad(plan: HttpLoadPlan): Promise<LoadResult>;
  sqlLoad(options: Parameters<typeof runConcurrently>[0]): Promise<LoadResult>;
}

async function main() {
  const startedAt = performance.now();
  const loadBefore = loadavg()[0];
  progress(`${QUICK ? 'quick' : 'full'} run: starting PostgreSQL and the server`);
  const database = await createBenchDatabase();
  try {
    const config = loadConfig({
      ...benchServerEnv(database.url),
      // Rows 1-6 measure the work itself; row 7 measures the catalog cache, on its own server.
      CATALOG_CACHE_MAX_AGE_MS: '0',
    });
    const server = await startServer(config, pino({ level: 'silent' }));
    // The cache's defaults (a 2 s bound), as production runs them.
    const cached = await startServer({ ...config, catalogCache: loadConfig({ JWT_SECRET: BENCH_JWT_SECRET }).catalogCache }, pino({ level: 'silent' }));
    const pool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE });
    const minimalPool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE });
    const minimal = await startMinimalServer(minimalPool);
    try {
      const bench = await prepare(config, server, pool, await cpuMeter(pool), minimal.url, cached);
      const {
        rows: [{ server_version: version }],
      } = await pool.query<{ server_version: string }>('show server_version');

      // The same warm-up for both modes: with less, V8 is still compiling the server's hot
      // paths during the first measured run, and a quick run's API figures came out low.
      let checkoutStatements: string[] = [];
      let profiles: ProfileReport[] = [];
      if (CACHE_ONLY) {
        progress('warming up');
        await apiPages(bench, WARM_UP.pages);
        await cachedProductsPage(bench);
      } else if (CHECKOUT_ONLY) {
        progress('warming up');
        await apiCheckouts(bench, CLIENTS, WARM_UP.checkouts);
        await sqlCheckouts(bench, CLIENTS, WARM_UP.checkouts);
        await inProcessCheckouts(bench, CLIENTS, WARM_UP.checkouts);
        await checkoutThroughput(bench);
      } else if (PAGES_ONLY) {
        progress('warming up');
        await apiPages(bench, WARM_UP.pages);
        await minimalPages(bench, WARM_UP.pages);
        await productsPage(bench);
        profiles = [await profilePages(bench)];
      } else if (!CATALOG_ONLY) {
        progress('warming up');
        await apiCheckouts(bench, CLIENTS, WARM_UP.checkouts);
        await sqlCheckouts(bench, CLIENTS, WARM_UP.checkouts);
        await inProcessCheckouts(bench, CLIENTS, WARM_UP.checkouts);
        await apiPages(bench, WARM_UP.pages);

        await checkoutThroughput(bench);
        await hotSku(bench);
        await productsPage(bench);
        await cachedProductsPage(bench);
        const single = await scaling(bench);
        checkoutStatements = await statementsByCartSize(bench);
        whereTheTimeGoes(bench, single);
        profiles = await profile(bench);
      }
      // Last: it grows the catalog the other rows read.
      if (!CACHE_ONLY && !PAGES_ONLY && !CHECKOUT_ONLY) await catalogSize(bench.report, bench.endpoint, pool, CATALOG_SIZES, progress);

      bench.report.print({
        heading: [
          `Commerce API benchmark (${QUICK ? 'quick' : 'full'}), ${new Date().toISOString().slice(0, 10)}, ` +
            `PostgreSQL ${version} (${database.server}), Node ${process.version}, ${plural(cpus().length, 'CPU')}`,
          `Baseline: the same reads and writes in hand-written SQL through pg (pool of ${POOL_SIZE}, as the app's), at the same concurrency. ` +
            `${plural(SETTINGS.rounds, 'round')} each, alternating: medians, and the median of the per-round ratios.`,
        ],
        checkoutStatements,
        profiles,
        // Other work on the machine slows both sides; the ratios and CPU times hold up better than the rates.
        footer:
          `Finished in ${fixed((performance.now() - startedAt) / 1000)} s; load average (1 min) ` +
          `${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`,
      });
    } finally {
      await minimal.close();
      await minimalPool.end();
      await pool.end();
      await cached.close();
      await server.close();
    }
  } finally {
    await database.drop();
  }
}

async function prepare(config: Config, server: RunningServer, pool: pg.Pool, cpu: CpuMeter | undefined, minimalUrl: string, cached: RunningServer): Promise<Bench> {
  const endpoint = `${server.url}/graphql`;
  const stopwatch = sqlStopwatch(server.orm);
  progress('seeding the catalog through the API');
  await seedShipping(endpoint);
  const variants = await seedCatalog(endpoint, PRODUCTS, VARIANTS_EACH);
  await seedCustomers(pool, Math.max(...SCALING, CLIENTS));

  /** Runs `load` after a checkpoint, so that no run pays for the previous one's writes, and adds the CPU it took. */
  const measured = async (load: () => Promise<LoadResult>): Promise<LoadResult> => {
    await pool.query('checkpoint').catch(() => undefined);
    const before = cpu?.read();
    const result = await load();
    const after = cpu?.read();
    if (before && after) {
      result.cpu = {
        mainThreadMs: after.mainThreadMs - before.mainThreadMs,
        otherThreadsMs: after.otherThreadsMs - before.otherThreadsMs,
        postgresMs: after.postgresMs - before.postgresMs,
      };
    }
    return result;
  };
  return {
    config,
    server,
    endpoint,
    minimalUrl,
    cached,
    pool,
    stopwatch,
    report: new Report(),
    variants,
    httpLoad: (plan) =>
      measured(async () => {
        const result = await runHttpLoad(plan);
        await stopwatch.quiet();
        return result;
      }),
    sqlLoad: (options) => measured(() => runConcurrently(options)),
  };
}

/** Client i always buys its own two variants: throughput without lock contention (the hot-SKU run has that). */
const pairOf = (bench: Bench, client: number): CheckoutLine[] =>
  [0, 1].map((k) => ({ variantId: bench.variants[(2 * client + k) % bench.variants.length], quantity: 1 }));

function apiCheckouts(bench: Bench, clients: number, amount: number, linesOf = (c: number) => pairOf(bench, c)) {
  return bench.httpLoad({
    url: bench.endpoint,
    amount,
    clients: range(clients).map((c) => ({ headers: jsonHeaders(customerToken(c)), body: checkoutBody(linesOf(c), c) })),
  });
}

function minimalCheckouts(bench: Bench, clients: number, amount: number) {
  return bench.httpLoad({
    url: `${bench.minimalUrl}/checkout`,
    amount,
    clients: range(clients).map((c) => ({ headers: jsonHeaders(), body: JSON.stringify({ customer: c, lines: pairOf(bench, c) }) })),
  });
}

function inProcessCheckouts(bench: Bench, clients: number, amount: number) {
  const log = pino({ level: 'silent' });
  return bench.sqlLoad({ clients, amount, work: (c) => inProcessCheckout(bench.server, bench.config, log, c, pairOf(bench, c)) });
}

function sqlCheckouts(bench: Bench, clients: number, amount: number, linesOf = (c: number) => pairOf(bench, c)) {
  return bench.sqlLoad({ clients, amount, work: async (c) => (await sqlCheckout(bench.pool, benchCustomerId(c), linesOf(c))).outcome });
}

const PAGE_BODY = operation(PRODUCTS_PAGE);

function apiPages(bench: Bench, amount: number) {
  return bench.httpLoad({ url: bench.endpoint, amount, clients: range(CLIENTS).map(() => ({ headers: jsonHeaders(), body: PAGE_BODY })) });
}

function minimalPages(bench: Bench, amount: number) {
  return bench.httpLoad({ url: `${bench.minimalUrl}/products`, amount, clients: range(CLIENTS).map(() => ({ headers: jsonHeaders(), body: '{}' })) });
}

function sqlPages(bench: Bench, amount: number) {
  return bench.sqlLoad({
    clients: CLIENTS,
    amount,
    work: async () => {
      await sqlProductsPage(bench.pool);
      return 'ok';
    },
  });
}

/** API and baseline alternately, `rounds` times. */
async function compare(rounds: number, api: () => Promise<LoadResult>, sql: () => Promise<LoadResult>): Promise<Comparison> {
  const comparison = new Comparison();
  for (let round = 0; round < rounds; round += 1) {
    comparison.api.push(await api());
    comparison.sql.push(await sql());
  }
  return comparison;
}

function expectOnlySales(bench: Bench, name: string, results: LoadResult[]) {
  for (const result of results) {
    if (sold(result) !== result.completed || result.errors) bench.report.note(`${name}: not every checkout succeeded: ${outcomeList(result)}, ${result.errors} errors`);
  }
}

/** 1. N clients placing 2-line checkouts, each on its own variants. */
async function checkoutThroughput(bench: Bench) {
  progress(`1. checkout throughput, ${CLIENTS} clients`);
  const amount = checkoutsFor(CLIENTS, SETTINGS.checkouts);
  // A third side each round: the checkout service without the HTTP and GraphQL layers.
  const runs = new Comparison();
  const inProcess = new Comparison();
  // And a fourth: the minimal HTTP server (the same SQL as the baseline), loaded like the API.
  const minimal = new Comparison();
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    const api = await apiCheckouts(bench, CLIENTS, amount);
    runs.api.push(api);
    minimal.api.push(api);
    const sql = await sqlCheckouts(bench, CLIENTS, amount);
    runs.sql.push(sql);
    inProcess.sql.push(sql);
    inProcess.api.push(await inProcessCheckouts(bench, CLIENTS, amount));
    minimal.sql.push(await minimalCheckouts(bench, CLIENTS, amount));
  }
  expectOnlySales(bench, 'checkout (minimal server)', minimal.sql);
  expectOnlySales(bench, 'checkout (API)', runs.api);
  expectOnlySales(bench, 'checkout (SQL)', runs.sql);
  expectOnlySales(bench, 'checkout (service in-process)', inProcess.api);
  const rate = runs.median(ordersPerSecond);
  const p50 = runs.median((r) => r.p50Ms);
  const p99 = runs.median((r) => r.p99Ms);
  const { report } = bench;
  report.section(`1. Checkout, 2 lines, MANUAL_TRANSFER, ${CLIENTS} clients`);
  report.row('orders/s', fixed(rate.api), fixed(rate.sql), times(rate.ratio));
  report.row('latency p50 / p99 (ms)', `${fixed(p50.api, 1)} / ${fixed(p99.api, 1)}`, `${fixed(p50.sql, 1)} / ${fixed(p99.sql, 1)}`, times(p50.ratio));
  report.cpuRows(runs, 'order');
  const serviceRate = inProcess.median(ordersPerSecond);
  report.row('orders/s, checkout service in-process (no HTTP, GraphQL)', fixed(serviceRate.api), fixed(serviceRate.sql), times(serviceRate.ratio));
  if (inProcess.api.every((r) => r.cpu)) {
    const node = inProcess.median((r) => r.cpu!.mainThreadMs / r.completed);
    report.row('  CPU ms per order: Node main thread', fixed(node.api, 2), fixed(node.sql, 2), times(node.ratio));
  }
  minimalRows(report, minimal, ordersPerSecond, 'orders/s', 'order');
}

/** The API against the minimal HTTP server: rate and CPU, in the baseline column. */
function minimalRows(report: Report, runs: Comparison, rate: (r: LoadResult) => number, unit: string, per: string) {
  const perSecond = runs.median(rate);
  report.row(`${unit}, API vs minimal HTTP server (node:http, pg, JSON.stringify)`, fixed(perSecond.api), fixed(perSecond.sql), times(perSecond.ratio));
  if (runs.api.every((r) => r.cpu) && runs.sql.every((r) => r.cpu)) {
    const node = runs.median((r) => r.cpu!.mainThreadMs / r.completed);
    const postgres = runs.median((r) => r.cpu!.postgresMs / r.completed);
    const others = runs.median((r) => r.cpu!.otherThreadsMs / r.completed);
    report.row(`  CPU ms per ${per}: Node main thread`, fixed(node.api, 2), fixed(node.sql, 2), times(node.ratio));
    report.row(`  CPU ms per ${per}: PostgreSQL`, fixed(postgres.api, 2), fixed(postgres.sql, 2), times(postgres.ratio));
    // Both sides' load generator runs in these threads, so the gap between them is the server's GC.
    report.row(`  CPU ms per ${per}: load generator and GC threads`, fixed(others.api, 2), fixed(others.sql, 2), times(others.ratio));
    const generator = runs.median((r) => (r.generatorMs ?? 0) / r.completed);
    report.row(`  of which the load generator (busy ms)`, fixed(generator.api, 2), fixed(generator.sql, 2), times(generator.ratio));
  }
}

/** 2. Every client buys one unit of the same variant until it sells out; nothing may be oversold. */
async function hotSku(bench: Bench) {
  progress(`2. hot SKU, ${CLIENTS} clients, ${SETTINGS.hotStock} units`);
  const attempts = Math.round(SETTINGS.hotStock * 1.25);
  const hotApi = await seedHotVariant(bench.endpoint, 'HOT-API', SETTINGS.hotStock);
  const hotSql = await seedHotVariant(bench.endpoint, 'HOT-SQL', SETTINGS.hotStock);
  const api = await apiCheckouts(bench, CLIENTS, attempts, () => [{ variantId: hotApi, quantity: 1 }]);
  const sql = await sqlCheckouts(bench, CLIENTS, attempts, () => [{ variantId: hotSql, quantity: 1 }]);
  for (const [name, result] of [['hot SKU (API)', api], ['hot SKU (SQL)', sql]] as const) {
    const unexpected = Object.keys(result.outcomes).filter((o) => o !== 'CheckoutSuccess' && o !== 'InsufficientStock');
    if (unexpected.length || result.errors) bench.report.note(`${name}: unexpected outcomes: ${outcomeList(result)}, ${result.errors} errors`);
  }
  const { report } = bench;
  report.section(`2. Hot SKU: ${CLIENTS} clients, 1 unit each, ${attempts} attempts on ${SETTINGS.hotStock} in stock`);
  report.row('checkout attempts/s (sold or refused)', fixed(api.perSecond), fixed(sql.perSecond), times(api.perSecond / sql.perSecond));
  report.row('sold / refused', `${sold(api)} / ${api.outcomes.InsufficientStock ?? 0}`, `${sold(sql)} / ${sql.outcomes.InsufficientStock ?? 0}`);
  report.row('oversold; orders = reserved = sold?', await checkStock(bench.pool, hotApi, sold(api)), await checkStock(bench.pool, hotSql, sold(sql)));
}

/** Oversold units, and whether orders, reserved units and the clients' count of sales agree. */
async function checkStock(pool: pg.Pool, variantId: string, soldToClients: number): Promise<string> {
  const {
    rows: [variant],
  } = await pool.query<{ stock_on_hand: number; stock_reserved: number }>('select stock_on_hand, stock_reserved from variant where id = $1', [variantId]);
  const {
    rows: [lines],
  } = await pool.query<{ orders: number }>('select count(distinct order_id)::int as orders from order_line where variant_id = $1', [variantId]);
  const oversold = Math.max(0, variant.stock_reserved - variant.stock_on_hand, soldToClients - variant.stock_on_hand);
  const agree = lines.orders === variant.stock_reserved && variant.stock_reserved === soldToClients;
  return `${oversold}; ${agree ? 'yes' : `NO (orders ${lines.orders}, reserved ${variant.stock_reserved}, sold ${soldToClients})`}`;
}

/** 3. The first page of 50 products with their variants and USD prices, as a guest. */
async function productsPage(bench: Bench) {
  progress(`3. products(first: 50), ${CLIENTS} clients`);
  const before = bench.server.statements.read();
  const apiPage = await graphqlRequest<unknown>(bench.endpoint, PAGE_BODY);
  const statements = bench.server.statements.read() - before;
  const sqlPage = JSON.parse(await sqlProductsPage(bench.pool)) as { data: unknown };
  if (!isDeepStrictEqual(apiPage, sqlPage.data)) bench.report.note('products page: the SQL baseline does not answer the same JSON as the API');

  const minimalPage = JSON.parse(await (await fetch(`${bench.minimalUrl}/products`, { method: 'POST' })).text()) as { data: unknown };
  if (!isDeepStrictEqual(apiPage, minimalPage.data)) bench.report.note('products page: the minimal server does not answer the same JSON as the API');

  const runs = new Comparison();
  const minimal = new Comparison();
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    const api = await apiPages(bench, SETTINGS.pages);
    runs.api.push(api);
    minimal.api.push(api);
    runs.sql.push(await sqlPages(bench, SETTINGS.pages));
    minimal.sql.push(await minimalPages(bench, SETTINGS.pages));
  }
  for (const result of runs.api) {
    if (result.outcomes.ok !== result.completed || result.errors) bench.report.note(`products page (API): ${outcomeList(result)}, ${result.errors} errors`);
  }
  const rate = runs.median((r) => r.perSecond);
  const p50 = runs.median((r) => r.p50Ms);
  const p99 = runs.median((r) => r.p99Ms);
  const { report } = bench;
  report.section(`3. products(first: 50) with variants and USD price, ${CLIENTS} clients`);
  report.row('requests/s', fixed(rate.api), fixed(rate.sql), times(rate.ratio));
  report.row('latency p50 / p99 (ms)', `${fixed(p50.api, 1)} / ${fixed(p99.api, 1)}`, `${fixed(p50.sql, 1)} / ${fixed(p99.sql, 1)}`, times(p50.ratio));
  report.cpuRows(runs, 'request');
  report.row('SQL statements per request', String(statements), '3');
  minimalRows(report, minimal, (r) => r.perSecond, 'requests/s', 'request');
}

/** 7. The page of row 3 for guests, answered from the catalog cache of a second server, against the minimal server. */
async function cachedProductsPage(bench: Bench) {
  progress(`7. products(first: 50) from the catalog cache, ${CLIENTS} clients`);
  const endpoint = `${bench.cached.url}/graphql`;
  if (!isDeepStrictEqual(await graphqlRequest(endpoint, PAGE_BODY), await graphqlRequest(bench.endpoint, PAGE_BODY))) {
    bench.report.note('cached products page: the cache does not answer the same JSON as the server without it');
  }
  const amount = SETTINGS.pages * CACHED_PAGES_PER_PAGE;
  const before = bench.cached.statements.read();
  const filledBefore = bench.cached.catalogCache!.cache.stats().stored;
  const runs = new Comparison();
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    runs.api.push(await bench.httpLoad({ url: endpoint, amount, clients: range(CLIENTS).map(() => ({ headers: jsonHeaders(), body: PAGE_BODY })) }));
    runs.sql.push(await minimalPages(bench, amount));
  }
  for (const result of runs.api) {
    if (result.outcomes.ok !== result.completed || result.errors) bench.report.note(`cached products page: ${outcomeList(result)}, ${result.errors} errors`);
  }
  const filled = bench.cached.catalogCache!.cache.stats().stored - filledBefore;
  const requests = SETTINGS.rounds * amount;
  const rate = runs.median((r) => r.perSecond);
  const p50 = runs.median((r) => r.p50Ms);
  const { report } = bench;
  report.section(`7. The page of row 3 from the catalog cache (guests, ${bench.cached.catalogCache!.cache.settings.maxAgeMs} ms bound), ${CLIENTS} clients; baseline: the minimal HTTP server`);
  report.row('requests/s', fixed(rate.api), fixed(rate.sql), times(rate.ratio));
  report.row('latency p50 (ms)', fixed(p50.api, 1), fixed(p50.sql, 1), times(p50.ratio));
  report.cpuRows(runs, 'request');
  // The entry expires every bound: one page computed then, while the requests meanwhile wait for it.
  report.row('pages computed / SQL statements, per 1,000 requests', `${fixed((1000 * filled) / requests, 1)} / ${fixed((1000 * (bench.cached.statements.read() - before)) / requests, 1)}`, '1,000 / 3,000');
}

interface SingleClient {
  apiPerSecond: number;
  sqlPerSecond: number;
  /** Per API checkout: time in SQL statements, statements, server-thread CPU. */
  sqlMs: number;
  statements: number;
  cpuMs?: number;
}

/** 4. Checkout throughput as clients are added; returns what the time breakdown needs from the 1-client runs. */
async function scaling(bench: Bench): Promise<SingleClient> {
  bench.report.section('4. Checkout orders/s by concurrency');
  let single: SingleClient | undefined;
  for (const clients of SCALING) {
    progress(`4. checkout at concurrency ${clients}`);
    const amount = checkoutsFor(clients, SETTINGS.scalingCheckouts);
    const timed: Array<{ statements: number; ms: number; orders: number }> = [];
    const runs = await compare(
      SETTINGS.rounds,
      async () => {
        bench.stopwatch.reset();
        const result = await apiCheckouts(bench, clients, amount);
        timed.push({ ...bench.stopwatch.read(), orders: sold(result) });
        return result;
      },
      () => sqlCheckouts(bench, clients, amount),
    );
    expectOnlySales(bench, `checkout at ${clients} (API)`, runs.api);
    expectOnlySales(bench, `checkout at ${clients} (SQL)`, runs.sql);
    const rate = runs.median(ordersPerSecond);
    bench.report.row(plural(clients, 'client'), fixed(rate.api), fixed(rate.sql), times(rate.ratio));
    if (clients === 1) {
      const orders = timed.reduce((n, t) => n + t.orders, 0);
      single = {
        apiPerSecond: rate.api,
        sqlPerSecond: rate.sql,
        sqlMs: timed.reduce((n, t) => n + t.ms, 0) / orders,
        statements: timed.reduce((n, t) => n + t.statements, 0) / orders,
        cpuMs: runs.api.every((r) => r.cpu) ? median(runs.api.map((r) => r.cpu!.mainThreadMs / sold(r))) : undefined,
      };
    }
  }
  return single!;
}

/** 4. SQL statements of one checkout by its number of lines; returns the statements of the 1-line one. */
async function statementsByCartSize(bench: Bench): Promise<string[]> {
  progress('4. SQL statements per checkout by cart size');
  bench.report.section('   SQL statements per checkout');
  let statementsOfOneLine: string[] = [];
  for (const size of CART_SIZES) {
    const lines = bench.variants.slice(0, size).map((variantId) => ({ variantId, quantity: 1 }));
    const before = bench.server.statements.read();
    bench.stopwatch.reset();
    const { checkout } = await graphqlRequest<{ checkout: { __typename: string } }>(bench.endpoint, checkoutBody(lines, 0), customerToken(0));
    const api = bench.server.statements.read() - before;
    if (size === 1) statementsOfOneLine = bench.stopwatch.read().sql;
    if (checkout.__typename !== 'CheckoutSuccess') bench.report.note(`checkout of ${plural(size, 'line')}: ${checkout.__typename}`);
    const sql = await sqlCheckout(bench.pool, benchCustomerId(0), lines);
    bench.report.row(plural(size, 'line'), String(api), String(sql.statements), times(api / sql.statements));
  }
  return statementsOfOneLine;
}

/** 5. One checkout at concurrency 1, taken apart. */
function whereTheTimeGoes(bench: Bench, single: SingleClient) {
  progress('5. where the time goes');
  const apiMs = 1000 / single.apiPerSecond;
  const sqlMs = 1000 / single.sqlPerSecond;
  const { report } = bench;
  report.section('5. One checkout at concurrency 1 (ms)');
  report.row('total, as the client sees it', fixed(apiMs, 2), fixed(sqlMs, 2), times(apiMs / sqlMs));
  report.row(`in SQL statements, driver included (${fixed(single.statements, 1)} per checkout)`, fixed(single.sqlMs, 2), fixed(sqlMs, 2));
  // At concurrency 1 nothing else runs, so the rest is the server's own work between statements.
  report.row('between statements: HTTP, JWT, GraphQL, ORM', fixed(apiMs - single.sqlMs, 2));
  report.row('  of which JWT verification', fixed(timeJwtVerification(bench.config.jwt), 2));
  if (single.cpuMs !== undefined) report.row('CPU of the server thread, driver included', fixed(single.cpuMs, 2));
}

/** Mean time to verify one customer token, as every request does. */
function timeJwtVerification(jwt: Config['jwt']): number {
  const header = `Bearer ${customerToken(0)}`;
  for (let i = 0; i < 500; i += 1) viewerFromAuthorization(header, jwt);
  const rounds = 5000;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) viewerFromAuthorization(header, jwt);
  return (performance.now() - start) / rounds;
}

/** 5. CPU profiles of the server thread under checkout and products-page load, kept in tmpdir for DevTools. */
async function profile(bench: Bench): Promise<ProfileReport[]> {
  progress('5. profiling the server');
  const checkout = await profileCpu(() => apiCheckouts(bench, CLIENTS, SETTINGS.checkouts));
  return [profileReport(`checkout, ${CLIENTS} clients`, 'checkout', ordersPerSecond(checkout.result), checkout.profile), await profilePages(bench)];
}

async function profilePages(bench: Bench): Promise<ProfileReport> {
  const page = await profileCpu(() => apiPages(bench, SETTINGS.pages));
  return profileReport(`products page, ${CLIENTS} clients`, 'products-page', page.result.perSecond, page.profile);
}

function profileReport(name: string, slug: string, perSecond: number, profile: Profiler.Profile): ProfileReport {
  const file = path.join(tmpdir(), `commerce-${slug}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return { name, perSecond, file, summary: summarizeProfile(profile) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
