/**
 * The catalog cache's store on its own, with a clock the test moves: the staleness bound,
 * the size bounds, and the rules that keep a change from being lost in a race.
 */
import { describe, expect, it } from 'vitest';
import { CatalogCache } from '../../src/http/catalog-cache';
import { canonicalJson, readsOnlyTheCatalog } from '../../src/http/catalog-cache-http';

function cacheAt(settings: Partial<CatalogCache['settings']> = {}) {
  const clock = { ms: 0 };
  const cache = new CatalogCache({ maxAgeMs: 2_000, maxEntries: 100, maxBytes: 1_000_000, ...settings }, () => clock.ms);
  cache.resume();
  return { cache, clock };
}

const body = (text: string) => Buffer.from(`{"data":${JSON.stringify(text)}}`);

describe('the catalog cache store', () => {
  it('never serves an answer older than CATALOG_CACHE_MAX_AGE_MS, even when no change was reported', () => {
    const { cache, clock } = cacheAt();
    cache.store('page', cache.ticket(), body('ten left'), 'application/json');
    clock.ms = 2_000;
    expect(cache.get('page')?.body.toString()).toBe('{"data":"ten left"}');
    clock.ms = 2_001;
    expect(cache.get('page')).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('does not store an answer whose computation overlapped a change', () => {
    const { cache } = cacheAt();
    const ticket = cache.ticket();
    cache.invalidate();
    expect(cache.store('page', ticket, body('read before the change'), 'application/json')).toBeUndefined();
    expect(cache.get('page')).toBeUndefined();
  });

  it('serves and stores nothing while change notifications cannot arrive, and starts empty when they can again', () => {
    const { cache } = cacheAt();
    cache.store('page', cache.ticket(), body('before the loss'), 'application/json');
    cache.suspend();
    expect(cache.serving).toBe(false);
    expect(cache.get('page')).toBeUndefined();
    expect(cache.store('other', cache.ticket(), body('during the loss'), 'application/json')).toBeUndefined();
    cache.resume();
    expect(cache.get('page')).toBeUndefined();
    expect(cache.get('other')).toBeUndefined();
  });

  it('keeps within CATALOG_CACHE_MAX_MB, dropping the least recently used first, and refuses an answer larger than the whole cache', () => {
    const { cache } = cacheAt({ maxBytes: 100 });
    const answer = Buffer.alloc(40, 'x');
    cache.store('a', cache.ticket(), answer, 'application/json');
    cache.store('b', cache.ticket(), answer, 'application/json');
    cache.get('a');
    cache.store('c', cache.ticket(), answer, 'application/json');
    expect(cache.stats().bytes).toBeLessThanOrEqual(100);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.store('huge', cache.ticket(), Buffer.alloc(101), 'application/json')).toBeUndefined();
  });

  it('gives the same bytes the same ETag, and other bytes another', () => {
    const { cache } = cacheAt();
    const one = cache.store('a', cache.ticket(), body('same'), 'application/json')!;
    const two = cache.store('b', cache.ticket(), body('same'), 'application/json')!;
    const three = cache.store('c', cache.ticket(), body('different'), 'application/json')!;
    expect(one.etag).toBe(two.etag);
    expect(three.etag).not.toBe(one.etag);
  });
});

describe('what the catalog cache may answer', () => {
  it('takes queries whose every root field is a catalog field, through fragments too', () => {
    expect(readsOnlyTheCatalog('{ products(first: 1) { totalCount } }', '', 100)).toBe(true);
    expect(readsOnlyTheCatalog('query A { product(slug: "x") { id } } query B { me { email } }', 'A', 100)).toBe(true);
    expect(readsOnlyTheCatalog('query A { product(slug: "x") { id } } query B { me { email } }', 'B', 100)).toBe(false);
    expect(readsOnlyTheCatalog('query { ...Root } fragment Root on Query { categories { slug } cart(id: "1") { id } }', '', 100)).toBe(false);
    expect(readsOnlyTheCatalog('query { ... on Query { shippingOptions(country: "US", currency: "USD") { id } } }', '', 100)).toBe(true);
    expect(readsOnlyTheCatalog('mutation { createCart { __typename } }', '', 100)).toBe(false);
    expect(readsOnlyTheCatalog('{ __schema { types { name } } }', '', 100)).toBe(false);
    expect(readsOnlyTheCatalog('{ products { totalCount ', '', 100)).toBe(false);
    // Two operations and no name: Apollo refuses it, so nothing to cache.
    expect(readsOnlyTheCatalog('query A { products { totalCount } } query B { products { totalCount } }', '', 100)).toBe(false);
  });

  it('keys variables by content, not by the order their keys were written in', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { e: 1, f: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
