import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth/auth-checker';
import { CustomerResolver } from './auth/customer.resolver';
import { CatalogAdminResolver } from './catalog/catalog-admin.resolver';
import { ProductResolver } from './catalog/product.resolver';
import { VariantResolver } from './catalog/variant.resolver';
import { CartLineResolver, CartResolver } from './cart/cart.resolver';
import { ShippingResolver } from './shipping/shipping.resolver';
import { CheckoutResolver } from './checkout/checkout.resolver';
import { withDirectFieldResolvers } from './direct-field-resolvers';
import { guardInputSizes } from './http/input-guard';
import { OrderLineResolver, OrderResolver } from './orders/order.resolver';
import { PaymentResolver, RefundResolver } from './payments/payment.resolver';
import { PaymentsResolver } from './payments/payments.resolver';

export const RESOLVERS = [
  CustomerResolver,
  ProductResolver,
  VariantResolver,
  CatalogAdminResolver,
  ShippingResolver,
  CartResolver,
  CartLineResolver,
  CheckoutResolver,
  OrderResolver,
  OrderLineResolver,
  PaymentResolver,
  RefundResolver,
  PaymentsResolver,
] as const;

let schema: Promise<GraphQLSchema> | undefined;

/** Inputs are checked by the services and http/input-guard.ts, not class-validator. */
const VALIDATION = false;

/**
 * The executable schema, built once per process from the decorated resolvers and types, with
 * field resolvers called directly where type-graphql's wrapper adds nothing
 * (direct-field-resolvers.ts) and every query and mutation argument held to the sizes in
 * src/common/input-limits.ts.
 */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: VALIDATION,
  })
    .then((built) => withDirectFieldResolvers(built, RESOLVERS, VALIDATION))
    .then(guardInputSizes);
  return schema;
}
