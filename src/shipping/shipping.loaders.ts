import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupByKeys } from '../catalog/catalog.loaders';
import { ShippingRate } from './shipping-method.entity';

export function createShippingLoaders(em: EntityManager) {
  return {
    ratesByMethodId: new DataLoader<string, ShippingRate[]>(async (methodIds) => {
      const rates = await em.find(
        ShippingRate,
        { method: { $in: [...methodIds] } },
        { orderBy: { country: 'asc', region: 'asc', currency: 'asc' } },
      );
      return groupByKeys(methodIds, rates, (r) => r.method.id);
    }),
  };
}
