import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { viewerFromAuthorization } from './auth/viewer';
import type { Config } from './config';
import { createContext, type ServiceSettings } from './context';
import { loadDemoCatalog } from './db/demo-catalog';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { connectDatabase, countStatements, migrate } from './db/orm';
import { CheckoutRateLimit } from './http/checkout-rate-limit';
import { createApolloServer } from './http/graphql';
import { healthRoute } from './http/health';
import { InFlightRequests } from './http/in-flight';
import { lastResortErrors, notFound, requestBodyErrors } from './http/request-body-errors';
import { startNotificationDispatcher } from './notifications/notification-dispatcher';
import { startExpirySweeper } from './orders/expiry-sweeper';
import { stripeWebhookRoute } from './http/stripe-webhook.route';
import type { ProviderVoider } from './orders/order-lifecycle.service';
import { StripeGateway } from './payments/stripe-gateway';
import { buildGraphQLSchema } from './schema';

/** How long shutdown waits for requests whose clients have gone. */
const SHUTDOWN_GRACE_MS = 15_000;

export interface RunningServer {
  url: string;
  orm: MikroORM;
  /** SQL statements sent since start (tests and benchmarks read it). */
  statements: { read(): number };
  close(): Promise<void>;
}

/**
 * The composition root: the one place that turns configuration into a database, an ORM,
 * a schema and an HTTP server, and the one place that knows how to take them down again.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, logger });
    databaseUrl = embedded.url;
  }

  let orm: MikroORM | undefined;
  try {
    orm = await connectDatabase({ databaseUrl, logger });
    await migrate(orm, databaseUrl);
    if (config.demoData) await loadDemoCatalog(orm.em.fork(), logger);
  } catch (error) {
    await orm?.close();
    await embedded?.stop();
    throw error;
  }
  const statements = countStatements(orm);

  const app = express();
  app.disable('x-powered-by');
  // An ETag is a hash of every response body; GraphQL POST answers are never revalidated with it.
  app.set('etag', false);
  // Behind a load balancer every guest would otherwise share its IP, and one rate-limit budget.
  app.set('trust proxy', config.trustProxyHops);
  const httpServer = createServer(app);
  const inFlight = new InFlightRequests();
  const checkoutRateLimit = config.checkoutRateLimit > 0 ? new CheckoutRateLimit(config.checkoutRateLimit) : undefined;
  const apollo = createApolloServer({
    schema: await buildGraphQLSchema(),
    httpServer,
    logger,
    graphql: config.graphql,
    plugins: [inFlight.plugin(), ...(checkoutRateLimit ? [checkoutRateLimit.plugin()] : [])],
  });
  await apollo.start();
  const gateway = config.stripe.secretKey
    ? new StripeGateway({
        secretKey: config.stripe.secretKey,
        webhookSecret: config.stripe.webhookSecret,
        apiUrl: config.stripe.apiUrl,
        timeoutMs: config.stripe.timeoutMs,
      })
    : undefined;
  // Orders that expire or are canceled give up their Stripe payment too, so it cannot be paid later.
  const voidAtProvider: ProviderVoider | undefined = gateway
    ? async (references) => {
        for (const reference of references) {
          await gateway.cancel(reference).catch((error: unknown) => logger.warn({ err: error, reference }, 'could not cancel a Stripe payment'));
        }
      }
    : undefined;
  const settings: ServiceSettings = {
    checkout: { orderTtlMinutes: config.orderTtlMinutes },
    defaultCurrency: config.defaultCurrency,
    gateway,
    checkoutUrls: { successUrl: config.stripe.successUrl, cancelUrl: config.stripe.cancelUrl },
    voidAtProvider,
  };

  // One line per request: method, path, status and time; headers stay out of the log.
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => req.url === '/health' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.get('/health', healthRoute(orm));
  app.post('/webhooks/stripe', ...stripeWebhookRoute(gateway, orm, inFlight));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(orm.em.fork(), viewerFromAuthorization(req.headers.authorization, config.jwt), req.log, settings, req.ip),
    }),
    requestBodyErrors,
  );
  app.use(notFound, lastResortErrors);

  const sweeper = startExpirySweeper({ orm, intervalMs: config.expirySweepSeconds * 1000, logger, voidAtProvider });

  // Order emails are written to the outbox at checkout; without SMTP_URL they wait there.
  const mailer = config.mail.smtpUrl
    ? startNotificationDispatcher({
        orm,
        transport: createTransport(config.mail.smtpUrl),
        from: config.mail.from,
        intervalMs: config.mail.dispatchSeconds * 1000,
        logger,
      })
    : undefined;
  if (!mailer) logger.info('SMTP_URL is not set: order confirmation emails wait in the outbox');

  await listen(httpServer, config.port);
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://localhost:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stops accepting, lets in-flight requests finish, then closes idle keep-alive sockets.
      await sweeper.stop();
      await mailer?.stop();
      await apollo.stop();
      // A request whose client hung up is still running; let it finish with its database.
      if (!(await inFlight.drained(SHUTDOWN_GRACE_MS))) logger.warn('shutting down with requests still running');
      await orm.close();
      await embedded?.stop();
    })());

  return { url, orm, statements, close };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
