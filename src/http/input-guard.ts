import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { InvalidInput } from '../common/common.errors';
import { jsonLimit, jsonProblem, listLimit, MAX_ID_LENGTH, stringLimit, stringProblem } from '../common/input-limits';

interface Refusal {
  /** Path of the input field, as InvalidInput names it: `buyer.email`, `variants.0.sku`, `reason`. */
  field: string;
  message: string;
}

/**
 * Checks every string, id, JSON and list argument of every query and mutation against the limits
 * in src/common/input-limits.ts before the resolver runs, so no service sees a value the
 * database would choke on. A mutation answers `InvalidInput` naming the field; a query,
 * which returns data rather than a union, answers 400 BAD_USER_INPUT. Nothing is read or
 * written for a refused request.
 *
 * Resolvers are wrapped on the built schema, so a new query or mutation is covered without
 * being listed anywhere; fields without such arguments are left as they are.
 */
export function guardInputSizes(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (!field.resolve || !field.args.some((argument) => hasLimitedInput(argument.type))) continue;
      const resolve = field.resolve;
      const refuse = refusalFor(root.name, field);
      field.resolve = (source, args, context, info) => {
        const refusal = findRefusal(root.name, field, args);
        return refusal ? refuse(refusal) : resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

/** Mutations whose result union can hold InvalidInput; every other field gets a 400. */
export function answersInvalidInput(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNullableType(field.type);
  return isUnionType(type) && type.getTypes().some((member) => member.name === InvalidInput.name);
}

function refusalFor(rootName: string, field: GraphQLField<unknown, unknown>): (refusal: Refusal) => unknown {
  if (rootName === 'Mutation' && answersInvalidInput(field)) {
    return ({ field: path, message }) => new InvalidInput(path, message);
  }
  return ({ field: path, message }) => {
    throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument: path, http: { status: 400 } } });
  };
}

function findRefusal(rootName: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): Refusal | undefined {
  for (const argument of field.args) {
    const value = args[argument.name];
    if (value === undefined || value === null) continue;
    // `input.buyer.email` is `buyer.email`, as the services name fields of their input.
    const path = argument.name === 'input' ? '' : argument.name;
    const refusal = check(value, argument.type, `${rootName}.${field.name}.${argument.name}`, path);
    if (refusal) return refusal;
  }
  return undefined;
}

function check(value: unknown, type: GraphQLInputType, limitKey: string, path: string): Refusal | undefined {
  if (value === null || value === undefined) return undefined;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = value as unknown[];
    const maxItems = listLimit(limitKey);
    if (items.length > maxItems) return { field: path, message: `"${path}" may hold at most ${maxItems} items (got ${items.length}).` };
    for (let i = 0; i < items.length; i += 1) {
      const refusal = check(items[i], nullable.ofType, limitKey, join(path, String(i)));
      if (refusal) return refusal;
    }
    return undefined;
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
      const inputField = fields[name];
      if (!inputField) continue;
      const refusal = check(child, inputField.type, `${nullable.name}.${name}`, join(path, name));
      if (refusal) return refusal;
    }
    return undefined;
  }
  let problem: string | undefined;
  if (nullable.name === 'String' && typeof value === 'string') problem = stringProblem(value, stringLimit(limitKey));
  else if (nullable.name === 'ID' && typeof value === 'string') problem = stringProblem(value, MAX_ID_LENGTH);
  else if (nullable.name === 'JSONObject') problem = jsonProblem(value, jsonLimit(limitKey));
  return problem ? { field: path, message: `"${path}" ${problem}` } : undefined;
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** Whether an argument of this type can hold a string, id, JSON value or list anywhere inside it. */
function hasLimitedInput(type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (isListType(getNullableType(type))) return true;
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'String' || named.name === 'ID' || named.name === 'JSONObject';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((inputField) => hasLimitedInput(inputField.type, seen));
}
