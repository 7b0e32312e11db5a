import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type RequestHandler } from 'express';
import type Stripe from 'stripe';
import type { StripeGateway } from '../payments/stripe-gateway';
import type { InFlightRequests } from './in-flight';
import { StripeWebhooks } from '../payments/stripe-webhooks';
import { isDatabaseUnavailable } from '../db/unavailable';

/**
 * POST /webhooks/stripe. The signature is checked over the raw bytes (parsing first would
 * change them); a delivery that does not verify is a 400 and changes nothing. Anything that
 * verifies is answered 200 once recorded, including events for unknown orders, so Stripe
 * stops retrying; a 503 (database unavailable) makes Stripe deliver it again later.
 */
export function stripeWebhookRoute(gateway: StripeGateway | undefined, orm: MikroORM, inFlight: InFlightRequests): RequestHandler[] {
  return [
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res, next) => {
      if (!gateway) {
        res.status(503).json({ error: 'Stripe is not configured on this server.' });
        return;
      }
      let event: Stripe.Event;
      try {
        event = gateway.verifyWebhook(req.body as Buffer, req.header('stripe-signature'));
      } catch (error) {
        req.log.warn({ err: error }, 'refused a Stripe webhook that did not verify');
        res.status(400).json({ error: 'Webhook signature verification failed.' });
        return;
      }
      const end = inFlight.start();
      try {
        const outcome = await new StripeWebhooks(orm.em.fork()).apply(event);
        req.log.info({ eventId: event.id, type: event.type, outcome }, 'applied a Stripe event');
        res.json({ received: true, outcome });
      } catch (error) {
        // A 503 makes Stripe deliver it again; if this one was recorded after all, its id makes that a no-op.
        if (isDatabaseUnavailable(error)) {
          req.log.warn({ err: error, eventId: event.id }, 'database unavailable: a Stripe event left for redelivery');
          res.status(503).json({ error: 'The database is unavailable; deliver the event again later.' });
          return;
        }
        next(error);
      } finally {
        end();
      }
    },
  ];
}
