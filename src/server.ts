import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import { createTransport } from 'nodemailer';
import pg from 'pg';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { viewerFromAuthorization } from './auth/viewer';
import { CatalogChangeListener } from './catalog/catalog-changes';
import type { Config } from './config';
import { createContext, type ServiceSettings } from './context';
import { loadDemoCatalog } from './db/demo-catalog';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { connectDatabase, countStatements, migrate, type StatementCounts } from './db/orm';
import { ReplicaReads } from './db/read-replicas';
import { startReplicaLagMonitor } from './db/replica-lag';
import { CatalogCache } from './http/catalog-cache';
import { catalogCacheMiddleware, invalidateAfterMutations } from './http/catalog-cache-http';
import { CheckoutRateLimit } from './http/checkout-rate-limit';
import { corsMiddleware } from './http/cors';
import { graphiqlRoute } from './http/explorer/route';
import { createApolloServer } from './http/graphql';
import { healthRoute } from './http/health';
import { InFlightRequests } from './http/in-flight';
import { lastResortErrors, notFound, requestBodyErrors } from './http/request-body-errors';
import { providerWebhookRoute } from './http/provider-webhook.route';
import { replicaRouting } from './http/replica-routing';
import { FailedJob } from './jobs/failed-job.entity';
import { migrateJobQueue, startJobQueue, type JobDefinition } from './jobs/job-queue';
import { CRONTAB } from './jobs/tasks';
import { notificationJobs } from './notifications/notification-jobs';
import { orderJobs } from './orders/order-jobs';
import { manualPayments } from './payments/manual-provider';
import { paymentJobs } from './payments/payment-jobs';
import { PaymentProviders, type PaymentProvider } from './payments/payment-provider';
import { StripeProvider } from './payments/stripe-provider';
import { buildGraphQLSchema } from './schema';

/** How long shutdown waits for requests whose clients have gone. */
const SHUTDOWN_GRACE_MS = 15_000;

export interface RunningServer {
  url: string;
  orm: MikroORM;
  /** SQL statements sent since start (tests and benchmarks read it). */
  statements: StatementCounts;
  /** Absent when CATALOG_CACHE_MAX_AGE_MS or CATALOG_CACHE_ENTRIES is 0. */
  catalogCache?: { cache: CatalogCache; listener: CatalogChangeListener };
  close(): Promise<void>;
}

/**
 * The composition root: the one place that turns configuration into a database, an ORM,
 * a schema and an HTTP server, and the one place that knows how to take them down again.
 */
export interface ServerExtensions {
  /** More payment providers, registered after the built-in ones (tests add one this way). */
  providers?: PaymentProvider[];
}

/** Jobs run at once per process: enough for provider calls that wait on a slow network. */
const JOB_CONCURRENCY = 4;

export async function startServer(config: Config, logger: Logger, extensions: ServerExtensions = {}): Promise<RunningServer> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, logger });
    databaseUrl = embedded.url;
  }

  let orm: MikroORM | undefined;
  // The job queue's own connections: its workers LISTEN for new jobs and must not starve requests.
  const jobPool = new pg.Pool({ connectionString: databaseUrl, max: JOB_CONCURRENCY + 2 });
  // An idle connection dropped by the server (a restart, a failover) must not crash the process.
  jobPool.on('error', (error) => logger.warn({ err: error }, 'the job queue lost an idle database connection'));
  try {
    orm = await connectDatabase({
      databaseUrl,
      replicaUrls: config.database.replicaUrls,
      logger,
      timeouts: config.database,
      createMissing: config.database.createMissing,
    });
    await migrate(orm, databaseUrl, () => migrateJobQueue(jobPool));
    if (config.demoData) await loadDemoCatalog(orm.em.fork(), logger);
  } catch (error) {
    await orm?.close();
    await jobPool.end();
    await embedded?.stop();
    throw error;
  }
  const statements = countStatements(orm);
  // Only replicas within DATABASE_REPLICA_MAX_LAG_MS of the primary get catalog reads.
  const replicaLag = startReplicaLagMonitor(orm, {
    primaryUrl: databaseUrl,
    replicaUrls: config.database.replicaUrls,
    maxLagMs: config.database.replicaMaxLagMs,
    timeoutMs: config.database.acquireTimeoutMs,
    logger,
  });

  const app = express();
  app.disable('x-powered-by');
  // An ETag is a hash of every response body; GraphQL POST answers are never revalidated with it.
  app.set('etag', false);
  // Behind a load balancer every guest would otherwise share its IP, and one rate-limit budget.
  app.set('trust proxy', config.trustProxyHops);
  const httpServer = createServer(app);
  const inFlight = new InFlightRequests();
  // Anonymous catalog answers, dropped on every change to the catalog in any process (LISTEN/NOTIFY).
  const catalogCache =
    config.catalogCache.maxAgeMs > 0 && config.catalogCache.maxEntries > 0 ? new CatalogCache(config.catalogCache) : undefined;
  const catalogChanges = catalogCache
    ? new CatalogChangeListener(databaseUrl, { changed: () => catalogCache.invalidate(), listening: () => catalogCache.resume(), lost: () => catalogCache.suspend() }, logger)
    : undefined;
  await catalogChanges?.start();
  const checkoutRateLimit =
    config.checkoutRateLimit > 0 ? new CheckoutRateLimit(config.checkoutRateLimit, orm.em.getConnection().getKnex()) : undefined;
  const apollo = createApolloServer({
    schema: await buildGraphQLSchema(),
    httpServer,
    logger,
    graphql: config.graphql,
    plugins: [
      inFlight.plugin(),
      replicaRouting(),
      ...(checkoutRateLimit ? [checkoutRateLimit.plugin()] : []),
      ...(catalogCache ? [invalidateAfterMutations(catalogCache)] : []),
    ],
  });
  await apollo.start();
  // Every way of paying, behind one interface (payments/payment-provider.ts).
  const providers = new PaymentProviders([
    ...(config.stripe.secretKey
      ? [
          new StripeProvider({
            secretKey: config.stripe.secretKey,
            webhookSecret: config.stripe.webhookSecret,
            apiUrl: config.stripe.apiUrl,
            timeoutMs: config.stripe.timeoutMs,
          }),
        ]
      : []),
    manualPayments,
    ...(extensions.providers ?? []),
  ]);
  const settings: ServiceSettings = {
    checkout: { orderTtlMinutes: config.orderTtlMinutes },
    defaultCurrency: config.defaultCurrency,
    providers,
    checkoutUrls: { successUrl: config.stripe.successUrl, cancelUrl: config.stripe.cancelUrl },
    replicas: new ReplicaReads({ replicas: config.database.replicaUrls.length, retryAfterMs: config.database.replicaRetryMs, logger, rotation: replicaLag }),
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
  app.post('/webhooks/:provider', ...providerWebhookRoute(providers, orm, inFlight));
  if (config.graphql.introspection) app.use(graphiqlRoute('/graphql'));
  app.use(
    '/graphql',
    ...corsMiddleware(config.cors),
    express.json({ limit: '1mb' }),
    ...(catalogCache ? [catalogCacheMiddleware(catalogCache, { manifest: config.graphql.operationManifest, maxTokens: config.graphql.limits.maxTokens })] : []),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(orm.em.fork(), viewerFromAuthorization(req.headers.authorization, config.jwt), req.log, settings, req.ip),
    }),
    requestBodyErrors,
  );
  app.use(notFound, lastResortErrors);

  // Order emails are written to the outbox at checkout; the dispatch job sends them, and
  // without SMTP_URL they wait there.
  const transport = config.mail.smtpUrl ? createTransport(config.mail.smtpUrl) : undefined;
  if (!transport) logger.info('SMTP_URL is not set: order confirmation emails wait in the outbox');
  const tasks: Record<string, JobDefinition> = {
    ...orderJobs(orm, logger),
    ...paymentJobs(orm, providers),
    ...notificationJobs(orm, transport, config.mail.from),
  };
  const jobs = await startJobQueue({
    pool: jobPool,
    logger,
    tasks,
    crontab: CRONTAB,
    concurrency: JOB_CONCURRENCY,
    recordFailure: async (failure) => {
      // em.create, not em.insert with a plain object: the entity's initialisers make its id.
      const em = orm.em.fork();
      em.create(FailedJob, {
        queueJobId: failure.jobId,
        task: failure.task,
        orderId: typeof failure.payload.orderId === 'string' ? failure.payload.orderId : null,
        payload: failure.payload,
        attempts: failure.attempts,
        lastError: failure.error,
      });
      await em.flush();
    },
  });

  await listen(httpServer, config.port);
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://localhost:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stops accepting, lets in-flight requests finish, then closes idle keep-alive sockets.
      await apollo.stop();
      await jobs.stop();
      await catalogChanges?.stop();
      transport?.close();
      // A request whose client hung up is still running; let it finish with its database.
      if (!(await inFlight.drained(SHUTDOWN_GRACE_MS))) logger.warn('shutting down with requests still running');
      await replicaLag?.stop();
      await orm.close();
      await jobPool.end();
      await embedded?.stop();
    })());

  return { url, orm, statements, catalogCache: catalogCache && catalogChanges && { cache: catalogCache, listener: catalogChanges }, close };
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
