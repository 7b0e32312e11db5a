import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute,
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LeastRecentlyUsed } from './least-recently-used';

interface Entry {
  runs: number;
  /** Undefined until compiled; null when graphql-jit could not compile it. */
  compiled?: CompiledQuery | null;
}

/**
 * Executes operations with graphql-jit, which compiles a document into JavaScript that calls
 * the resolvers directly: graphql-js walks the document and the schema again for every object
 * of every request, which was a fifth of a products page's CPU (npm run bench). Apollo Server
 * takes another executor only through its gateway interface; parsing, validation (with the
 * project's rules), plugins and error formatting stay Apollo's.
 *
 * It answers as graphql-js does, with two differences mended here: graphql-jit coerces
 * variables with errors that lack the variable's node (Apollo then cannot tell a client's bad
 * variable from a bug), so variables it refuses are coerced again by graphql-js for its
 * errors (coercing every request's variables twice cost checkout 2% of its CPU); and it can return
 * resolver errors with `extensions: undefined`, which skips Apollo's formatting and the
 * masking of internal errors (http/graphql.ts), so errors are re-wrapped as GraphQLError.
 *
 * Compiled documents are kept per document text and operation, least recently used first out,
 * at most `capacity`. A document is compiled on its `compileAfterRuns`-th run: compiling costs
 * about 15 ms of CPU, running a catalog page on graphql-js about 2 ms, so a document sent once
 * (or a stream of unique documents) must not make the server pay for a compilation.
 * Introspection runs on graphql-js: it is rare and its answer large.
 */
export class JitExecutor {
  private readonly documents: LeastRecentlyUsed<Entry>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: { capacity: number; compileAfterRuns: number },
  ) {
    this.documents = new LeastRecentlyUsed<Entry>(options.capacity);
  }

  /** Documents now kept compiled. */
  get compiled(): number {
    return [...this.documents.values()].filter((entry) => entry.compiled).length;
  }

  /** Documents counted, compiled or not: at most `capacity`. */
  get tracked(): number {
    return this.documents.size;
  }

  readonly execute: GatewayExecutor = async (request) => {
    const { schema } = this;
    const { document, operation, operationName, context } = request;
    const inputs = request.request.variables ?? {};
    if (this.options.capacity === 0 || isIntrospection(operation)) {
      return execute({ schema, document, operationName, variableValues: inputs, contextValue: context });
    }

    const key = `${operationName ?? ''}\n${request.queryHash}`;
    let entry = this.documents.get(key);
    if (!entry) {
      entry = { runs: 0 };
      this.documents.set(key, entry);
    }
    entry.runs += 1;
    if (entry.compiled === undefined && entry.runs >= this.options.compileAfterRuns) {
      entry.compiled = compile(schema, document, operationName);
    }
    if (!entry.compiled) {
      return execute({ schema, document, operationName, variableValues: inputs, contextValue: context });
    }
    const result = await entry.compiled.query(undefined, context, inputs);
    if (result.data === undefined && result.errors?.length) {
      // Nothing ran: graphql-jit refused the variables. graphql-js's coercion says why in the
      // words, and with the nodes, Apollo classifies as the client's error.
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
      if (coerced.errors) return { errors: coerced.errors };
    }
    return withGraphQLErrors(result);
  };
}

/** Apollo Server's gateway interface around an executor for a schema that never changes. */
export function staticGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  return {
    load: async () => ({ executor }),
    onSchemaLoadOrUpdate: (callback) => {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    stop: async () => undefined,
  };
}

/** Null when graphql-jit cannot compile the document: graphql-js runs it, and it is not tried again. */
function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | null {
  const compiled = compileQuery(schema, document, operationName ?? undefined);
  // Validation already passed, so compiling should not fail on the document.
  return isCompiledQuery(compiled) ? compiled : null;
}

function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind === 'Field' && selection.name.value.startsWith('__') && selection.name.value !== '__typename');
}

/**
 * graphql-jit's errors as graphql-js builds them, so that Apollo formats and masks them: it
 * leaves `extensions` undefined (and not writable) on an error a resolver threw, where
 * graphql-js gives `{}` or the thrown error's own. The copy keeps the locations, which
 * graphql-jit gives without the nodes they come from.
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => !error.extensions)) return result;
  const errors = result.errors.map((error) => {
    if (error.extensions) return error;
    // Without `extensions`, GraphQLError takes the original error's own, else {}.
    const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? error });
    (copy as { locations?: GraphQLError['locations'] }).locations = error.locations;
    return copy;
  });
  return { ...result, errors };
}
