import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Every provider event we accepted (Stripe's webhooks and any other provider's), keyed by the
 * provider's name and event id and written in the same transaction as its effect: a redelivery
 * finds its key taken and changes nothing.
 */
@Entity()
export class ProviderEvent {
  @PrimaryKey({ type: 'text' })
  provider!: string;

  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'uuid', nullable: true })
  orderId?: string | null;

  /** What the event did: e.g. "order PAID", "ignored: order already PAID", "unknown order". */
  @Property({ type: 'text' })
  outcome!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  receivedAt: Date = new Date();
}
