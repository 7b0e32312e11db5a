/**
 * Memory under a stream of unique GraphQL documents: starts the server in this process
 * (production mode, on a fresh database as `npm run bench` does), sends documents that
 * differ only in their text, as a client writing its arguments into the query would, and
 * prints the process's RSS and V8 heap as it goes. Not a test: read the figures.
 *
 *   NODE_ENV=production node --max-semi-space-size=32 -r @swc-node/register bench/soak-documents.ts [documents] [clients]
 *
 * Defaults: 30,000 documents from 8 clients (a few minutes on two CPUs). Each document is a
 * products page with a search term, a page size and an alias of its own, about 40 fields.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startServer } from '../src/server';
import { createBenchDatabase } from './database';

const DOCUMENTS = Number(process.argv[2] ?? 30_000);
const CLIENTS = Number(process.argv[3] ?? 8);
const REPORT_EVERY = Math.max(1, Math.floor(DOCUMENTS / 15));

function uniqueDocument(n: number): string {
  return `query Page${n} {
    page${n}: products(first: ${1 + (n % 20)}, filter: { search: "term ${n}" }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name slug description status createdAt updatedAt
        variants { id sku available options { name value } price(currency: "USD") { amountMinor currency formatted } }
        categories { id name slug } } }
    }
  }`;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0).padStart(5);

async function main() {
  const database = await createBenchDatabase();
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', PORT: '0', DATABASE_URL: database.url, JWT_SECRET: 'soak-secret-that-is-long-enough-for-hs256-0123456789', DEMO_DATA: 'false', LOG_LEVEL: 'silent', CHECKOUT_RATE_LIMIT: '0' });
  const server = await startServer(config, pino({ level: 'silent' }));
  console.log(`documents: ${DOCUMENTS}, clients: ${CLIENTS}, document cache: ${config.graphql.limits.documentCacheSize} documents, node ${process.version}`);
  console.log(' documents   seconds   RSS MB  heap MB');
  const started = performance.now();
  const report = (sent: number) => {
    const { rss, heapUsed } = process.memoryUsage();
    console.log(`${String(sent).padStart(10)} ${((performance.now() - started) / 1000).toFixed(0).padStart(9)} ${mb(rss)}    ${mb(heapUsed)}`);
  };
  report(0);
  let next = 0;
  let failures = 0;
  const client = async () => {
    for (let n = next++; n < DOCUMENTS; n = next++) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: uniqueDocument(n) }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (response.status !== 200 || body.errors) {
        if (failures === 0) console.log(`first failure: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
        failures += 1;
      }
      if ((n + 1) % REPORT_EVERY === 0) report(n + 1);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  // What stays once the load stops: a collection after a pause shows what is retained.
  await sleep(2_000);
  global.gc?.();
  report(DOCUMENTS);
  console.log(`failed requests: ${failures}`);
  await server.close();
  await database.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
