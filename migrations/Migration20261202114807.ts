import { Migration } from '@mikro-orm/migrations';
import { normalizeRegion } from '../src/common/regions';

/**
 * Shipping rates' regions become ISO 3166-2 codes ("Okinawa" in JP becomes "47"), so that
 * they match addresses, which are now stored with the code. The names are resolved with the
 * same data set as the application (iso-3166, pinned), which SQL cannot read, hence the loop.
 * A region that names no subdivision is left as it is: it matches no address any more, and
 * staff see it in `shippingMethods`. Carts hold no address; orders keep the address as the
 * buyer wrote it (a snapshot, already priced).
 */
export class Migration20261202114807 extends Migration {

  override async up(): Promise<void> {
    const zones = await this.execute(`select distinct country, region from shipping_rate where region is not null`);
    for (const { country, region } of zones as Array<{ country: string; region: string }>) {
      const code = normalizeRegion(country, region);
      if (typeof code === 'string' && code !== region) {
        await this.execute(`update shipping_rate set region = ? where country = ? and region = ?`, [code, country, region]);
      }
    }
  }

  override async down(): Promise<void> {
    // Nothing to undo: before this migration a code was a valid region too, matched as text.
  }

}
