import pg from 'pg';
import type { Logger } from 'pino';

/** Notified by a trigger on every catalog table (migration Migration20261202124500); the payload is the table. */
export const CATALOG_CHANGED_CHANNEL = 'catalog_changed';

/** How the listener's connection shows in pg_stat_activity. */
export const CATALOG_LISTENER_APPLICATION_NAME = 'catalog-change-listener';

export interface CatalogChangeHandlers {
  /** A statement changed `table`; it has committed. */
  changed(table: string): void;
  /** LISTEN is in place: from now on every change is reported. */
  listening(): void;
  /** The connection is gone: changes may go unreported until `listening` again. */
  lost(): void;
}

/** Waits between reconnection attempts; the last one repeats. */
const RECONNECT_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * One dedicated connection per process that LISTENs for catalog changes (a pooled connection
 * cannot: LISTEN belongs to a session). When it drops (a restart, a failover, a terminated
 * backend) the handlers hear `lost` at once, and it reconnects by itself with backoff.
 */
export class CatalogChangeListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: CatalogChangeHandlers,
    private readonly logger: Logger,
  ) {}

  /** The backend process of the current connection (tests terminate it). */
  get backendPid(): number | undefined {
    return (this.client as (pg.Client & { processID?: number }) | undefined)?.processID;
  }

  /** Resolves after the first attempt, connected or not; later attempts run in the background. */
  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: CATALOG_LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost || this.stopped) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      this.handlers.lost();
      this.logger.warn({ err: error }, 'catalog cache: lost the LISTEN connection; not serving cached answers until it is back');
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => this.handlers.changed(message.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${CATALOG_CHANGED_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.stopped || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.handlers.listening();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)];
    this.attempt += 1;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, delay);
    // A pending reconnection must not keep a stopping process alive.
    this.retry.unref();
  }
}
