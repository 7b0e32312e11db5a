import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphql } from '../generated';
import { useTestApp } from '../support/app';

const MANIFEST = path.resolve(__dirname, '../generated/persisted-documents.json');
const app = useTestApp({ NODE_ENV: 'production', GRAPHQL_OPERATIONS_MANIFEST: MANIFEST, CHECKOUT_RATE_LIMIT: '0' });

const AllowlistedCategories = graphql(`
  query AllowlistedCategories { categories { slug } }
`);

async function post(body: unknown) {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

describe('the operation allowlist (GRAPHQL_OPERATIONS_MANIFEST)', () => {
  const hash = (AllowlistedCategories as unknown as { __meta__: { hash: string } }).__meta__.hash.replace(/^sha256:/, '');

  it('runs a listed operation sent by its hash alone, as a persisted query', async () => {
    const { status, body } = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { categories: [] } });
  });

  it('runs a listed operation sent as its full text', async () => {
    // The text codegen listed (its own normalised printing) is what a client built with it sends.
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
    const { status, body } = await post({ query: manifest[`sha256:${hash}`] });
    expect(status).toBe(200);
    expect(body.data).toEqual({ categories: [] });
  });

  it('refuses an operation that is not in the manifest, before running it', async () => {
    const { status, body } = await post({ query: '{ products(first: 1) { totalCount } }' });
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    const unknownHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(unknownHash.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
