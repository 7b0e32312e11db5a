import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Customer } from '../auth/customer.entity';
import type { CustomerService } from '../auth/customer.service';
import { isSignedIn, type Viewer } from '../auth/viewer';
import { InvalidQuantity, ProductNotAvailable, VariantNotFound } from '../catalog/catalog.errors';
import { ProductStatus } from '../catalog/product.entity';
import { MAX_LINE_QUANTITY } from '../catalog/variant-label';
import { Variant } from '../catalog/variant.entity';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { JSON_LIMITS } from '../common/input-limits';
import { isUuid } from '../common/ids';
import { isSaleCurrency } from '../common/money';
import { Cart, CartLine, CartStatus } from './cart.entity';
import { CartLineNotFound, CartNotFound } from './cart.errors';

export type Customization = Record<string, unknown>;

export interface LineInput {
  variantId: string;
  quantity: number;
  customization?: Customization | null;
}

type LineError = VariantNotFound | ProductNotAvailable | InvalidQuantity | InvalidInput;

const MAX_CUSTOMIZATION_BYTES = JSON_LIMITS['CartLineInput.customization'];
const MAX_CART_LINES = 100;

/** The customization a line carries, checked for size; customizations are compared as JSON. */
export function validateCustomization(customization: Customization | null | undefined, field: string): InvalidInput | undefined {
  if (customization && JSON.stringify(customization).length > MAX_CUSTOMIZATION_BYTES) {
    return new InvalidInput(field, `A customization may hold at most ${MAX_CUSTOMIZATION_BYTES} characters of JSON.`);
  }
  return undefined;
}

// Compared with keys sorted: jsonb hands a stored customization back in its own key order.
const sortedKeys = (_: string, value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
    : value;

function sameCustomization(a: Customization | null | undefined, b: Customization | null | undefined): boolean {
  return JSON.stringify(a ?? null, sortedKeys) === JSON.stringify(b ?? null, sortedKeys);
}

/**
 * Carts: a guest's is reached by its unguessable id; a customer's is theirs alone. The cart
 * accepts more than is in stock (the line shows a warning); checkout is where that is refused.
 */
export class CartService {
  constructor(
    readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly customers: CustomerService,
    private readonly defaultCurrency: string,
  ) {}

  async create(input: { currency?: string | null; lines?: LineInput[] | null }): Promise<Cart | UnsupportedCurrency | CartNotFound | LineError> {
    const currency = (input.currency ?? this.defaultCurrency).toUpperCase();
    if (!isSaleCurrency(currency)) return new UnsupportedCurrency(currency);
    const customer = await this.customer();
    if (customer) {
      // A customer has one open cart; creating another hands back the one they have.
      const open = await this.em.findOne(Cart, { customer, status: CartStatus.OPEN });
      if (open) return this.inLockedCart(open.id, (carts, cart) => carts.addLinesAndSave(cart, input.lines ?? []));
    }
    const cart = this.em.create(Cart, { currency, customer });
    const result = await this.addLines(cart, input.lines ?? []);
    if (!(result instanceof Cart)) {
      this.em.clear();
      return result;
    }
    try {
      await this.em.flush();
    } catch (error) {
      // Two first requests of one customer raced; the partial unique index let one through.
      if (!(error instanceof UniqueConstraintViolationException) || !customer) throw error;
      this.em.clear();
      const open = await this.em.findOneOrFail(Cart, { customer: customer.id, status: CartStatus.OPEN });
      return this.inLockedCart(open.id, (carts, locked) => carts.addLinesAndSave(locked, input.lines ?? []));
    }
    return cart;
  }

  /** A cart by id, or the signed-in customer's open cart when no id is given. */
  async find(cartId?: string | null): Promise<Cart | null> {
    if (!cartId) {
      if (!isSignedIn(this.viewer)) return null;
      return this.em.findOne(Cart, { customer: this.viewer.customerId, status: CartStatus.OPEN });
    }
    return this.accessible(cartId, { openOnly: false });
  }

  async addLine(input: { cartId: string } & LineInput): Promise<Cart | CartNotFound | LineError> {
    return this.inLockedCart(input.cartId, (carts, cart) => carts.addLinesAndSave(cart, [input]));
  }

  async updateLine(input: {
    cartId: string;
    lineId: string;
    quantity: number;
    customization?: Customization | null;
  }): Promise<Cart | CartNotFound | CartLineNotFound | InvalidQuantity | InvalidInput> {
    return this.inLockedCart(input.cartId, async ({ em }, cart) => {
      const line = isUuid(input.lineId) ? await em.findOne(CartLine, { id: input.lineId, cart }) : null;
      if (!line) return new CartLineNotFound(input.lineId);
      if (input.quantity < 0 || input.quantity > MAX_LINE_QUANTITY) {
        return new InvalidQuantity(line.variant.id, input.quantity, MAX_LINE_QUANTITY);
      }
      const invalid = input.customization !== undefined && validateCustomization(input.customization, 'customization');
      if (invalid) return invalid;
      // Zero removes the line, as a quantity stepper going down to nothing would.
      if (input.quantity === 0) {
        em.remove(line);
      } else {
        line.quantity = input.quantity;
        if (input.customization !== undefined) line.customization = input.customization;
      }
      cart.updatedAt = new Date();
      await em.flush();
      return cart;
    });
  }

  async removeLine(input: { cartId: string; lineId: string }): Promise<Cart | CartNotFound | CartLineNotFound> {
    return this.inLockedCart(input.cartId, async ({ em }, cart) => {
      const line = isUuid(input.lineId) ? await em.findOne(CartLine, { id: input.lineId, cart }) : null;
      if (!line) return new CartLineNotFound(input.lineId);
      em.remove(line);
      cart.updatedAt = new Date();
      await em.flush();
      return cart;
    });
  }

  /**
   * At sign-in: the guest cart becomes the customer's, or, when they already have an open
   * cart, its lines move into that one and the guest cart is closed as MERGED.
   */
  async claim(cartId: string): Promise<Cart | CartNotFound | LineError> {
    const customer = await this.customer();
    const guestCart = customer && isUuid(cartId) ? await this.em.findOne(Cart, { id: cartId, status: CartStatus.OPEN }, { populate: ['lines'] }) : null;
    if (!customer || !guestCart || (guestCart.customer && guestCart.customer.id !== customer.id)) return new CartNotFound(cartId);
    if (guestCart.customer) return guestCart;

    const own = await this.em.findOne(Cart, { customer, status: CartStatus.OPEN });
    if (!own) {
      guestCart.customer = customer;
      await this.em.flush();
      return guestCart;
    }
    const guestLines = guestCart.lines.getItems().map((l) => ({ variantId: l.variant.id, quantity: l.quantity, customization: l.customization }));
    return this.inLockedCart(own.id, async (carts, locked) => {
      const result = await carts.addLines(locked, guestLines, { merging: true });
      if (!(result instanceof Cart)) return result;
      // Only an OPEN guest cart is merged, so two claims of one cart cannot merge it twice.
      const merged = await carts.em.nativeUpdate(Cart, { id: cartId, status: CartStatus.OPEN }, { status: CartStatus.MERGED });
      if (merged === 0) return new CartNotFound(cartId);
      await carts.em.flush();
      return locked;
    });
  }

  /**
   * Runs a change to an open cart inside a transaction holding the cart row's lock, so two
   * requests adding to the same line add up instead of overwriting each other.
   */
  private async inLockedCart<T>(cartId: string, work: (carts: CartService, cart: Cart) => Promise<T>): Promise<T | CartNotFound> {
    if (!(await this.accessible(cartId))) return new CartNotFound(cartId);
    return this.em.transactional(async (em) => {
      const cart = await em.findOne(Cart, { id: cartId, status: CartStatus.OPEN }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!cart) return new CartNotFound(cartId);
      return work(new CartService(em, this.viewer, this.customers, this.defaultCurrency), cart);
    });
  }

  /** An open cart the viewer may use: their own, or a guest cart whose id they hold. */
  async accessible(cartId: string, { openOnly = true } = {}): Promise<Cart | null> {
    if (!isUuid(cartId)) return null;
    const cart = await this.em.findOne(Cart, openOnly ? { id: cartId, status: CartStatus.OPEN } : { id: cartId });
    if (!cart) return null;
    const owner = cart.customer?.id;
    if (!owner || owner === this.viewer.customerId) return cart;
    // Staff may look at any cart, but only its owner changes it.
    return this.viewer.isStaff && !openOnly ? cart : null;
  }

  private async addLinesAndSave(cart: Cart, inputs: LineInput[]): Promise<Cart | LineError> {
    const result = await this.addLines(cart, inputs);
    if (result instanceof Cart) await this.em.flush();
    return result;
  }

  /**
   * `merging`: the lines were already in a cart (claim), so they are capped at the maximum
   * rather than refused, and a product gone off sale stays in with its warning.
   */
  private async addLines(cart: Cart, inputs: LineInput[], options: { merging?: boolean } = {}): Promise<Cart | LineError> {
    if (inputs.length === 0) return cart;
    for (const [i, input] of inputs.entries()) {
      if (!options.merging && (input.quantity < 1 || input.quantity > MAX_LINE_QUANTITY)) {
        return new InvalidQuantity(input.variantId, input.quantity, MAX_LINE_QUANTITY);
      }
      const invalid = validateCustomization(input.customization, inputs.length > 1 ? `lines.${i}.customization` : 'customization');
      if (invalid) return invalid;
    }
    const ids = [...new Set(inputs.map((i) => i.variantId))];
    // `!== undefined`: an empty id is not a UUID either, and Postgres would refuse it as one.
    const unknown = ids.find((id) => !isUuid(id));
    if (unknown !== undefined) return new VariantNotFound(unknown);
    const variants = await this.em.find(Variant, { id: { $in: ids } }, { populate: ['product'] });
    for (const id of ids) {
      const variant = variants.find((v) => v.id === id);
      if (!variant) return new VariantNotFound(id);
      if (variant.product.status !== ProductStatus.ACTIVE && !options.merging) {
        return new ProductNotAvailable(variant.product.id, variant.product.name, id);
      }
    }

    const lines = cart.lines.isInitialized() ? cart.lines.getItems() : await cart.lines.loadItems();
    if (lines.length + inputs.length > MAX_CART_LINES) {
      return new InvalidInput('lines', `A cart holds at most ${MAX_CART_LINES} lines.`);
    }
    let nextPosition = lines.reduce((max, l) => Math.max(max, l.position + 1), 0);
    for (const input of inputs) {
      const existing = lines.find((l) => l.variant.id === input.variantId && sameCustomization(l.customization, input.customization));
      if (existing) {
        const quantity = existing.quantity + input.quantity;
        if (quantity > MAX_LINE_QUANTITY && !options.merging) {
          return new InvalidQuantity(input.variantId, quantity, MAX_LINE_QUANTITY);
        }
        existing.quantity = Math.min(quantity, MAX_LINE_QUANTITY);
      } else {
        const line = this.em.create(CartLine, {
          cart,
          variant: variants.find((v) => v.id === input.variantId)!,
          quantity: Math.min(input.quantity, MAX_LINE_QUANTITY),
          customization: input.customization ?? null,
          position: nextPosition++,
        });
        lines.push(line);
      }
    }
    cart.updatedAt = new Date();
    return cart;
  }

  private customer(): Promise<Customer | null> {
    return this.customers.current();
  }
}
