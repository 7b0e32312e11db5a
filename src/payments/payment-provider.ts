import type { Order } from '../orders/order.entity';
import { PaymentMethod, type Payment } from './payment.entity';

/**
 * The payment-provider seam. Every way of paying (Stripe card and hosted checkout, manual
 * transfer, cash on delivery, and any provider added later) is one object implementing this
 * interface, registered in the composition root. Checkout, payments, the webhook route and the
 * jobs speak only to it; which order status a provider event leads to is decided by the order
 * state machine (orders/order-lifecycle.ts), never by a provider.
 */
export interface PaymentProvider {
  /** Stored on each payment (`Payment.provider`) and used in `/webhooks/<name>`. */
  readonly name: string;
  /** The methods a buyer may choose this provider for. */
  readonly methods: readonly PaymentMethod[];

  /** Why this amount cannot be charged exactly, or undefined when it can. */
  refuseAmount?(amountMinor: number, currency: string): string | undefined;
  /** Starts paying: e.g. creates a PaymentIntent. Idempotent per payment id. */
  start?(request: StartRequest): Promise<ProviderHandoff & { providerReference: string }>;
  /** What the buyer needs again for a payment started earlier (a replayed checkout). */
  resume?(providerReference: string): Promise<ProviderHandoff>;
  /** Asks the provider where a payment stands. */
  verify?(providerReference: string): Promise<ProviderPayment>;
  /**
   * Makes sure the payment can no longer be paid. `providerReference` is null when the start
   * call's answer was lost (a crash or a timeout): the provider finds it from the request.
   * Answers what it found: a payment the buyer managed to pay cannot be canceled.
   */
  cancel?(payment: { providerReference: string | null; request: StartRequest }): Promise<{ canceled: true } | { alreadyPaid: ProviderPayment }>;
  /** Sends money back; idempotent per refund id. Absent: staff settle refunds by hand. */
  refund?(request: RefundRequest): Promise<{ providerReference: string; succeeded: boolean }>;
  /** Verifies and reads a webhook delivery; throws WebhookRefused when it does not verify. */
  readWebhook?(rawBody: Buffer, header: (name: string) => string | undefined): ProviderEvent;
}

/** What the buyer needs to pay: a client secret (cards) or a hosted page URL. */
export interface ProviderHandoff {
  clientSecret: string | null;
  checkoutUrl: string | null;
}

export interface StartRequest {
  paymentId: string;
  method: PaymentMethod;
  orderId: string;
  orderNumber: string;
  customerId: string | null;
  amountMinor: number;
  currency: string;
  email: string;
  /** Hosted checkout only. */
  lines?: Array<{ name: string; unitAmountMinor: number; quantity: number }>;
  shippingMinor?: number;
  shippingName?: string;
  successUrl?: string;
  cancelUrl?: string;
  /** Hosted checkout: when the page should stop taking payment (the order's expiry). */
  expiresAt?: Date | null;
}

export interface RefundRequest {
  refundId: string;
  paymentId: string;
  providerReference: string;
  amountMinor: number;
  currency: string;
}

/** What a provider says about a payment, in our units. */
export interface ProviderPayment {
  /** The provider's id of the charge itself (a hosted session's PaymentIntent once it exists). */
  paymentIntentId: string | null;
  /** The provider's status, e.g. Stripe's `succeeded`, `processing`, `requires_action`. */
  status: string;
  succeeded: boolean;
  /** Amount received, in our minor units; 0 until paid. */
  amountReceivedMinor: number;
  currency: string;
  orderId: string | undefined;
  paymentId: string | undefined;
}

/**
 * A provider's event, read into the few things that matter to an order. `references` are the
 * provider ids that may be stored on the payment (a session id, a PaymentIntent id).
 */
export type ProviderEvent = {
  id: string;
  type: string;
  paymentId?: string;
  references: string[];
} & (
  | { kind: 'succeeded'; reported: ProviderPayment }
  | { kind: 'declined'; error: { code: string; message: string } }
  | { kind: 'canceled' }
  | { kind: 'expired' }
  | { kind: 'refunded'; refundedMinor: number; refundReferences: string[] }
  | { kind: 'ignored'; why: string }
);

/** A provider call that failed (unreachable, timed out, refused); the message is safe to show. */
export class PaymentProviderFailure extends Error {
  constructor(
    message: string,
    /** The provider's HTTP status, when it answered at all. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A webhook delivery that does not verify or cannot be read. */
export class WebhookRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 503 = 400,
    /** The event's id when the body had one, for the log. */
    readonly eventId?: string,
  ) {
    super(message);
  }
}

/** The providers this server knows, by name; the composition root fills it. */
export class PaymentProviders {
  private readonly byName = new Map<string, PaymentProvider>();
  private readonly byMethod = new Map<PaymentMethod, PaymentProvider>();

  constructor(providers: PaymentProvider[]) {
    for (const provider of providers) this.register(provider);
  }

  /** The first provider registered for a method is that method's default. */
  register(provider: PaymentProvider): void {
    if (this.byName.has(provider.name)) throw new Error(`Payment provider "${provider.name}" is registered twice.`);
    this.byName.set(provider.name, provider);
    for (const method of provider.methods) if (!this.byMethod.has(method)) this.byMethod.set(method, provider);
  }

  named(name: string): PaymentProvider | undefined {
    return this.byName.get(name);
  }

  /** The provider a payment goes through: the one it names if that takes its method, else the method's default. */
  of(payment: Pick<Payment, 'method' | 'provider'>): PaymentProvider | undefined {
    const named = payment.provider ? this.byName.get(payment.provider) : undefined;
    return named?.methods.includes(payment.method) ? named : this.byMethod.get(payment.method);
  }
}

/** What a provider needs to start or find an order's payment; the same request every time. */
export function startRequestOf(order: Order, payment: Payment, extra: Partial<StartRequest> = {}): StartRequest {
  return {
    paymentId: payment.id,
    method: payment.method,
    orderId: order.id,
    orderNumber: order.orderNumber,
    customerId: order.customer?.id ?? null,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    email: order.buyer.email,
    ...extra,
  };
}

/**
 * Methods paid to a provider online (a card form, a hosted page): started after the order
 * commits, voided when the order dies, verified and refunded through the provider. Manual
 * transfer and cash on delivery are confirmed by staff instead.
 */
export const ONLINE_METHODS: readonly PaymentMethod[] = [PaymentMethod.CARD, PaymentMethod.HOSTED_CHECKOUT];
