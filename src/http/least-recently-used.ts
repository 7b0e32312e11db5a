/** At most `capacity` entries; a Map iterates in insertion order, so the first key is the least recently used. */
export class LeastRecentlyUsed<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }
}
