import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { getVariableValues, GraphQLError, Kind, visit, type DocumentNode, type ValidationContext, type ValueNode, type ValidationRule } from 'graphql';
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

/**
 * The variables a document's cost depends on: those given to `first` and to @include/@skip.
 * Any other variable (a checkout's input, say) leaves the cost unchanged.
 */
function costInputs(document: DocumentNode): string[] {
  const names = new Set<string>();
  const add = (value: ValueNode | undefined) => {
    if (value?.kind === Kind.VARIABLE) names.add(value.name.value);
  };
  visit(document, {
    Field: (field) => add(field.arguments?.find((argument) => argument.name.value === 'first')?.value),
    Directive: (directive) => add(directive.arguments?.find((argument) => argument.name.value === 'if')?.value),
  });
  return [...names].sort();
}

/** Costs already worked out, per document and the values of its cost inputs. */
interface CostMemo {
  inputs: string[];
  costs: Map<string, number>;
}

// Enough for the page sizes and @include flags one document is sent with; a client cycling
// through more only makes the server price again.
const MEMO_SIZE = 64;

/**
 * Refuses an operation whose estimated cost (1 per field, times page sizes) is above the limit.
 * Apollo hands over the same parsed document for every request that sends the same text, so a
 * cost is worked out once per document and set of cost inputs, not on every request.
 */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  const memos = new WeakMap<DocumentNode, CostMemo>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, operationName }) {
          let memo = memos.get(document);
          if (!memo) memos.set(document, (memo = { inputs: costInputs(document), costs: new Map() }));
          const variables = request.variables ?? {};
          const key = JSON.stringify([operationName ?? null, ...memo.inputs.map((name) => variables[name] ?? null)]);
          let cost = memo.costs.get(key);
          if (cost === undefined || cost > maxCost) {
            // Variables that do not fit are refused at execution with Apollo's own BAD_USER_INPUT,
            // before any resolver runs; leave that answer to it.
            const { errors } = getVariableValues(schema, operation?.variableDefinitions ?? [], variables);
            if (errors?.length) return;
          }
          if (cost === undefined) {
            try {
              cost = getComplexity({
                schema,
                query: document,
                variables,
                operationName: operationName ?? undefined,
                estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
              });
            } catch (error) {
              // Such as fragments that expand to more than the 10,000 selections the library will walk.
              throw tooComplex(error instanceof GraphQLError ? error.message : 'The query is too complex to price.');
            }
            if (memo.costs.size >= MEMO_SIZE) memo.costs.clear();
            memo.costs.set(key, cost);
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
