import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { formatMoney } from '../src/common/money';
import { SHIPPING_ADDRESS, type CheckoutLine } from './api';

/**
 * The floor the API is measured against: the same rows read and written with hand-written SQL
 * through `pg`, no HTTP, no GraphQL, no ORM. Same rules as the checkout service: one
 * transaction, variant rows locked in id order, availability checked under the lock.
 */

export interface SqlOutcome {
  /** Named like the API's union members, so both runs tally the same way. */
  outcome: 'CheckoutSuccess' | 'InsufficientStock' | 'VariantNotFound' | 'PriceNotAvailable' | 'ShippingNotSupported';
  statements: number;
}

// As the API stores it: the phone in E.164, absent fields as null.
const ADDRESS = { ...SHIPPING_ADDRESS, phone: '+12125550199', reference: null };
const ORDER_TTL_MS = 30 * 60_000;
let orderCounter = 0;

export async function sqlCheckout(pool: pg.Pool, customerId: string, lines: CheckoutLine[]): Promise<SqlOutcome> {
  const client = await pool.connect();
  let statements = 0;
  const query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    statements += 1;
    return client.query<R>(text, values);
  };
  const refuse = async (outcome: SqlOutcome['outcome']): Promise<SqlOutcome> => {
    await query('ROLLBACK');
    return { outcome, statements };
  };
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.variantId, (wanted.get(line.variantId) ?? 0) + line.quantity);
  const ids = [...wanted.keys()].sort();

  try {
    await query('BEGIN');
    const { rows: variants } = await query<{
      id: string;
      product_id: string;
      product_name: string;
      product_status: string;
      sku: string;
      options: unknown;
      stock_on_hand: number;
      stock_reserved: number;
    }>(
      `select v.id, v.product_id, p.name as product_name, p.status as product_status, v.sku, v.options, v.stock_on_hand, v.stock_reserved
         from variant v join product p on p.id = v.product_id
        where v.id = any($1::uuid[]) order by v.id for update of v`,
      [ids],
    );
    const byId = new Map(variants.map((v) => [v.id, v]));
    if (ids.some((id) => byId.get(id)?.product_status !== 'ACTIVE')) return await refuse('VariantNotFound');

    const { rows: priceRows } = await query<{ variant_id: string; amount_minor: number }>(
      `select variant_id, amount_minor from variant_price where currency = $1 and variant_id = any($2::uuid[])`,
      ['USD', ids],
    );
    const prices = new Map(priceRows.map((p) => [p.variant_id, p.amount_minor]));
    if (ids.some((id) => !prices.has(id))) return await refuse('PriceNotAvailable');
    if (ids.some((id) => byId.get(id)!.stock_on_hand - byId.get(id)!.stock_reserved < wanted.get(id)!)) return await refuse('InsufficientStock');

    // Per method a rate for the region beats the country-wide one; then the cheapest method.
    const { rows: rates } = await query<{ id: string; name: string; amount_minor: number }>(
      `select id, name, amount_minor from (
         select distinct on (m.id) m.id, m.name, r.amount_minor
           from shipping_rate r join shipping_method m on m.id = r.method_id
          where r.country = $1 and r.currency = $2 and m.active and (r.region is null or lower(r.region) = lower($3))
          order by m.id, r.region is null) best
        order by amount_minor, name limit 1`,
      ['US', 'USD', ADDRESS.region],
    );
    if (rates.length === 0) return await refuse('ShippingNotSupported');
    const [rate] = rates;

    await query(
      `update variant v set stock_reserved = v.stock_reserved + r.quantity, updated_at = now()
         from unnest($1::uuid[], $2::int[]) as r(id, quantity) where v.id = r.id`,
      [ids, ids.map((id) => wanted.get(id)!)],
    );

    const subtotal = lines.reduce((sum, line) => sum + prices.get(line.variantId)! * line.quantity, 0);
    const total = subtotal + rate.amount_minor;
    const orderId = randomUUID();
    const now = new Date();
    const email = `${customerId}@example.com`;
    orderCounter += 1;
    await query(
      `insert into orders (id, order_number, customer_id, status, currency, payment_method, buyer, buyer_email, shipping_address,
                           shipping_method_id, shipping_method_name, subtotal_minor, shipping_minor, discount_minor, total_minor,
                           expires_at, created_at, updated_at)
       values ($1, $2, $3, 'PENDING_PAYMENT', 'USD', 'MANUAL_TRANSFER', $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $13)`,
      [
        orderId,
        `SQL-${process.pid}-${orderCounter}`,
        customerId,
        JSON.stringify({ name: 'Buyer', email, phone: '+13055550100' }),
        email,
        JSON.stringify(ADDRESS),
        rate.id,
        rate.name,
        subtotal,
        rate.amount_minor,
        total,
        new Date(now.getTime() + ORDER_TTL_MS),
        now,
      ],
    );
    const lineValues = lines.map((line) => {
      const variant = byId.get(line.variantId)!;
      const unit = prices.get(line.variantId)!;
      return [randomUUID(), orderId, variant.product_id, variant.id, variant.product_name, variant.sku, JSON.stringify(variant.options), unit, line.quantity, unit * line.quantity];
    });
    await query(
      `insert into order_line (id, order_id, product_id, variant_id, product_name, sku, options, unit_price_minor, quantity, line_total_minor)
       values ${lineValues.map((_, i) => `(${Array.from({ length: 10 }, (_, j) => `$${i * 10 + j + 1}`).join(', ')})`).join(', ')}`,
      lineValues.flat(),
    );
    await query(
      `insert into order_status_change (id, order_id, from_status, to_status, actor, reason, created_at)
       values ($1, $2, null, 'PENDING_PAYMENT', $3, 'Order placed', $4)`,
      [randomUUID(), orderId, `customer:${customerId}`, now],
    );
    await query(
      `insert into payment (id, order_id, method, provider, amount_minor, currency) values ($1, $2, 'MANUAL_TRANSFER', 'zelle', $3, 'USD')`,
      [randomUUID(), orderId, total],
    );
    await query('COMMIT');
    return { outcome: 'CheckoutSuccess', statements };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The products(first: 50) page with variants and USD prices in three statements, the same
 * rows the API's loaders read (every price of each variant), assembled into the same JSON.
 */
export async function sqlProductsPage(pool: pg.Pool, first = 50): Promise<string> {
  const { rows: products } = await pool.query<{ id: string; name: string; slug: string }>(
    `select id, name, slug from product where status = 'ACTIVE' order by name, id limit $1`,
    [first + 1],
  );
  const page = products.slice(0, first);
  const { rows: variants } = await pool.query<{ id: string; product_id: string; sku: string; stock_on_hand: number; stock_reserved: number }>(
    `select id, product_id, sku, stock_on_hand, stock_reserved from variant where product_id = any($1::uuid[]) order by product_id, position`,
    [page.map((p) => p.id)],
  );
  const { rows: prices } = await pool.query<{ variant_id: string; currency: string; amount_minor: number }>(
    `select variant_id, currency, amount_minor from variant_price where variant_id = any($1::uuid[])`,
    [variants.map((v) => v.id)],
  );
  const usd = new Map(prices.filter((p) => p.currency === 'USD').map((p) => [p.variant_id, p.amount_minor]));
  const variantsOf = new Map<string, typeof variants>();
  for (const v of variants) variantsOf.set(v.product_id, [...(variantsOf.get(v.product_id) ?? []), v]);
  const edges = page.map((p) => ({
    cursor: Buffer.from(JSON.stringify(['NAME', p.name, p.id])).toString('base64url'),
    node: {
      id: p.id,
      name: p.name,
      slug: p.slug,
      variants: (variantsOf.get(p.id) ?? []).map((v) => {
        const amountMinor = usd.get(v.id);
        return {
          id: v.id,
          sku: v.sku,
          available: v.stock_on_hand - v.stock_reserved,
          price: amountMinor === undefined ? null : { amountMinor, currency: 'USD', formatted: formatMoney({ amountMinor, currency: 'USD' }) },
        };
      }),
    },
  }));
  return JSON.stringify({ data: { products: { edges, pageInfo: { hasNextPage: products.length > first, endCursor: edges.at(-1)?.cursor ?? null } } } });
}
