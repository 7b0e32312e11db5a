import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { CustomerService } from './auth/customer.service';
import { isSignedIn, type Viewer } from './auth/viewer';
import { createCatalogLoaders } from './catalog/catalog.loaders';
import { CatalogService } from './catalog/catalog.service';
import { createCartLoaders } from './cart/cart.loaders';
import { CartService } from './cart/cart.service';
import { createShippingLoaders } from './shipping/shipping.loaders';
import { ShippingService } from './shipping/shipping.service';
import { CheckoutService, type CheckoutSettings } from './checkout/checkout.service';
import { createOrderLoaders } from './orders/orders.loaders';
import { OrdersService } from './orders/orders.service';
import { OrderLifecycle } from './orders/order-lifecycle.service';
import type { PaymentProviders } from './payments/payment-provider';
import { PaymentsService, type CheckoutUrls } from './payments/payments.service';
import { RequestReads, type ReplicaReads } from './db/read-replicas';

/**
 * Everything a resolver may use, built fresh for each request: a forked EntityManager (the
 * request's unit of work), the viewer, per-request DataLoaders and the services over them.
 */
export interface Context {
  em: EntityManager;
  viewer: Viewer;
  /** Who to count for rate limits: `customer:<sub>` when signed in, else `ip:<address>`. */
  clientKey: string;
  log: Logger;
  /** Where this request's catalog reads go: the primary unless http/replica-routing.ts allows a replica. */
  reads: RequestReads;
  loaders: ReturnType<typeof createLoaders>;
  services: ReturnType<typeof createServices>;
}

/** Each module's loaders are made when a resolver first asks: a checkout needs only the orders'. */
function createLoaders(em: EntityManager, reads: RequestReads) {
  let catalog: ReturnType<typeof createCatalogLoaders> | undefined;
  let cart: ReturnType<typeof createCartLoaders> | undefined;
  let orders: ReturnType<typeof createOrderLoaders> | undefined;
  let shipping: ReturnType<typeof createShippingLoaders> | undefined;
  return {
    get catalog() {
      return (catalog ??= createCatalogLoaders(em, reads));
    },
    get cart() {
      return (cart ??= createCartLoaders(em));
    },
    get orders() {
      return (orders ??= createOrderLoaders(em));
    },
    get shipping() {
      return (shipping ??= createShippingLoaders(em));
    },
  };
}

/** What the services need from configuration and the outside world; the composition root fills it in. */
export interface ServiceSettings {
  checkout: CheckoutSettings;
  /** The shop's currency, for a cart created without one. */
  defaultCurrency: string;
  /** Every payment provider the shop takes (Stripe only when configured). */
  providers: PaymentProviders;
  checkoutUrls: CheckoutUrls;
  /** The read replicas, when DATABASE_REPLICA_URLS names any. */
  replicas?: ReplicaReads;
}

function createServices(em: EntityManager, viewer: Viewer, log: Logger, settings: ServiceSettings, reads: RequestReads) {
  const customers = new CustomerService(em, viewer);
  const cart = new CartService(em, viewer, customers, settings.defaultCurrency);
  const lifecycle = new OrderLifecycle(em);
  const payments = new PaymentsService(em, viewer, settings.providers, settings.checkoutUrls, log);
  return {
    catalog: new CatalogService(em, reads),
    customers,
    cart,
    shipping: new ShippingService(em, reads),
    checkout: new CheckoutService(em, viewer, cart, payments, settings.checkout),
    orders: new OrdersService(em, viewer, lifecycle),
    lifecycle,
    payments,
  };
}

export function createContext(em: EntityManager, viewer: Viewer, log: Logger, settings: ServiceSettings, ip?: string): Context {
  const clientKey = isSignedIn(viewer) ? `customer:${viewer.customerId}` : `ip:${ip ?? 'unknown'}`;
  const reads = new RequestReads(settings.replicas);
  return { em, viewer, clientKey, log, reads, loaders: createLoaders(em, reads), services: createServices(em, viewer, log, settings, reads) };
}
