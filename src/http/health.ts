import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';

/** A load balancer's check must be answered in under a second, whatever the database does. */
const PROBE_TIMEOUT_MS = 800;

/**
 * 200 when the database answers, 503 when it does not (down, frozen, or too slow to answer
 * `select 1` within PROBE_TIMEOUT_MS): what a load balancer needs to know. Checks that arrive
 * while a probe is still out share it, so a frozen database ties up one pooled connection,
 * not one per check.
 */
export function healthRoute(orm: MikroORM): RequestHandler {
  let probe: Promise<void> | undefined;
  const probeDatabase = () =>
    (probe ??= orm.em
      .getConnection()
      .execute('select 1')
      .then(() => undefined)
      .finally(() => {
        probe = undefined;
      }));

  return async (req, res) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Error>((resolve) => {
      timer = setTimeout(() => resolve(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    const failure = await Promise.race([probeDatabase().then(() => undefined, (error: unknown) => error), timedOut]);
    clearTimeout(timer);
    if (failure === undefined) {
      res.json({ status: 'ok', database: 'ok' });
      return;
    }
    req.log.warn({ err: failure }, 'health check: database unreachable');
    res.status(503).json({ status: 'unavailable', database: 'unreachable' });
  };
}
