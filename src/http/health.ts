import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';

/** 200 when the database answers, 503 when it does not: what a load balancer needs to know. */
export function healthRoute(orm: MikroORM): RequestHandler {
  return async (req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      req.log.warn({ err: error }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  };
}
