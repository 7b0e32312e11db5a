import type { EntityManager } from '@mikro-orm/postgresql';
import { InvalidInput, UnsupportedCurrency } from '../common/common.errors';
import { isUuid } from '../common/ids';
import { queryPrepared } from '../db/prepared';
import { PRIMARY_READS, type CatalogReads } from '../db/read-replicas';
import { isSaleCurrency, MAX_AMOUNT_MINOR } from '../common/money';
import { normalizeAddressRegion, normalizeRegion, RegionRefusal, regionWithParents } from '../common/regions';
import { InvalidPrice } from '../catalog/catalog.errors';
import { ShippingMethod, ShippingRate } from './shipping-method.entity';
import { ShippingMethodNotFound, ShippingNotSupported } from './shipping.errors';

export interface Destination {
  country: string;
  region?: string | null;
  currency: string;
}

export interface ShippingQuote {
  methodId: string;
  methodName: string;
  amountMinor: number;
  currency: string;
}

export interface CreateShippingMethodCommand {
  name: string;
  rates: Array<{ country: string; region?: string | null; currency: string; amountMinor: number }>;
}

/** Which methods deliver where, and at what price. */
export class ShippingService {
  /** `reads`: where the rates are read; checkout makes its own service, on the primary. */
  constructor(
    private readonly em: EntityManager,
    private readonly reads: CatalogReads = PRIMARY_READS,
  ) {}

  /**
   * Every active method that serves the destination, cheapest first. Per method, the rate for
   * the destination's region wins over a rate for a region enclosing it, which wins over the
   * country-wide rate (region null). The destination's region is a code (see addressSnapshot).
   */
  async options(destination: Destination): Promise<ShippingQuote[]> {
    const country = destination.country.toUpperCase();
    const currency = destination.currency.toUpperCase();
    // Plain rows: checkout prices shipping on its hot path, where hydrating entities costs more than the query.
    const rates = await this.reads.run((connection) =>
      queryPrepared<{ method_id: string; method_name: string; region: string | null; amount_minor: number }>(
        this.em,
        `select r.method_id, m.name as method_name, r.region, r.amount_minor
           from shipping_rate r join shipping_method m on m.id = r.method_id
          where r.country = ? and r.currency = ? and m.active`,
        [country, currency],
        connection,
      ),
    );
    const region = destination.region?.trim() || null;
    // Specificity of a rate: its place in the region's chain, innermost first; country-wide last.
    const regions = region ? regionWithParents(country, region) : [];
    const best = new Map<string, { rate: (typeof rates)[number]; rank: number }>();
    for (const rate of rates) {
      const rank = rate.region === null ? regions.length : regions.indexOf(rate.region);
      if (rank < 0) continue;
      const current = best.get(rate.method_id);
      if (!current || rank < current.rank || (rank === current.rank && rate.amount_minor < current.rate.amount_minor)) {
        best.set(rate.method_id, { rate, rank });
      }
    }
    return [...best.values()]
      .map(({ rate }) => ({ methodId: rate.method_id, methodName: rate.method_name, amountMinor: rate.amount_minor, currency }))
      .sort((a, b) => a.amountMinor - b.amountMinor || a.methodName.localeCompare(b.methodName));
  }

  /** options() for an address's region as a shopper wrote it (code or name); a refusal when it names no region. */
  async optionsFor(destination: Destination): Promise<ShippingQuote[] | RegionRefusal> {
    const region = normalizeAddressRegion(destination.country, destination.region);
    if (region instanceof RegionRefusal) return region;
    return this.options({ ...destination, region });
  }

  /** The price of the chosen method for the destination, or the cheapest when none is chosen. */
  async quote(destination: Destination, methodId?: string | null): Promise<ShippingQuote | ShippingNotSupported | ShippingMethodNotFound> {
    if (methodId && !isUuid(methodId)) return new ShippingMethodNotFound(methodId);
    const options = await this.options(destination);
    const chosen = methodId ? options.find((o) => o.methodId === methodId) : options[0];
    // Only a method that serves nothing here needs the question of whether it exists at all.
    if (methodId && !chosen && !(await this.em.count(ShippingMethod, { id: methodId, active: true }))) {
      return new ShippingMethodNotFound(methodId);
    }
    return chosen ?? new ShippingNotSupported(destination.country.toUpperCase(), destination.region?.trim() || null, destination.currency.toUpperCase());
  }

  listMethods(): Promise<ShippingMethod[]> {
    return this.em.find(ShippingMethod, {}, { orderBy: { name: 'asc' } });
  }

  async createMethod(input: CreateShippingMethodCommand): Promise<ShippingMethod | InvalidInput | UnsupportedCurrency | InvalidPrice> {
    const name = input.name.trim();
    if (!name) return new InvalidInput('name', 'A shipping method needs a name.');
    if (input.rates.length === 0) return new InvalidInput('rates', 'A shipping method needs at least one rate.');
    const zones = new Set<string>();
    const regions: Array<string | null> = [];
    for (const [i, rate] of input.rates.entries()) {
      const region = normalizeRegion(rate.country, rate.region);
      if (region instanceof RegionRefusal) return new InvalidInput(`rates.${i}.region`, region.message);
      regions.push(region);
      const currency = rate.currency.toUpperCase();
      if (!isSaleCurrency(currency)) return new UnsupportedCurrency(currency);
      if (!Number.isInteger(rate.amountMinor) || rate.amountMinor < 0 || rate.amountMinor > MAX_AMOUNT_MINOR) {
        return new InvalidPrice(currency, rate.amountMinor);
      }
      const zone = [rate.country.toUpperCase(), region ?? '', currency].join('|');
      if (zones.has(zone)) return new InvalidInput(`rates.${i}`, 'Two rates for the same country, region and currency.');
      zones.add(zone);
    }
    const method = this.em.create(ShippingMethod, { name });
    for (const [i, rate] of input.rates.entries()) {
      this.em.create(ShippingRate, {
        method,
        country: rate.country.toUpperCase(),
        region: regions[i],
        currency: rate.currency.toUpperCase(),
        amountMinor: rate.amountMinor,
      });
    }
    await this.em.flush();
    return method;
  }
}
