import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { operationHash } from '../common/operation-manifest';
import type { Context } from '../context';

/**
 * Production clients can be held to a list of known operations: the manifest GraphQL Code
 * Generator writes with `persistedDocuments: true` (sha256 hash → document). A client sends
 * either the hash alone, in Apollo's persisted-query form
 * (`extensions.persistedQuery.sha256Hash`), or the full text of a listed operation; anything
 * else is refused before it executes, so ad-hoc queries never reach a resolver.
 */
export function operationAllowlist(manifest: Record<string, string>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      // Fill in the document for a hash-only request; Apollo then checks the hash matches it.
      if (!request.query && typeof hash === 'string' && manifest[hash]) request.query = manifest[hash];
      return {
        // The first hook where Apollo 5 answers a thrown GraphQLError as the client's error (earlier ones become a 500).
        async didResolveOperation({ source }) {
          if (!manifest[operationHash(source)]) {
            throw new GraphQLError('This server only runs the operations its clients were built with.', {
              extensions: { code: 'OPERATION_NOT_ALLOWED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
