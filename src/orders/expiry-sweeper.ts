import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { startBackgroundLoop, type BackgroundLoop } from '../common/background-loop';
import { OrderLifecycle, type ProviderVoider } from './order-lifecycle.service';

/**
 * Expires unpaid orders in the background, every `intervalMs`. Each server process runs one;
 * they share the work through SKIP LOCKED (see OrderLifecycle.expireOverdue), so running
 * several is safe. A sweep drains everything overdue, a batch at a time.
 */
export function startExpirySweeper(options: {
  orm: MikroORM;
  intervalMs: number;
  logger: Logger;
  voidAtProvider?: ProviderVoider;
}): BackgroundLoop {
  return startBackgroundLoop({
    intervalMs: options.intervalMs,
    logger: options.logger,
    failure: 'expiry sweep failed',
    pass: async () => {
      let expired = 0;
      for (;;) {
        const batch = await new OrderLifecycle(options.orm.em.fork(), options.voidAtProvider).expireOverdue();
        expired += batch;
        if (batch === 0) break;
      }
      if (expired > 0) options.logger.info({ expired }, 'expired unpaid orders');
    },
  });
}
