/**
 * Keyed state of one operator instance. This step keeps it on the heap; the RocksDB backend
 * (keys prefixed by key group, checkpointed) replaces it behind the same interface.
 */

import { ValueReader, ValueWriter } from '@eddy/common';

/** Per-key values of one operator. */
export interface KeyedStateStore {
  get(key: unknown): unknown;
  put(key: unknown, value: unknown): void;
  delete(key: unknown): void;
  readonly size: number;
  /** A consistent copy of every entry, serialized (taken synchronously at the barrier). */
  snapshot(): Buffer;
  /** Adds the entries of a {@link snapshot} for which `keep(key)` holds. */
  restore(data: Buffer, keep: (key: unknown) => boolean): void;
}

/** Normalizes a key so that equal composite keys (arrays, objects) map to one entry. */
function normalize(key: unknown): unknown {
  if (typeof key !== 'object' || key === null) return key;
  return `\u0000${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
}

/** Heap-backed keyed state. */
export class HeapKeyedStateStore implements KeyedStateStore {
  /** Normalized key → [original key, value]. */
  private readonly map = new Map<unknown, [unknown, unknown]>();

  snapshot(): Buffer {
    const w = new ValueWriter();
    w.writeVarUint(this.map.size);
    for (const [key, value] of this.map.values()) {
      w.writeValue(key);
      w.writeValue(value);
    }
    return w.copy();
  }

  restore(data: Buffer, keep: (key: unknown) => boolean): void {
    const r = new ValueReader(data);
    const n = r.readVarUint();
    for (let i = 0; i < n; i++) {
      const key = r.readValue();
      const value = r.readValue();
      if (keep(key)) this.put(key, value);
    }
  }

  get(key: unknown): unknown {
    return this.map.get(normalize(key))?.[1];
  }

  put(key: unknown, value: unknown): void {
    this.map.set(normalize(key), [key, value]);
  }

  delete(key: unknown): void {
    this.map.delete(normalize(key));
  }

  get size(): number {
    return this.map.size;
  }
}
