import { performance } from 'node:perf_hooks';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { startBackgroundLoop, type BackgroundLoop } from '../common/background-loop';
import { replicaName } from './orm-config';
import { ReplicaRotationDriver, type ReplicaRotation } from './replica-driver';

/** A WAL position as PostgreSQL prints it ('16/B374D848'), in bytes. */
export function walPosition(text: string): bigint {
  const slash = text.indexOf('/');
  return (BigInt(`0x${text.slice(0, slash)}`) << 32n) + BigInt(`0x${text.slice(slash + 1)}`);
}

/** What a standby says of itself; null when it is not a standby, or has never streamed. */
export interface ReplicaPosition {
  /** WAL replayed, so visible to its reads (pg_last_wal_replay_lsn). */
  replayed: bigint | null;
  /** WAL received from the primary (pg_last_wal_receive_lsn). */
  received: bigint | null;
}

/**
 * For each replica, the latest moment (this process's monotonic clock) as of which it is
 * known to have everything the primary had: the time a sample of the primary's WAL position
 * was asked for, once the replica has replayed up to that position. From then on, its lag is
 * at most `now` minus that moment. Comparing positions, not replay timestamps, an idle primary
 * does not look like a lagging replica (its position stays put and a caught-up replica keeps
 * matching it), and no other host's clock enters into it. The measure is as fine as the
 * interval between samples.
 */
export class ReplicaFreshness {
  /** The primary's positions, oldest first; a position seen several times keeps its latest time. */
  private readonly primary: Array<{ at: number; position: bigint }> = [];
  private readonly freshAsOf: number[];
  private primaryUnknown = false;

  constructor(
    replicas: number,
    readonly maxLagMs: number,
  ) {
    this.freshAsOf = new Array<number>(replicas).fill(Number.NEGATIVE_INFINITY);
  }

  /** The primary's WAL position, asked for at `at`: whatever was committed before then is at or below it. */
  primaryAt(at: number, position: bigint): void {
    this.primaryUnknown = false;
    const newest = this.primary.at(-1);
    if (newest?.position === position) newest.at = at;
    else this.primary.push({ at, position });
    // An older sample could only prove a lag beyond the bound.
    while (this.primary.length > 1 && this.primary[0].at < at - this.maxLagMs) this.primary.shift();
  }

  /** The latest attempt to read the primary's position failed. */
  primaryUnavailable(): void {
    this.primaryUnknown = true;
  }

  /** What replica `index` answered when asked at `at`. */
  replicaAt(index: number, at: number, { replayed, received }: ReplicaPosition): void {
    if (replayed === null) return;
    let asOf = Number.NEGATIVE_INFINITY;
    for (let i = this.primary.length - 1; i >= 0; i -= 1) {
      if (this.primary[i].position <= replayed) {
        asOf = this.primary[i].at;
        break;
      }
    }
    // Nothing to compare with while the primary cannot be asked (down, or cut off from this
    // process). A replica that has replayed all it received is not falling behind on its own
    // (paused, slow disk), and with the primary down it holds the latest catalog there is.
    if (this.primaryUnknown && received !== null && replayed >= received) asOf = Math.max(asOf, at);
    this.freshAsOf[index] = Math.max(this.freshAsOf[index], asOf);
  }

  /** How far behind the primary replica `index` may be at `now`, at most; Infinity until it was seen current. */
  lagMs(index: number, now: number): number {
    return now - this.freshAsOf[index];
  }

  withinBound(index: number, now: number): boolean {
    return this.lagMs(index, now) <= this.maxLagMs;
  }
}

export interface ReplicaLagOptions {
  primaryUrl: string;
  replicaUrls: string[];
  /** DATABASE_REPLICA_MAX_LAG_MS. */
  maxLagMs: number;
  /** How long one check waits for a connection, and for its answer. */
  timeoutMs: number;
  logger: Logger;
}

/** Checks this often (and at least four times per bound), so a replica that keeps up shows a lag of one interval at most. */
const CHECK_INTERVAL_MS = 250;

/**
 * Keeps each read replica in the catalog reads' rotation only while it is within
 * DATABASE_REPLICA_MAX_LAG_MS of the primary. A loop per server, on a connection of its own
 * (so a check never waits behind requests, nor counts as one of their statements), asks the
 * primary for `pg_current_wal_lsn()` and each standby for what it has replayed; see
 * ReplicaFreshness for the arithmetic. A replica is left out the moment its lag may exceed the
 * bound, whether it was seen behind or could not be asked at all, and rejoins on the first
 * check that finds it caught up; both are logged. Until its first check, a replica gets no reads.
 */
export class ReplicaLagMonitor implements ReplicaRotation {
  private readonly intervalMs: number;
  private readonly freshness: ReplicaFreshness;
  private readonly primary: pg.Pool;
  private readonly replicas: Array<{ name: string; pool: pg.Pool; serving?: boolean }>;
  private loops: BackgroundLoop[] = [];
  private firstChecks?: Promise<unknown>;
  private primaryFailing = false;

  constructor(
    private readonly options: ReplicaLagOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.intervalMs = Math.min(CHECK_INTERVAL_MS, options.maxLagMs / 4);
    this.freshness = new ReplicaFreshness(options.replicaUrls.length, options.maxLagMs);
    this.primary = this.connect(options.primaryUrl);
    this.replicas = options.replicaUrls.map((url) => ({ name: replicaName(url), pool: this.connect(url) }));
  }

  start(): void {
    // A replica is measured against the primary's position: the first one comes first.
    this.firstChecks = this.checkPrimary().then(() => Promise.all(this.replicas.map((_, index) => this.checkReplica(index))));
    // One loop each, so that a replica slow to answer does not hold up the others' checks.
    const loop = (pass: () => Promise<void>) =>
      startBackgroundLoop({ intervalMs: this.intervalMs, logger: this.options.logger, failure: 'replica lag: a check failed', pass });
    this.loops = [loop(() => this.checkPrimary()), ...this.replicas.map((_, index) => loop(() => this.checkReplica(index)))];
  }

  inRotation(): number[] {
    const now = this.now();
    const serving: number[] = [];
    for (let index = 0; index < this.replicas.length; index += 1) if (this.freshness.withinBound(index, now)) serving.push(index);
    return serving;
  }

  async stop(): Promise<void> {
    await Promise.all([this.firstChecks, ...this.loops.map((loop) => loop.stop())]);
    await Promise.all([this.primary, ...this.replicas.map((replica) => replica.pool)].map((pool) => pool.end()));
  }

  private connect(connectionString: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString,
      max: 1,
      connectionTimeoutMillis: this.options.timeoutMs,
      query_timeout: this.options.timeoutMs,
      application_name: 'commerce_replica_lag',
      allowExitOnIdle: true,
    });
    // A dropped idle connection shows as the next check's failure; it must not crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  private async checkPrimary(): Promise<void> {
    const at = this.now();
    try {
      const { rows } = await this.primary.query<{ position: string }>('select pg_current_wal_lsn()::text as position');
      this.freshness.primaryAt(at, walPosition(rows[0].position));
      if (this.primaryFailing) this.options.logger.info('replica lag: the primary answers again; replicas are measured against it');
      this.primaryFailing = false;
    } catch (error) {
      this.freshness.primaryUnavailable();
      if (!this.primaryFailing) {
        this.options.logger.warn(
          { err: error },
          "replica lag: cannot read the primary's WAL position; a replica keeps catalog reads only while it has replayed all the WAL it received",
        );
      }
      this.primaryFailing = true;
    }
  }

  private async checkReplica(index: number): Promise<void> {
    const at = this.now();
    let problem: unknown;
    try {
      const { rows } = await this.replicas[index].pool.query<{ replayed: string | null; received: string | null }>(
        'select pg_last_wal_replay_lsn()::text as replayed, pg_last_wal_receive_lsn()::text as received',
      );
      const [{ replayed, received }] = rows;
      if (replayed === null) problem = 'not a streaming standby: its lag cannot be measured';
      this.freshness.replicaAt(index, at, {
        replayed: replayed === null ? null : walPosition(replayed),
        received: received === null ? null : walPosition(received),
      });
    } catch (error) {
      problem = error;
    }
    this.report(index, problem);
  }

  /** Logs a replica joining, leaving or rejoining the rotation. */
  private report(index: number, problem: unknown): void {
    const replica = this.replicas[index];
    const now = this.now();
    const serving = this.freshness.withinBound(index, now);
    if (serving === replica.serving) return;
    const first = replica.serving === undefined;
    replica.serving = serving;
    const lagMs = this.freshness.lagMs(index, now);
    const details = {
      replica: replica.name,
      lagMs: Number.isFinite(lagMs) ? Math.round(lagMs) : null,
      maxLagMs: this.options.maxLagMs,
      ...(problem instanceof Error ? { err: problem } : problem ? { problem } : {}),
    };
    if (serving && first) this.options.logger.info(details, 'a read replica is within the lag bound: it serves catalog reads');
    else if (serving) this.options.logger.warn(details, 'a read replica caught up: it serves catalog reads again');
    else {
      this.options.logger.warn(
        details,
        'a read replica is beyond the lag bound, or cannot be checked: catalog reads go to another replica or the primary until it catches up',
      );
    }
  }
}

/** Measures the replicas' lag and routes the ORM's 'read' connections by it; undefined without replicas. */
export function startReplicaLagMonitor(orm: MikroORM, options: ReplicaLagOptions): ReplicaLagMonitor | undefined {
  if (options.replicaUrls.length === 0) return undefined;
  const driver = orm.em.getDriver();
  if (!(driver instanceof ReplicaRotationDriver)) throw new Error('the ORM was not made from ormConfig: a lagging replica cannot be left out of its reads');
  const monitor = new ReplicaLagMonitor(options);
  driver.useRotation(monitor);
  monitor.start();
  return monitor;
}
