import { PostgreSqlDriver, type ConnectionType } from '@mikro-orm/postgresql';

/** Which replicas may serve reads at this moment: indexes into DATABASE_REPLICA_URLS (db/replica-lag.ts). */
export interface ReplicaRotation {
  inRotation(): number[];
}

/**
 * MikroORM's PostgreSQL driver, except for whom `getConnection('read')` picks. MikroORM 6.6
 * (DatabaseDriver.getConnection) picks a replica at random on every call and has no way to
 * leave one out; every 'read' connection goes through that method (em.getConnection,
 * em.getKnex, the QueryBuilder behind em.find's `connectionType`), so this is the one place to
 * skip a replica that lags. Until a rotation is given, it picks like MikroORM.
 */
export class ReplicaRotationDriver extends PostgreSqlDriver {
  private rotation?: ReplicaRotation;

  /** From now on a read goes to a random replica `rotation` keeps, or to the primary when it keeps none. */
  useRotation(rotation: ReplicaRotation): void {
    this.rotation = rotation;
  }

  override getConnection(type: ConnectionType = 'write') {
    if (type === 'write' || !this.rotation) return super.getConnection(type);
    const serving = this.rotation.inRotation();
    // A read decided on a replica a moment ago, when that replica has since fallen behind.
    if (serving.length === 0) return super.getConnection('write');
    return this.replicas[serving[Math.floor(Math.random() * serving.length)]];
  }
}
