import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { binariesDir, freePort, type ThrowawayDatabase } from '../../src/db/embedded-postgres';

/** A hot standby of a throwaway primary, streaming its WAL: a real read replica. */
export interface StreamingStandby {
  /** The same database as the primary's URL, on the standby's port. */
  url: string;
  /** A superuser connection to the standby's `postgres` database (pause replay, read its stats). */
  adminUrl: string;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Fast shutdown; its data stays for `start`. */
  halt(): Promise<void>;
  /** Starts it again and waits until it streams from the primary. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const APPLICATION_NAME = 'hrep_standby';

/**
 * Makes a standby the way pg_basebackup -R would, with what the embedded package ships
 * (initdb, pg_ctl, postgres; no pg_basebackup): the primary is shut down cleanly, its data
 * folder copied, `standby.signal` and `primary_conninfo` written into the copy, and both
 * started. Streaming needs nothing more: wal_level=replica, max_wal_senders and the
 * `replication` lines of pg_hba.conf are initdb's defaults. As root, the copy belongs to the
 * `postgres` user like the primary's folder, and the standby runs as that user.
 */
export async function startStreamingStandby(primary: ThrowawayDatabase, logger: Logger): Promise<StreamingStandby> {
  const primaryUrl = new URL(primary.url);
  const primaryDir = await queryOne<string>(adminUrlOf(primary.url), 'show data_directory');
  // Beside the primary's folder, inside its temporary folder: the postgres user can reach it, and primary.stop() deletes it.
  const standbyDir = path.join(path.dirname(primaryDir), 'standby');
  await primary.halt();
  const copied = spawnSync('cp', ['-a', primaryDir, standbyDir]);
  if (copied.status !== 0) throw new Error(`copying the primary's data folder failed: ${copied.stderr.toString()}`);
  await primary.restart();

  const owner = statSync(primaryDir);
  for (const file of ['postmaster.pid', 'postmaster.opts']) rmSync(path.join(standbyDir, file), { force: true });
  writeFileSync(path.join(standbyDir, 'standby.signal'), '');
  const conninfo = `host=${primaryUrl.hostname} port=${primaryUrl.port} user=${decodeURIComponent(primaryUrl.username)} password=${decodeURIComponent(primaryUrl.password)} application_name=${APPLICATION_NAME}`;
  appendFileSync(path.join(standbyDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\n`);
  for (const file of ['standby.signal', 'postgresql.auto.conf']) chownSync(path.join(standbyDir, file), owner.uid, owner.gid);

  const port = await freePort();
  const url = new URL(primary.url);
  url.port = String(port);
  const adminUrl = adminUrlOf(url.toString());
  let server: ChildProcess | undefined;

  const start = async () => {
    if (server && server.exitCode === null) return;
    const asRoot = process.getuid?.() === 0;
    server = spawn(path.join(binariesDir(), 'postgres'), ['-D', standbyDir, '-p', String(port)], {
      ...(asRoot ? { uid: owner.uid, gid: owner.gid } : {}),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<never>((_, reject) =>
      server!.once('exit', (code) => reject(new Error(`the standby exited with code ${code} while starting`))),
    );
    exited.catch(() => undefined);
    server.stderr?.on('data', (chunk: Buffer) => logger.debug({ standby: true }, chunk.toString().trim()));
    // Ready once it accepts connections and the primary lists it as streaming.
    await Promise.race([exited, until(async () => (await queryOne<boolean>(adminUrl, 'select pg_is_in_recovery()').catch(() => false)) === true)]);
    await Promise.race([
      exited,
      until(async () =>
        (await queryOne<number>(
          adminUrlOf(primary.url),
          `select count(*)::int from pg_stat_replication where application_name = '${APPLICATION_NAME}' and state = 'streaming'`,
        )) === 1,
      ),
    ]);
  };
  const halt = async () => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGINT');
    });
  };
  await start();

  return {
    url: url.toString(),
    adminUrl,
    async caughtUp() {
      const lsn = await queryOne<string>(adminUrlOf(primary.url), 'select pg_current_wal_lsn()::text');
      await until(async () => (await queryOne<boolean>(adminUrl, `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`)) === true);
    },
    halt,
    start,
    async stop() {
      await halt();
      if (existsSync(standbyDir)) rmSync(standbyDir, { recursive: true, force: true });
    },
  };
}

function adminUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

async function queryOne<T>(connectionString: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query({ text: sql, rowMode: 'array' });
    return rows[0][0] as T;
  } finally {
    await client.end();
  }
}

/** Polls until `probe` holds; the caller's vitest timeout bounds it, not a clock here. */
async function until(probe: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the standby did not get there');
}
