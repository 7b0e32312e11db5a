import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type RequestHandler } from 'express';
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
export function providerWebhookRoute(providers: PaymentProviders, orm: MikroORM, inFlight: InFlightRequests): RequestHandler[] {
  return [
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res, next) => {
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
        req.log.warn({ provider: name, reason: error.message }, 'refused a webhook delivery');
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
  ];
}
