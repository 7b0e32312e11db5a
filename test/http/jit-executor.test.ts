import { createServer } from 'node:http';
import { GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { Context } from '../../src/context';
import { createApolloServer } from '../../src/http/graphql';
import { JitExecutor } from '../../src/http/jit-executor';

const Item = new GraphQLObjectType({
  name: 'Item',
  fields: {
    id: { type: new GraphQLNonNull(GraphQLInt) },
    label: { type: GraphQLString, args: { upper: { type: GraphQLInt } }, resolve: (item: { id: number }, { upper }) => (upper ? `ITEM ${item.id}` : `item ${item.id}`) },
    broken: {
      type: GraphQLString,
      resolve: () => {
        throw new Error('relation "secret_table" does not exist');
      },
    },
  },
});

/** A schema small enough to read, with each kind of answer the executor must keep as graphql-js gives it. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      items: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
        args: { first: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_root, { first }: { first: number }) => Array.from({ length: first }, (_, i) => ({ id: i + 1 })),
      },
      refused: {
        type: GraphQLInt,
        resolve: () => {
          throw new GraphQLError('Only store staff can read this.', { extensions: { code: 'FORBIDDEN' } });
        },
      },
    },
  }),
});

const logged: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) });
const limits = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).graphql;
const executor = new JitExecutor(schema, { capacity: 3, compileAfterRuns: 2 });
const apollo = createApolloServer({ schema, httpServer: createServer(), logger, graphql: limits, executor });

async function run(query: string, variables: Record<string, unknown> = {}) {
  const response = await apollo.executeOperation({ query, variables }, { contextValue: {} as Context });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, ...response.body.singleResult };
}

beforeAll(() => apollo.start());
afterAll(() => apollo.stop());

describe('operations compiled by graphql-jit', () => {
  const PAGE = `query Page($first: Int!) { items(first: $first) { id label shout: label(upper: 1) ...More } } fragment More on Item { id @include(if: true) }`;

  it('answers the same JSON from graphql-js on the first run and from compiled code afterwards', async () => {
    const before = executor.compiled;
    const first = await run(PAGE, { first: 3 });
    expect(executor.compiled).toBe(before);
    const second = await run(PAGE, { first: 3 });
    expect(executor.compiled).toBe(before + 1);
    const third = await run(PAGE, { first: 3 });
    expect(first.data).toEqual({ items: [1, 2, 3].map((id) => ({ id, label: `item ${id}`, shout: `ITEM ${id}` })) });
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('masks an internal error and logs it, compiled or not, and keeps a client error as thrown', async () => {
    const query = '{ items(first: 1) { id broken } refused }';
    const before = executor.compiled;
    const answers = [await run(query), await run(query)];
    expect(executor.compiled).toBe(before + 1);
    for (const answer of answers) {
      expect(answer.data).toEqual({ items: [{ id: 1, broken: null }], refused: null });
      // In the order the fields settled, which is not the document's.
      expect([...(answer.errors ?? [])].sort((a, b) => a.message.localeCompare(b.message))).toEqual([
        { message: 'Internal server error', path: ['items', 0, 'broken'], locations: [{ line: 1, column: 24 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        { message: 'Only store staff can read this.', path: ['refused'], locations: [{ line: 1, column: 33 }], extensions: { code: 'FORBIDDEN' } },
      ]);
    }
    expect(logged.filter((line) => line.msg === 'unexpected error while resolving a GraphQL request')).toHaveLength(2);
    expect(JSON.stringify(answers)).not.toContain('secret_table');
  });

  it('answers a variable of the wrong type as BAD_USER_INPUT with status 400 on either path', async () => {
    for (let i = 0; i < 3; i += 1) {
      const answer = await run(PAGE, { first: 'three' });
      expect(answer.status).toBe(400);
      expect(answer.data).toBeUndefined();
      expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('compiles no document sent once, and keeps at most its capacity', async () => {
    const before = executor.compiled;
    for (let i = 0; i < 50; i += 1) await run(`query Unique${i} { items(first: 1) { id } }`);
    expect(executor.compiled).toBeLessThanOrEqual(before);
    expect(executor.tracked).toBe(3);
    for (let i = 0; i < 5; i += 1) {
      await run(`query Twice${i} { items(first: 2) { id } }`);
      await run(`query Twice${i} { items(first: 2) { id } }`);
    }
    expect(executor.compiled).toBe(3);
    expect(executor.tracked).toBe(3);
  });
});
