import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { CatalogService, type CreateProductCommand } from '../catalog/catalog.service';
import { Category } from '../catalog/category.entity';
import { Product, ProductStatus } from '../catalog/product.entity';
import { ShippingMethod, ShippingRate } from '../shipping/shipping-method.entity';
import { normalizeRegion } from '../common/regions';

const DEMO_LOCK_KEY = 72_616_102;

type Prices = [usdCents: number, eurCents: number, jpyYen: number];

interface DemoProduct {
  name: string;
  category: string;
  description: string;
  status?: ProductStatus;
  prices: Prices;
  /** One variant per entry: options and stock on hand. */
  variants: Array<[options: Record<string, string>, stock: number]>;
}

const CATEGORIES = [
  ['Apparel', 'apparel'],
  ['Footwear', 'footwear'],
  ['Audio', 'audio'],
  ['Home', 'home'],
  ['Accessories', 'accessories'],
] as const;

const sizes = (stock: number, color?: string): DemoProduct['variants'] =>
  ['S', 'M', 'L', 'XL'].map((size): [Record<string, string>, number] => [color ? { size, color } : { size }, stock]);

const PRODUCTS: DemoProduct[] = [
  { name: 'Classic Cotton T-Shirt', category: 'apparel', description: 'Soft organic cotton, regular fit.', prices: [1900, 1800, 2900], variants: [...sizes(40, 'white'), ...sizes(25, 'black')] },
  { name: 'Merino Crew Sweater', category: 'apparel', description: 'Fine merino wool that keeps warm without bulk.', prices: [8900, 8500, 13900], variants: sizes(12, 'navy') },
  { name: 'Rain Shell Jacket', category: 'apparel', description: 'Waterproof, breathable, packs into its own pocket.', prices: [12900, 11900, 19800], variants: sizes(8, 'olive') },
  { name: 'Linen Button-Down Shirt', category: 'apparel', description: 'Washed linen for warm days.', prices: [5900, 5500, 8900], variants: sizes(15) },
  { name: 'Everyday Hoodie', category: 'apparel', description: 'Brushed fleece inside, heavyweight cotton outside.', prices: [6500, 6000, 9800], variants: [...sizes(20, 'grey'), ...sizes(18, 'black')] },
  { name: 'Trail Running Shoes', category: 'footwear', description: 'Grippy outsole and a cushioned ride.', prices: [13900, 12900, 21000], variants: ['40', '41', '42', '43', '44'].map((size) => [{ size }, 6]) },
  { name: 'Leather Chelsea Boots', category: 'footwear', description: 'Full-grain leather, resoleable.', prices: [21900, 19900, 33000], variants: ['40', '41', '42', '43'].map((size) => [{ size, color: 'brown' }, 3]) },
  { name: 'Canvas Sneakers', category: 'footwear', description: 'The low-top that goes with everything.', prices: [6900, 6500, 9900], variants: ['38', '39', '40', '41', '42'].map((size) => [{ size, color: 'white' }, 14]) },
  // A sold-out variant (size M) and a low-stock one (size L), as the demo needs both.
  { name: 'Premium Headphones', category: 'audio', description: 'Over-ear, noise cancelling, 30-hour battery.', prices: [24900, 22900, 36800], variants: [[{ size: 'S', color: 'black' }, 10], [{ size: 'M', color: 'black' }, 0], [{ size: 'L', color: 'black' }, 1]] },
  { name: 'Wireless Earbuds', category: 'audio', description: 'Pocketable case, six hours per charge.', prices: [12900, 11900, 19000], variants: [[{ color: 'white' }, 30], [{ color: 'black' }, 22]] },
  { name: 'Bluetooth Speaker', category: 'audio', description: 'Waterproof speaker with a fabric grille.', prices: [7900, 7500, 11800], variants: [[{ color: 'red' }, 9], [{ color: 'blue' }, 11]] },
  { name: 'Turntable', category: 'audio', description: 'Belt drive with a built-in preamp.', prices: [29900, 27900, 45000], variants: [[{}, 4]] },
  { name: 'Ceramic Pour-Over Set', category: 'home', description: 'Dripper, carafe and two cups.', prices: [4500, 4200, 6800], variants: [[{ color: 'sand' }, 16]] },
  { name: 'Cast Iron Skillet', category: 'home', description: '26 cm, pre-seasoned, will outlive you.', prices: [4900, 4600, 7200], variants: [[{ size: '26cm' }, 21]] },
  { name: 'Linen Bedding Set', category: 'home', description: 'Duvet cover and two pillowcases.', prices: [15900, 14900, 24000], variants: [[{ size: 'double', color: 'white' }, 7], [{ size: 'king', color: 'white' }, 5]] },
  { name: 'Scented Candle', category: 'home', description: 'Cedar and fig, 50 hours of burn time.', prices: [2800, 2600, 4200], variants: [[{}, 48]] },
  { name: 'Leather Wallet', category: 'accessories', description: 'Slim bifold with six card slots.', prices: [5900, 5500, 8800], variants: [[{ color: 'brown' }, 19], [{ color: 'black' }, 23]] },
  { name: 'Canvas Tote Bag', category: 'accessories', description: 'Heavy canvas, inside pocket.', prices: [2900, 2700, 4400], variants: [[{ color: 'natural' }, 35]] },
  { name: 'Wool Beanie', category: 'accessories', description: 'Ribbed knit, one size.', prices: [2500, 2300, 3800], variants: [[{ color: 'charcoal' }, 27], [{ color: 'mustard' }, 13]] },
  { name: 'Sunglasses', category: 'accessories', description: 'Polarised lenses, acetate frame.', prices: [11900, 10900, 17800], variants: [[{ color: 'tortoise' }, 9]] },
  { name: 'Spring Collection Preview', category: 'apparel', description: 'Not on sale yet: staff can see it, customers cannot.', status: ProductStatus.DRAFT, prices: [9900, 9500, 15000], variants: sizes(10) },
];

// Standard and Express, country-wide rates plus a few regional ones (a region beats its country).
// Regions are ISO 3166-2 codes without the country prefix: JP-47 is Okinawa.
const SHIPPING: Array<{ name: string; rates: Array<[country: string, region: string | null, currency: string, amountMinor: number]> }> = [
  {
    name: 'Standard',
    rates: [
      ['US', null, 'USD', 500], ['US', 'AK', 'USD', 1500], ['US', 'HI', 'USD', 1500],
      ['CA', null, 'USD', 1200], ['GB', null, 'EUR', 900],
      ['DE', null, 'EUR', 490], ['FR', null, 'EUR', 590], ['NL', null, 'EUR', 590],
      ['JP', null, 'JPY', 800], ['JP', '47', 'JPY', 1500],
    ],
  },
  {
    name: 'Express',
    rates: [
      ['US', null, 'USD', 1900], ['CA', null, 'USD', 3500],
      ['DE', null, 'EUR', 1490], ['FR', null, 'EUR', 1590], ['JP', null, 'JPY', 2500],
    ],
  },
];

function sku(name: string, options: Record<string, string>): string {
  const initials = name.split(/\s+/).map((word) => word.replace(/[^A-Za-z0-9]/g, '').slice(0, 3)).join('').toUpperCase();
  return [initials, ...Object.values(options).map((v) => v.toUpperCase())].join('-');
}

/**
 * Fills an empty database with a small shop: about twenty products over five categories,
 * prices in USD, EUR and JPY, and Standard/Express shipping. Does nothing when products exist.
 */
export async function loadDemoCatalog(em: EntityManager, logger: Logger): Promise<void> {
  await em.transactional(async (tx) => {
    // Several servers may start together on an empty database; one loads, the rest see products.
    await tx.execute('select pg_advisory_xact_lock(?)', [DEMO_LOCK_KEY]);
    if ((await tx.count(Product)) > 0) return;

    for (const [name, slug] of CATEGORIES) tx.create(Category, { name, slug });
    await tx.flush();

    const catalog = new CatalogService(tx);
    for (const demo of PRODUCTS) {
      const command: CreateProductCommand = {
        name: demo.name,
        description: demo.description,
        status: demo.status ?? ProductStatus.ACTIVE,
        categories: [demo.category],
        imageUrls: [`https://picsum.photos/seed/${encodeURIComponent(demo.name)}/800/800`],
        variants: demo.variants.map(([options, stockOnHand]) => ({
          sku: sku(demo.name, options),
          options: Object.entries(options).map(([name, value]) => ({ name, value })),
          stockOnHand,
          prices: [
            { currency: 'USD', amountMinor: demo.prices[0] },
            { currency: 'EUR', amountMinor: demo.prices[1] },
            { currency: 'JPY', amountMinor: demo.prices[2] },
          ],
        })),
      };
      const result = await catalog.createProduct(command);
      if (!(result instanceof Product)) throw new Error(`demo product "${demo.name}" was refused: ${result.message}`);
    }

    for (const method of SHIPPING) {
      const shippingMethod = tx.create(ShippingMethod, { name: method.name });
      for (const [country, region, currency, amountMinor] of method.rates) {
        if (region !== null && normalizeRegion(country, region) !== region) throw new Error(`demo rate region ${country}-${region} is not an ISO 3166-2 code`);
        tx.create(ShippingRate, { method: shippingMethod, country, region, currency, amountMinor });
      }
    }
    await tx.flush();
    logger.info({ products: PRODUCTS.length }, 'loaded the demo catalog');
  });
}
