/**
 * Applying the records of a snapshot chain to cached key entries, for a restore into the cache
 * (see KeyedStateBackend.restore).
 *
 * Every record is the whole truth about its slot (a single value or a list) or map cell: a later
 * file's record replaces whatever earlier files said, and an empty value deletes. Restored single
 * values go into the backend's record arena (record-arena.ts), as written ones do. The chain is
 * therefore applied newest file first, and a record for a slot or cell that a newer file already
 * decided is skipped without allocating anything: in a chain of a base and deltas of hot keys most
 * base records are superseded, and replacing them one by one cost most of a restore's time and
 * garbage. Within one file the order is kept: a delta may hold several writes of one slot or cell
 * (an eviction and the barrier's capture, a map's pending delete and a new put), and the last one
 * wins. So that a later record of the same file can tell its own file's slot from a newer file's,
 * the slots and cells a delta set are remembered for the length of that file (a full snapshot
 * holds each stored key once and needs no such set). A delete marks its slot or cell with a
 * tombstone until the restore ends ({@link sweepTombstones}), so that older records of it stay
 * skipped.
 *
 * Restored slots are *unstored* (key-entry.ts): the store never receives them unless the entry is
 * evicted, or a snapshot has to read the store.
 */

import type { ValueReader } from '@eddy/common';
import { cacheKeyOf } from './key-layout.js';
import { ListSlot, MapCell, MapSlot, SingleSlot, SLOT_OVERHEAD, UNDECODED, type KeyEntry } from './key-entry.js';
import type { RegisteredState } from './state-registry.js';
import type { RecordArena } from './record-arena.js';
import { singleWriteTime, singleWriteTimeAt } from './value-format.js';

const NO_BYTES = Buffer.alloc(0);

/**
 * A tombstone slot: absent (a restored single slot is always present, a restored list is a
 * {@link ListSlot}). One object per delete, so that a file's own deletes are told apart.
 */
function deletedSlot(): SingleSlot {
  return new SingleSlot(undefined);
}

function isDeletedSlot(slot: SingleSlot | ListSlot | MapSlot): boolean {
  return slot.type === 'single' && !slot.present;
}

/** A tombstone cell: without bytes, which a restored cell always has. */
function deletedCell(): MapCell {
  return new MapCell(undefined, NO_BYTES, undefined, undefined, Number.NaN, 0);
}

/** What {@link applyNewerRecord} did. */
export const enum Applied {
  /** A newer file had decided the slot or cell: nothing changed. */
  Superseded = 0,
  /** The slot or cell now holds the record's value. */
  Set = 1,
  /** The slot or cell is marked deleted: {@link sweepTombstones} must visit the entry. */
  Deleted = 2,
}

/** Below this many bytes a plain loop copies faster than `Buffer.copy`, which builds a view per call. */
const LOOP_COPY_BYTES = 256;

/** Copies `end − start` bytes of `buf` into a buffer of their own (records are views of a file buffer). */
function copyOf(buf: Buffer, start: number, end: number): Buffer {
  const n = end - start;
  const out = Buffer.allocUnsafe(n);
  if (n < LOOP_COPY_BYTES) for (let i = 0; i < n; i++) out[i] = buf[start + i]!;
  else buf.copy(out, 0, start, end);
  return out;
}

/**
 * Applies one record, met while reading the chain newest file first, to `entry`. The record's
 * value is `buf[valueStart, valueEnd)`; for a MapState, `reader` stands at its user key, which
 * ends at `keyEnd`. `sameFile` holds the slots and cells set by earlier records of the record's
 * file (which it replaces, and adds to); `undefined` for a file with each key once. A single
 * value goes into `arena`. The entry's size change is applied to `entry.size` (and a map's to its slot's size).
 * @returns what the record did.
 * @throws RangeError when a map record lacks its user key or the user key cannot be decoded.
 */
export function applyNewerRecord(
  entry: KeyEntry,
  state: RegisteredState,
  reader: ValueReader,
  keyEnd: number,
  buf: Buffer,
  valueStart: number,
  valueEnd: number,
  sameFile: Set<object> | undefined,
  arena: RecordArena,
): Applied {
  const id = state.id;
  const old = entry.slot(id);
  if (state.kind !== 'map') {
    if (old !== undefined) {
      if (sameFile === undefined || !sameFile.delete(old)) return Applied.Superseded;
      entry.size -= old.size;
      if (old.type === 'single') old.release();
    }
    if (valueStart === valueEnd) {
      const tombstone = deletedSlot();
      entry.setSlot(id, tombstone);
      sameFile?.add(tombstone);
      return Applied.Deleted;
    }
    const slot =
      state.kind === 'list'
        ? new ListSlot(copyOf(buf, valueStart, valueEnd))
        : SingleSlot.inArena(
            arena,
            arena.addEncoded(entry.keyGroup, state.idBytes, entry.key, buf, valueStart, valueEnd),
            singleWriteTimeAt(buf, valueStart),
          );
    slot.unstored = true;
    entry.setSlot(id, slot);
    sameFile?.add(slot);
    entry.size += slot.size;
    return Applied.Set;
  }
  const userKeyStart = reader.pos;
  if (userKeyStart >= keyEnd) throw new RangeError(`a record of map state '${state.name}' has no user key`);
  let slot = old as MapSlot | undefined;
  if (slot === undefined) {
    slot = new MapSlot(undefined);
    slot.unstored = true;
    entry.setSlot(id, slot);
  }
  const cells = slot.cells();
  const userKey = reader.readValue();
  if (reader.pos !== keyEnd) throw new RangeError(`a record of map state '${state.name}' has a malformed user key`);
  const cacheKey = cacheKeyOf(userKey);
  const replaced = cells.get(cacheKey);
  if (replaced !== undefined) {
    if (sameFile === undefined || !sameFile.delete(replaced)) return Applied.Superseded;
    slot.size -= replaced.size;
    entry.size -= replaced.size;
  }
  if (valueStart === valueEnd) {
    const tombstone = deletedCell();
    cells.set(cacheKey, tombstone);
    sameFile?.add(tombstone);
    return Applied.Deleted;
  }
  const keyBytes = copyOf(buf, userKeyStart, keyEnd);
  const bytes = copyOf(buf, valueStart, valueEnd);
  const cell = new MapCell(userKey, keyBytes, UNDECODED, bytes, singleWriteTime(bytes), SLOT_OVERHEAD + keyBytes.length + bytes.length);
  cell.unstored = true;
  cells.set(cacheKey, cell);
  sameFile?.add(cell);
  slot.size += cell.size;
  entry.size += cell.size;
  return Applied.Set;
}

/**
 * Removes the tombstones {@link applyNewerRecord} left in `entry` once the whole chain is
 * applied: deleted slots become absent, deleted cells leave their map, and a map left without
 * cells leaves its slot.
 * @returns true when the entry holds no state any more (the caller drops it from the cache).
 */
export function sweepTombstones(entry: KeyEntry): boolean {
  let live = false;
  const end = entry.slotEnd;
  for (let id = 0; id < end; id++) {
    const slot = entry.slot(id);
    if (slot === undefined) continue;
    if (isDeletedSlot(slot)) {
      entry.setSlot(id, undefined);
      continue;
    }
    if (slot.type === 'map') {
      const cells = slot.cells();
      for (const [cacheKey, cell] of cells.entryList()) if (cell.bytes === undefined) cells.delete(cacheKey);
      if (cells.count === 0) {
        entry.setSlot(id, undefined);
        continue;
      }
    }
    live = true;
  }
  return !live;
}
