import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A signed-in shopper. The id is the `sub` claim of their token, so it is whatever the identity provider uses. */
@Entity()
export class Customer {
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text', nullable: true })
  email?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
