import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import { JOB_SCHEMA, type JobDefinition } from '../jobs/job-queue';
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

/** Emails given their send job per dispatch run. */
const DISPATCH_BATCH = 500;

/**
 * Outbox emails go out through the job queue. Checkout writes only the outbox row (an add_job
 * inside the checkout statement cost a third of checkout's throughput: README, Performance);
 * the recurring dispatch job gives every PENDING row its own send job in one batch, marking it
 * SENDING in the same statement, so each email has exactly one job. A send that fails is retried
 * with the queue's backoff, and the row says how it went (attempts, last error, SENT or FAILED).
 * Without SMTP_URL (`transport` absent) the dispatch does nothing and emails wait in the outbox.
 */
export function notificationJobs(orm: MikroORM, transport: Transporter | undefined, from: string): Record<string, JobDefinition> {
  const dispatch: Record<string, JobDefinition> = {
    [TASKS.dispatchNotifications.name]: {
      ...TASKS.dispatchNotifications,
      handler: async () => {
        if (transport) await dispatchNotifications(orm.em.fork());
      },
    },
  };
  if (!transport) return dispatch;
  return {
    ...dispatch,
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
          // Still SENDING while its job retries: the dispatch must not give it a second job.
          const gaveUp = helpers.job.attempts >= helpers.job.max_attempts;
          await em.execute(`update notification set status = ?, last_error = ?, updated_at = now() where id = ?`, [
            gaveUp ? NotificationStatus.FAILED : NotificationStatus.SENDING,
            error instanceof Error ? error.message : String(error),
            message.id,
          ]);
          throw error;
        }
      },
    },
  };
}

/** Gives up to DISPATCH_BATCH PENDING emails their send job; returns how many. */
export async function dispatchNotifications(em: EntityManager): Promise<number> {
  const task = TASKS.sendNotification;
  const rows = await em.execute<Array<{ n: number }>>(
    `with queued as (
       update notification set status = 'SENDING', updated_at = now()
        where id in (select id from notification where status = 'PENDING' order by created_at limit ? for update skip locked)
        returning id, order_id
     )
     select count(${JOB_SCHEMA}.add_job(?, json_build_object('notificationId', id, 'orderId', order_id), max_attempts => ?, priority => ?))::int as n
       from queued`,
    [DISPATCH_BATCH, task.name, task.maxAttempts, task.priority],
  );
  return rows[0]?.n ?? 0;
}

/** The email for an outbox row, rendered from the order it is about. */
async function render(em: EntityManager, message: Outgoing): Promise<{ subject: string; text: string; html: string }> {
  if (message.kind !== 'order_confirmation' || !message.order_id) throw new Error(`cannot render a ${message.kind} notification`);
  const order = await em.findOneOrFail(Order, { id: message.order_id });
  const lines = await em.find(OrderLine, { order }, { orderBy: { position: 'asc' } });
  return orderConfirmation(order, lines);
}
