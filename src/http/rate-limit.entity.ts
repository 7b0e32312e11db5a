import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The checkout rate limit's counters, shared by every server process (rate-limiter-flexible's
 * RateLimiterPostgres reads and writes this table with its own upsert; nothing else touches
 * it). Declared here so that the table comes from a migration, never from the running server.
 * Its columns are the ones that library expects, in its order.
 */
@Entity({ tableName: 'rate_limit' })
export class RateLimitCounter {
  /** `checkout:<client>`: a token subject or an IP address. */
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'integer', default: 0 })
  points: number = 0;

  /** When the window ends, in epoch milliseconds. */
  @Property({ type: 'bigint', nullable: true })
  expire?: string | null;
}
