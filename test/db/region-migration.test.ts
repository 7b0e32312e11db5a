import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { Migration20261202114807 } from '../../migrations/Migration20261202114807';
import { useTestApp } from '../support/app';

const app = useTestApp();

const sql = (query: string, params: unknown[] = []) => app.server.orm.em.getConnection().execute(query, params);

describe('the migration to ISO 3166-2 region codes', () => {
  it("rewrites shipping rates' region names as codes, and leaves codes and unknown names alone", async () => {
    await sql("insert into shipping_method (id, name) values ('00000000-0000-4000-8000-0000000000f1', 'Before Codes')");
    const rates: Array<[country: string, region: string | null, expected: string | null]> = [
      ['US', 'Alaska', 'AK'],
      ['US', 'hawaii', 'HI'],
      ['US', 'TX', 'TX'],
      ['US', null, null],
      ['JP', 'Okinawa', '47'],
      ['DE', 'Thüringen', 'TH'],
      ['US', 'Nowhere', 'Nowhere'],
      ['EE', 'Tartu', 'Tartu'],
    ];
    for (const [country, region] of rates) {
      await sql(
        "insert into shipping_rate (id, method_id, country, region, currency, amount_minor) values (gen_random_uuid(), '00000000-0000-4000-8000-0000000000f1', ?, ?, 'USD', 100)",
        [country, region],
      );
    }

    const orm = app.server.orm;
    await new Migration20261202114807(orm.em.getDriver() as PostgreSqlDriver, orm.config).up();

    const after = await sql("select country, region from shipping_rate where method_id = '00000000-0000-4000-8000-0000000000f1'");
    expect(after).toHaveLength(rates.length);
    expect(after).toEqual(expect.arrayContaining(rates.map(([country, , region]) => ({ country, region }))));
  });
});
