import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { CustomerService } from './auth/customer.service';
import type { Viewer } from './auth/viewer';
import { createCatalogLoaders } from './catalog/catalog.loaders';
import { CatalogService } from './catalog/catalog.service';

/**
 * Everything a resolver may use, built fresh for each request: a forked EntityManager (the
 * request's unit of work), the viewer, per-request DataLoaders and the services over them.
 */
export interface Context {
  em: EntityManager;
  viewer: Viewer;
  log: Logger;
  loaders: ReturnType<typeof createLoaders>;
  services: ReturnType<typeof createServices>;
}

function createLoaders(em: EntityManager) {
  return { catalog: createCatalogLoaders(em) };
}

function createServices(em: EntityManager, viewer: Viewer) {
  return {
    catalog: new CatalogService(em),
    customers: new CustomerService(em, viewer),
  };
}

export function createContext(em: EntityManager, viewer: Viewer, log: Logger): Context {
  return { em, viewer, log, loaders: createLoaders(em), services: createServices(em, viewer) };
}
