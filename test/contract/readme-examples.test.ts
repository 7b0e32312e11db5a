import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app';

/**
 * The README's examples, run in order as a newcomer would on a fresh install with the demo
 * catalog: each `<!-- example: NAME [token=admin] -->` marks the GraphQL block after it, a
 * `<!-- variables: NAME -->` block gives its variables, and `<... id>` placeholders are the
 * ids the text tells the reader to paste from earlier answers.
 */
interface Example {
  name: string;
  query: string;
  variables?: string;
  staff: boolean;
}

function readmeExamples(): Example[] {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const examples = new Map<string, Example>();
  for (const [, kind, name, options, body] of readme.matchAll(/<!-- (example|variables): (\w+)([^>]*?) -->\n```(?:graphql|json)\n([\s\S]*?)```/g)) {
    if (kind === 'example') examples.set(name, { name, query: body, staff: /\btoken=admin\b/.test(options) });
    else examples.get(name)!.variables = body;
  }
  return [...examples.values()];
}

type Answers = Record<string, any>;

/** Where the README tells the reader to find each id they paste. */
const PLACEHOLDERS: Record<string, (answers: Answers) => string> = {
  '<variant id>': (a) => a.product.product.variants.find((v: { sku: string }) => v.sku === 'PREHEA-S-BLACK').id,
  '<cart id>': (a) => a.createCart.createCart.cart.id,
  '<payment id>': (a) => a.checkout.checkout.payment.id,
  '<cart order id>': (a) => a.checkoutCart.checkout.order.id,
};

const fill = (text: string, answers: Answers) =>
  text.replace(/<[a-z ]+id>/g, (placeholder) => {
    const value = PLACEHOLDERS[placeholder];
    if (!value) throw new Error(`The README uses ${placeholder}, which this test does not know where to find.`);
    return value(answers);
  });

/** The `__typename` of every union answer in the data: a success type, never a UserError. */
function typenames(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => typenames(item, found));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.__typename === 'string') found.push(record.__typename);
    Object.values(record).forEach((item) => typenames(item, found));
  }
  return found;
}

const app = useTestApp({ DEMO_DATA: 'true' });

describe('the README examples', () => {
  const examples = readmeExamples();

  it('are found: catalog, cart, createProduct, checkout and the staff flow', () => {
    expect(examples.map((e) => e.name)).toEqual([
      'product', 'products', 'createCart', 'addCartLine', 'cart', 'createProduct',
      'checkout', 'checkoutCart', 'pendingTransfers', 'confirmManualPayment', 'cancelOrder',
    ]);
  });

  it('run as written, in order, on a fresh install with the demo catalog', async () => {
    const answers: Answers = {};
    for (const example of examples) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(example.staff ? { authorization: `Bearer ${app.staffToken()}` } : {}) },
        body: JSON.stringify({
          query: fill(example.query, answers),
          variables: example.variables ? JSON.parse(fill(example.variables, answers)) : {},
        }),
      });
      const body = (await response.json()) as { data?: Answers; errors?: unknown[] };
      expect(body.errors, example.name).toBeUndefined();
      expect(response.status, example.name).toBe(200);
      for (const typename of typenames(body.data)) expect(typename, example.name).toMatch(/Success$/);
      answers[example.name] = body.data;
    }
    expect(answers.addCartLine.addCartLine.cart.totalQuantity).toBe(2);
    expect(answers.checkout.checkout.order.status).toBe('PENDING_PAYMENT');
    expect(answers.confirmManualPayment.confirmManualPayment.order.status).toBe('PAID');
    expect(answers.cancelOrder.cancelOrder.order.status).toBe('CANCELED');
    expect(answers.createProduct.createProduct.product.variants).toHaveLength(2);
  });
});
