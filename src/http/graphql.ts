import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GraphQLConfig } from '../config';
import type { Context } from '../context';
import { isDatabaseUnavailable } from '../db/unavailable';
import { landingPageWithGraphiQL } from './explorer/route';
import { JitExecutor, staticGateway } from './jit-executor';
import { LeastRecentlyUsed } from './least-recently-used';
import { operationAllowlist } from './operation-allowlist';
import { queryCostPlugin, queryShapeRules } from './query-limits';

// Codes whose message was written for the client; anything else is masked.
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'INTROSPECTION_DISABLED',
  'RATE_LIMITED',
  'OPERATION_NOT_ALLOWED',
]);

/** When a client told SERVICE_UNAVAILABLE may try again (the Retry-After header). */
const RETRY_AFTER_SECONDS = 2;

/**
 * A failure the client did not cause is logged with its stack and reaches the client as a
 * bare INTERNAL_SERVER_ERROR: no SQL, no stack, no internal message. A database that is
 * down, frozen or overloaded is not a bug: that is SERVICE_UNAVAILABLE, which a client may
 * retry (HTTP 503, see serviceUnavailableStatus).
 */
export function maskInternalErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) return formatted;
    const original = unwrapResolverError(error);
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable while resolving a GraphQL request');
      return {
        message: 'The service is briefly unavailable. Try again in a few seconds.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: RETRY_AFTER_SECONDS },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving a GraphQL request');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * Errors from resolvers leave the HTTP status at 200; an answer that could not reach the
 * database is a 503 with Retry-After, so that load balancers, proxies and clients treat it
 * as the temporary failure it is. A write that timed out may still have been applied:
 * checkout's idempotencyKey makes its retry safe.
 */
function serviceUnavailableStatus(): ApolloServerPlugin<Context> {
  return {
    requestDidStart: async () => ({
      willSendResponse: async ({ response }) => {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
        if (!errors?.some((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
      },
    }),
  };
}

/**
 * Drops graphql-js's "Did you mean ...?" hints, which name fields, arguments and enum values
 * that disabled introspection is meant to keep private. Apollo's hideSchemaDetailsFromClientErrors
 * only covers validation errors, not variables that fail to coerce.
 */
function withoutSuggestions(format: ReturnType<typeof maskInternalErrors>): ReturnType<typeof maskInternalErrors> {
  return (formatted, error) => {
    const result = format(formatted, error);
    return { ...result, message: result.message.replace(/ ?Did you mean(.+?)\?$/, '') };
  };
}

export function createApolloServer(options: {
  schema: GraphQLSchema;
  httpServer: Server;
  logger: Logger;
  graphql: GraphQLConfig;
  /** More plugins from the composition root, such as the checkout rate limit. */
  plugins?: ApolloServerPlugin<Context>[];
  /** Runs the operations; by default one made from `graphql.limits`. */
  executor?: JitExecutor;
}): ApolloServer<Context> {
  const { introspection, limits } = options.graphql;
  const executor = options.executor ?? new JitExecutor(options.schema, { capacity: limits.compiledDocuments, compileAfterRuns: limits.compileAfterRuns });
  const plugins: ApolloServerPlugin<Context>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
    // Sandbox and GraphiQL need introspection, so one setting governs all three.
    introspection ? landingPageWithGraphiQL() : ApolloServerPluginLandingPageDisabled(),
    ...(options.graphql.operationManifest ? [operationAllowlist(options.graphql.operationManifest)] : []),
    queryCostPlugin(limits.maxCost),
    // Cache hints serve GET requests behind a CDN; this API is POST only. Left on, Apollo's
    // default cache-control plugin wraps every field resolver of every request.
    ApolloServerPluginCacheControlDisabled(),
    serviceUnavailableStatus(),
    ...(options.plugins ?? []),
  ];
  return new ApolloServer<Context>({
    gateway: staticGateway(options.schema, executor.execute),
    plugins,
    introspection,
    parseOptions: { maxTokens: limits.maxTokens },
    documentStore: documentStore(limits.documentCacheSize),
    validationRules: queryShapeRules(limits),
    // A JSON array of operations is one HTTP request doing the work of many; refuse it (400).
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: introspection ? maskInternalErrors(options.logger) : withoutSuggestions(maskInternalErrors(options.logger)),
  });
}

/**
 * Apollo keeps each parsed and validated document so that the same text is not parsed again.
 * Its default store is bounded at 30 MB of the documents' JSON, but a document's AST (with its
 * token list and locations) takes several times its JSON in memory: anyone sending unique
 * documents grew the process by hundreds of MB. Counting entries bounds it by what a document
 * may hold (GRAPHQL_MAX_TOKENS), and the cost memo in query-limits.ts, keyed by these
 * documents, goes with them.
 */
function documentStore(entries: number): DocumentStore | null {
  if (entries === 0) return null;
  const documents = new LeastRecentlyUsed<DocumentNode>(entries);
  const store = {
    get size() {
      return documents.size;
    },
    get: async (key: string) => documents.get(key),
    set: async (key: string, value: DocumentNode) => documents.set(key, value),
    delete: async (key: string) => documents.delete(key),
  };
  return store;
}

type DocumentStore = NonNullable<ApolloServerOptions<Context>['documentStore']>;
