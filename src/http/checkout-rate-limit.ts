import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Knex } from '@mikro-orm/postgresql';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Context } from '../context';

/**
 * At most `perMinute` checkouts per client per minute: per token `sub` when signed in, else
 * per IP address. Only `checkout` counts; every other operation passes untouched.
 *
 * The counts live in PostgreSQL (table `rate_limit`, made by a migration), so every server
 * process on the database shares them: one atomic upsert per checkout, on the ORM's pool. A
 * client already over the limit is refused from this process's memory until its minute ends,
 * so a flood costs the database nothing. Past what one PostgreSQL should carry,
 * rate-limiter-flexible's RateLimiterRedis takes the same options.
 */
export class CheckoutRateLimit {
  private readonly limiter: RateLimiterPostgres;

  constructor(
    private readonly perMinute: number,
    knex: Knex,
  ) {
    this.limiter = new RateLimiterPostgres({
      storeClient: knex,
      storeType: 'knex',
      tableName: 'rate_limit',
      // The migration made it; the server never creates tables.
      tableCreated: true,
      keyPrefix: 'checkout',
      points: perMinute,
      duration: 60,
      inMemoryBlockOnConsumed: perMinute + 1,
    });
  }

  plugin(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ operation, document, contextValue }) => {
          if (operation?.operation !== 'mutation') return;
          const checkouts = countCheckouts(operation.selectionSet, fragmentsOf(document));
          if (checkouts === 0) return;
          try {
            // Aliased checkouts in one operation each count.
            await this.limiter.consume(contextValue.clientKey, checkouts);
          } catch (rejection) {
            if (rejection instanceof RateLimiterRes) throw this.rateLimited(rejection);
            throw rejection;
          }
        },
      }),
    };
  }

  private rateLimited(rejection: RateLimiterRes): GraphQLError {
    const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    return new GraphQLError(
      `Too many checkouts: at most ${this.perMinute} per minute from one client. Try again in ${retryAfterSeconds} seconds.`,
      {
        extensions: {
          code: 'RATE_LIMITED',
          retryAfterSeconds,
          http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
        },
      },
    );
  }
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * The checkouts a mutation runs: its root `checkout` fields, through fragments, counted by
 * response key (alias or name) as graphql-js collects them, so `c1:` and `c2:` are two and the
 * same field reached twice is one. Each fragment is entered once, so the walk is linear in the
 * document: counting every spread instead made `fragment Fk { ...F(k-1) ...F(k-1) }` a walk of
 * 2^k steps (26 such fragments blocked the process for 6.6 s).
 */
function countCheckouts(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
  const responseKeys = new Set<string>();
  const entered = new Set<string>();
  const collect = (selections: SelectionSetNode) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === 'checkout') responseKeys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!entered.has(selection.name.value)) {
        entered.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(selectionSet);
  return responseKeys.size;
}
