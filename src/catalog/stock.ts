import type { EntityManager } from '@mikro-orm/postgresql';
import { queryPrepared } from '../db/prepared';
import type { ProductStatus } from './product.entity';
import type { OptionValue } from './variant.entity';

/**
 * How stock moves, in one place. A variant row holds `stock_on_hand` (in the warehouse) and
 * `stock_reserved` (held by unpaid orders); available = on hand - reserved. Every movement
 * here runs inside the caller's transaction and first locks the variant rows in id order,
 * so two transactions touching the same variants queue instead of deadlocking. That holds
 * only if a transaction takes all its variant locks in one call: one that moves several
 * orders must lock the union of their variants first (see OrderLifecycle.expireOverdue).
 *
 *   checkout           reserve: reserved += q      (refused if q > available)
 *   cancel/expire/fail release: reserved -= q
 *   paid               sell:    reserved -= q, on hand -= q
 *   late pay reinstated sell from available: on hand -= q   (caller checked availability)
 *
 * The one movement not written here is checkout's reserve: it is part of the single statement
 * that writes the order (checkout/place-order.ts), under the same id-order locks.
 */

export interface LockedVariant {
  id: string;
  product_id: string;
  product_name: string;
  product_status: ProductStatus;
  sku: string;
  options: OptionValue[];
  stock_on_hand: number;
  stock_reserved: number;
  /** The price in `options.priceIn`, when asked for; null when the variant has none in it. */
  price_minor?: number | null;
}

const placeholders = (count: number, each = '?') => Array.from({ length: count }, () => each).join(', ');

/**
 * Locks the variants (in id order) and returns them with their product, fresh from the
 * database, and, when asked, their price in one currency (read in the same statement).
 */
export function lockVariants(tx: EntityManager, variantIds: string[], options: { priceIn?: string } = {}): Promise<LockedVariant[]> {
  return variantRows(tx, variantIds, { ...options, lock: true });
}

/**
 * The same rows without a lock: what checkout validates and prices from. Its reservation
 * re-checks availability under the locks (checkout/place-order.ts).
 */
export function readVariants(em: EntityManager, variantIds: string[], options: { priceIn?: string } = {}): Promise<LockedVariant[]> {
  return variantRows(em, variantIds, { ...options, lock: false });
}

function variantRows(em: EntityManager, variantIds: string[], options: { priceIn?: string; lock: boolean }): Promise<LockedVariant[]> {
  const ids = [...new Set(variantIds)].sort();
  if (ids.length === 0) return Promise.resolve([]);
  const price = options.priceIn !== undefined;
  return queryPrepared(
    em,
    `select v.id, v.product_id, p.name as product_name, p.status as product_status, v.sku, v.options,
            v.stock_on_hand, v.stock_reserved${price ? ', vp.amount_minor as price_minor' : ''}
       from variant v join product p on p.id = v.product_id
       ${price ? 'left join variant_price vp on vp.variant_id = v.id and vp.currency = ?' : ''}
      where v.id = any(?::uuid[])
      order by v.id${options.lock ? ' for update of v' : ''}`,
    price ? [options.priceIn, ids] : [ids],
  );
}

async function applyToLocked(tx: EntityManager, quantities: Map<string, number>, assignments: string): Promise<void> {
  const ids = [...quantities.keys()].sort();
  if (ids.length === 0) return;
  await tx.execute(
    `update variant as v set ${assignments}, updated_at = now()
       from (values ${placeholders(ids.length, '(?::uuid, ?::int)')}) as r(id, quantity)
      where v.id = r.id`,
    ids.flatMap((id) => [id, quantities.get(id)!]),
  );
}

/** Gives reserved units back to available stock (order canceled, expired or its payment failed). */
export async function releaseStock(tx: EntityManager, quantities: Map<string, number>): Promise<void> {
  await lockVariants(tx, [...quantities.keys()]);
  await applyToLocked(tx, quantities, 'stock_reserved = v.stock_reserved - r.quantity');
}

/** Turns reserved units into sold ones: they leave both reserved and on hand (order paid). */
export async function sellReservedStock(tx: EntityManager, quantities: Map<string, number>): Promise<void> {
  await lockVariants(tx, [...quantities.keys()]);
  await applyToLocked(
    tx,
    quantities,
    'stock_reserved = v.stock_reserved - r.quantity, stock_on_hand = v.stock_on_hand - r.quantity',
  );
}

/** Sells units that were not reserved (a late-paid order reinstated); the caller checked they are available. */
export async function sellAvailableStock(tx: EntityManager, quantities: Map<string, number>): Promise<void> {
  await lockVariants(tx, [...quantities.keys()]);
  await applyToLocked(tx, quantities, 'stock_on_hand = v.stock_on_hand - r.quantity');
}

/** Sums quantities per variant: the same variant on two lines counts together. */
export function quantitiesByVariant(lines: Array<{ variantId: string; quantity: number }>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.variantId, (totals.get(line.variantId) ?? 0) + line.quantity);
  return totals;
}
