/**
 * Applying one record of a snapshot file to a cached key entry, for a restore into the cache (see
 * KeyedStateBackend.restore): files are applied in chain order, so a record replaces what an
 * earlier file said about its slot or map entry, and an empty value deletes it.
 *
 * Restored slots are *unstored* (key-entry.ts): the store never receives them unless the entry is
 * evicted, or a snapshot has to read the store.
 */

import { ValueReader } from '@eddy/common';
import { cacheKeyOf } from './key-layout.js';
import { ListSlot, MapCell, MapSlot, SingleSlot, SLOT_OVERHEAD, UNDECODED, type KeyEntry } from './key-entry.js';
import type { RegisteredState } from './state-registry.js';
import { singleWriteTime } from './value-format.js';

/**
 * Applies `value` (copied: records are views of a file buffer) for `state` to `entry`.
 * @param userKeyBytes a MapState record's encoded user key, `undefined` for other states.
 * @returns the change of the entry's estimated size.
 * @throws RangeError when a map record lacks its user key or the user key cannot be decoded.
 */
export function applyRestoredRecord(entry: KeyEntry, state: RegisteredState, userKeyBytes: Buffer | undefined, value: Buffer): number {
  const slots = entry.slots;
  const old = slots[state.id];
  if (state.kind !== 'map') {
    const before = old?.size ?? 0;
    if (value.length === 0) {
      slots[state.id] = undefined;
      return -before;
    }
    const bytes = Buffer.from(value);
    const slot = state.kind === 'list' ? new ListSlot(bytes) : new SingleSlot(bytes);
    slot.unstored = true;
    slots[state.id] = slot;
    return slot.size - before;
  }
  if (userKeyBytes === undefined || userKeyBytes.length === 0) throw new RangeError(`a record of map state '${state.name}' has no user key`);
  let slot = old as MapSlot | undefined;
  if (slot === undefined) {
    slot = new MapSlot(undefined);
    slot.unstored = true;
    slots[state.id] = slot;
  }
  const cells = slot.cells();
  const userKey = new ValueReader(userKeyBytes).readValue();
  const cacheKey = cacheKeyOf(userKey);
  const replaced = cells.get(cacheKey);
  let delta = -(replaced?.size ?? 0);
  if (value.length === 0) {
    if (replaced !== undefined) cells.delete(cacheKey);
  } else {
    const keyBytes = Buffer.from(userKeyBytes);
    const bytes = Buffer.from(value);
    const cell = new MapCell(userKey, keyBytes, UNDECODED, bytes, singleWriteTime(bytes), SLOT_OVERHEAD + keyBytes.length + bytes.length);
    cell.unstored = true;
    cells.set(cacheKey, cell);
    delta += cell.size;
  }
  slot.size += delta;
  return delta;
}
