import Stripe from 'stripe';
import { currencyExponent } from '../common/money';

/**
 * The one place that talks to Stripe. The rest of the code asks it to create, read or cancel
 * a payment for an order and gets back plain values; Stripe's parameters, units and quirks
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

export interface GatewayConfig {
  secretKey: string;
  webhookSecret?: string;
  apiUrl?: URL;
  /** Milliseconds before a Stripe call is abandoned. */
  timeoutMs?: number;
}

export interface PaymentRequest {
  paymentId: string;
  orderId: string;
  orderNumber: string;
  customerId: string | null;
  amountMinor: number;
  currency: string;
  email: string;
}

export interface HostedCheckoutRequest extends PaymentRequest {
  lines: Array<{ name: string; unitAmountMinor: number; quantity: number }>;
  shippingMinor: number;
  shippingName: string;
  successUrl: string;
  cancelUrl: string;
}

/** What Stripe says about a payment, in our units. */
export interface ProviderPayment {
  /** The PaymentIntent id (a hosted session's PaymentIntent once it exists). */
  paymentIntentId: string | null;
  /** Stripe's PaymentIntent status (`succeeded`, `processing`, `requires_action`...), or `open`/`expired` for a session not yet paid. */
  status: string;
  /** Amount received, in our minor units; 0 until paid. */
  amountReceivedMinor: number;
  currency: string;
  orderId: string | undefined;
  paymentId: string | undefined;
}

export class PaymentProviderFailure extends Error {}

export class StripeGateway {
  private readonly stripe: Stripe;

  constructor(private readonly config: GatewayConfig) {
    const api = config.apiUrl;
    this.stripe = new Stripe(config.secretKey, {
      maxNetworkRetries: 1,
      timeout: config.timeoutMs ?? 20_000,
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

  /**
   * A PaymentIntent for the order. The idempotency key is derived from our payment id, so a
   * retried checkout (or a crash between Stripe answering and us recording it) gets the
   * same PaymentIntent back instead of a second charge.
   */
  async createPaymentIntent(request: PaymentRequest): Promise<{ providerReference: string; clientSecret: string }> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: this.amount(request.amountMinor, request.currency),
          currency: request.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: `Order ${request.orderNumber}`,
          receipt_email: request.email,
          metadata: metadataOf(request),
        },
        { idempotencyKey: `payment-intent-${request.paymentId}` },
      ),
    );
    return { providerReference: intent.id, clientSecret: intent.client_secret! };
  }

  /** A hosted Checkout Session for the order, with its lines and shipping. */
  async createCheckoutSession(request: HostedCheckoutRequest): Promise<{ providerReference: string; url: string }> {
    const currency = request.currency.toLowerCase();
    const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = request.lines.map((line) => ({
      quantity: line.quantity,
      price_data: { currency, unit_amount: this.amount(line.unitAmountMinor, request.currency), product_data: { name: line.name } },
    }));
    if (request.shippingMinor > 0) {
      lineItems.push({
        quantity: 1,
        price_data: { currency, unit_amount: this.amount(request.shippingMinor, request.currency), product_data: { name: `Shipping: ${request.shippingName}` } },
      });
    }
    const session = await this.call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: lineItems,
          customer_email: request.email,
          client_reference_id: request.orderId,
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          metadata: metadataOf(request),
          // Stripe does not copy session metadata to the PaymentIntent; its events need it too.
          payment_intent_data: { metadata: metadataOf(request) },
        },
        { idempotencyKey: `checkout-session-${request.paymentId}` },
      ),
    );
    return { providerReference: session.id, url: session.url! };
  }

  /** The client secret or hosted URL of a payment created earlier (a replayed checkout). */
  async handoff(providerReference: string): Promise<{ clientSecret: string | null; url: string | null }> {
    if (providerReference.startsWith('cs_')) {
      const session = await this.call(() => this.stripe.checkout.sessions.retrieve(providerReference));
      return { clientSecret: null, url: session.url };
    }
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(providerReference));
    return { clientSecret: intent.client_secret, url: null };
  }

  /** Reads a PaymentIntent (pi_...) or Checkout Session (cs_...) and says where it stands. */
  async retrieve(providerReference: string): Promise<ProviderPayment> {
    if (providerReference.startsWith('cs_')) {
      const session = await this.call(() => this.stripe.checkout.sessions.retrieve(providerReference));
      const intentId = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
      if (intentId) return this.retrieve(intentId);
      return {
        paymentIntentId: null,
        status: session.status === 'expired' ? 'expired' : 'open',
        amountReceivedMinor: 0,
        currency: (session.currency ?? '').toUpperCase(),
        orderId: session.metadata?.order_id,
        paymentId: session.metadata?.payment_id,
      };
    }
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(providerReference));
    return providerPaymentOf(intent);
  }

  /** Cancels a payment that will not be needed (its order expired or was canceled). */
  async cancel(providerReference: string): Promise<void> {
    if (providerReference.startsWith('cs_')) {
      await this.call(() => this.stripe.checkout.sessions.expire(providerReference));
    } else {
      await this.call(() => this.stripe.paymentIntents.cancel(providerReference));
    }
  }

  /** Refunds a PaymentIntent in full; the refund shows up as a `charge.refunded` event. */
  async refund(paymentIntentId: string, paymentId: string): Promise<void> {
    await this.call(() => this.stripe.refunds.create({ payment_intent: paymentIntentId }, { idempotencyKey: `refund-${paymentId}` }));
  }

  /** Verifies a webhook delivery's signature over the raw body; throws when it does not verify. */
  verifyWebhook(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    if (!this.config.webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is not configured');
    if (!signature) throw new Error('missing Stripe-Signature header');
    return this.stripe.webhooks.constructEvent(rawBody, signature, this.config.webhookSecret);
  }

  /** Our minor units from a Stripe amount. */
  static fromStripeAmount(amount: number, currency: string): number {
    const code = currency.toUpperCase();
    const shift = stripeExponent(code) - (currencyExponent(code) ?? 2);
    return shift >= 0 ? amount / 10 ** shift : amount * 10 ** -shift;
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
      if (error instanceof Stripe.errors.StripeError) throw new PaymentProviderFailure(error.message);
      throw error;
    }
  }
}

export function providerPaymentOf(intent: Stripe.PaymentIntent): ProviderPayment {
  return {
    paymentIntentId: intent.id,
    status: intent.status,
    amountReceivedMinor: StripeGateway.fromStripeAmount(intent.amount_received, intent.currency),
    currency: intent.currency.toUpperCase(),
    orderId: intent.metadata?.order_id,
    paymentId: intent.metadata?.payment_id,
  };
}

function metadataOf(request: PaymentRequest): Record<string, string> {
  return {
    order_id: request.orderId,
    order_number: request.orderNumber,
    payment_id: request.paymentId,
    ...(request.customerId ? { customer_id: request.customerId } : {}),
  };
}
