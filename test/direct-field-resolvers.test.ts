import 'reflect-metadata';
import { GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Money } from '../src/common/money.types';
import type { Context } from '../src/context';
import { buildGraphQLSchema } from '../src/schema';

async function fieldOf(type: string, field: string) {
  const schema = await buildGraphQLSchema();
  return (schema.getType(type) as GraphQLObjectType).getFields()[field];
}

describe('field resolvers called directly', () => {
  it('answers a variant price from prices already read, without a promise', async () => {
    const price = await fieldOf('Variant', 'price');
    const loaders = { catalog: { pricesOf: () => [new Money(1250, 'USD'), new Money(1100, 'EUR')] } };
    const context = { loaders } as unknown as Context;
    const answer = price.resolve!({ id: 'v1' }, { currency: 'eur' }, context, {} as GraphQLResolveInfo);
    expect(answer).toBeInstanceOf(Money);
    expect(answer).toEqual(new Money(1100, 'EUR'));
  });

  it('leaves the resolver of a field with a role check to type-graphql, which checks the role', async () => {
    const stock = await fieldOf('Variant', 'stock');
    const guest = { viewer: { kind: 'guest', isStaff: false } } as unknown as Context;
    await expect(Promise.resolve().then(() => stock.resolve!({ stockOnHand: 5, stockReserved: 1 }, {}, guest, {} as GraphQLResolveInfo))).rejects.toThrow();
  });
});
