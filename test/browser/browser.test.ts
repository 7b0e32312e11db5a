import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useTestApp } from '../support/app';
import { describeInBrowser, serveStatic } from '../support/chromium';

const EXAMPLE = path.resolve(__dirname, '../../examples/web-client');

type StaticSite = Awaited<ReturnType<typeof serveStatic>>;

describeInBrowser('the typed example client in a browser, from another origin', (browser) => {
  let shop: StaticSite;
  let stranger: StaticSite;
  beforeAll(async () => {
    // The example's browser entry, bundled as a frontend's build would; served from two other ports.
    const dir = mkdtempSync(path.join(tmpdir(), 'commerce-web-client-'));
    await build({ entryPoints: [path.join(EXAMPLE, 'src/browser.ts')], bundle: true, format: 'esm', outfile: path.join(dir, 'browser.js'), logLevel: 'warning' });
    copyFileSync(path.join(EXAMPLE, 'index.html'), path.join(dir, 'index.html'));
    shop = await serveStatic(dir);
    stranger = await serveStatic(dir);
  });
  afterAll(async () => {
    await shop?.close();
    await stranger?.close();
  });
  // Only the shop's origin is listed; the stranger's is another port on the same host.
  const app = useTestApp(() => ({ DEMO_DATA: 'true', CORS_ORIGINS: shop.origin }));
  const count = async (table: string) => (await app.server.orm.em.getConnection().execute(`select count(*)::int as n from ${table}`))[0].n as number;

  async function open(site: StaticSite): Promise<Page> {
    const page = await browser().newPage();
    await page.goto(`${site.origin}/index.html?api=${encodeURIComponent(`${app.url}/graphql`)}`);
    await page.waitForSelector('#result:not([data-state="running"])');
    return page;
  }

  it('lists products, fills a cart, checks out by bank transfer and reads the order', async () => {
    const orders = await count('orders');
    const page = await open(shop);
    const result = page.locator('#result');
    expect(await result.getAttribute('data-state'), (await result.textContent()) ?? '').toBe('done');
    const run = JSON.parse((await result.textContent())!);
    expect(run).toMatchObject({ orderStatus: 'PENDING_PAYMENT', orderTotal: expect.stringMatching(/^\$\d/) });
    expect(run.checkout).toMatch(new RegExp(`^Order ${run.orderNumber} placed: .*, pay by MANUAL_TRANSFER\\.$`));
    expect(Number.isNaN(Date.parse(run.createdAt))).toBe(false);
    expect(await count('orders')).toBe(orders + 1);
    await page.close();
  });

  it('is refused by the browser on an origin CORS_ORIGINS does not list, and writes nothing', async () => {
    const carts = await count('cart');
    const page = await open(stranger);
    expect(await page.locator('#result').getAttribute('data-state')).toBe('failed');
    expect(await page.locator('#result').textContent()).toMatch(/Failed to fetch/);
    expect(await count('cart')).toBe(carts);
    await page.close();
  });

  it('cannot be made to run an operation by a cross-site simple request (CSRF prevention)', async () => {
    const carts = await count('cart');
    const page = await browser().newPage();
    await page.goto(`${stranger.origin}/index.html?api=about:blank`);
    const endpoint = `${app.url}/graphql`;
    // "Simple" requests need no preflight, so CORS alone would not stop them reaching the server.
    const attempts = [
      { url: `${endpoint}?query=${encodeURIComponent('{ products(first: 1) { totalCount } }')}`, init: { method: 'GET' } },
      { url: endpoint, init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { createCart { __typename } }' }) } },
    ];
    for (const { url, init } of attempts) {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === url),
        page.evaluate(({ url, init }) => fetch(url, { ...init, mode: 'no-cors' }).then((r) => r.type), { url, init }),
      ]);
      // Without CSRF prevention the GET would be answered 200; the browser hides the body from the page either way.
      expect(response.status(), init.method).toBe(400);
    }
    expect(await count('cart')).toBe(carts);
    await page.close();
  });
});

describeInBrowser('GraphiQL at /graphiql with no internet', (browser) => {
  const app = useTestApp({ DEMO_DATA: 'true' });

  async function offlinePage() {
    const context = await browser().newContext();
    const outside: string[] = [];
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === 'localhost' || hostname === '127.0.0.1') return route.continue();
      outside.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { context, page, outside, errors };
  }

  it('loads from the server alone and runs a query', async () => {
    const { context, page, outside, errors } = await offlinePage();
    await page.goto(`${app.url}/graphiql`);
    await page.locator('.graphiql-execute-button').click({ timeout: 20_000 });
    await expect.poll(() => page.locator('.graphiql-response').textContent(), { timeout: 20_000 }).toContain('totalCount');
    expect(await page.locator('.graphiql-response').textContent()).toMatch(/"totalCount":\s*20,/);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is linked from the landing page when Sandbox cannot load, which then throws no script error', async () => {
    const { context, page, outside, errors } = await offlinePage();
    await page.goto(`${app.url}/graphql`, { waitUntil: 'domcontentloaded' });
    const link = page.locator('a[href="/graphiql"]');
    await link.waitFor({ state: 'visible' });
    expect(outside.some((url) => url.includes('apollographql.com'))).toBe(true);
    expect(errors).toEqual([]);
    await link.click();
    await page.locator('.graphiql-container').waitFor();
    await context.close();
  });
});
