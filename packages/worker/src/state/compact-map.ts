/**
 * A map for the few entries one key's MapState usually holds (a window operator's key has one
 * or two windows), with the semantics of `Map` (SameValueZero keys, insertion order).
 *
 * Why not `Map`: V8 shrinks a `Map`'s table in a runtime call whenever a delete leaves it less
 * than half full, so emptying a one-entry map (a window firing, a timer removed) costs a C++ call
 * and an allocation, twice per fired window. Up to {@link COMPACT_LIMIT} entries are kept in one
 * array of alternating keys and values, searched linearly, where a delete moves elements and
 * allocates nothing; a map that grows past the limit switches to a `Map` for good.
 */

/** Entries kept in the array form; one more switches the map to a `Map`. */
export const COMPACT_LIMIT = 8;

function same(a: unknown, b: unknown): boolean {
  // SameValueZero, as Map keys compare: NaN equals NaN (cache keys are never -0).
  return a === b || (a !== a && b !== b);
}

/** A `Map`-like container, compact while small. */
export class CompactMap<K, V> {
  /** key0, value0, key1, value1, … while {@link map} is undefined. */
  private pairs: unknown[] = [];
  private map: Map<K, V> | undefined;

  /** Number of entries (not `size`: subclasses such as MapSlot keep a byte size under that name). */
  get count(): number {
    return this.map === undefined ? this.pairs.length >> 1 : this.map.size;
  }

  private indexOf(key: K): number {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) if (same(pairs[i], key)) return i;
    return -1;
  }

  get(key: K): V | undefined {
    if (this.map !== undefined) return this.map.get(key);
    const i = this.indexOf(key);
    return i < 0 ? undefined : (this.pairs[i + 1] as V);
  }

  has(key: K): boolean {
    return this.map !== undefined ? this.map.has(key) : this.indexOf(key) >= 0;
  }

  /** Sets `key` to `value`; a new key goes last, an existing one keeps its place. */
  set(key: K, value: V): this {
    if (this.map !== undefined) {
      this.map.set(key, value);
      return this;
    }
    const i = this.indexOf(key);
    if (i >= 0) this.pairs[i + 1] = value;
    else if (this.pairs.length < 2 * COMPACT_LIMIT) this.pairs.push(key, value);
    else {
      const map = new Map<K, V>();
      for (let j = 0; j < this.pairs.length; j += 2) map.set(this.pairs[j] as K, this.pairs[j + 1] as V);
      map.set(key, value);
      this.map = map;
      this.pairs = [];
    }
    return this;
  }

  /** @returns whether `key` was present. */
  delete(key: K): boolean {
    if (this.map !== undefined) return this.map.delete(key);
    const i = this.indexOf(key);
    if (i < 0) return false;
    const pairs = this.pairs;
    // Shifted by hand: splice would allocate the array of removed elements.
    for (let j = i + 2; j < pairs.length; j++) pairs[j - 2] = pairs[j];
    pairs.length -= 2;
    return true;
  }

  clear(): void {
    if (this.map !== undefined) this.map.clear();
    else this.pairs.length = 0;
  }

  /** The values, in insertion order, as a new array. */
  valueList(): V[] {
    if (this.map !== undefined) return Array.from(this.map.values());
    const out: V[] = [];
    for (let i = 1; i < this.pairs.length; i += 2) out.push(this.pairs[i] as V);
    return out;
  }

  /** The entries, in insertion order, as a new array (safe to change the map while walking it). */
  entryList(): Array<[K, V]> {
    if (this.map !== undefined) return Array.from(this.map);
    const out: Array<[K, V]> = [];
    for (let i = 0; i < this.pairs.length; i += 2) out.push([this.pairs[i] as K, this.pairs[i + 1] as V]);
    return out;
  }
}
