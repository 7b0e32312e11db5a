import { randomUUID } from 'node:crypto';
import { OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Ids are random UUIDs made in the app, so an id is known before the flush and is unguessable. */
export abstract class BaseEntity<Defaults extends string = never> {
  /** Properties with defaults, which `em.create` does not require. */
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | Defaults;

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * A new entity that no EntityManager knows, for rows the caller writes with its own SQL (the
 * checkout's order). Cheaper than em.create, which hydrates every value and links relations.
 */
export function newEntity<T extends object>(Entity: new () => T, values: Partial<T>): T {
  return Object.assign(new Entity(), values);
}
