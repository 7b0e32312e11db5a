import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CatalogCacheConfig } from '../config';

/** One stored answer: the exact bytes Apollo sent, so a hit is a single write. */
export interface CachedAnswer {
  body: Buffer;
  contentType: string;
  /** A strong validator: the same bytes give the same ETag on every process. */
  etag: string;
  storedAt: number;
}

/** Taken when a miss starts; the answer it produces is stored only if nothing changed meanwhile. */
export type FillTicket = number;

/**
 * The process's cache of anonymous catalog answers, keyed by what decides the answer (see
 * catalog-cache-http.ts). Correctness rests on three rules:
 * - any change to the catalog (a `catalog_changed` notification from any process, or a
 *   mutation answered here) drops everything, and an answer whose computation overlapped a
 *   change is not stored (the fill ticket);
 * - while the notifications cannot arrive (the LISTEN connection is down) nothing is served
 *   or stored;
 * - nothing is served older than `maxAgeMs`, so a lost notification costs at most that much
 *   staleness, `available` included.
 * Bounded by entries and bytes, least recently used first out.
 */
export class CatalogCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;
  private epoch = 0;
  private listening = false;
  private readonly counters = { hits: 0, misses: 0, stored: 0, invalidations: 0, evictions: 0 };

  constructor(
    readonly settings: CatalogCacheConfig,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** False until change notifications are being received, and whenever they stop. */
  get serving(): boolean {
    return this.listening;
  }

  get(key: string): CachedAnswer | undefined {
    const entry = this.listening ? this.entries.get(key) : undefined;
    if (entry && this.ageMs(entry) <= this.settings.maxAgeMs) {
      // Least recently used first out: a hit moves to the end of the Map's order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.counters.hits += 1;
      return entry;
    }
    if (entry) this.remove(key, entry);
    this.counters.misses += 1;
    return undefined;
  }

  ticket(): FillTicket {
    return this.epoch;
  }

  /** Stores an answer computed since `ticket` was taken; undefined when it may be stale or does not fit. */
  store(key: string, ticket: FillTicket, body: Buffer, contentType: string): CachedAnswer | undefined {
    if (!this.listening || ticket !== this.epoch) return undefined;
    const size = body.length + key.length;
    if (size > this.settings.maxBytes) return undefined;
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    for (const [oldKey, oldEntry] of this.entries) {
      if (this.entries.size < this.settings.maxEntries && this.bytes + size <= this.settings.maxBytes) break;
      this.remove(oldKey, oldEntry);
      this.counters.evictions += 1;
    }
    const entry: CachedAnswer = { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, storedAt: this.now() };
    this.entries.set(key, entry);
    this.bytes += size;
    this.counters.stored += 1;
    return entry;
  }

  ageMs(entry: CachedAnswer): number {
    return this.now() - entry.storedAt;
  }

  /** Something in the catalog changed: nothing cached so far, or being computed now, may be served. */
  invalidate(): void {
    this.epoch += 1;
    this.entries.clear();
    this.bytes = 0;
    this.counters.invalidations += 1;
  }

  /** Change notifications stopped arriving: serve and store nothing until `resume`. */
  suspend(): void {
    this.listening = false;
    this.invalidate();
  }

  /** Notifications arrive again; whatever changed while they did not is unknown, so start empty. */
  resume(): void {
    this.invalidate();
    this.listening = true;
  }

  stats() {
    return { ...this.counters, entries: this.entries.size, bytes: this.bytes, serving: this.listening };
  }

  private remove(key: string, entry: CachedAnswer): void {
    this.entries.delete(key);
    this.bytes -= entry.body.length + key.length;
  }
}
