import { Entity, Index, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';

/**
 * A background job that gave up after its last attempt (a Stripe cancel or refund, an email).
 * The queue keeps the job itself too; this row is what staff see on the order, and what an
 * alert can watch, without reading the queue's private tables.
 */
@Entity()
@Unique({ properties: ['queueJobId'] })
export class FailedJob extends BaseEntity {
  /** The job's id in graphile_worker's table. */
  @Property({ type: 'bigint' })
  queueJobId!: string;

  @Property({ type: 'text' })
  task!: string;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  orderId?: string | null;

  @Property({ type: 'json' })
  payload!: unknown;

  @Property({ type: 'integer' })
  attempts!: number;

  @Property({ type: 'text' })
  lastError!: string;
}
