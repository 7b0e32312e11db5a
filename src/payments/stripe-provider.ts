import Stripe from 'stripe';
import { stringProblem } from '../common/input-limits';
import { currencyExponent } from '../common/money';
import { PaymentMethod } from './payment.entity';
import {
  PaymentProviderFailure,
  WebhookRefused,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderHandoff,
  type ProviderPayment,
  type RefundRequest,
  type StartRequest,
} from './payment-provider';

/**
 * Stripe behind the payment-provider seam: card payments (PaymentIntents) and hosted checkout
 * (Checkout Sessions). The one place that talks to Stripe; its parameters, units and quirks
 * stay in this file.
 */

// https://docs.stripe.com/currencies: Stripe's own minor units differ from ISO 4217 for a few.
const STRIPE_ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const STRIPE_THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
// Zero-decimal in ISO but sent to Stripe as two-decimal amounts (divisible by 100), for backwards compatibility.
const STRIPE_TWO_DECIMAL_ZERO = new Set(['ISK', 'UGX']);

function stripeExponent(currency: string): number {
  if (STRIPE_ZERO_DECIMAL.has(currency)) return 0;
  if (STRIPE_THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/**
 * Our amount (ISO minor units) in Stripe's unit for the currency, or undefined when Stripe
 * cannot charge it exactly (MGA 12.34 is not a whole ariary; KWD amounts must end in 0).
 */
export function toStripeAmount(amountMinor: number, currency: string): number | undefined {
  const code = currency.toUpperCase();
  const iso = currencyExponent(code);
  if (iso === undefined) return undefined;
  const shift = stripeExponent(code) - iso;
  const amount = shift >= 0 ? amountMinor * 10 ** shift : amountMinor / 10 ** -shift;
  if (!Number.isInteger(amount)) return undefined;
  if (STRIPE_THREE_DECIMAL.has(code) && amount % 10 !== 0) return undefined;
  if (STRIPE_TWO_DECIMAL_ZERO.has(code) && amount % 100 !== 0) return undefined;
  return amount;
}

export interface StripeProviderConfig {
  secretKey: string;
  webhookSecret?: string;
  apiUrl?: URL;
  /** Milliseconds the buyer may wait for one Stripe call; the buyer's calls are not retried. */
  timeoutMs: number;
}

/** A buyer waits for one attempt; background jobs let the SDK retry network failures too. */
const BUYER_WAITING = { maxNetworkRetries: 0 } as const;
const IN_BACKGROUND = { maxNetworkRetries: 2 } as const;
/** Stripe refuses a Checkout Session that expires sooner than this. */
const SESSION_MIN_LIFETIME_MS = 31 * 60_000;

export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly methods = [PaymentMethod.CARD, PaymentMethod.HOSTED_CHECKOUT] as const;
  private readonly stripe: Stripe;

  constructor(private readonly config: StripeProviderConfig) {
    const api = config.apiUrl;
    this.stripe = new Stripe(config.secretKey, {
      maxNetworkRetries: 0,
      timeout: config.timeoutMs,
      appInfo: { name: 'commerce-api' },
      ...(api
        ? {
            host: api.hostname,
            port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)),
            protocol: api.protocol === 'http:' ? 'http' : 'https',
          }
        : {}),
    });
  }

  refuseAmount(amountMinor: number, currency: string): string | undefined {
    return toStripeAmount(amountMinor, currency) === undefined ? `Card payments cannot charge this total exactly in ${currency}.` : undefined;
  }

  /**
   * A PaymentIntent or Checkout Session for the order. The idempotency key is derived from our
   * payment id, so a retried checkout (or a crash between Stripe answering and us recording it)
   * gets the same one back instead of a second charge.
   */
  async start(request: StartRequest): Promise<ProviderHandoff & { providerReference: string }> {
    if (request.method === PaymentMethod.CARD) {
      const intent = await this.createPaymentIntent(request, BUYER_WAITING);
      return { providerReference: intent.id, clientSecret: intent.client_secret, checkoutUrl: null };
    }
    const session = await this.call(() => this.stripe.checkout.sessions.create(this.sessionParams(request), { idempotencyKey: `checkout-session-${request.paymentId}`, ...BUYER_WAITING }));
    return { providerReference: session.id, clientSecret: null, checkoutUrl: session.url };
  }

  async resume(providerReference: string): Promise<ProviderHandoff> {
    if (providerReference.startsWith('cs_')) {
      const session = await this.call(() => this.stripe.checkout.sessions.retrieve(providerReference, {}, BUYER_WAITING));
      return { clientSecret: null, checkoutUrl: session.url };
    }
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(providerReference, {}, BUYER_WAITING));
    return { clientSecret: intent.client_secret, checkoutUrl: null };
  }

  /** Reads a PaymentIntent (pi_...) or Checkout Session (cs_...) and says where it stands. */
  async verify(providerReference: string, options: Stripe.RequestOptions = BUYER_WAITING): Promise<ProviderPayment> {
    if (providerReference.startsWith('cs_')) {
      const session = await this.call(() => this.stripe.checkout.sessions.retrieve(providerReference, {}, options));
      const intentId = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
      if (intentId) return this.verify(intentId, options);
      return {
        paymentIntentId: null,
        status: session.status === 'expired' ? 'expired' : 'open',
        succeeded: false,
        amountReceivedMinor: 0,
        currency: (session.currency ?? '').toUpperCase(),
        orderId: session.metadata?.order_id,
        paymentId: session.metadata?.payment_id,
      };
    }
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(providerReference, {}, options));
    return providerPaymentOf(intent);
  }

  /**
   * Cancels a PaymentIntent or expires a Checkout Session. Without a recorded reference, the
   * PaymentIntent is found by creating it again with the start call's idempotency key and
   * parameters (Stripe answers with the one it made, or makes one that is canceled at once).
   * A session cannot be found that way (its return URLs came with the request); it stops taking
   * payment at its `expires_at`, and a payment that still arrives is refunded on its webhook.
   */
  async cancel(payment: { providerReference: string | null; request: StartRequest }): Promise<{ canceled: true } | { alreadyPaid: ProviderPayment }> {
    let reference = payment.providerReference;
    if (!reference) {
      if (payment.request.method !== PaymentMethod.CARD) return { canceled: true };
      reference = (await this.createPaymentIntent(payment.request, IN_BACKGROUND)).id;
    }
    try {
      if (reference.startsWith('cs_')) await this.call(() => this.stripe.checkout.sessions.expire(reference, {}, IN_BACKGROUND));
      else await this.call(() => this.stripe.paymentIntents.cancel(reference, {}, IN_BACKGROUND));
      return { canceled: true };
    } catch (error) {
      if (!(error instanceof PaymentProviderFailure) || error.status !== 400) throw error;
      // Not cancelable any more: either it is canceled already or the buyer paid it.
      const state = await this.verify(reference, IN_BACKGROUND);
      if (state.succeeded) return { alreadyPaid: state };
      if (state.status === 'canceled' || state.status === 'expired') return { canceled: true };
      throw error;
    }
  }

  /** Refunds a PaymentIntent; the refund also shows up as a `charge.refunded` event. */
  async refund(request: RefundRequest): Promise<{ providerReference: string; succeeded: boolean }> {
    let intentId = request.providerReference;
    if (intentId.startsWith('cs_')) {
      const state = await this.verify(intentId, IN_BACKGROUND);
      if (!state.paymentIntentId) throw new PaymentProviderFailure('The Checkout Session has no payment to refund.');
      intentId = state.paymentIntentId;
    }
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        { payment_intent: intentId, amount: this.amount(request.amountMinor, request.currency), metadata: { refund_id: request.refundId, payment_id: request.paymentId } },
        { idempotencyKey: `refund-${request.refundId}`, ...IN_BACKGROUND },
      ),
    );
    if (refund.status === 'failed' || refund.status === 'canceled') throw new PaymentProviderFailure(`Stripe refund ${refund.id} ${refund.status}.`);
    return { providerReference: refund.id, succeeded: refund.status === 'succeeded' };
  }

  /** Verifies a webhook delivery's signature over the raw body and reads the event. */
  readWebhook(rawBody: Buffer, header: (name: string) => string | undefined): ProviderEvent {
    if (!this.config.webhookSecret) throw new WebhookRefused('STRIPE_WEBHOOK_SECRET is not configured on this server.', 503);
    const signature = header('stripe-signature');
    if (!signature) throw new WebhookRefused('Missing Stripe-Signature header.');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.config.webhookSecret);
    } catch (error) {
      // The SDK parses the body only once the signature matched.
      if (error instanceof SyntaxError) throw new WebhookRefused('The signed body is not JSON.');
      throw new WebhookRefused('Webhook signature verification failed.');
    }
    const malformed = malformedEvent(event);
    if (malformed) {
      const eventId = (event as { id?: unknown } | null)?.id;
      throw new WebhookRefused(malformed, 400, typeof eventId === 'string' ? eventId.slice(0, 255) : undefined);
    }
    return eventOf(event);
  }

  /** Our minor units from a Stripe amount. */
  static fromStripeAmount(amount: number, currency: string): number {
    const code = currency.toUpperCase();
    const shift = stripeExponent(code) - (currencyExponent(code) ?? 2);
    return shift >= 0 ? amount / 10 ** shift : amount * 10 ** -shift;
  }

  private createPaymentIntent(request: StartRequest, options: Stripe.RequestOptions): Promise<Stripe.PaymentIntent> {
    return this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: this.amount(request.amountMinor, request.currency),
          currency: request.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: `Order ${request.orderNumber}`,
          receipt_email: request.email,
          metadata: metadataOf(request),
        },
        { idempotencyKey: `payment-intent-${request.paymentId}`, ...options },
      ),
    );
  }

  private sessionParams(request: StartRequest): Stripe.Checkout.SessionCreateParams {
    const currency = request.currency.toLowerCase();
    const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = (request.lines ?? []).map((line) => ({
      quantity: line.quantity,
      price_data: { currency, unit_amount: this.amount(line.unitAmountMinor, request.currency), product_data: { name: line.name } },
    }));
    if (request.shippingMinor) {
      lineItems.push({
        quantity: 1,
        price_data: { currency, unit_amount: this.amount(request.shippingMinor, request.currency), product_data: { name: `Shipping: ${request.shippingName}` } },
      });
    }
    const expiresAt = request.expiresAt ? Math.max(request.expiresAt.getTime(), Date.now() + SESSION_MIN_LIFETIME_MS) : undefined;
    return {
      mode: 'payment',
      line_items: lineItems,
      customer_email: request.email,
      client_reference_id: request.orderId,
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      metadata: metadataOf(request),
      // Stripe does not copy session metadata to the PaymentIntent; its events need it too.
      payment_intent_data: { metadata: metadataOf(request) },
      ...(expiresAt ? { expires_at: Math.floor(expiresAt / 1000) } : {}),
    };
  }

  private amount(amountMinor: number, currency: string): number {
    const amount = toStripeAmount(amountMinor, currency);
    if (amount === undefined) throw new PaymentProviderFailure(`Stripe cannot charge ${amountMinor} minor units of ${currency} exactly.`);
    return amount;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) throw new PaymentProviderFailure(error.message, error.statusCode);
      throw error;
    }
  }
}

export function providerPaymentOf(intent: Stripe.PaymentIntent): ProviderPayment {
  return {
    paymentIntentId: intent.id,
    status: intent.status,
    succeeded: intent.status === 'succeeded',
    amountReceivedMinor: StripeProvider.fromStripeAmount(intent.amount_received, intent.currency),
    currency: intent.currency.toUpperCase(),
    orderId: intent.metadata?.order_id,
    paymentId: intent.metadata?.payment_id,
  };
}

/** Why a verified body is not an event the handlers can read, or undefined when it is one. */
function malformedEvent(event: unknown): string | undefined {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return 'The event is not a JSON object.';
  const { id, type, data } = event as { id?: unknown; type?: unknown; data?: { object?: unknown } };
  // Both are stored as text: NUL or a megabyte would fail in the database, and be retried for days.
  if (typeof id !== 'string' || !id || stringProblem(id, 255)) return 'The event has no usable id.';
  if (typeof type !== 'string' || !type || stringProblem(type, 255)) return 'The event has no usable type.';
  if (!data || typeof data !== 'object' || !data.object || typeof data.object !== 'object') return 'The event has no data.object.';
  return undefined;
}

/** The few things an event means for an order. */
function eventOf(event: Stripe.Event): ProviderEvent {
  const base = { id: event.id, type: event.type };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      return { ...base, paymentId: intent.metadata?.payment_id, references: [intent.id], kind: 'succeeded', reported: providerPaymentOf(intent) };
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const error = intent.last_payment_error;
      return {
        ...base,
        paymentId: intent.metadata?.payment_id,
        references: [intent.id],
        kind: 'declined',
        error: { code: error?.code ?? error?.decline_code ?? 'payment_failed', message: error?.message ?? 'The payment was declined.' },
      };
    }
    case 'payment_intent.canceled': {
      const intent = event.data.object;
      return { ...base, paymentId: intent.metadata?.payment_id, references: [intent.id], kind: 'canceled' };
    }
    case 'checkout.session.completed': {
      const session = event.data.object;
      const references = [session.id];
      if (session.payment_status !== 'paid') return { ...base, paymentId: session.metadata?.payment_id, references, kind: 'ignored', why: `session completed with payment ${session.payment_status}` };
      const reported: ProviderPayment = {
        paymentIntentId: typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null),
        status: 'succeeded',
        succeeded: true,
        amountReceivedMinor: StripeProvider.fromStripeAmount(session.amount_total ?? 0, session.currency ?? ''),
        currency: (session.currency ?? '').toUpperCase(),
        orderId: session.metadata?.order_id,
        paymentId: session.metadata?.payment_id,
      };
      return { ...base, paymentId: session.metadata?.payment_id, references, kind: 'succeeded', reported };
    }
    case 'checkout.session.expired': {
      const session = event.data.object;
      return { ...base, paymentId: session.metadata?.payment_id, references: [session.id], kind: 'expired' };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      const refunds = charge.refunds?.data ?? [];
      return {
        ...base,
        paymentId: charge.metadata?.payment_id,
        references: intentId ? [intentId] : [],
        kind: 'refunded',
        refundedMinor: StripeProvider.fromStripeAmount(charge.amount_refunded, charge.currency),
        refundReferences: refunds.map((r) => r.id),
      };
    }
    default:
      return { ...base, references: [], kind: 'ignored', why: `${event.type} is not handled` };
  }
}

function metadataOf(request: StartRequest): Record<string, string> {
  return {
    order_id: request.orderId,
    order_number: request.orderNumber,
    payment_id: request.paymentId,
    ...(request.customerId ? { customer_id: request.customerId } : {}),
  };
}
