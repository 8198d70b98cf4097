/**
 * A map for the few entries one key's MapState usually holds (a window operator's key has one
 * or two windows), with the semantics of `Map` (SameValueZero keys, insertion order).
 *
 * Why not `Map`: V8 shrinks a `Map`'s table in a runtime call whenever a delete leaves it less
 * than half full, so emptying a one-entry map (a window firing, a timer removed) costs a C++ call
 * and an allocation, twice per fired window. Up to {@link COMPACT_LIMIT} entries are kept
 * compact, searched linearly, where a delete moves elements and allocates nothing; a map that
 * grows past the limit switches to a `Map` for good.
 *
 * The first entry lives in two fields of the map itself, the others in one array of alternating
 * keys and values. Most maps hold one entry, and every access then reaches it without the two
 * further memory loads (the array, then its elements) that an array costs: state accesses are
 * bound by memory latency, one load after the other.
 */

/** Entries kept in the compact form; one more switches the map to a `Map`. */
export const COMPACT_LIMIT = 8;

function same(a: unknown, b: unknown): boolean {
  // SameValueZero, as Map keys compare: NaN equals NaN (cache keys are never -0).
  return a === b || (a !== a && b !== b);
}

/** A `Map`-like container, compact while small. */
export class CompactMap<K, V> {
  /** Entries in the compact form (0 once {@link map} exists). */
  private n = 0;
  /** The first entry, while `n ≥ 1`. */
  private k0: K | undefined = undefined;
  private v0: V | undefined = undefined;
  /**
   * Entries 2 to `n` in its first `2 * (n - 1)` elements: key, value, key, value, …; created with
   * the second entry. It never shrinks (vacated elements are cleared): shrinking an array to
   * length 0 drops its backing store, and a window operator's key, which holds a second window
   * for a moment every window, would allocate a new one each time.
   */
  private pairs: unknown[] | undefined = undefined;
  private map: Map<K, V> | undefined = undefined;

  /** Number of entries (not `size`: subclasses such as MapSlot keep a byte size under that name). */
  get count(): number {
    return this.map === undefined ? this.n : this.map.size;
  }

  /** The first entry's value while the map is compact (see {@link KeyEntry.warm}), else `undefined`. */
  protected firstValue(): V | undefined {
    return this.n > 0 ? this.v0 : undefined;
  }

  /** Index of `key` in {@link pairs}, -1 when it is not there. */
  private pairIndex(key: K): number {
    const pairs = this.pairs;
    if (pairs === undefined) return -1;
    const end = this.pairsEnd();
    for (let i = 0; i < end; i += 2) if (same(pairs[i], key)) return i;
    return -1;
  }

  /** Elements of {@link pairs} in use. */
  private pairsEnd(): number {
    return this.n > 1 ? 2 * (this.n - 1) : 0;
  }

  get(key: K): V | undefined {
    if (this.map !== undefined) return this.map.get(key);
    if (this.n === 0) return undefined;
    if (same(this.k0, key)) return this.v0;
    const i = this.pairIndex(key);
    return i < 0 ? undefined : (this.pairs![i + 1] as V);
  }

  has(key: K): boolean {
    if (this.map !== undefined) return this.map.has(key);
    return this.n > 0 && (same(this.k0, key) || this.pairIndex(key) >= 0);
  }

  /** Sets `key` to `value`; a new key goes last, an existing one keeps its place. */
  set(key: K, value: V): this {
    if (this.map !== undefined) {
      this.map.set(key, value);
      return this;
    }
    if (this.n === 0) {
      this.k0 = key;
      this.v0 = value;
      this.n = 1;
      return this;
    }
    if (same(this.k0, key)) {
      this.v0 = value;
      return this;
    }
    const i = this.pairIndex(key);
    if (i >= 0) this.pairs![i + 1] = value;
    else if (this.n < COMPACT_LIMIT) {
      const pairs = (this.pairs ??= []);
      const end = this.pairsEnd();
      pairs[end] = key;
      pairs[end + 1] = value;
      this.n++;
    } else {
      const map = new Map<K, V>([[this.k0 as K, this.v0 as V]]);
      const pairs = this.pairs!;
      const end = this.pairsEnd();
      for (let j = 0; j < end; j += 2) map.set(pairs[j] as K, pairs[j + 1] as V);
      map.set(key, value);
      this.map = map;
      this.n = 0;
      this.k0 = undefined;
      this.v0 = undefined;
      this.pairs = undefined;
    }
    return this;
  }

  /** @returns whether `key` was present. */
  delete(key: K): boolean {
    if (this.map !== undefined) return this.map.delete(key);
    if (this.n === 0) return false;
    const pairs = this.pairs;
    let i: number;
    if (same(this.k0, key)) {
      if (this.n === 1) {
        this.k0 = undefined;
        this.v0 = undefined;
        this.n = 0;
        return true;
      }
      // The second entry moves up into the fields.
      this.k0 = pairs![0] as K;
      this.v0 = pairs![1] as V;
      i = 0;
    } else {
      i = this.pairIndex(key);
      if (i < 0) return false;
    }
    // Shifted by hand: splice would allocate the array of removed elements.
    const p = pairs!;
    const end = this.pairsEnd();
    for (let j = i + 2; j < end; j++) p[j - 2] = p[j];
    p[end - 2] = undefined;
    p[end - 1] = undefined;
    this.n--;
    return true;
  }

  clear(): void {
    if (this.map !== undefined) {
      this.map.clear();
      return;
    }
    const pairs = this.pairs;
    if (pairs !== undefined) for (let i = this.pairsEnd() - 1; i >= 0; i--) pairs[i] = undefined;
    this.n = 0;
    this.k0 = undefined;
    this.v0 = undefined;
  }

  /**
   * Calls `fn` for every entry, in insertion order, without allocating the lists that
   * {@link entryList} and {@link valueList} make (a capture walks every slot's cells). `fn` must
   * not change this map.
   */
  forEach(fn: (value: V, key: K) => void): void {
    if (this.map !== undefined) {
      this.map.forEach(fn);
      return;
    }
    if (this.n === 0) return;
    fn(this.v0 as V, this.k0 as K);
    const pairs = this.pairs;
    const end = this.pairsEnd();
    for (let i = 0; i < end; i += 2) fn(pairs![i + 1] as V, pairs![i] as K);
  }

  /** The values, in insertion order, as a new array. */
  valueList(): V[] {
    if (this.map !== undefined) return Array.from(this.map.values());
    const out: V[] = [];
    if (this.n === 0) return out;
    out.push(this.v0 as V);
    const pairs = this.pairs;
    const end = this.pairsEnd();
    for (let i = 1; i < end; i += 2) out.push(pairs![i] as V);
    return out;
  }

  /** The entries, in insertion order, as a new array (safe to change the map while walking it). */
  entryList(): Array<[K, V]> {
    if (this.map !== undefined) return Array.from(this.map);
    const out: Array<[K, V]> = [];
    if (this.n === 0) return out;
    out.push([this.k0 as K, this.v0 as V]);
    const pairs = this.pairs;
    const end = this.pairsEnd();
    for (let i = 0; i < end; i += 2) out.push([pairs![i] as K, pairs![i + 1] as V]);
    return out;
  }
}
