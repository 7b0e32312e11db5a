import { createHash, randomInt } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../auth/customer.entity';
import { actorOf, isSignedIn, type Viewer } from '../auth/viewer';
import type { Cart } from '../cart/cart.entity';
import { CartNotFound } from '../cart/cart.errors';
import { validateCustomization, type CartService, type Customization } from '../cart/cart.service';
import { InsufficientStock, InvalidQuantity, ProductNotAvailable, ProductNotFound, VariantNotFound } from '../catalog/catalog.errors';
import { ProductStatus } from '../catalog/product.entity';
import { MAX_LINE_QUANTITY, variantLabel } from '../catalog/variant-label';
import { quantitiesByVariant, readVariants, type LockedVariant } from '../catalog/stock';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { isUuid } from '../common/ids';
import { LIST_LIMITS, STRING_LIMITS } from '../common/input-limits';
import { isSaleCurrency, MAX_AMOUNT_MINOR } from '../common/money';
import { newEntity } from '../db/base.entity';
import { Order, OrderLine, OrderStatus, OrderStatusChange, type AddressSnapshot, type BuyerSnapshot } from '../orders/order.entity';
import { Payment, PaymentMethod } from '../payments/payment.entity';
import { ONLINE_METHODS, type PaymentProvider } from '../payments/payment-provider';
import type { PaymentsService, ProviderHandoff } from '../payments/payments.service';
import { ShippingMethodNotFound, ShippingNotSupported } from '../shipping/shipping.errors';
import { ShippingService } from '../shipping/shipping.service';
import {
  EmptyCart,
  IdempotencyKeyReused,
  InvalidAddress,
  InvalidAmount,
  InvalidBuyer,
  OrderNumberCollision,
  PaymentProviderError,
  PriceNotAvailable,
  VariantProductMismatch,
} from './checkout.errors';
import { addressSnapshot, buyerSnapshot, type AddressInputData, type BuyerInputData } from './contact';
import { placeOrderRows } from './place-order';

export interface CheckoutItem {
  variantId: string;
  quantity: number;
  /** When given, the variant must belong to this product (seed 000's item_id). */
  productId?: string | null;
  customization?: Customization | null;
}

export interface CheckoutCommand {
  items?: CheckoutItem[] | null;
  cartId?: string | null;
  currency: string;
  buyer: BuyerInputData;
  shippingAddress: AddressInputData;
  shippingMethodId?: string | null;
  notes?: string | null;
  payment: { method: PaymentMethod; provider?: string | null; successUrl?: string | null; cancelUrl?: string | null };
  idempotencyKey?: string | null;
}

export type CheckoutFailure =
  | EmptyCart
  | InvalidQuantity
  | ProductNotFound
  | ProductNotAvailable
  | VariantNotFound
  | VariantProductMismatch
  | PriceNotAvailable
  | InsufficientStock
  | ShippingNotSupported
  | ShippingMethodNotFound
  | InvalidAmount
  | PaymentProviderError
  | OrderNumberCollision
  | InvalidAddress
  | InvalidBuyer
  | IdempotencyKeyReused
  | CartNotFound
  | UnsupportedCurrency
  | InvalidInput;

export interface PlacedOrder {
  order: Order;
  payment: Payment;
  /** True when an earlier checkout with the same idempotency key is being returned. */
  replayed: boolean;
  /** What this checkout just wrote, so the response need not read it back. */
  written?: { lines: OrderLine[]; history: OrderStatusChange[] };
}

/** An order checked and priced, its rows built in memory, not yet written. */
interface OrderDraft {
  order: Order;
  lines: OrderLine[];
  placed: OrderStatusChange;
  payment: Payment;
  /** Units per variant, each variant once. */
  requested: Map<string, number>;
  /** The variants as read. */
  variants: Map<string, LockedVariant>;
}

export interface CheckoutSettings {
  orderTtlMinutes: number;
}

/** Makes a candidate order number; injectable so a test can force collisions. */
export type OrderNumberSource = (now: Date) => string;

// Crockford base32 without I, L, O, U: easy to read out over the phone.
const ORDER_NUMBER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ORD-20261122-7K3F9Q: the date, then 30 random bits (a billion per day). */
export const randomOrderNumber: OrderNumberSource = (now) => {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let suffix = '';
  for (let i = 0; i < 6; i += 1) suffix += ORDER_NUMBER_ALPHABET[randomInt(ORDER_NUMBER_ALPHABET.length)];
  return `ORD-${day}-${suffix}`;
};

export const ORDER_NUMBER_ATTEMPTS = 5;
// The same limits the input guard enforces (common/input-limits.ts), for calls that skip GraphQL.
const MAX_LINES = LIST_LIMITS['CheckoutInput.items'];
const MAX_NOTES = STRING_LIMITS['CheckoutInput.notes'];

/**
 * Turns items or a cart into an order, atomically: validate, price from the database, then
 * reserve stock and write the order, its lines, its first status change and a pending payment
 * in one statement that re-checks the stock under row locks. Nothing is left behind when any
 * step refuses.
 */
export class CheckoutService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly carts: CartService,
    private readonly payments: PaymentsService,
    private readonly settings: CheckoutSettings,
    private readonly nextOrderNumber: OrderNumberSource = randomOrderNumber,
  ) {}

  /**
   * The whole checkout: place the order (one statement), then, for card and hosted
   * payments, start the payment at Stripe with no transaction open.
   */
  async checkout(command: CheckoutCommand): Promise<(PlacedOrder & ProviderHandoff) | CheckoutFailure> {
    const placed = await this.placeOrder(command);
    if (!('order' in placed)) return placed;
    const handoff = await this.payments.start(placed.order, placed.payment, command.payment.successUrl, command.payment.cancelUrl);
    return handoff instanceof PaymentProviderError ? handoff : { ...placed, ...handoff };
  }

  private async placeOrder(command: CheckoutCommand): Promise<PlacedOrder | CheckoutFailure> {
    const buyer = buyerSnapshot(command.buyer);
    if (buyer instanceof InvalidBuyer) return buyer;
    const address = addressSnapshot(command.shippingAddress);
    if (address instanceof InvalidAddress) return address;
    const currency = command.currency.toUpperCase();
    if (!isSaleCurrency(currency)) return new UnsupportedCurrency(currency);
    const notes = command.notes?.trim() || null;
    if (notes && notes.length > MAX_NOTES) return new InvalidInput('notes', `Notes may be at most ${MAX_NOTES} characters.`);
    const method = command.payment.method;
    const provider = this.payments.providerForCheckout({ method, provider: command.payment.provider?.trim() || null });
    if (provider instanceof PaymentProviderError) return provider;
    for (const field of ['successUrl', 'cancelUrl'] as const) {
      const url = command.payment[field];
      if (url && !/^https?:\/\/[^\s]+$/.test(url)) return new InvalidInput(`payment.${field}`, `"${url}" is not an http(s) URL.`);
    }

    // The key covers the request as sent: a retried cart checkout finds its order even though
    // the cart it named has since been closed by that order.
    const idempotency = command.idempotencyKey?.trim()
      ? {
          scope: this.idempotencyScope(command.cartId ?? null, buyer.email),
          key: command.idempotencyKey.trim(),
          hash: requestHash({ ...command, currency }),
        }
      : undefined;
    if (idempotency) {
      const earlier = await this.replay(idempotency);
      if (earlier) return earlier;
    }

    const source = await this.resolveItems(command);
    if (!Array.isArray(source.items)) {
      // A concurrent retry may have just placed the order and closed the cart.
      return (idempotency && (await this.replay(idempotency))) || source.items;
    }
    const { items, cartId } = source as { items: CheckoutItem[]; cartId: string | null };
    const itemError = validateItems(items);
    if (itemError) return itemError;

    const draft = await this.draftOrder({
      items,
      cartId,
      currency,
      buyer,
      address,
      notes,
      method,
      provider,
      providerLabel: command.payment.provider?.trim() || null,
      shippingMethodId: command.shippingMethodId ?? null,
      idempotency,
    });
    if (!('order' in draft)) return draft;

    // Only the write is retried: a taken order number changes nothing that was read or checked.
    for (let attempt = 1; attempt <= ORDER_NUMBER_ATTEMPTS; attempt += 1) {
      draft.order.orderNumber = this.nextOrderNumber(draft.order.createdAt);
      try {
        const written = await this.writeOrder(draft);
        // The cart was closed by a concurrent checkout: if that was this request's retry, answer with its order.
        if (written instanceof CartNotFound && idempotency) return (await this.replay(idempotency)) ?? written;
        return written;
      } catch (error) {
        // The statement that writes the order failed as a whole: nothing was reserved or written.
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        const constraint = (error as { constraint?: string }).constraint ?? error.message;
        if (idempotency && constraint.includes('orders_idempotency_unique')) {
          // A concurrent request with the same key committed first: answer with its order.
          const earlier = await this.replay(idempotency);
          if (earlier) return earlier;
        }
        if (!constraint.includes('orders_order_number_unique')) throw error;
      }
    }
    return new OrderNumberCollision(ORDER_NUMBER_ATTEMPTS);
  }

  private async resolveItems(command: CheckoutCommand): Promise<{ items: CheckoutItem[] | CheckoutFailure; cartId: string | null }> {
    if (command.items?.length && command.cartId) {
      return { items: new InvalidInput('items', 'Give either items or cartId, not both.'), cartId: null };
    }
    if (command.items?.length) return { items: command.items, cartId: null };
    let cart: Cart | null;
    if (command.cartId) {
      cart = await this.carts.accessible(command.cartId);
      if (!cart) return { items: new CartNotFound(command.cartId), cartId: null };
    } else {
      // No items and no cart: a signed-in customer checks out their open cart (seed 003).
      cart = isSignedIn(this.viewer) ? await this.carts.find() : null;
      if (!cart) return { items: new EmptyCart(), cartId: null };
    }
    const lines = await cart.lines.loadItems();
    return {
      items: lines.map((l) => ({ variantId: l.variant.id, quantity: l.quantity, customization: l.customization })),
      cartId: cart.id,
    };
  }

  private idempotencyScope(cartId: string | null, email: string): string {
    if (isSignedIn(this.viewer)) return `customer:${this.viewer.customerId}`;
    if (cartId) return `cart:${cartId}`;
    return `guest:${email.toLowerCase()}`;
  }

  private async replay(idempotency: { scope: string; key: string; hash: string }): Promise<PlacedOrder | IdempotencyKeyReused | undefined> {
    const order = await this.em.findOne(Order, { idempotencyScope: idempotency.scope, idempotencyKey: idempotency.key });
    if (!order) return undefined;
    if (order.requestHash !== idempotency.hash) return new IdempotencyKeyReused(idempotency.key);
    const payment = await this.em.findOneOrFail(Payment, { order }, { orderBy: { createdAt: 'asc' } });
    return { order, payment, replayed: true };
  }

  /**
   * Reads the variants and shipping rates, checks and prices everything, and builds the order's
   * rows in memory; nothing is written yet. The order number is given at each write attempt.
   */
  private async draftOrder(draft: {
    items: CheckoutItem[];
    cartId: string | null;
    currency: string;
    buyer: BuyerSnapshot;
    address: AddressSnapshot;
    notes: string | null;
    method: PaymentMethod;
    provider: PaymentProvider;
    /** What the buyer named, e.g. "zelle" for a transfer. */
    providerLabel: string | null;
    shippingMethodId: string | null;
    idempotency?: { scope: string; key: string; hash: string };
  }): Promise<OrderDraft | CheckoutFailure> {
    const { items, currency } = draft;
    const requested = quantitiesByVariant(items);
    // Two independent reads; stock is checked again under locks when the order is written.
    const [variants, quote] = await Promise.all([
      readVariants(this.em, [...requested.keys()], { priceIn: currency }),
      new ShippingService(this.em).quote({ country: draft.address.country, region: draft.address.region, currency }, draft.shippingMethodId),
    ]);
    const byId = new Map(variants.map((v) => [v.id, v]));
    for (const item of items) {
      const variant = byId.get(item.variantId);
      if (!variant) return new VariantNotFound(item.variantId);
      if (item.productId && item.productId !== variant.product_id) {
        const productExists = isUuid(item.productId) && (await this.em.execute('select 1 from product where id = ?', [item.productId])).length > 0;
        return productExists ? new VariantProductMismatch(item.variantId, item.productId) : new ProductNotFound(item.productId);
      }
      if (variant.product_status !== ProductStatus.ACTIVE) return new ProductNotAvailable(variant.product_id, variant.product_name, variant.id);
    }

    for (const item of items) {
      const variant = byId.get(item.variantId)!;
      if (variant.price_minor == null) return new PriceNotAvailable(describe(variant), currency);
    }
    // The same variant on two lines counts together against its stock.
    for (const item of items) {
      const variant = byId.get(item.variantId)!;
      const available = variant.stock_on_hand - variant.stock_reserved;
      const wanted = requested.get(variant.id)!;
      if (wanted > available) return new InsufficientStock(describe(variant), available, wanted);
    }

    if (quote instanceof ShippingNotSupported || quote instanceof ShippingMethodNotFound) return quote;
    const subtotal = items.reduce((sum, item) => sum + byId.get(item.variantId)!.price_minor! * item.quantity, 0);
    const total = subtotal + quote.amountMinor;
    if (total <= 0) return new InvalidAmount(total);
    if (total > MAX_AMOUNT_MINOR) return new InvalidAmount(total, 'The order total is larger than a single payment can be.');
    const refusal = draft.provider.refuseAmount?.(total, currency);
    if (refusal) return new InvalidAmount(total, refusal);

    const now = new Date();
    const cashOnDelivery = draft.method === PaymentMethod.CASH_ON_DELIVERY;
    // Built in memory, written below in one statement: the unit of work would spend more CPU
    // computing change sets for four tables than PostgreSQL spends inserting the rows.
    const order = newEntity(Order, {
      customer: isSignedIn(this.viewer) ? newEntity(Customer, { id: this.viewer.customerId }) : null,
      status: cashOnDelivery ? OrderStatus.PAYMENT_ON_DELIVERY : OrderStatus.PENDING_PAYMENT,
      currency,
      paymentMethod: draft.method,
      buyer: draft.buyer,
      buyerEmail: draft.buyer.email.toLowerCase(),
      shippingAddress: draft.address,
      shippingMethodId: quote.methodId,
      shippingMethodName: quote.methodName,
      subtotalMinor: subtotal,
      shippingMinor: quote.amountMinor,
      discountMinor: 0,
      totalMinor: total,
      notes: draft.notes,
      // Cash on delivery is not prepaid, so it does not expire like an unpaid card order.
      expiresAt: cashOnDelivery ? null : new Date(now.getTime() + this.settings.orderTtlMinutes * 60_000),
      cartId: draft.cartId,
      idempotencyScope: draft.idempotency?.scope ?? null,
      idempotencyKey: draft.idempotency?.key ?? null,
      requestHash: draft.idempotency?.hash ?? null,
      createdAt: now,
      updatedAt: now,
    });
    const lines = items.map((item, position) => {
      const variant = byId.get(item.variantId)!;
      const unitPrice = variant.price_minor!;
      return newEntity(OrderLine, {
        order,
        position,
        productId: variant.product_id,
        variantId: variant.id,
        productName: variant.product_name,
        sku: variant.sku,
        options: variant.options,
        unitPriceMinor: unitPrice,
        quantity: item.quantity,
        lineTotalMinor: unitPrice * item.quantity,
        customization: item.customization ?? null,
        createdAt: now,
        updatedAt: now,
      });
    });
    const placed = newEntity(OrderStatusChange, {
      order,
      fromStatus: null,
      toStatus: order.status,
      actor: actorOf(this.viewer),
      reason: cashOnDelivery ? 'Order placed, to be paid in cash on delivery' : 'Order placed',
      createdAt: now,
      updatedAt: now,
    });
    const payment = newEntity(Payment, {
      order,
      method: draft.method,
      // Online payments name their provider; a transfer keeps the buyer's label ("zelle").
      provider: ONLINE_METHODS.includes(draft.method) ? draft.provider.name : draft.providerLabel,
      amountMinor: total,
      currency,
      createdAt: now,
      updatedAt: now,
    });

    return { order, lines, placed, payment, requested, variants: byId };
  }

  /** Reserves the stock and writes the drafted order, in one statement (place-order.ts). */
  private async writeOrder(draft: OrderDraft): Promise<PlacedOrder | CheckoutFailure> {
    const { order, lines, placed, payment } = draft;
    const outcome = await placeOrderRows(this.em, { order, lines, placed, payment, requested: draft.requested, viewer: this.viewer });
    if ('short' in outcome) {
      // Sold while this checkout was being priced: the figures are the ones seen under the lock.
      const [short] = outcome.short;
      return new InsufficientStock(describe(draft.variants.get(short.variant_id)!), short.available, short.requested);
    }
    if (!outcome.placed) return new CartNotFound(order.cartId!);
    return { order, payment, replayed: false, written: { lines, history: [placed] } };
  }
}

/** How a stock or price error names a variant. */
function describe(v: LockedVariant) {
  return { productId: v.product_id, variantId: v.id, label: variantLabel(v.product_name, v.options) };
}

function validateItems(items: CheckoutItem[]): CheckoutFailure | undefined {
  if (items.length === 0) return new EmptyCart();
  if (items.length > MAX_LINES) return new InvalidInput('items', `An order holds at most ${MAX_LINES} lines.`);
  for (const [i, item] of items.entries()) {
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_LINE_QUANTITY) {
      return new InvalidQuantity(item.variantId, item.quantity, MAX_LINE_QUANTITY);
    }
    if (!isUuid(item.variantId)) return new VariantNotFound(item.variantId);
    if (item.productId && !isUuid(item.productId)) return new ProductNotFound(item.productId);
    const invalid = validateCustomization(item.customization, `items.${i}.customization`);
    if (invalid) return invalid;
  }
  for (const [variantId, quantity] of quantitiesByVariant(items)) {
    if (quantity > MAX_LINE_QUANTITY) return new InvalidQuantity(variantId, quantity, MAX_LINE_QUANTITY);
  }
  return undefined;
}

/** A stable digest of what was asked for, so a reused idempotency key with another body is caught. */
function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && v !== null && key !== 'idempotencyKey')
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
