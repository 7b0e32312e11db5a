import 'reflect-metadata';
import { createServer } from 'node:http';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createApolloServer } from '../../src/http/graphql';
import { LeastRecentlyUsed } from '../../src/http/least-recently-used';
import { buildGraphQLSchema } from '../../src/schema';

/** The store Apollo reads parsed documents from (not public API: read to check its bound). */
function documentStoreOf(apollo: unknown): { size?: number; keys?(): string[] } {
  const internals = (apollo as { internals: { state: { schemaManager: { getSchemaDerivedData(): { documentStore: unknown } } } } }).internals;
  return internals.state.schemaManager.getSchemaDerivedData().documentStore as { size?: number; keys?(): string[] };
}

async function startApollo(env: Record<string, string>) {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), ...env });
  const apollo = createApolloServer({ schema: await buildGraphQLSchema(), httpServer: createServer(), logger: pino({ level: 'silent' }), graphql: config.graphql });
  await apollo.start();
  return apollo;
}

describe('the parsed-document cache', () => {
  it('holds at most GRAPHQL_DOCUMENT_CACHE_SIZE documents however many distinct ones arrive', async () => {
    const apollo = await startApollo({ GRAPHQL_DOCUMENT_CACHE_SIZE: '10' });
    try {
      for (let i = 0; i < 50; i += 1) {
        const response = await apollo.executeOperation({ query: `query Unique${i} { c${i}: categories { slug } }` });
        expect(response.body.kind).toBe('single');
      }
      const store = documentStoreOf(apollo);
      expect(store.size ?? store.keys?.().length).toBe(10);
    } finally {
      await apollo.stop();
    }
  });

  it('defaults to 1,000 documents, and keeps none with GRAPHQL_DOCUMENT_CACHE_SIZE=0', async () => {
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).graphql.limits.documentCacheSize).toBe(1000);
    const apollo = await startApollo({ GRAPHQL_DOCUMENT_CACHE_SIZE: '0' });
    try {
      const response = await apollo.executeOperation({ query: '{ __typename }' });
      expect(response.body.kind === 'single' && response.body.singleResult.data).toEqual({ __typename: 'Query' });
      expect(documentStoreOf(apollo)).toBeNull();
    } finally {
      await apollo.stop();
    }
  });

  it('drops the least recently used document first', async () => {
    const cache = new LeastRecentlyUsed<string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
    expect(cache.size).toBe(2);
  });
});
