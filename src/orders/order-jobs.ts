import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { JobDefinition } from '../jobs/job-queue';
import { TASKS } from '../jobs/tasks';
import { OrderLifecycle } from './order-lifecycle.service';

/**
 * The recurring expiry job (graphile-worker's crontab, every minute; one run per minute however
 * many server processes there are). It drains everything overdue a batch at a time, SKIP LOCKED,
 * and calls no provider itself: voiding each dead order's payment is a job of its own, added in
 * the same transaction, so a slow provider delays nobody's stock.
 */
export function orderJobs(orm: MikroORM, logger: Logger): Record<string, JobDefinition> {
  return {
    [TASKS.expireOrders.name]: {
      ...TASKS.expireOrders,
      handler: async () => {
        const expired = await expireOrders(orm);
        if (expired > 0) logger.info({ expired }, 'expired unpaid orders');
      },
    },
  };
}

/** Expires overdue orders and orders whose payment never started; returns how many. */
export async function expireOrders(orm: MikroORM, now = new Date()): Promise<number> {
  let expired = 0;
  for (const sweep of ['expireOverdue', 'expireUnstarted'] as const) {
    for (;;) {
      const batch = await new OrderLifecycle(orm.em.fork())[sweep](now);
      expired += batch;
      if (batch === 0) break;
    }
  }
  return expired;
}
