import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import type { JobDefinition } from '../jobs/job-queue';
import { TASKS } from '../jobs/tasks';
import { Order, OrderLine } from '../orders/order.entity';
import { NotificationStatus } from './notification.entity';
import { orderConfirmation } from './order-confirmation';

interface Outgoing {
  id: string;
  kind: string;
  order_id: string | null;
  recipient: string;
  status: NotificationStatus;
}

/**
 * Sends one outbox email per job. The job is added in the same statement as the email row (at
 * checkout), so every email has exactly one job; a refusal or an unreachable server is retried
 * with the queue's backoff, and the row says how it went (attempts, last error, SENT or FAILED).
 * This task is registered only when SMTP_URL is set: without it, the jobs wait in the queue.
 */
export function notificationJobs(orm: MikroORM, transport: Transporter, from: string): Record<string, JobDefinition> {
  return {
    [TASKS.sendNotification.name]: {
      ...TASKS.sendNotification,
      handler: async (payload, helpers) => {
        const em = orm.em.fork();
        const [message] = await em.execute<Outgoing[]>(
          `update notification set attempts = attempts + 1, claimed_at = now(), updated_at = now()
            where id = ? and status in ('PENDING', 'SENDING') returning id, kind, order_id, recipient, status`,
          [String(payload.notificationId)],
        );
        if (!message) return;
        try {
          const email = await render(em, message);
          await transport.sendMail({ from, to: message.recipient, subject: email.subject, text: email.text, html: email.html });
          await em.execute(
            `update notification set status = 'SENT', sent_at = now(), last_error = null, subject = ?, text = ?, html = ?, updated_at = now() where id = ?`,
            [email.subject, email.text, email.html, message.id],
          );
        } catch (error) {
          const gaveUp = helpers.job.attempts >= helpers.job.max_attempts;
          await em.execute(`update notification set status = ?, last_error = ?, updated_at = now() where id = ?`, [
            gaveUp ? NotificationStatus.FAILED : NotificationStatus.PENDING,
            error instanceof Error ? error.message : String(error),
            message.id,
          ]);
          throw error;
        }
      },
    },
  };
}

/** The email for an outbox row, rendered from the order it is about. */
async function render(em: EntityManager, message: Outgoing): Promise<{ subject: string; text: string; html: string }> {
  if (message.kind !== 'order_confirmation' || !message.order_id) throw new Error(`cannot render a ${message.kind} notification`);
  const order = await em.findOneOrFail(Order, { id: message.order_id });
  const lines = await em.find(OrderLine, { order }, { orderBy: { position: 'asc' } });
  return orderConfirmation(order, lines);
}
