import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { benchCustomerId, type CheckoutLine } from './api';
import { sqlCheckout, sqlProductsPage } from './sql-baseline';

/**
 * The least a server can do for the two hot cases: node:http, the baseline's SQL through `pg`
 * (sql-baseline.ts) and JSON.stringify; no Express, GraphQL, ORM or JWT. It runs on the
 * bench's main thread like the API and takes its load from the same load generator, so the
 * ratio to it compares servers, not a load generator with an in-process loop.
 *
 * POST /products: the products page. POST /checkout with `{ "customer": i, "lines": [...] }`:
 * a checkout, answered as `{"data":{"checkout":{"__typename":"CheckoutSuccess"}}}` so the load
 * generator tallies outcomes as it does the API's.
 */
export async function startMinimalServer(pool: pg.Pool): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = async (): Promise<string> => {
        if (request.url === '/products') return sqlProductsPage(pool);
        if (request.url === '/checkout') {
          const { customer, lines } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { customer: number; lines: CheckoutLine[] };
          const { outcome } = await sqlCheckout(pool, benchCustomerId(customer), lines);
          return JSON.stringify({ data: { checkout: { __typename: outcome } } });
        }
        throw Object.assign(new Error('not found'), { status: 404 });
      };
      answer().then(
        (body) => {
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          response.end(body);
        },
        (error: { status?: number; message: string }) => {
          response.writeHead(error.status ?? 500, { 'content-type': 'text/plain' });
          response.end(error.message);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
