import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Context } from '../context';

/**
 * Root fields that only read the catalog: what a shop window shows, the same for every
 * shopper. A page of these may lag the primary by the replication delay.
 */
const CATALOG_ROOT_FIELDS = new Set(['products', 'product', 'categories', 'shippingOptions', '__typename', '__schema', '__type']);

/**
 * Whether every root field of the operation, through fragments, is a catalog read. A query
 * that also asks for a cart, an order or `me` reads it all on the primary, so that one
 * answer never mixes a fresh cart with a stale catalog.
 */
export function readsOnlyCatalog(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  rootFields: ReadonlySet<string> = CATALOG_ROOT_FIELDS,
): boolean {
  if (operation.operation !== 'query') return false;
  // Each fragment is looked at once: a walk per path would be exponential in doubling fragments.
  const seen = new Set<string>();
  const only = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.every((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return rootFields.has(selection.name.value);
        case Kind.INLINE_FRAGMENT:
          return only(selection.selectionSet);
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          if (seen.has(name)) return true;
          seen.add(name);
          const fragment = fragments[name];
          return fragment !== undefined && only(fragment.selectionSet);
        }
      }
    });
  return only(operation.selectionSet);
}

/**
 * Sends a request's catalog reads to the read replicas when it may read slightly old data:
 * a query of catalog fields only, from a guest or a customer. Mutations (and what they
 * return), carts, orders, checkout and every request from staff read the primary, so they
 * see their own writes. Decided once the operation is known, before any resolver runs.
 */
export function replicaRouting(): ApolloServerPlugin<Context> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operation, document, contextValue }) => {
        if (!operation || contextValue.viewer.isStaff) return;
        const fragments: Record<string, FragmentDefinitionNode> = {};
        for (const definition of document.definitions) {
          if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
        }
        if (readsOnlyCatalog(operation, fragments)) contextValue.reads.allowReplica();
      },
    }),
  };
}
