import type { MikroORM } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';

/** Attempts before a notification is given up as FAILED. */
export const MAX_ATTEMPTS = 5;

interface Claimed {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
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
      returning id, recipient, subject, text, html, attempts`,
    [limit],
  );
  for (const message of claimed) {
    try {
      await transport.sendMail({ from, to: message.recipient, subject: message.subject, text: message.text, html: message.html });
      await em.execute(`update notification set status = 'SENT', sent_at = now(), last_error = null, updated_at = now() where id = ?`, [message.id]);
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

/** Sends the outbox every `intervalMs` until stopped; one pass at a time. */
export function startNotificationDispatcher(options: {
  orm: MikroORM;
  transport: Transporter;
  from: string;
  intervalMs: number;
  logger: Logger;
}): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      while ((await dispatchNotifications(options.orm, options.transport, options.from)) > 0);
    } catch (error) {
      options.logger.error({ err: error }, 'sending notifications failed');
    }
  };
  const timer = setInterval(() => {
    running ??= pass().finally(() => {
      running = undefined;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      options.transport.close();
    },
  };
}
