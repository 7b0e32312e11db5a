import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { startBackgroundLoop, type BackgroundLoop } from '../common/background-loop';
import { Order, OrderLine } from '../orders/order.entity';
import { orderConfirmation } from './order-confirmation';

/** Attempts before a notification is given up as FAILED. */
export const MAX_ATTEMPTS = 5;

interface Claimed {
  id: string;
  kind: string;
  order_id: string | null;
  recipient: string;
  attempts: number;
}

/**
 * One pass over the outbox: claims up to `limit` pending emails (SKIP LOCKED, so several
 * server processes share the work), sends them with no transaction open, and records each
 * outcome. A claim left SENDING by a process that died is taken again after five minutes.
 */
export async function dispatchNotifications(orm: MikroORM, transport: Transporter, from: string, limit = 20): Promise<number> {
  const em = orm.em.fork();
  const claimed: Claimed[] = await em.execute(
    `update notification set status = 'SENDING', claimed_at = now(), attempts = attempts + 1, updated_at = now()
      where id in (select id from notification
                    where status = 'PENDING' or (status = 'SENDING' and claimed_at < now() - interval '5 minutes')
                    order by created_at limit ? for update skip locked)
      returning id, kind, order_id, recipient, attempts`,
    [limit],
  );
  for (const message of claimed) {
    try {
      const email = await render(em, message);
      await transport.sendMail({ from, to: message.recipient, subject: email.subject, text: email.text, html: email.html });
      await em.execute(
        `update notification set status = 'SENT', sent_at = now(), last_error = null, subject = ?, text = ?, html = ?, updated_at = now() where id = ?`,
        [email.subject, email.text, email.html, message.id],
      );
    } catch (error) {
      const status = message.attempts >= MAX_ATTEMPTS ? 'FAILED' : 'PENDING';
      await em.execute(`update notification set status = ?, last_error = ?, updated_at = now() where id = ?`, [
        status,
        error instanceof Error ? error.message : String(error),
        message.id,
      ]);
    }
  }
  return claimed.length;
}

/** The email for an outbox row, rendered from the order it is about. */
async function render(em: EntityManager, message: Claimed): Promise<{ subject: string; text: string; html: string }> {
  if (message.kind !== 'order_confirmation' || !message.order_id) throw new Error(`cannot render a ${message.kind} notification`);
  const order = await em.findOneOrFail(Order, { id: message.order_id });
  const lines = await em.find(OrderLine, { order }, { orderBy: { position: 'asc' } });
  return orderConfirmation(order, lines);
}

/** Sends the outbox every `intervalMs` until stopped; one pass at a time. */
export function startNotificationDispatcher(options: {
  orm: MikroORM;
  transport: Transporter;
  from: string;
  intervalMs: number;
  logger: Logger;
}): BackgroundLoop {
  const loop = startBackgroundLoop({
    intervalMs: options.intervalMs,
    logger: options.logger,
    failure: 'sending notifications failed',
    pass: async () => {
      while ((await dispatchNotifications(options.orm, options.transport, options.from)) > 0);
    },
  });
  return {
    async stop() {
      await loop.stop();
      options.transport.close();
    },
  };
}
