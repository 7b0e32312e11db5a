/**
 * What the catalog_changed triggers (migration Migration20261202124500) cost a checkout:
 * the checkout service in-process, 32 clients, in rounds that alternate the triggers on and
 * off on the same database, with a LISTENing server attached as in production. Reports
 * orders/s and CPU per order (server thread, PostgreSQL) for each side, medians of the rounds.
 *
 *   NODE_ENV=production node --max-semi-space-size=32 -r @swc-node/register bench/notify-cost.ts [--rounds=6]
 */
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startServer } from '../src/server';
import { benchServerEnv, type CheckoutLine } from './api';
import { runConcurrently } from './concurrent';
import { cpuMeter } from './cpu';
import { createBenchDatabase } from './database';
import { inProcessCheckout } from './in-process';
import { fixed, median } from './report';
import { seedCatalog, seedCustomers, seedShipping } from './seed';

const TABLES = ['product', 'variant', 'variant_price', 'category', 'product_category', 'shipping_method', 'shipping_rate'];
const CLIENTS = 32;
const CHECKOUTS = 600;
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 6);

async function main() {
  const database = await createBenchDatabase();
  const log = pino({ level: 'silent' });
  try {
    const config = loadConfig(benchServerEnv(database.url));
    const server = await startServer(config, log);
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    try {
      const endpoint = `${server.url}/graphql`;
      await seedShipping(endpoint);
      const variants = await seedCatalog(endpoint, 150, 2);
      await seedCustomers(pool, CLIENTS);
      const cpu = await cpuMeter(pool);
      const lines = (c: number): CheckoutLine[] => [0, 1].map((k) => ({ variantId: variants[(2 * c + k) % variants.length], quantity: 1 }));
      const round = async () => {
        await pool.query('checkpoint').catch(() => undefined);
        const before = cpu?.read();
        const result = await runConcurrently({ clients: CLIENTS, amount: CHECKOUTS, work: (c) => inProcessCheckout(server, config, log, c, lines(c)) });
        const after = cpu?.read();
        return {
          perSecond: result.perSecond,
          nodeMs: before && after ? (after.mainThreadMs - before.mainThreadMs) / result.completed : NaN,
          postgresMs: before && after ? (after.postgresMs - before.postgresMs) / result.completed : NaN,
        };
      };
      const setTriggers = (on: boolean) =>
        Promise.all(TABLES.map((t) => pool.query(`alter table "${t}" ${on ? 'enable' : 'disable'} trigger catalog_changed`)));
      await round(); // warm-up
      const sides = { on: [] as Awaited<ReturnType<typeof round>>[], off: [] as Awaited<ReturnType<typeof round>>[] };
      for (let i = 0; i < ROUNDS; i += 1) {
        for (const side of i % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          await setTriggers(side === 'on');
          sides[side].push(await round());
        }
      }
      await setTriggers(true);
      const invalidations = server.catalogCache?.cache.stats().invalidations ?? 0;
      for (const side of ['off', 'on'] as const) {
        const runs = sides[side];
        console.log(
          `triggers ${side.padEnd(3)}: ${fixed(median(runs.map((r) => r.perSecond)))} orders/s (rounds: ${runs.map((r) => fixed(r.perSecond)).join(', ')}); ` +
            `CPU ms per order: server ${fixed(median(runs.map((r) => r.nodeMs)), 2)}, PostgreSQL ${fixed(median(runs.map((r) => r.postgresMs)), 2)}`,
        );
      }
      console.log(`cache invalidations heard by the server: ${invalidations}`);
    } finally {
      await pool.end();
      await server.close();
    }
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
