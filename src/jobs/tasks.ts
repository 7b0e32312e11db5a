import type { JobSpec } from './job-queue';

/**
 * Every kind of background job, in one list: its name in the queue, how often it is tried and
 * how urgent it is. Handlers live with their modules and are wired in the composition root.
 * Attempts are spaced e^n seconds apart: 10 attempts span about 6 hours, 20 about 3 days.
 */
export const TASKS = {
  /** Cancel a PaymentIntent / expire a Checkout Session whose order died. */
  cancelProviderPayment: { name: 'cancel_provider_payment', maxAttempts: 20, priority: 1 },
  /** Send money back through the payment's provider. */
  refundPayment: { name: 'refund_payment', maxAttempts: 20, priority: 0 },
  /** Send an email from the outbox. */
  sendNotification: { name: 'send_notification', maxAttempts: 10, priority: 2 },
  /** Give every new outbox email its send job, in one batch (crontab, every minute). */
  dispatchNotifications: { name: 'dispatch_notifications', maxAttempts: 1, priority: 2 },
  /** Expire overdue orders and orders whose online payment never started (crontab, every minute). */
  expireOrders: { name: 'expire_orders', maxAttempts: 1, priority: 0 },
} as const satisfies Record<string, JobSpec & { name: string }>;

/** graphile-worker crontab: recurring jobs, run once per schedule however many processes run. */
export const CRONTAB = [
  `* * * * * ${TASKS.expireOrders.name} ?max=1&priority=0`,
  `* * * * * ${TASKS.dispatchNotifications.name} ?max=1&priority=2`,
].join('\n');
