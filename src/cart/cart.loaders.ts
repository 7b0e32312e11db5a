import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys } from '../catalog/catalog.loaders';
import { CartLine } from './cart.entity';

export function createCartLoaders(em: EntityManager) {
  return {
    linesByCartId: new DataLoader<string, CartLine[]>(async (cartIds) => {
      const lines = await em.find(CartLine, { cart: { $in: [...cartIds] } }, { orderBy: { position: 'asc', id: 'asc' } });
      return groupByKeys(cartIds, lines, (l) => l.cart.id);
    }),
  };
}
