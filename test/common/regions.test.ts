import { describe, expect, it } from 'vitest';
import { hasSubdivisions, normalizeAddressRegion, normalizeRegion, RegionRefusal, regionWithParents, subdivisionsOf } from '../../src/common/regions';

const refusal = (reason: RegionRefusal['reason']) => expect.objectContaining({ reason, message: expect.any(String) });

describe('normalizeRegion', () => {
  it.each([
    ['the code', 'US', 'AK', 'AK'],
    ['the code in lower case', 'US', 'ak', 'AK'],
    ['the code with the country prefix', 'US', 'US-AK', 'AK'],
    ['the prefixed code in any case, around spaces', 'us', '  us-ak ', 'AK'],
    ['the name', 'US', 'Alaska', 'AK'],
    ['the name in another case', 'US', 'ALASKA', 'AK'],
    ['a name of several words', 'US', 'new york', 'NY'],
    ['a numeric code', 'JP', '47', '47'],
    ['a numeric code with its prefix', 'JP', 'JP-13', '13'],
    ['a name written without its accents', 'JP', 'Tokyo', '13'],
    ['a name written with its accents', 'JP', 'Tôkyô', '13'],
    ['a name with accents the data set does not have', 'CA', 'Québec', 'QC'],
    ['an umlaut dropped', 'DE', 'Thuringen', 'TH'],
    ['punctuation written differently', 'DE', 'baden wurttemberg', 'BW'],
    ['a letter Unicode does not decompose', 'AZ', 'Gence', 'GA'],
  ])('accepts %s', (_, country, input, code) => {
    expect(normalizeRegion(country, input)).toBe(code);
  });

  it('answers null when no region is given', () => {
    expect(normalizeRegion('US', null)).toBeNull();
    expect(normalizeRegion('US', undefined)).toBeNull();
    expect(normalizeRegion('US', '   ')).toBeNull();
  });

  it.each([
    ['a name that is no region of the country', 'US', 'Alaskaa'],
    ["another country's region", 'US', 'Quebec'],
    ["another country's prefixed code", 'US', 'CA-QC'],
    ['a code of the wrong shape', 'US', 'AKK'],
  ])('refuses %s', (_, country, input) => {
    const result = normalizeRegion(country, input);
    expect(result).toBeInstanceOf(RegionRefusal);
    expect(result).toEqual(refusal('UNKNOWN'));
    expect((result as RegionRefusal).message).toContain(input.trim());
  });

  it('refuses a name shared by two unrelated subdivisions, naming both codes', () => {
    const result = normalizeRegion('EE', 'Tartu');
    expect(result).toEqual(refusal('AMBIGUOUS'));
    expect((result as RegionRefusal).message).toMatch(/793.*796/);
    expect(normalizeRegion('EE', '793')).toBe('793');
  });

  it('takes the enclosing subdivision when a region and a part of it share a name', () => {
    // Spain's La Rioja is a community (RI) whose only province (LO) has the same name.
    expect(normalizeRegion('ES', 'La Rioja')).toBe('RI');
    expect(normalizeRegion('ES', 'LO')).toBe('LO');
  });

  it('refuses any region in a country the data set has no subdivisions for', () => {
    expect(hasSubdivisions('HK')).toBe(false);
    expect(subdivisionsOf('HK')).toEqual([]);
    expect(normalizeRegion('HK', 'Kowloon')).toEqual(refusal('NO_SUBDIVISIONS'));
    expect(normalizeRegion('HK', null)).toBeNull();
  });
});

describe('normalizeAddressRegion', () => {
  it('normalizes like normalizeRegion where the country has subdivisions', () => {
    expect(normalizeAddressRegion('US', 'Alaska')).toBe('AK');
    expect(normalizeAddressRegion('US', 'Nowhere')).toEqual(refusal('UNKNOWN'));
  });

  it('keeps the text as written where the country has no subdivisions', () => {
    expect(normalizeAddressRegion('HK', '  Kowloon ')).toBe('Kowloon');
    expect(normalizeAddressRegion('HK', '')).toBeNull();
  });
});

describe('regionWithParents', () => {
  it('lists a subdivision and those enclosing it, innermost first', () => {
    expect(regionWithParents('FR', '01')).toEqual(['01', 'ARA']);
    expect(regionWithParents('ES', 'TF')).toEqual(['TF', 'CN']);
  });

  it('lists a top-level subdivision alone', () => {
    expect(regionWithParents('US', 'AK')).toEqual(['AK']);
  });
});

describe('the data set', () => {
  it('has the subdivisions of the countries the demo shop ships to', () => {
    expect(subdivisionsOf('US').map((s) => s.code)).toEqual(expect.arrayContaining(['AK', 'HI', 'TX', 'DC']));
    expect(subdivisionsOf('us').find((s) => s.code === 'AK')).toEqual({ code: 'AK', name: 'Alaska', parent: null });
    for (const country of ['CA', 'GB', 'DE', 'FR', 'NL', 'JP']) expect(subdivisionsOf(country).length).toBeGreaterThan(0);
  });
});
