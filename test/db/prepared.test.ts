import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { lockVariants } from '../../src/catalog/stock';
import { queryPrepared } from '../../src/db/prepared';
import { useTestApp } from '../support/app';
import { createProduct } from '../support/catalog-fixtures';

const app = useTestApp();

describe('prepared statements on the hot path', () => {
  it('lock variants inside the caller’s transaction, held until it ends', async () => {
    const product = await createProduct(app);
    const variantId = product.variants[0].id;
    const others = app.server.orm.em.fork();
    const lockedElsewhere = () => others.execute('select id from variant where id = ? for update nowait', [variantId]);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = app.server.orm.em.fork().transactional(async (tx) => {
      expect(await lockVariants(tx, [variantId])).toHaveLength(1);
      await held;
    });
    // Wait until the transaction holds the lock, then try to take it from another connection.
    await expect.poll(async () => lockedElsewhere().then(() => 'free', (error: Error) => error.message), { timeout: 5000 }).toMatch(/could not obtain lock/);
    release();
    await transaction;
    await expect(lockedElsewhere()).resolves.toHaveLength(1);
  });

  it('bind values as parameters and report failures as MikroORM exceptions', async () => {
    const em = app.server.orm.em.fork();
    const text = "select ?::text || ?::text as joined";
    expect(await queryPrepared(em, text, ["it's ", '?'])).toEqual([{ joined: "it's ?" }]);
    expect(await queryPrepared(em, text, ['twice', '!'])).toEqual([{ joined: 'twice!' }]);
    const product = await createProduct(app);
    await expect(
      queryPrepared(em, "insert into variant_price (id, created_at, updated_at, variant_id, currency, amount_minor) values (gen_random_uuid(), now(), now(), ?, 'USD', 5)", [
        product.variants[0].id,
      ]),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });
});
