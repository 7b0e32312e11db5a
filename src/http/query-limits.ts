import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { getVariableValues, GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/pagination';
import type { QueryLimits } from '../config';

/**
 * Static limits on a document's shape: how deep it nests, how many aliases and directives it
 * uses. They run with graphql-js's own validation, so Apollo caches a document that passed
 * and answers one that did not with 400 GRAPHQL_VALIDATION_FAILED before anything executes.
 */
export function queryShapeRules(limits: QueryLimits): ValidationRule[] {
  // armor's rules throw by default, which graphql-js does not catch (a 500); report instead.
  const report = { propagateOnRejection: false, onReject: [reportLimit] };
  return [
    // Depth counts fields, not the fragments a generated client wraps them in.
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ];
}

function reportLimit(context: ValidationContext | null, error: GraphQLError): void {
  // armor prefixes every message with "Syntax Error: ", which these are not.
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}

/**
 * A page of a connection costs its page size times its selection: `products(first: 100)`
 * with variants and prices is 100 times the work of one product. `first` is read after
 * variables are applied, which is why cost is checked per request and not as a validation rule.
 */
const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((argument) => argument.name === 'first')) return undefined;
  const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
  // Out-of-range page sizes are the resolver's to refuse with a clear BAD_USER_INPUT.
  return (1 + childComplexity) * Math.min(Math.max(first, 1), MAX_PAGE_SIZE);
};

/** Refuses an operation whose estimated cost (1 per field, times page sizes) is above the limit. */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, operationName }) {
          // Variables that do not fit are refused at execution with Apollo's own BAD_USER_INPUT,
          // before any resolver runs; leave that answer to it.
          const { errors } = getVariableValues(schema, operation?.variableDefinitions ?? [], request.variables ?? {});
          if (errors?.length) return;
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables,
              operationName: operationName ?? undefined,
              estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Such as fragments that expand to more than the 10,000 selections the library will walk.
            throw tooComplex(error instanceof GraphQLError ? error.message : 'The query is too complex to price.');
          }
          if (cost > maxCost) {
            throw tooComplex(`Query cost limit of ${maxCost} exceeded, found ${cost}. Ask for fewer fields or smaller pages.`);
          }
        },
      };
    },
  };
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}
