import { Entity, Enum, Index, Property } from '@mikro-orm/core';
import { BaseEntity } from '../db/base.entity';

export enum NotificationStatus {
  PENDING = 'PENDING',
  /** Claimed by a dispatcher that is sending it now. */
  SENDING = 'SENDING',
  SENT = 'SENT',
  /** Gave up after the last attempt; `lastError` says why. */
  FAILED = 'FAILED',
}

/**
 * An email waiting to go out (an outbox row). It is written in the same transaction as the
 * order it is about, so an order never lacks its confirmation and a rolled-back checkout
 * never sends one; a background dispatcher renders it from the order (whose buyer, address
 * and lines are snapshots, so the content cannot drift) and delivers it afterwards.
 */
@Entity()
@Index({ properties: ['status', 'createdAt'] })
export class Notification extends BaseEntity<'status' | 'attempts' | 'lastError' | 'sentAt' | 'claimedAt' | 'subject' | 'text' | 'html'> {
  @Property({ type: 'text' })
  kind!: string;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  orderId?: string | null;

  @Property({ type: 'text' })
  recipient!: string;

  /** What was sent, filled in when the email is rendered at send time. */
  @Property({ type: 'text', nullable: true })
  subject?: string | null;

  @Property({ type: 'text', nullable: true })
  text?: string | null;

  @Property({ type: 'text', nullable: true })
  html?: string | null;

  @Enum({ items: () => NotificationStatus, type: 'text', default: NotificationStatus.PENDING })
  status: NotificationStatus = NotificationStatus.PENDING;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  claimedAt?: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  sentAt?: Date | null = null;
}
