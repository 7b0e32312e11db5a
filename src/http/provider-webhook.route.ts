import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable';
import { WebhookRefused, type PaymentProviders, type ProviderEvent } from '../payments/payment-provider';
import { PaymentSettlement } from '../payments/payment-settlement';
import type { InFlightRequests } from './in-flight';

/**
 * POST /webhooks/:provider (Stripe posts to /webhooks/stripe). The provider verifies the raw
 * bytes (parsing first would change them); a delivery that does not verify is a 400 and changes
 * nothing. Anything that verifies is answered 200 once recorded, including events for unknown
 * orders, so the provider stops retrying; a 503 (database unavailable) makes it deliver again
 * later, and if that delivery was recorded after all, its id makes the next one a no-op.
 * Every answer is JSON.
 */
export function providerWebhookRoute(providers: PaymentProviders, orm: MikroORM, inFlight: InFlightRequests): Array<RequestHandler | ErrorRequestHandler> {
  return [
    express.raw({ type: () => true, limit: '1mb' }),
    async (req: Request, res: Response, next: NextFunction) => {
      const name = String(req.params.provider);
      const provider = providers.named(name);
      if (!provider?.readWebhook) {
        if (name === 'stripe') res.status(503).json({ error: 'Stripe is not configured on this server.' });
        else res.status(404).json({ error: `No payment provider "${name}" takes webhooks here.` });
        return;
      }
      let event: ProviderEvent;
      try {
        event = provider.readWebhook(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), (header) => req.header(header));
      } catch (error) {
        if (!(error instanceof WebhookRefused)) return next(error);
        req.log.warn({ provider: name, eventId: error.eventId, problem: error.message }, 'refused a webhook delivery');
        res.status(error.status).json({ error: error.message });
        return;
      }
      const end = inFlight.start();
      try {
        const outcome = await new PaymentSettlement(orm.em.fork()).applyEvent(provider.name, event);
        req.log.info({ provider: name, eventId: event.id, type: event.type, outcome }, 'applied a payment provider event');
        res.json({ received: true, outcome });
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          req.log.warn({ err: error, provider: name, eventId: event.id }, 'database unavailable: an event left for redelivery');
          res.status(503).json({ error: 'The database is unavailable; deliver the event again later.' });
          return;
        }
        req.log.error({ provider: name, eventId: event.id, err: error }, 'could not apply a payment provider event');
        next(error);
      } finally {
        end();
      }
    },
    webhookErrors,
  ];
}

/**
 * A body over the limit (413) or unreadable (400), and failures while applying an event
 * (500, so that the provider delivers it again), as JSON rather than Express's HTML page.
 */
const webhookErrors: ErrorRequestHandler = (error: { status?: number; type?: string; limit?: number }, req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 && error.type ? error.status : 500;
  if (status !== 500) req.log.warn({ err: error }, 'refused a webhook body');
  const message =
    status === 413
      ? `The request body is larger than the limit of ${error.limit} bytes.`
      : status === 500
        ? 'The event could not be applied now; deliver it again later.'
        : 'The request body could not be read.';
  res.status(status).json({ error: message });
};
