import type { ISO31662Entry } from 'iso-3166/2.js';

/**
 * Regions are ISO 3166-2 subdivision codes without the country prefix ("AK" in "US", "47" in
 * "JP"), read from the `iso-3166` package's data set (about 5,000 subdivisions of 200
 * countries). Shipping rates and tax rates store codes; an address may name its region by
 * code or by name, and is stored with the code.
 */
export interface Subdivision {
  /** The code without the country prefix, e.g. "AK". */
  code: string;
  /** The name as the data set gives it (local or official romanised form), e.g. "Tôkyô". */
  name: string;
  /** The enclosing subdivision's code (a French département's région), or null at the top level. */
  parent: string | null;
}

/** Why a region was not accepted; callers turn it into their own typed error. */
export class RegionRefusal {
  constructor(
    readonly reason: 'UNKNOWN' | 'AMBIGUOUS' | 'NO_SUBDIVISIONS',
    readonly message: string,
  ) {}
}

interface CountryIndex {
  subdivisions: Subdivision[];
  byCode: Map<string, Subdivision>;
  byName: Map<string, Subdivision[]>;
}

let index: Map<string, CountryIndex> | undefined;

/**
 * The data set is loaded on first use, once per process (about 45 ms on this machine, mostly
 * Node's ESM loader: iso-3166 is an ES module, required synchronously, which Node 20.19+ allows).
 */
function countries(): Map<string, CountryIndex> {
  if (index) return index;
  const { iso31662 } = require('iso-3166/2.js') as { iso31662: ISO31662Entry[] };
  const built = new Map<string, CountryIndex>();
  for (const entry of iso31662) {
    const country = entry.code.slice(0, 2);
    let byCountry = built.get(country);
    if (!byCountry) built.set(country, (byCountry = { subdivisions: [], byCode: new Map(), byName: new Map() }));
    const subdivision: Subdivision = {
      code: entry.code.slice(3),
      name: entry.name,
      parent: entry.parent.startsWith(`${country}-`) ? entry.parent.slice(3) : null,
    };
    byCountry.subdivisions.push(subdivision);
    byCountry.byCode.set(subdivision.code, subdivision);
    const key = foldName(subdivision.name);
    const named = byCountry.byName.get(key);
    if (named) named.push(subdivision);
    else byCountry.byName.set(key, [subdivision]);
  }
  return (index = built);
}

// Letters that Unicode does not decompose into a base letter and a mark.
const UNDECOMPOSED: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', ı: 'i', ð: 'd', þ: 'th', ə: 'e' };

/** "Baden-Württemberg" and "baden wurttemberg" fold alike: case, accents and punctuation ignored. */
function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæœßłđıðþə]/g, (letter) => UNDECOMPOSED[letter])
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The subdivisions of a country (empty when the data set has none for it). */
export function subdivisionsOf(country: string): readonly Subdivision[] {
  return countries().get(country.toUpperCase())?.subdivisions ?? [];
}

export function hasSubdivisions(country: string): boolean {
  return countries().has(country.toUpperCase());
}

/**
 * The subdivision's code, from its code ("AK", "ak", "US-AK") or its name ("Alaska",
 * "tokyo" for "Tôkyô"); null when no region is given; a refusal when it names no subdivision
 * of the country, when the country has none in the data set, or when a name is shared by two
 * unrelated subdivisions (Estonia's Tartu town and rural parish): then only the code will do.
 */
export function normalizeRegion(country: string, input: string | null | undefined): string | null | RegionRefusal {
  const text = input?.trim();
  if (!text) return null;
  const upperCountry = country.toUpperCase();
  const subdivisions = countries().get(upperCountry);
  if (!subdivisions) {
    return new RegionRefusal('NO_SUBDIVISIONS', `${upperCountry} has no regions (ISO 3166-2 subdivisions); leave the region out.`);
  }
  const upper = text.toUpperCase();
  const code = upper.startsWith(`${upperCountry}-`) ? upper.slice(3) : upper;
  const byCode = subdivisions.byCode.get(code);
  if (byCode) return byCode.code;

  const named = subdivisions.byName.get(foldName(text));
  if (!named) {
    return new RegionRefusal('UNKNOWN', `"${text}" is not a region of ${upperCountry}; give its ISO 3166-2 code (e.g. "${subdivisions.subdivisions[0].code}") or its name.`);
  }
  if (named.length === 1) return named[0].code;
  // One name for a region and a part of it (Spain's La Rioja, community and province):
  // the enclosing one is true whichever was meant, and rates for it still apply.
  const outermost = named.find((candidate) => named.every((other) => other === candidate || chain(subdivisions, other.code).includes(candidate.code)));
  if (outermost) return outermost.code;
  return new RegionRefusal(
    'AMBIGUOUS',
    `"${text}" names several regions of ${upperCountry} (${named.map((s) => s.code).join(', ')}); give the region's code.`,
  );
}

/**
 * An address's region: as normalizeRegion, except that in a country with no subdivisions in the
 * data set (Hong Kong, Puerto Rico as a country, ...) the text is kept as written, for the
 * courier. No rate can name a region there, so it never changes a price.
 */
export function normalizeAddressRegion(country: string, input: string | null | undefined): string | null | RegionRefusal {
  if (!hasSubdivisions(country)) return input?.trim() || null;
  return normalizeRegion(country, input);
}

/**
 * The region and the regions that enclose it, innermost first: ["01", "ARA"] for Ain in
 * Auvergne-Rhône-Alpes. A rate for any of them serves the region; the innermost wins.
 * Text that is not a code of the country comes back alone.
 */
export function regionWithParents(country: string, region: string): string[] {
  const subdivisions = countries().get(country.toUpperCase());
  return subdivisions ? chain(subdivisions, region) : [region];
}

function chain(subdivisions: CountryIndex, code: string): string[] {
  const codes = [code];
  for (let parent = subdivisions.byCode.get(code)?.parent; parent && !codes.includes(parent); parent = subdivisions.byCode.get(parent)?.parent) {
    codes.push(parent);
  }
  return codes;
}
