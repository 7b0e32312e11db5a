/**
 * Which requests may read the catalog from a replica, decided from the operation alone, and
 * what a failing replica does to a read: the rules behind test/db/read-replicas.test.ts.
 */
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/db/embedded-postgres';
import { readingPrimary, ReplicaReads, RequestReads } from '../../src/db/read-replicas';
import { readsOnlyCatalog } from '../../src/http/replica-routing';

function catalogOnly(source: string): boolean {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return readsOnlyCatalog(operation, fragments);
}

describe('an operation that reads only the catalog', () => {
  it.each([
    '{ products(first: 5) { edges { node { id } } } }',
    'query { product(slug: "mug") { id cart: name } categories { slug } shippingOptions(country: "US", currency: "USD") { id } __typename }',
    'query Page { ...Window } fragment Window on Query { products { totalCount } ... on Query { product(id: "1") { id } } }',
  ])('may read a replica: %s', (source) => {
    expect(catalogOnly(source)).toBe(true);
  });

  it.each([
    'query { products { totalCount } cart { id } }',
    'query { product(slug: "mug") { id } me { id } }',
    'query { products { totalCount } orders { totalCount } }',
    'query { ...Mixed } fragment Mixed on Query { products { totalCount } order(id: "1") { id } }',
    'query { ... on Query { shippingMethods { id } } }',
    'query { ...Missing }',
    'mutation { createCart(input: {}) { __typename } }',
    'subscription { orderUpdated(orderId: "1") { id } }',
  ])('reads the primary: %s', (source) => {
    expect(catalogOnly(source)).toBe(false);
  });
});

/** A read that fails like an unreachable replica: a real connection refused by a closed port. */
async function unreachable(): Promise<never> {
  const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none' });
  await client.connect();
  throw new Error('a closed port accepted a connection');
}

describe('replica reads', () => {
  const logger = pino({ level: 'silent' });

  it('go to the primary when no replica is configured, or the request was not allowed one', async () => {
    const none = new RequestReads(new ReplicaReads({ replicas: 0, retryAfterMs: 0, logger }));
    none.allowReplica();
    expect(await none.run(async (connection) => connection)).toBe('write');
    const notAllowed = new RequestReads(new ReplicaReads({ replicas: 1, retryAfterMs: 0, logger }));
    expect(await notAllowed.run(async (connection) => connection)).toBe('write');
  });

  it('go to the primary for a request started by readingPrimary (a catalog cache fill), even one allowed a replica', async () => {
    const replicas = new ReplicaReads({ replicas: 1, retryAfterMs: 0, logger });
    const filling = await readingPrimary(async () => {
      // As Apollo would, some awaits later.
      await new Promise((resolve) => setImmediate(resolve));
      const reads = new RequestReads(replicas);
      reads.allowReplica();
      return reads.run(async (connection) => connection);
    });
    expect(filling).toBe('write');
    const reads = new RequestReads(replicas);
    reads.allowReplica();
    expect(await reads.run(async (connection) => connection)).toBe('read');
  });

  it('go to the primary while the rotation keeps no replica within the lag bound', async () => {
    let serving: number[] = [];
    const replicas = new ReplicaReads({ replicas: 2, retryAfterMs: 0, logger, rotation: { inRotation: () => serving } });
    expect(await replicas.run(async (connection) => connection)).toBe('write');
    serving = [1];
    expect(await replicas.run(async (connection) => connection)).toBe('read');
  });

  it('fall back to the primary when the replica cannot be reached, and leave it alone until the retry delay has passed', async () => {
    const replicas = new ReplicaReads({ replicas: 1, retryAfterMs: 3_600_000, logger });
    const tried: string[] = [];
    const read = async (connection: string) => {
      tried.push(connection);
      return connection === 'read' ? unreachable() : 'from the primary';
    };
    expect(await replicas.run(read)).toBe('from the primary');
    expect(await replicas.run(read)).toBe('from the primary');
    expect(tried).toEqual(['read', 'write', 'write']);
  });

  it('try the replica again on every read with a retry delay of 0', async () => {
    const replicas = new ReplicaReads({ replicas: 1, retryAfterMs: 0, logger });
    const tried: string[] = [];
    const read = async (connection: string) => {
      tried.push(connection);
      return connection === 'read' ? unreachable() : 'from the primary';
    };
    await replicas.run(read);
    await replicas.run(read);
    expect(tried).toEqual(['read', 'write', 'read', 'write']);
  });

  it('do not retry a read that failed for its own sake (a bad statement fails on the primary too)', async () => {
    const replicas = new ReplicaReads({ replicas: 1, retryAfterMs: 0, logger });
    const tried: string[] = [];
    const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await client.connect();
    try {
      await expect(
        replicas.run(async (connection) => {
          tried.push(connection);
          return client.query('selec 1');
        }),
      ).rejects.toMatchObject({ code: '42601' });
    } finally {
      await client.end();
    }
    expect(tried).toEqual(['read']);
  });
});
