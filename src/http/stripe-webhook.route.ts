import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type Stripe from 'stripe';
import { stringProblem } from '../common/input-limits';
import type { StripeGateway } from '../payments/stripe-gateway';
import type { InFlightRequests } from './in-flight';
import { StripeWebhooks } from '../payments/stripe-webhooks';

/**
 * POST /webhooks/stripe. The signature is checked over the raw bytes (parsing first would
 * change them); a delivery that does not verify is a 400 and changes nothing. Anything that
 * verifies is answered 200 once recorded, including events for unknown orders, so Stripe
 * stops retrying; a 500 (database down) makes Stripe deliver it again later. A signed body
 * that is not an event (not JSON, no id or type) is a 400: delivering it again cannot help.
 * Every answer, refusals included, is JSON.
 */
export function stripeWebhookRoute(gateway: StripeGateway | undefined, orm: MikroORM, inFlight: InFlightRequests): Array<RequestHandler | ErrorRequestHandler> {
  const applyEvent: RequestHandler = async (req, res, next) => {
    if (!gateway) {
      res.status(503).json({ error: 'Stripe is not configured on this server.' });
      return;
    }
    let event: Stripe.Event;
    try {
      event = gateway.verifyWebhook(req.body as Buffer, req.header('stripe-signature'));
    } catch (error) {
      // The SDK parses the body only once the signature matched.
      if (error instanceof SyntaxError) {
        req.log.warn({ err: error }, 'refused a signed Stripe webhook whose body is not JSON');
        res.status(400).json({ error: 'The signed body is not JSON.' });
        return;
      }
      req.log.warn({ err: error }, 'refused a Stripe webhook that did not verify');
      res.status(400).json({ error: 'Webhook signature verification failed.' });
      return;
    }
    const malformed = malformedEvent(event);
    if (malformed) {
      const eventId = (event as { id?: unknown } | null)?.id;
      req.log.warn({ eventId: typeof eventId === 'string' ? eventId.slice(0, 255) : undefined, problem: malformed }, 'refused a signed Stripe webhook that is not an event');
      res.status(400).json({ error: malformed });
      return;
    }
    const end = inFlight.start();
    try {
      const outcome = await new StripeWebhooks(orm.em.fork()).apply(event);
      req.log.info({ eventId: event.id, type: event.type, outcome }, 'applied a Stripe event');
      res.json({ received: true, outcome });
    } catch (error) {
      next(error);
    } finally {
      end();
    }
  };
  return [express.raw({ type: () => true, limit: '1mb' }), applyEvent, webhookErrors];
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

/**
 * A body over the limit (413) or unreadable (400), and failures while applying an event
 * (500, so that Stripe delivers it again), as JSON rather than Express's HTML page.
 */
const webhookErrors: ErrorRequestHandler = (error: { status?: number; type?: string; limit?: number }, req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 && error.type ? error.status : 500;
  if (status === 500) req.log.error({ err: error }, 'could not apply a Stripe webhook; Stripe will deliver it again');
  else req.log.warn({ err: error }, 'refused a Stripe webhook body');
  const message =
    status === 413
      ? `The request body is larger than the limit of ${error.limit} bytes.`
      : status === 500
        ? 'The event could not be applied now; deliver it again later.'
        : 'The request body could not be read.';
  res.status(status).json({ error: message });
};
