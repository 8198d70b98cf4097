/**
 * Keyed state of one operator instance. This step keeps it on the heap; the RocksDB backend
 * (keys prefixed by key group, checkpointed) replaces it behind the same interface.
 */

import * as fs from 'node:fs';
import { ValueReader, ValueWriter, sha256Hex } from '@eddy/common';
import type { KeyedSnapshotFile, RestoredKeyedFile } from '../operators/operator-state.js';

/** Per-key values of one operator. */
export interface HeapKeyedState {
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
export class HeapKeyedStateStore implements HeapKeyedState {
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

/** Writes a heap snapshot to `file` and fsyncs it. */
export async function writeHeapSnapshot(file: string, data: Buffer): Promise<KeyedSnapshotFile> {
  const fh = await fs.promises.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { bytes: data.length, sha256: sha256Hex(data) };
}

/**
 * Reads a restored heap snapshot file, checking size and checksum.
 * @throws Error naming the file when it is missing or damaged.
 */
export async function readHeapSnapshot(ref: RestoredKeyedFile): Promise<Buffer> {
  const data = await fs.promises.readFile(ref.file);
  if (data.length !== ref.size || sha256Hex(data) !== ref.sha256)
    throw new Error(`keyed state file ${ref.file} does not match its checksum; the checkpoint is damaged`);
  return data;
}
