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
 * never sends one; a background dispatcher delivers it afterwards.
 */
@Entity()
@Index({ properties: ['status', 'createdAt'] })
export class Notification extends BaseEntity<'status' | 'attempts' | 'lastError' | 'sentAt' | 'claimedAt'> {
  @Property({ type: 'text' })
  kind!: string;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  orderId?: string | null;

  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'text' })
  html!: string;

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
