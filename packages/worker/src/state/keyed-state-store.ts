/**
 * Keyed state of one operator instance. This step keeps it on the heap; the RocksDB backend
 * (keys prefixed by key group, checkpointed) replaces it behind the same interface.
 */

/** Per-key values of one operator. */
export interface KeyedStateStore {
  get(key: unknown): unknown;
  put(key: unknown, value: unknown): void;
  delete(key: unknown): void;
  readonly size: number;
}

/** Normalizes a key so that equal composite keys (arrays, objects) map to one entry. */
function normalize(key: unknown): unknown {
  if (typeof key !== 'object' || key === null) return key;
  return `\u0000${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
}

/** Heap-backed keyed state. */
export class HeapKeyedStateStore implements KeyedStateStore {
  private readonly map = new Map<unknown, unknown>();

  get(key: unknown): unknown {
    return this.map.get(normalize(key));
  }

  put(key: unknown, value: unknown): void {
    this.map.set(normalize(key), value);
  }

  delete(key: unknown): void {
    this.map.delete(normalize(key));
  }

  get size(): number {
    return this.map.size;
  }
}
