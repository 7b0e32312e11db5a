/**
 * A Stripe-compatible HTTP server for offline tests. Point the real SDK at it with
 * `new Stripe(key, { host: fake.host, port: fake.port, protocol: 'http' })`; it speaks the
 * wire format the SDK speaks (form-encoded requests, JSON responses, Stripe's error bodies and
 * idempotency), so code under test cannot tell it from Stripe. Test controls then move payments
 * the way a customer or the card network would and deliver the resulting webhook events, signed
 * with the SDK's own helper.
 *
 * Events that follow from API calls (a cancel, an expire, a refund) are recorded in `events` but
 * not delivered: Stripe sends those asynchronously, so a test delivers them with `deliver()` at
 * the moment it wants to exercise.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';

export interface FakeStripeOptions {
  /** The `whsec_...` secret the app verifies `Stripe-Signature` headers with. */
  webhookSecret: string;
  webhookUrl?: string;
}

/** A request parameter as Stripe decodes the form body: `a[b]` nests, `a[0]` lists. */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: FormObject;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  stripeVersion: string | undefined;
}

export interface RequestMatch {
  method?: string;
  path?: RegExp;
}

/** The `error` object of a Stripe API error response. */
export interface ApiError {
  type: string;
  message: string;
  code?: string;
  param?: string;
  payment_intent?: Stripe.PaymentIntent;
}

export interface InjectedFailure {
  status: number;
  error?: { type: string; message: string };
}

export interface ControlOptions {
  /** Send the event to the webhook URL (when one is set); default true. */
  deliver?: boolean;
}

export interface DeliveryOptions {
  /** How many times to send the event, as Stripe does when it redelivers. */
  times?: number;
  /** Sign with this secret instead of the configured one. */
  secret?: string;
  /** Unix seconds to sign with, e.g. an old one to test the tolerance window. */
  timestamp?: number;
  /** Change the body after signing it. */
  tamper?: boolean;
  /** `false` sends no `Stripe-Signature` header. */
  signed?: boolean;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  status: number;
}

export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  const fake = new FakeStripe(options);
  await fake.listen();
  return fake;
}

interface Reply {
  status: number;
  /** Serialized when produced, so an idempotent replay returns the object as it was then. */
  json: string;
  replayed?: boolean;
}

interface Fault {
  match: RequestMatch;
  failure?: InjectedFailure;
  delayMs?: number;
  /** Never answered: the connection stays open until `heal()` or close, then drops. */
  hang?: boolean;
  /** The connection is reset before any answer, like a host that refuses or crashes. */
  refuse?: boolean;
}

/** A lasting outage of matching endpoints, until `heal()`. */
export type Outage = { kind: 'hang' } | { kind: 'refuse' } | { kind: 'fail'; failure: InjectedFailure };

type Handler = (params: FormObject, id: string, request: Stripe.Event.Request) => unknown;

const CANCELABLE: ReadonlySet<string> = new Set(['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing']);
const PAYABLE: ReadonlySet<string> = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing']);
/** Events Stripe raises on its own (a customer paying, a session timing out) carry no request. */
const NO_REQUEST: Stripe.Event.Request = { id: null, idempotency_key: null };

/** A Stripe error response; handlers throw it and controls let it surface as an Error. */
class StripeFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

export class FakeStripe {
  readonly host = '127.0.0.1';
  port = 0;
  readonly requests: RecordedRequest[] = [];
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly checkoutSessions = new Map<string, Stripe.Checkout.Session>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly refunds = new Map<string, Stripe.Refund>();
  readonly events: Stripe.Event[] = [];
  readonly deliveries: WebhookDelivery[] = [];

  private readonly webhookSecret: string;
  private webhookUrl: string | undefined;
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly closing = new AbortController();
  private readonly faults: Fault[] = [];
  private readonly outages: Fault[] = [];
  private healed = new AbortController();
  private readonly idempotent = new Map<string, { path: string; params: string; reply: Reply }>();
  /** `payment_intent_data[metadata]` of each session, for the PaymentIntent made when it is paid. */
  private readonly sessionPaymentMetadata = new Map<string, Stripe.Metadata>();

  private readonly routes: Array<[method: string, path: RegExp, handler: Handler]> = [
    ['POST', /^\/v1\/payment_intents$/, (params) => this.createPaymentIntent(params)],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (_, id) => this.paymentIntent(id)],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/cancel$/, (params, id, request) => {
      const paymentIntent = this.paymentIntent(id);
      this.cancel(paymentIntent, text(params, 'cancellation_reason') ?? null, request);
      return paymentIntent;
    }],
    ['POST', /^\/v1\/checkout\/sessions$/, (params) => this.createCheckoutSession(params)],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, (_, id) => this.checkoutSession(id)],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, (_, id, request) => {
      const session = this.checkoutSession(id);
      this.expire(session, request);
      return session;
    }],
    ['POST', /^\/v1\/refunds$/, (params, _, request) => {
      const id = text(params, 'payment_intent');
      if (!id) throw missingParam('payment_intent');
      const paymentIntent = this.paymentIntentParam(id);
      return this.refund(paymentIntent, optionalInteger(params.amount, 'amount', 1), metadata(params), request).refund;
    }],
  ];

  constructor(options: FakeStripeOptions) {
    this.webhookSecret = options.webhookSecret;
    this.webhookUrl = options.webhookUrl;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.host, resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.closing.abort();
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    // The SDK keeps connections alive; without this, close() would wait for them to time out.
    this.server.closeAllConnections();
    await closed;
  }

  setWebhookUrl(url: string): void {
    this.webhookUrl = url;
  }

  /** The next request that matches gets this error instead of being handled. */
  failNext(match: RequestMatch, response: InjectedFailure): void {
    this.faults.push({ match, failure: response });
  }

  /**
   * The next request that matches is handled at once but answered `ms` later, like a slow
   * Stripe: a client that times out has still made the change, and can retry with its
   * idempotency key to get the stored response.
   */
  delayNext(match: RequestMatch, ms: number): void {
    this.faults.push({ match, delayMs: ms });
  }

  /** The next matching request is never answered (until `heal()` or close), and not handled. */
  hangNext(match: RequestMatch): void {
    this.faults.push({ match, hang: true });
  }

  /**
   * Every matching request from now on meets an outage, until `heal()`: it hangs unanswered and
   * unhandled, has its connection reset, or gets an error response. Several can be in force.
   */
  breakEndpoint(match: RequestMatch, outage: Outage): void {
    this.outages.push({
      match,
      hang: outage.kind === 'hang',
      refuse: outage.kind === 'refuse',
      failure: outage.kind === 'fail' ? outage.failure : undefined,
    });
  }

  /** Ends every outage; requests left hanging have their connections dropped. */
  heal(): void {
    this.outages.length = 0;
    this.healed.abort();
    this.healed = new AbortController();
  }

  /** Drops one-shot faults (failNext, delayNext, hangNext) that no request has met yet. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests to a path (any method) recorded so far, e.g. to count attempts. */
  requestsTo(path: RegExp, method = 'POST'): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** The customer pays: the PaymentIntent succeeds with a charge. */
  async succeedPaymentIntent(id: string, options?: ControlOptions): Promise<Stripe.PaymentIntentSucceededEvent> {
    return this.emit(this.succeed(this.paymentIntent(id)), options);
  }

  /** The payment attempt is declined; the customer may try again with another method. */
  async failPaymentIntent(id: string, message = 'Your card was declined.', options?: ControlOptions): Promise<Stripe.PaymentIntentPaymentFailedEvent> {
    const paymentIntent = this.paymentIntent(id);
    assertStatus(paymentIntent, PAYABLE, 'fail');
    paymentIntent.status = 'requires_payment_method';
    paymentIntent.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message };
    return this.emit(this.record<Stripe.PaymentIntentPaymentFailedEvent>('payment_intent.payment_failed', paymentIntent), options);
  }

  async cancelPaymentIntent(id: string, options?: ControlOptions): Promise<Stripe.PaymentIntentCanceledEvent> {
    return this.emit(this.cancel(this.paymentIntent(id), null, NO_REQUEST), options);
  }

  /** Moves a PaymentIntent to a waiting state; Stripe's events for these are left out. */
  setPaymentIntentStatus(id: string, status: 'processing' | 'requires_action'): Stripe.PaymentIntent {
    const paymentIntent = this.paymentIntent(id);
    assertStatus(paymentIntent, PAYABLE, `move to ${status}`);
    paymentIntent.status = status;
    paymentIntent.next_action =
      status === 'requires_action'
        ? { type: 'redirect_to_url', redirect_to_url: { return_url: null, url: `https://hooks.stripe.test/3d_secure/${paymentIntent.id}` } }
        : null;
    return paymentIntent;
  }

  /** Refunds the PaymentIntent's charge, all of what is left unless `amount` is given. */
  async refundPaymentIntent(id: string, options?: ControlOptions & { amount?: number }): Promise<Stripe.ChargeRefundedEvent> {
    return this.emit(this.refund(this.paymentIntent(id), options?.amount, {}, NO_REQUEST).event, options);
  }

  /**
   * The customer pays on the hosted page. Like Stripe, this creates the session's PaymentIntent
   * (carrying `payment_intent_data[metadata]`, not the session's metadata) and raises
   * `payment_intent.succeeded` as well as `checkout.session.completed`; both are delivered.
   */
  async completeCheckoutSession(id: string, options?: ControlOptions): Promise<Stripe.CheckoutSessionCompletedEvent> {
    const session = this.checkoutSession(id);
    if (session.status !== 'open') throw new Error(`Cannot complete Checkout Session ${id}: it is ${session.status}.`);
    const paymentIntent = this.newPaymentIntent({
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      metadata: this.sessionPaymentMetadata.get(id) ?? {},
      payment_method_types: ['card'],
    });
    const paid = this.succeed(paymentIntent);
    session.status = 'complete';
    session.payment_status = 'paid';
    session.payment_intent = paymentIntent.id;
    session.url = null;
    session.customer_details = {
      address: null,
      business_name: null,
      email: session.customer_email ?? 'customer@example.test',
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    };
    const completed = this.record<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session);
    await this.emit(paid, options);
    return this.emit(completed, options);
  }

  async expireCheckoutSession(id: string, options?: ControlOptions): Promise<Stripe.CheckoutSessionExpiredEvent> {
    return this.emit(this.expire(this.checkoutSession(id), NO_REQUEST), options);
  }

  /** POSTs the event to the webhook URL the way Stripe does; returns each attempt's HTTP status. */
  async deliver(event: Stripe.Event, options: DeliveryOptions = {}): Promise<number[]> {
    const url = this.webhookUrl;
    if (!url) throw new Error('No webhook URL: pass webhookUrl to startFakeStripe() or call setWebhookUrl().');
    const payload = JSON.stringify(event, null, 2);
    const body = options.tamper ? JSON.stringify({ ...event, id: `${event.id}_tampered` }, null, 2) : payload;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < (options.times ?? 1); attempt++) {
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' };
      if (options.signed !== false) {
        // Signed per attempt, as Stripe's redeliveries carry a fresh timestamp.
        headers['stripe-signature'] = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? this.webhookSecret, timestamp: options.timestamp });
      }
      const response = await fetch(url, { method: 'POST', headers, body });
      await response.arrayBuffer();
      statuses.push(response.status);
      this.deliveries.push({ eventId: event.id, type: event.type, status: response.status });
    }
    return statuses;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url);
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      const request: RecordedRequest = {
        method,
        path: url.pathname,
        params: parseForm(method === 'POST' ? new URLSearchParams(body) : url.searchParams),
        idempotencyKey: header(req, 'idempotency-key'),
        authorization: header(req, 'authorization'),
        stripeVersion: header(req, 'stripe-version'),
      };
      this.requests.push(request);
      const requestId = newId('req');
      const fault = this.takeFault(request);
      if (fault?.refuse) {
        req.socket.destroy();
        return;
      }
      if (fault?.hang) {
        const healed = this.healed.signal;
        await new Promise<void>((resolve) => {
          if (healed.aborted || this.closing.signal.aborted) return resolve();
          // Removed from both signals once either fires: the closing one lives as long as the fake.
          const done = () => {
            healed.removeEventListener('abort', done);
            this.closing.signal.removeEventListener('abort', done);
            resolve();
          };
          healed.addEventListener('abort', done, { once: true });
          this.closing.signal.addEventListener('abort', done, { once: true });
        });
        req.socket.destroy();
        return;
      }
      const reply = fault?.failure ? errorReply(fault.failure.status, fault.failure.error ?? { type: 'api_error', message: 'Injected failure.' }) : this.respond(request, requestId);
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal: this.closing.signal });
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': requestId, ...(reply.replayed && { 'idempotent-replayed': 'true' }) });
      res.end(reply.json);
    } catch (error) {
      if (this.closing.signal.aborted || res.headersSent) return;
      const reply = errorReply(500, { type: 'api_error', message: `The fake Stripe server failed: ${String(error)}` });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.json);
    }
  }

  private takeFault(request: RecordedRequest): Fault | undefined {
    const matches = ({ match }: Fault) => (!match.method || match.method.toUpperCase() === request.method) && (!match.path || match.path.test(request.path));
    const outage = this.outages.find(matches);
    if (outage) return outage;
    const index = this.faults.findIndex(matches);
    return index === -1 ? undefined : this.faults.splice(index, 1)[0];
  }

  private respond(request: RecordedRequest, requestId: string): Reply {
    if (!/^Bearer (sk|rk)_test_\S+$/.test(request.authorization ?? '')) {
      return errorReply(401, {
        type: 'invalid_request_error',
        message: request.authorization ? 'Invalid API Key provided.' : 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.',
      });
    }
    const key = request.idempotencyKey;
    if (request.method !== 'POST' || !key) return this.route(request, { id: requestId, idempotency_key: null });

    const params = JSON.stringify(request.params);
    const stored = this.idempotent.get(key);
    if (stored) {
      if (stored.path !== request.path) {
        return errorReply(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${stored.path}' vs '${request.path}'). Try using a key other than '${key}' if you meant to execute a different request.` });
      }
      if (stored.params !== params) {
        return errorReply(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` });
      }
      return { ...stored.reply, replayed: true };
    }
    const reply = this.route(request, { id: requestId, idempotency_key: key });
    // Stripe keeps no result when parameters fail validation; errors raised while running an
    // endpoint would be kept, but the simplest faithful-enough rule here is to keep successes.
    if (reply.status < 300) this.idempotent.set(key, { path: request.path, params, reply });
    return reply;
  }

  private route(request: RecordedRequest, eventRequest: Stripe.Event.Request): Reply {
    for (const [method, pattern, handler] of this.routes) {
      const match = pattern.exec(request.path);
      if (method !== request.method || !match) continue;
      try {
        return { status: 200, json: JSON.stringify(handler(request.params, decodeURIComponent(match[1] ?? ''), eventRequest), null, 2) };
      } catch (error) {
        if (error instanceof StripeFailure) return errorReply(error.status, error.error);
        throw error;
      }
    }
    return errorReply(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${request.method}: ${request.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  }

  private createPaymentIntent(params: FormObject): Stripe.PaymentIntent {
    const amount = optionalInteger(params.amount, 'amount', 1);
    if (amount === undefined) throw missingParam('amount');
    const paymentMethodTypes = list(params, 'payment_method_types').filter((type): type is string => typeof type === 'string');
    return this.newPaymentIntent({
      amount,
      currency: currencyParam(params, 'currency'),
      metadata: metadata(params),
      description: text(params, 'description') ?? null,
      receipt_email: text(params, 'receipt_email') ?? null,
      customer: text(params, 'customer') ?? null,
      capture_method: (text(params, 'capture_method') as Stripe.PaymentIntent.CaptureMethod | undefined) ?? 'automatic_async',
      // Without explicit types Stripe turns on automatic payment methods for the account.
      automatic_payment_methods: paymentMethodTypes.length > 0 ? null : { enabled: true },
      payment_method_types: paymentMethodTypes.length > 0 ? paymentMethodTypes : ['card'],
    });
  }

  private newPaymentIntent(fields: Partial<Stripe.PaymentIntent> & Pick<Stripe.PaymentIntent, 'amount' | 'currency'>): Stripe.PaymentIntent {
    const id = newId('pi');
    const paymentIntent: Stripe.PaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic_async',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      confirmation_method: 'automatic',
      created: now(),
      customer: null,
      customer_account: null,
      description: null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: {},
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: ['card'],
      payment_record: null,
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: 'requires_payment_method',
      transfer_group: null,
      ...fields,
    };
    this.paymentIntents.set(id, paymentIntent);
    return paymentIntent;
  }

  private createCheckoutSession(params: FormObject): Stripe.Checkout.Session {
    const mode = text(params, 'mode');
    if (!mode) throw missingParam('mode');
    if (mode !== 'payment') throw invalidParam('mode', `The fake Stripe server supports only mode=payment, not '${mode}'.`);
    const items = list(params, 'line_items');
    if (items.length === 0) throw missingParam('line_items');

    let currency: string | undefined;
    let amount = 0;
    items.forEach((value, index) => {
      const name = `line_items[${index}]`;
      const item = asObject(value) ?? {};
      const priceData = asObject(item.price_data);
      if (!priceData) {
        throw invalidParam(`${name}[price_data]`, item.price ? 'The fake Stripe server supports only price_data, not price ids.' : 'You must specify either `price` or `price_data` for each line item.');
      }
      const itemCurrency = currencyParam(priceData, 'currency', `${name}[price_data][currency]`);
      if (currency && itemCurrency !== currency) throw invalidParam(`${name}[price_data][currency]`, 'All line items must use the same currency.');
      currency = itemCurrency;
      if (!text(asObject(priceData.product_data) ?? {}, 'name')) throw missingParam(`${name}[price_data][product_data][name]`);
      const unitAmount = optionalInteger(priceData.unit_amount, `${name}[price_data][unit_amount]`, 0);
      if (unitAmount === undefined) throw missingParam(`${name}[price_data][unit_amount]`);
      const quantity = optionalInteger(item.quantity, `${name}[quantity]`, 1);
      if (quantity === undefined) throw missingParam(`${name}[quantity]`);
      amount += unitAmount * quantity;
    });

    const id = newId('cs_test');
    this.sessionPaymentMetadata.set(id, metadata(asObject(params.payment_intent_data) ?? {}));
    const session: Stripe.Checkout.Session = {
      id,
      object: 'checkout.session',
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: null,
      allowed_payment_method_types: null,
      amount_subtotal: amount,
      amount_total: amount,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: text(params, 'cancel_url') ?? null,
      client_reference_id: text(params, 'client_reference_id') ?? null,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created: now(),
      currency: currency ?? null,
      currency_conversion: null,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: null,
      customer_account: null,
      customer_creation: 'if_required',
      customer_details: null,
      customer_email: text(params, 'customer_email') ?? null,
      discounts: [],
      expires_at: optionalInteger(params.expires_at, 'expires_at', 0) ?? now() + 24 * 60 * 60,
      integration_identifier: null,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: null,
      managed_payments: null,
      metadata: metadata(params),
      mode: 'payment',
      origin_context: null,
      // Stripe creates the PaymentIntent only when the customer pays.
      payment_intent: null,
      payment_link: null,
      payment_method_collection: 'if_required',
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      permissions: null,
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: text(params, 'success_url') ?? null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted_page',
      url: `https://checkout.stripe.test/c/pay/${id}`,
      wallet_options: null,
    };
    this.checkoutSessions.set(id, session);
    return session;
  }

  private paymentIntent(id: string): Stripe.PaymentIntent {
    const paymentIntent = this.paymentIntents.get(id);
    if (!paymentIntent) throw new StripeFailure(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'intent', message: `No such payment_intent: '${id}'` });
    return paymentIntent;
  }

  /** A PaymentIntent named in a body parameter: Stripe answers 400, not 404, when it is missing. */
  private paymentIntentParam(id: string): Stripe.PaymentIntent {
    const paymentIntent = this.paymentIntents.get(id);
    if (!paymentIntent) throw new StripeFailure(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_intent', message: `No such payment_intent: '${id}'` });
    return paymentIntent;
  }

  private checkoutSession(id: string): Stripe.Checkout.Session {
    const session = this.checkoutSessions.get(id);
    if (!session) throw new StripeFailure(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'session', message: `No such checkout.session: '${id}'` });
    return session;
  }

  private succeed(paymentIntent: Stripe.PaymentIntent): Stripe.PaymentIntentSucceededEvent {
    assertStatus(paymentIntent, PAYABLE, 'succeed');
    const charge: Stripe.Charge = {
      id: newId('ch'),
      object: 'charge',
      amount: paymentIntent.amount,
      amount_captured: paymentIntent.amount,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: null,
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      calculated_statement_descriptor: null,
      captured: true,
      created: now(),
      currency: paymentIntent.currency,
      customer: paymentIntent.customer,
      description: paymentIntent.description,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      fraud_details: {},
      livemode: false,
      metadata: { ...paymentIntent.metadata },
      on_behalf_of: null,
      outcome: null,
      paid: true,
      payment_intent: paymentIntent.id,
      payment_method: null,
      payment_method_details: null,
      receipt_email: paymentIntent.receipt_email,
      receipt_number: null,
      receipt_url: null,
      refunded: false,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: 'succeeded',
      transfer_data: null,
      transfer_group: null,
    };
    this.charges.set(charge.id, charge);
    paymentIntent.status = 'succeeded';
    paymentIntent.amount_received = paymentIntent.amount;
    paymentIntent.latest_charge = charge.id;
    paymentIntent.last_payment_error = null;
    paymentIntent.next_action = null;
    return this.record<Stripe.PaymentIntentSucceededEvent>('payment_intent.succeeded', paymentIntent);
  }

  private cancel(paymentIntent: Stripe.PaymentIntent, reason: Stripe.PaymentIntent.CancellationReason | null, request: Stripe.Event.Request): Stripe.PaymentIntentCanceledEvent {
    if (!CANCELABLE.has(paymentIntent.status)) {
      throw new StripeFailure(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `You cannot cancel this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${[...CANCELABLE].join(', ')}.`,
        payment_intent: paymentIntent,
      });
    }
    paymentIntent.status = 'canceled';
    paymentIntent.canceled_at = now();
    paymentIntent.cancellation_reason = reason;
    paymentIntent.next_action = null;
    return this.record<Stripe.PaymentIntentCanceledEvent>('payment_intent.canceled', paymentIntent, request);
  }

  private expire(session: Stripe.Checkout.Session, request: Stripe.Event.Request): Stripe.CheckoutSessionExpiredEvent {
    if (session.status !== 'open') {
      throw new StripeFailure(400, { type: 'invalid_request_error', message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".` });
    }
    session.status = 'expired';
    session.url = null;
    return this.record<Stripe.CheckoutSessionExpiredEvent>('checkout.session.expired', session, request);
  }

  private refund(paymentIntent: Stripe.PaymentIntent, amount: number | undefined, refundMetadata: Stripe.Metadata, request: Stripe.Event.Request): { refund: Stripe.Refund; event: Stripe.ChargeRefundedEvent } {
    const charge = typeof paymentIntent.latest_charge === 'string' ? this.charges.get(paymentIntent.latest_charge) : undefined;
    if (paymentIntent.status !== 'succeeded' || !charge) {
      throw new StripeFailure(400, { type: 'invalid_request_error', param: 'payment_intent', message: `This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.` });
    }
    const unrefunded = charge.amount - charge.amount_refunded;
    if (unrefunded === 0) throw new StripeFailure(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge ${charge.id} has already been refunded.` });
    const value = amount ?? unrefunded;
    if (value > unrefunded) {
      throw new StripeFailure(400, { type: 'invalid_request_error', param: 'amount', message: `Refund amount (${value}) is greater than unrefunded amount on charge (${unrefunded})` });
    }
    charge.amount_refunded += value;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund: Stripe.Refund = {
      id: newId('re'),
      object: 'refund',
      amount: value,
      balance_transaction: null,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      customer: charge.customer,
      customer_account: null,
      metadata: refundMetadata,
      payment_intent: paymentIntent.id,
      payment_method: null,
      reason: null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    this.refunds.set(refund.id, refund);
    return { refund, event: this.record<Stripe.ChargeRefundedEvent>('charge.refunded', charge, request) };
  }

  /** Records an event holding a snapshot of the object, as later changes must not rewrite it. */
  private record<E extends Stripe.Event>(type: E['type'], object: E['data']['object'], request: Stripe.Event.Request = NO_REQUEST): E {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: this.webhookUrl ? 1 : 0,
      request,
      type,
    } as E;
    this.events.push(event);
    return event;
  }

  private async emit<E extends Stripe.Event>(event: E, options: ControlOptions = {}): Promise<E> {
    if (options.deliver !== false && this.webhookUrl) await this.deliver(event);
    return event;
  }
}

function assertStatus(paymentIntent: Stripe.PaymentIntent, allowed: ReadonlySet<string>, action: string): void {
  if (!allowed.has(paymentIntent.status)) throw new Error(`Cannot ${action} PaymentIntent ${paymentIntent.id}: it is ${paymentIntent.status}.`);
}

function errorReply(status: number, error: ApiError): Reply {
  return { status, json: JSON.stringify({ error }, null, 2) };
}

function missingParam(param: string): StripeFailure {
  return new StripeFailure(400, { type: 'invalid_request_error', code: 'parameter_missing', param, message: `Missing required param: ${param}.` });
}

function invalidParam(param: string, message: string): StripeFailure {
  return new StripeFailure(400, { type: 'invalid_request_error', code: 'parameter_invalid', param, message });
}

function optionalInteger(value: FormValue | undefined, param: string, min: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw new StripeFailure(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param, message: `Invalid integer: ${String(value)}` });
  }
  const number = Number(value);
  if (number < min) throw new StripeFailure(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param, message: `This value must be greater than or equal to ${min}.` });
  return number;
}

function currencyParam(params: FormObject, key: string, param = key): string {
  const currency = text(params, key);
  if (!currency) throw missingParam(param);
  if (!/^[a-z]{3}$/i.test(currency)) throw invalidParam(param, `Invalid currency: ${currency}.`);
  return currency.toLowerCase();
}

/** Metadata with Stripe's limits; an empty value unsets a key, so it is dropped. */
function metadata(params: FormObject): Stripe.Metadata {
  const entries = Object.entries(asObject(params.metadata) ?? {});
  if (entries.length > 50) throw invalidParam('metadata', 'Invalid metadata: at most 50 keys are allowed.');
  const result: Stripe.Metadata = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw invalidParam(`metadata[${key}]`, 'Invalid metadata: values must be strings.');
    if (key.length > 40) throw invalidParam(`metadata[${key}]`, 'Invalid metadata: keys can be at most 40 characters long.');
    if (value.length > 500) throw invalidParam(`metadata[${key}]`, 'Invalid metadata: values can be at most 500 characters long.');
    if (value !== '') result[key] = value;
  }
  return result;
}

/** A string parameter; Stripe reads an empty string as "not set". */
function text(params: FormObject, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(params: FormObject, key: string): FormValue[] {
  const value = params[key];
  return Array.isArray(value) ? value : [];
}

function asObject(value: FormValue | undefined): FormObject | undefined {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function parseForm(pairs: URLSearchParams): FormObject {
  const root: FormObject = {};
  for (const [key, value] of pairs) {
    // `a[b][0]` is the path a → b → 0.
    const path = key.replace(/]/g, '').split('[');
    let node = root;
    for (const segment of path.slice(0, -1)) {
      node = asObject(node[segment]) ?? (node[segment] = {});
    }
    node[path[path.length - 1]] = value;
  }
  return withLists(root) as FormObject;
}

/** The SDK sends arrays as `a[0]`, `a[1]`, ...; objects keyed 0..n-1 become arrays again. */
function withLists(value: FormValue): FormValue {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  // Integer-like keys come first and in ascending order, so a list's keys are 0, 1, 2, ...
  const entries = Object.entries(value).map(([key, child]): [string, FormValue] => [key, withLists(child)]);
  const isList = entries.length > 0 && entries.every(([key], index) => key === String(index));
  return isList ? entries.map(([, child]) => child) : Object.fromEntries(entries);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
