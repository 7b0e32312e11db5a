import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';

/** Samples the main thread (the server; the load generator runs in a worker) while `work` runs. */
export async function profileCpu<T>(work: () => Promise<T>): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

export interface CostLine {
  name: string;
  /** Share of the busy (not idle) time, 0..1 */
  share: number;
}

export interface ProfileSummary {
  sampledMs: number;
  /** The event loop waiting for I/O: the database or the network. */
  idleShare: number;
  /**
   * Busy time by the package (or file of this repository) that caused it: V8 builtins and Node's
   * own code are charged to their nearest caller that is neither, so a socket write made
   * by pg counts as pg. What no package called (parsing an incoming request) stays Node's.
   */
  byPackage: CostLine[];
  /** Functions by their own time. */
  byFunction: CostLine[];
}

const ROOT = path.resolve(__dirname, '..');
const UNOWNED = new Set(['(V8 builtins)', 'node core']);

/** Who owns a frame: an npm package, a file of this repository, Node itself or V8. */
function ownerOf(frame: Profiler.ProfileNode['callFrame']): string {
  if (frame.functionName.startsWith('(') && !frame.url) return frame.functionName;
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return '(V8 builtins)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return path.relative(ROOT, url);
}

export function summarizeProfile(profile: Profiler.Profile, top = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    // A sample's time is the gap to the next one.
    const us = deltas[i + 1] ?? 0;
    total += us;
    const leaf = nodes.get(samples[i])!;
    const { functionName, url, lineNumber } = leaf.callFrame;
    add(functions, `${functionName || '(anonymous)'} ${ownerOf(leaf.callFrame)}${url ? `:${lineNumber + 1}` : ''}`, us);
    let owner = ownerOf(leaf.callFrame);
    for (let id = parent.get(leaf.id); UNOWNED.has(owner) && id !== undefined; id = parent.get(id)) {
      const caller = ownerOf(nodes.get(id)!.callFrame);
      if (!UNOWNED.has(caller) && caller !== '(root)') owner = caller;
    }
    add(packages, owner, us);
  }
  const idle = packages.get('(idle)') ?? 0;
  const busy = total - idle;
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, share: busy ? us / busy : 0 }));
  return {
    sampledMs: total / 1000,
    idleShare: total ? idle / total : 0,
    byPackage: ranked(packages),
    byFunction: ranked(functions),
  };
}

export interface SqlStopwatch {
  reset(): void;
  read(): { statements: number; ms: number; sql: string[] };
  /**
   * Resolves once no statement has been sent or answered for `quietMs`. Autocannon drops its
   * connections when a run ends, but the server finishes those requests anyway: waiting keeps
   * their statements out of the next measurement, and out of the shutdown (closing the ORM
   * under a request still running leaves a pool acquire that holds the process for 60 s).
   */
  quiet(quietMs?: number): Promise<void>;
}

interface KnexDriverCalls {
  _query(this: unknown, connection: unknown, query: { sql: string }): Promise<unknown>;
}

/**
 * Times every statement the ORM sends, BEGIN and COMMIT included, from handing it to the
 * driver to its answer: the database's share of a request. knex's events do not answer
 * BEGIN and COMMIT, so this wraps the dialect's `_query` (a knex internal; bench only).
 */
export function sqlStopwatch(orm: MikroORM): SqlStopwatch {
  const client = orm.em.getConnection().getKnex().client as { constructor: { prototype: KnexDriverCalls } };
  // Transactions run on an Object.create(prototype) copy of the client, so wrap the prototype.
  const driver = client.constructor.prototype;
  const send = driver._query;
  let inFlight = 0;
  let statements = 0;
  let ms = 0;
  let sql: string[] = [];
  let lastActivity = performance.now();
  driver._query = function (connection, query) {
    const start = performance.now();
    inFlight += 1;
    statements += 1;
    sql.push(query.sql);
    lastActivity = start;
    return send.call(this, connection, query).finally(() => {
      inFlight -= 1;
      lastActivity = performance.now();
      ms += lastActivity - start;
    });
  };
  return {
    reset() {
      statements = 0;
      ms = 0;
      sql = [];
    },
    read: () => ({ statements, ms, sql }),
    async quiet(quietMs = 300) {
      while (inFlight > 0 || performance.now() - lastActivity < quietMs) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}
