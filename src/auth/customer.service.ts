import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from './customer.entity';
import { isSignedIn, type Viewer } from './viewer';

/**
 * The statement that creates the viewer's Customer row if it is missing and rewrites nothing
 * when it is already there. A later token with an email updates the stored one; one without
 * keeps it. `when` gates it inside a larger statement (checkout's, which writes the order too).
 * Its parameters are customerUpsertParams(viewer).
 */
export function customerUpsertSql(when = 'true'): string {
  return `insert into customer (id, email, created_at, updated_at) select ?::text, ?::text, now(), now() where ${when}
            on conflict (id) do update set email = excluded.email, updated_at = now()
            where excluded.email is not null and customer.email is distinct from excluded.email`;
}

export function customerUpsertParams(viewer: Viewer & { customerId: string }): unknown[] {
  return [viewer.customerId, viewer.email ?? null];
}

/** Creates the viewer's Customer row if it is missing (see customerUpsertSql). */
export async function ensureCustomer(em: EntityManager, viewer: Viewer): Promise<string | null> {
  if (!isSignedIn(viewer)) return null;
  await em.execute(customerUpsertSql(), customerUpsertParams(viewer));
  return viewer.customerId;
}

export class CustomerService {
  private ensured?: Promise<Customer | null>;

  constructor(private readonly em: EntityManager, private readonly viewer: Viewer) {}

  /**
   * The signed-in viewer's Customer row, created on first sight from the token's claims.
   * Done on demand (once per request) so catalog reads do not pay an upsert.
   */
  current(): Promise<Customer | null> {
    const viewer = this.viewer;
    if (!isSignedIn(viewer)) return Promise.resolve(null);
    this.ensured ??= ensureCustomer(this.em, viewer).then(() => this.em.findOneOrFail(Customer, { id: viewer.customerId }));
    return this.ensured;
  }
}
