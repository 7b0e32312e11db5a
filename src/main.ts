import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { startServer } from './server';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const started = Date.now();
  const server = await startServer(config, logger).catch((error: unknown) => {
    process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    logger.debug({ err: error }, 'start failed');
    process.exit(1);
  });

  logger.info({ startupMs: Date.now() - started }, 'server started');
  const lines = [
    '',
    `  Commerce API ready in ${Date.now() - started} ms`,
    `  GraphQL:  ${server.url}/graphql`,
    config.nodeEnv === 'production' ? '' : `  Sandbox:  open ${server.url}/graphql in a browser`,
    `  Health:   ${server.url}/health`,
    config.jwt.algorithm === 'HS256' && config.jwt.isDevelopmentSecret
      ? '  Staff token: npm run token -- --role admin   (then send "Authorization: Bearer <token>")'
      : '',
    '',
  ];
  process.stdout.write(lines.filter((line, i) => line !== '' || i === 0 || i === lines.length - 1).join('\n') + '\n');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
