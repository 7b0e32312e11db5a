/**
 * How a replica's lag is worked out from WAL positions, and how a replica beyond the bound is
 * left out of the ORM's reads: the rules behind the lag tests of test/db/read-replicas.test.ts.
 */
import type { AbstractSqlConnection, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/db/orm';
import { ReplicaRotationDriver } from '../../src/db/replica-driver';
import { ReplicaFreshness, walPosition } from '../../src/db/replica-lag';

const P1 = walPosition('0/3000100');
const P2 = walPosition('0/3000200');
const P3 = walPosition('0/3000300');

describe('a WAL position', () => {
  it('reads both halves as hexadecimal, the part before the slash being the high 32 bits', () => {
    expect(walPosition('16/B374D848')).toBe(0x16b374d848n);
    expect(walPosition('0/FFFFFFFF') < walPosition('1/0')).toBe(true);
  });
});

describe("a replica's lag", () => {
  it('is nothing for a replica that has replayed what the primary has, however long the primary stays idle', () => {
    const freshness = new ReplicaFreshness(1, 1_000);
    for (let at = 0; at <= 60_000; at += 250) {
      freshness.primaryAt(at, P1);
      freshness.replicaAt(0, at + 1, { replayed: P1, received: P1 });
      expect(freshness.lagMs(0, at + 2)).toBe(2);
    }
    expect(freshness.withinBound(0, 60_002)).toBe(true);
  });

  it('is at most one sample behind a busy primary for a replica that keeps up', () => {
    const freshness = new ReplicaFreshness(1, 1_000);
    freshness.primaryAt(0, P1);
    freshness.primaryAt(250, P2);
    // The replica is asked after the primary: it has P1 but not yet P2.
    freshness.replicaAt(0, 251, { replayed: P1 + 50n, received: P2 });
    expect(freshness.lagMs(0, 260)).toBe(260);
    freshness.primaryAt(500, P3);
    freshness.replicaAt(0, 501, { replayed: P2, received: P3 });
    expect(freshness.lagMs(0, 510)).toBe(260);
  });

  it('grows from the last position the replica had when its replay stops, and it is out once past the bound, until it catches up', () => {
    const freshness = new ReplicaFreshness(1, 1_000);
    freshness.primaryAt(0, P1);
    freshness.replicaAt(0, 1, { replayed: P1, received: P1 });
    for (let at = 250; at <= 2_000; at += 250) {
      freshness.primaryAt(at, P2);
      freshness.replicaAt(0, at + 1, { replayed: P1, received: P2 });
    }
    expect(freshness.withinBound(0, 1_000)).toBe(true);
    expect(freshness.withinBound(0, 1_001)).toBe(false);
    expect(freshness.lagMs(0, 2_001)).toBe(2_001);

    freshness.primaryAt(2_250, P2);
    freshness.replicaAt(0, 2_251, { replayed: P2, received: P2 });
    expect(freshness.lagMs(0, 2_252)).toBe(2);
  });

  it('is unknown, so out of bound, for a server never checked, one that is not a standby, or one that stopped answering', () => {
    const freshness = new ReplicaFreshness(3, 1_000);
    freshness.primaryAt(0, P1);
    freshness.replicaAt(0, 1, { replayed: P1, received: P1 });
    freshness.replicaAt(1, 1, { replayed: null, received: null });
    expect([0, 1, 2].map((index) => freshness.withinBound(index, 2))).toEqual([true, false, false]);
    // Replica 0 is not asked again: what was proven of it runs out with the bound.
    freshness.primaryAt(900, P1);
    expect(freshness.withinBound(0, 1_000)).toBe(true);
    expect(freshness.withinBound(0, 1_001)).toBe(false);
  });

  it("without the primary's position, is judged by the replica alone: in while it has replayed all it received", () => {
    const freshness = new ReplicaFreshness(2, 1_000);
    freshness.primaryAt(0, P1);
    freshness.primaryUnavailable();
    freshness.replicaAt(0, 5_000, { replayed: P3, received: P3 });
    freshness.replicaAt(1, 5_000, { replayed: P2, received: P3 });
    expect([freshness.withinBound(0, 5_010), freshness.withinBound(1, 5_010)]).toEqual([true, false]);
    // Once the primary answers again, its position is what counts.
    freshness.primaryAt(5_250, walPosition('0/3000400'));
    freshness.replicaAt(0, 5_251, { replayed: P3, received: P3 });
    expect(freshness.withinBound(0, 6_001)).toBe(false);
  });
});

describe('the ORM driver with a rotation', () => {
  let orm: MikroORM;
  /** Which pool ran each statement: 'primary', 'replica 0', 'replica 1' (two pools on one server). */
  const ran: string[] = [];

  beforeAll(async () => {
    const url = inject('adminDatabaseUrl');
    orm = await connectDatabase({ databaseUrl: url, replicaUrls: [url, url], createMissing: false });
    const driver = orm.em.getDriver() as unknown as { connection: AbstractSqlConnection; replicas: AbstractSqlConnection[] };
    driver.connection.getKnex().on('query', () => ran.push('primary'));
    driver.replicas.forEach((replica, index) => replica.getKnex().on('query', () => ran.push(`replica ${index}`)));
  });

  afterAll(async () => {
    await orm?.close();
  });

  /** Where `reads` reads went, each through a 'read' connection as the catalog asks for one. */
  const readsGoTo = async (reads: number) => {
    ran.length = 0;
    for (let i = 0; i < reads; i += 1) await orm.em.fork().getConnection('read').execute('select 1');
    return new Set(ran);
  };

  it('sends reads only to the replicas the rotation keeps, and to the primary when it keeps none', async () => {
    const driver = orm.em.getDriver();
    expect(driver).toBeInstanceOf(ReplicaRotationDriver);
    let serving = [1];
    (driver as ReplicaRotationDriver).useRotation({ inRotation: () => serving });
    expect(await readsGoTo(20)).toEqual(new Set(['replica 1']));

    serving = [];
    expect(await readsGoTo(1)).toEqual(new Set(['primary']));

    // Random picks: 60 reads miss one of two replicas with probability 2^-59.
    serving = [0, 1];
    expect(await readsGoTo(60)).toEqual(new Set(['replica 0', 'replica 1']));
  });
});
