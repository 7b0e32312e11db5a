import { GraphQLObjectType, GraphQLScalarType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Storage = ReturnType<typeof getMetadataStorage>;
type FieldResolverMetadata = Storage['fieldResolvers'][number];
type ParamMetadata = NonNullable<FieldResolverMetadata['params']>[number];

/** Argument values type-graphql hands over unchanged when validation is off: scalars and enums, not input classes. */
function isPlainValueType(type: unknown, storage: Storage): boolean {
  if (type instanceof GraphQLScalarType || type === String || type === Number || type === Boolean || type === Date) return true;
  if (typeof type === 'function') return false;
  return storage.enums.some((e) => e.enumObj === type);
}

/** A parameter this module can pass itself, exactly as type-graphql would, with no promise. */
function isDirect(param: ParamMetadata, storage: Storage): boolean {
  switch (param.kind) {
    case 'context':
    case 'info':
      return true;
    case 'root': {
      // type-graphql converts the root to a declared class; an interface or a type alias reflects as Object.
      const type = param.getType?.();
      return type === undefined || type === Object;
    }
    case 'arg':
      return !param.validateFn && param.validateSettings === undefined && isPlainValueType(param.getType(), storage);
    default:
      return false;
  }
}

type Resolve = GraphQLFieldResolver<unknown, Record<string, unknown>, Record<string, unknown>>;
type Getter = (...resolverArgs: Parameters<Resolve>) => unknown;

/** How a parameter's value is read from what graphql passes a resolver. */
function getterOf(param: ParamMetadata): Getter {
  switch (param.kind) {
    case 'context': {
      const { propertyName } = param;
      return propertyName ? (_root, _args, context) => context[propertyName] : (_root, _args, context) => context;
    }
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'root': {
      const { propertyName } = param;
      return propertyName ? (root) => (root as Record<string, unknown>)[propertyName] : (root) => root;
    }
    case 'arg': {
      const { name } = param;
      return (_root, args) => args[name];
    }
    default:
      throw new Error(`unexpected parameter kind ${param.kind}`);
  }
}

/** A resolver calling `method` on `self` with its parameters read by `getters`, without an array per call for up to three. */
function directCall(self: object, method: (...values: unknown[]) => unknown, getters: Getter[]): Resolve {
  const [a, b, c] = getters;
  switch (getters.length) {
    case 0:
      return () => method.call(self);
    case 1:
      return (root, args, context, info) => method.call(self, a(root, args, context, info));
    case 2:
      return (root, args, context, info) => method.call(self, a(root, args, context, info), b(root, args, context, info));
    case 3:
      return (root, args, context, info) => method.call(self, a(root, args, context, info), b(root, args, context, info), c(root, args, context, info));
    default:
      return (root, args, context, info) => method.apply(self, getters.map((get) => get(root, args, context, info)));
  }
}

/**
 * Field resolvers called as plain methods. type-graphql 2.0 (rc.4) runs every field resolver
 * through an asynchronous argument step even with validation off: a field with an argument,
 * such as a variant's `price(currency)`, returned a promise per row, with a sort, a
 * `Promise.all` and a `then` each time (a third of the memory a products page allocated).
 * For a field resolver of a resolver class that has no middleware, no role check, no
 * validation, and only context, info, an untyped root and scalar or enum arguments as
 * parameters, type-graphql's wrapper does nothing but call the method, so the method is
 * called directly, on the same kind of resolver instance. Every other field keeps
 * type-graphql's resolver. The schema must be built with no global middlewares.
 */
export function withDirectFieldResolvers(schema: GraphQLSchema, resolverClasses: readonly (new () => object)[], validation: boolean): GraphQLSchema {
  if (validation) return schema;
  const storage = getMetadataStorage();
  const instances = new Map<Function, object>();
  for (const resolver of storage.fieldResolvers) {
    const target = resolver.target as new () => object;
    if (resolver.kind !== 'external' || !resolverClasses.includes(target)) continue;
    const { middlewares = [], params: declared = [] } = resolver;
    if (middlewares.length > 0 || resolver.roles !== undefined || !resolver.getObjectType) continue;
    if (!declared.every((param) => isDirect(param, storage))) continue;
    const objectType = storage.objectTypes.find((type) => type.target === resolver.getObjectType!());
    const graphqlType = objectType && schema.getType(objectType.name);
    if (!(graphqlType instanceof GraphQLObjectType)) continue;
    const field = graphqlType.getFields()[resolver.schemaName];
    if (!field) continue;

    let instance = instances.get(target);
    if (!instance) {
      instance = new target();
      instances.set(target, instance);
    }
    const method = (instance as Record<string, (...values: unknown[]) => unknown>)[resolver.methodName];
    const getters = [...declared].sort((a, b) => a.index - b.index).map(getterOf);
    field.resolve = directCall(instance, method, getters);
  }
  return schema;
}
