/**
 * The in-memory form of one key's state, as the write-behind cache holds it: a {@link KeyEntry}
 * per key with one slot per registered state.
 *
 * Slots keep values decoded, so reads cost nothing. What a slot keeps for the next write-out
 * depends on the value: primitives are immutable and stay as they are until written out; objects
 * are encoded when written (`update`, `add`, `put`), so later mutations of a user's object cannot
 * leak into a checkpoint. Capturing dirty state at a barrier therefore copies references only
 * ({@link CapturedWrites}); stored keys and bytes are built later, off the barrier, by
 * {@link materialize}.
 *
 * A single-value slot of a cached entry is the exception: its value, primitive or not, is encoded
 * when written, as a record in its backend's {@link RecordArena} (see record-arena.ts), and a
 * capture copies it out of there.
 *
 * A capture is either for the store (a write batch) or for a checkpoint only (a delta that the
 * store does not receive: rewriting hot keys into RocksDB at every barrier would cost more than
 * the checkpoint itself). After a checkpoint-only capture the slot is *unstored*: the store holds
 * an older value, so the next capture for the store writes the slot's whole image, and a cleared
 * slot is kept until then, to carry its delete. A map keeps the deletes of its removed entries for
 * the store only once the store may hold the map (see MapSlot.inStore).
 *
 * Sizes are estimates from encoded lengths plus a fixed per-object overhead; they bound the cache,
 * they do not measure the heap exactly.
 */

import { ValueReader } from '@eddy/common';
import { CompactMap } from './compact-map.js';
import type { RecordArena } from './record-arena.js';
import { cacheKeyOf, encodeKey, storedKey, type CacheKey } from './key-layout.js';
import type { KvWriteOp } from './rocksdb-store.js';
import { decodeSingle, encodeList, encodeSingle, isPrimitive, singleWriteTime, splitList } from './value-format.js';

/** Estimated bytes of a key entry beyond its key (objects, map and set slots, slot array). */
export const ENTRY_OVERHEAD = 240;
/** Estimated bytes of one slot or map cell beyond its encoded bytes. */
export const SLOT_OVERHEAD = 72;

/** Marks a value that has not been decoded from its bytes yet. */
export const UNDECODED: unique symbol = Symbol('undecoded');
type Maybe<T> = T | typeof UNDECODED;

/** How a captured write becomes a stored value. */
export const enum CaptureForm {
  Delete = 0,
  /** `value` is an encoded single or list. */
  Encoded = 1,
  /** `value` is a primitive, to encode with `writeTime`. */
  Primitive = 2,
  /** `value` is an array of encoded list elements. */
  ListElements = 3,
}

/**
 * Where captured writes go: {@link CapturedWrites}, to be turned into bytes later, or an encoder
 * that writes them at once (a cache image, whose values are read while it is written).
 */
export interface WriteSink {
  /** Appends one write; `value` and `time` are read according to `form`. */
  push(
    keyGroup: number,
    stateId: Buffer,
    key: unknown,
    userKey: Buffer | undefined,
    form: CaptureForm,
    value: unknown,
    time: number,
  ): void;
  /**
   * Appends the write of record `rec` of `arena` (a put of a single value), when the sink can take
   * the record's bytes as they are: an encoder copies them at once. Without it, the write is
   * pushed with a copy of the value, since the arena's bytes change with the next write.
   */
  pushRecord?(arena: RecordArena, rec: number): void;
}

/** A sink that drops every write: for captures that only mark their entries clean. */
export const DISCARDED_WRITES: WriteSink = { push: () => undefined };

/**
 * Writes captured from the cache, turned into store operations by {@link materialize}. Kept as
 * parallel arrays: a barrier may capture hundreds of thousands of writes, and one object per write
 * would cost allocation and garbage collection at the barrier.
 */
export class CapturedWrites implements WriteSink {
  readonly keyGroups: number[] = [];
  readonly stateIds: Buffer[] = [];
  /** Current keys (JavaScript values; encoded when materialized). */
  readonly keys: unknown[] = [];
  /** MapState entries' encoded user keys. */
  readonly userKeys: Array<Buffer | undefined> = [];
  readonly forms: CaptureForm[] = [];
  readonly values: unknown[] = [];
  readonly times: number[] = [];

  /** Number of captured writes. */
  get length(): number {
    return this.forms.length;
  }

  /** Appends one write; `value` and `time` are read according to `form`. */
  push(
    keyGroup: number,
    stateId: Buffer,
    key: unknown,
    userKey: Buffer | undefined,
    form: CaptureForm,
    value: unknown,
    time: number,
  ): void {
    this.keyGroups.push(keyGroup);
    this.stateIds.push(stateId);
    this.keys.push(key);
    this.userKeys.push(userKey);
    this.forms.push(form);
    this.values.push(value);
    this.times.push(time);
  }
}

/**
 * Builds the store operations of captured writes.
 * @throws TypeError when a key cannot be encoded (cannot happen for keys that were loaded).
 */
export function materialize(captured: CapturedWrites): KvWriteOp[] {
  const n = captured.length;
  const ops = new Array<KvWriteOp>(n);
  let lastKey: unknown = UNDECODED;
  let lastKeyBytes: Buffer = Buffer.alloc(0);
  for (let i = 0; i < n; i++) {
    const k = captured.keys[i];
    // Writes of one entry are adjacent: encode its key once.
    if (k !== lastKey || (typeof k === 'object' && k !== null)) {
      lastKey = k;
      lastKeyBytes = encodeKey(k);
    }
    const key = storedKey(captured.keyGroups[i]!, captured.stateIds[i]!, lastKeyBytes, captured.userKeys[i]);
    const value = captured.values[i];
    switch (captured.forms[i]!) {
      case CaptureForm.Delete:
        ops[i] = { type: 'del', key };
        break;
      case CaptureForm.Encoded:
        ops[i] = { type: 'put', key, value: value as Buffer };
        break;
      case CaptureForm.Primitive:
        ops[i] = { type: 'put', key, value: encodeSingle(value, captured.times[i]!) };
        break;
      case CaptureForm.ListElements:
        ops[i] = { type: 'put', key, value: encodeList(value as Buffer[]) };
        break;
    }
  }
  return ops;
}

/**
 * Appends a value to an image. A clean object value may have no bytes (they are dropped once
 * the store has them), and it may be mutated in place later (an accumulator): encode it now.
 */
function pushImage(
  out: WriteSink,
  keyGroup: number,
  stateId: Buffer,
  key: unknown,
  userKey: Buffer | undefined,
  bytes: Buffer | undefined,
  value: unknown,
  time: number,
): void {
  if (bytes !== undefined) out.push(keyGroup, stateId, key, userKey, CaptureForm.Encoded, bytes, time);
  else if (isPrimitive(value)) out.push(keyGroup, stateId, key, userKey, CaptureForm.Primitive, value, time);
  else out.push(keyGroup, stateId, key, userKey, CaptureForm.Encoded, encodeSingle(value, time), time);
}

/** The slot of a ValueState, ReducingState or AggregatingState: at most one value. */
export class SingleSlot {
  readonly type = 'single' as const;
  /** False once cleared (a dirty absent slot is a pending delete). */
  present: boolean;
  /** The value, {@link UNDECODED} until first read. */
  value: Maybe<unknown>;
  /**
   * The encoded value (with `writeTime`) of a slot outside the arena ({@link rec} is -1): set
   * while undecoded, and for object values written since the last capture. `undefined` for
   * primitives, which are encoded when captured.
   */
  bytes: Buffer | undefined;
  /**
   * The slot's record in its backend's {@link RecordArena}, which then holds the encoded value;
   * -1 for a slot outside it. Values written to cached entries, and restored ones, are in the
   * arena; values loaded from the store, and those of entries that left the cache, are not.
   */
  rec = -1;
  /** The arena of {@link rec}. */
  arena: RecordArena | undefined = undefined;
  /** Write time for TTL, NaN when none. */
  writeTime: number;
  size: number;
  dirty: boolean;
  /** Captured for a checkpoint since it was last captured for the store (see the module comment). */
  unstored = false;

  /** A slot loaded from the store (`bytes`) or empty. */
  constructor(bytes: Buffer | undefined) {
    this.present = bytes !== undefined;
    this.value = bytes === undefined ? undefined : UNDECODED;
    this.bytes = bytes;
    this.writeTime = bytes === undefined ? Number.NaN : singleWriteTime(bytes);
    this.size = bytes === undefined ? 0 : SLOT_OVERHEAD + bytes.length;
    this.dirty = false;
  }

  /** A present slot whose undecoded value is record `rec` of `arena`, written at `writeTime`. */
  static inArena(arena: RecordArena, rec: number, writeTime: number): SingleSlot {
    const slot = new SingleSlot(undefined);
    slot.present = true;
    slot.value = UNDECODED;
    slot.rec = rec;
    slot.arena = arena;
    slot.writeTime = writeTime;
    slot.size = SLOT_OVERHEAD + arena.valueLength(rec);
    return slot;
  }

  /** The value, decoded on first use; the slot must be present. @throws RangeError on corrupt bytes. */
  get(): unknown {
    if (this.value === UNDECODED) {
      if (this.rec >= 0) return (this.value = this.arena!.decode(this.rec));
      this.value = decodeSingle(this.bytes!);
      // A clean decoded value needs no bytes: nothing will write it out.
      if (!this.dirty && !this.unstored) this.bytes = undefined;
    }
    return this.value;
  }

  /**
   * Makes the slot hold a value just written (encoded in the arena, or in `bytes` outside it) and
   * marks it dirty. @returns the size change.
   */
  assign(value: unknown, bytes: Buffer | undefined, writeTime: number, size: number): number {
    const delta = size - this.size;
    this.present = true;
    this.value = value;
    this.bytes = bytes;
    this.writeTime = writeTime;
    this.size = size;
    this.dirty = true;
    return delta;
  }

  /** Gives up the slot's arena record, if any, without keeping its value (the value is gone or replaced). */
  release(): void {
    if (this.rec < 0) return;
    this.arena!.free(this.rec);
    this.rec = -1;
    this.arena = undefined;
  }

  /** Moves the value out of the arena into {@link bytes}: the entry leaves the cache. */
  detach(): void {
    if (this.rec < 0) return;
    this.bytes = this.arena!.valueCopy(this.rec);
    this.release();
  }

  /**
   * Appends the value of a slot in the arena to `out`: its record when `out` takes records, else a
   * primitive as it is or a copy of its bytes (the arena's are overwritten by the next write).
   * Nothing for {@link DISCARDED_WRITES}.
   */
  private pushFromArena(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown): void {
    if (out === DISCARDED_WRITES) return;
    if (out.pushRecord !== undefined) {
      out.pushRecord(this.arena!, this.rec);
      return;
    }
    const value = this.value;
    if (value !== UNDECODED && isPrimitive(value)) out.push(keyGroup, stateId, key, undefined, CaptureForm.Primitive, value, this.writeTime);
    else out.push(keyGroup, stateId, key, undefined, CaptureForm.Encoded, this.arena!.valueCopy(this.rec), this.writeTime);
  }

  /**
   * Appends the slot's write (put or delete; the whole value, so it serves as a change and as an
   * image alike) to `out` and marks the slot clean; `forStore` says where the write goes.
   * @returns the size change (always 0).
   */
  capture(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown, forStore: boolean): number {
    if (!this.present) out.push(keyGroup, stateId, key, undefined, CaptureForm.Delete, undefined, Number.NaN);
    else if (this.rec >= 0) this.pushFromArena(out, keyGroup, stateId, key);
    else if (this.bytes !== undefined) out.push(keyGroup, stateId, key, undefined, CaptureForm.Encoded, this.bytes, this.writeTime);
    else out.push(keyGroup, stateId, key, undefined, CaptureForm.Primitive, this.value, this.writeTime);
    this.dirty = false;
    this.unstored = !forStore;
    // An unstored object value keeps its bytes for the image: re-encoding it would cost more.
    if (forStore && this.value !== UNDECODED) this.bytes = undefined;
    return 0;
  }

  /** True when the slot says nothing the store does not (absent, clean and stored): it may be dropped. */
  get vacant(): boolean {
    return !this.present && !this.dirty && !this.unstored;
  }

  /** See {@link KeyEntry.warm}. */
  warm(): number {
    return this.size;
  }

  /** Appends the slot's value, if any, to a full snapshot; changes nothing. */
  image(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown): void {
    if (!this.present) return;
    if (this.rec >= 0) this.pushFromArena(out, keyGroup, stateId, key);
    else pushImage(out, keyGroup, stateId, key, undefined, this.bytes, this.value, this.writeTime);
  }
}

/** The slot of a ListState: the list, each element encoded with its own write time. */
export class ListSlot {
  readonly type = 'list' as const;
  /** The encoded list until first access. */
  private stored: Buffer | undefined;
  private itemsDecoded: unknown[] = [];
  private elementsEncoded: Buffer[] = [];
  private times: number[] = [];
  size: number;
  dirty = false;
  /** As {@link SingleSlot.unstored}. */
  unstored = false;

  constructor(stored: Buffer | undefined) {
    this.stored = stored;
    this.size = stored === undefined ? 0 : SLOT_OVERHEAD + stored.length;
  }

  private decode(): void {
    if (this.stored === undefined) return;
    const elements = splitList(this.stored);
    this.stored = undefined;
    this.elementsEncoded = elements;
    this.itemsDecoded = elements.map(decodeSingle);
    this.times = elements.map(singleWriteTime);
    // `size` keeps the stored estimate until the next write re-estimates it.
  }

  /** Decoded items, encoded elements and write times, index-aligned; callers must not mutate them. */
  parts(): { items: unknown[]; elements: Buffer[]; times: number[] } {
    this.decode();
    return { items: this.itemsDecoded, elements: this.elementsEncoded, times: this.times };
  }

  /** Replaces the list (arrays are taken, not copied). @returns the size change. */
  replace(items: unknown[], elements: Buffer[], times: number[]): number {
    this.stored = undefined;
    this.itemsDecoded = items;
    this.elementsEncoded = elements;
    this.times = times;
    let size = 0;
    for (const e of elements) size += e.length + SLOT_OVERHEAD;
    const delta = size - this.size;
    this.size = size;
    this.dirty = true;
    return delta;
  }

  /** Appends one element. @returns the size change. */
  append(item: unknown, element: Buffer, time: number): number {
    this.decode();
    this.itemsDecoded.push(item);
    this.elementsEncoded.push(element);
    this.times.push(time);
    this.dirty = true;
    const delta = element.length + SLOT_OVERHEAD;
    this.size += delta;
    return delta;
  }

  /**
   * Appends the list's write (the whole list, or a delete when empty) and marks the slot clean.
   * @returns the size change (always 0).
   */
  capture(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown, forStore: boolean): number {
    if (this.stored !== undefined) out.push(keyGroup, stateId, key, undefined, CaptureForm.Encoded, this.stored, Number.NaN);
    else if (this.elementsEncoded.length > 0)
      // A copy: appends after the capture must not reach the captured write.
      out.push(keyGroup, stateId, key, undefined, CaptureForm.ListElements, this.elementsEncoded.slice(), Number.NaN);
    else out.push(keyGroup, stateId, key, undefined, CaptureForm.Delete, undefined, Number.NaN);
    this.dirty = false;
    this.unstored = !forStore;
    return 0;
  }

  /** See {@link KeyEntry.warm}. */
  warm(): number {
    return this.size;
  }

  /** True when the list is empty, clean and stored: the slot may be dropped. */
  get vacant(): boolean {
    return !this.dirty && !this.unstored && this.stored === undefined && this.elementsEncoded.length === 0;
  }

  /** Appends the list, if not empty, to a full snapshot; changes nothing. */
  image(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown): void {
    if (this.stored !== undefined) out.push(keyGroup, stateId, key, undefined, CaptureForm.Encoded, this.stored, Number.NaN);
    else if (this.elementsEncoded.length > 0)
      out.push(keyGroup, stateId, key, undefined, CaptureForm.ListElements, this.elementsEncoded.slice(), Number.NaN);
  }
}

/** One entry of a MapState. */
export class MapCell {
  /** The value, {@link UNDECODED} until first read. */
  value: Maybe<unknown>;
  /** As {@link SingleSlot.bytes}. */
  bytes: Buffer | undefined;
  writeTime: number;
  size: number;
  /** Changed since the last capture; set through {@link MapSlot.touch}, which lists the cell. */
  dirty = false;
  /** As {@link SingleSlot.unstored}. */
  unstored = false;

  constructor(
    public userKey: unknown,
    public userKeyBytes: Buffer,
    value: Maybe<unknown>,
    bytes: Buffer | undefined,
    writeTime: number,
    size: number,
  ) {
    this.value = value;
    this.bytes = bytes;
    this.writeTime = writeTime;
    this.size = size;
  }

  /** Makes this cell, parked by {@link MapSlot.park}, a new entry's cell. @returns this cell. */
  reuse(userKey: unknown, userKeyBytes: Buffer, value: unknown, bytes: Buffer | undefined, writeTime: number, size: number): this {
    this.userKey = userKey;
    this.userKeyBytes = userKeyBytes;
    this.value = value;
    this.bytes = bytes;
    this.writeTime = writeTime;
    this.size = size;
    this.dirty = false;
    this.unstored = false;
    return this;
  }

  /** The value, decoded on first use. @throws RangeError on corrupt bytes. */
  get(): unknown {
    if (this.value === UNDECODED) {
      this.value = decodeSingle(this.bytes!);
      if (!this.dirty && !this.unstored) this.bytes = undefined;
    }
    return this.value;
  }
}

/**
 * The slot of a MapState: every entry of the key's map (the slot is itself the map of its cells,
 * one object less to reach on every access), plus removals not yet written.
 */
export class MapSlot extends CompactMap<CacheKey, MapCell> {
  readonly type = 'map' as const;
  /** Stored `[userKeyBytes, value]` pairs until first access. */
  private stored: Array<[Buffer, Buffer]> | undefined;
  /** Removed entries whose delete has not been captured: cache key → user key bytes. */
  readonly removed = new CompactMap<CacheKey, Buffer>();
  /** Deletes captured for a checkpoint only, which the store has not received yet. */
  private readonly storeRemoved = new CompactMap<CacheKey, Buffer>();
  /**
   * Whether the store may hold entries of this map: it was read from the store, or a capture for
   * the store wrote it. Until then a removed entry's delete goes to the next checkpoint only. The
   * store has nothing to delete, and keeping the delete for it would keep one per removed entry
   * for as long as the key stays cached: a window operator whose state fits the cache would keep
   * every fired window of every key, growing the cache by the window (and evicting live keys
   * once it was full).
   */
  private inStore: boolean;
  /**
   * The cells made dirty since the last capture, so that a capture visits only those, not the
   * whole map: the first {@link dirtyCellCount}. A cell that stopped being dirty without a capture
   * (removed, or replaced by a new cell) stays in the list and is skipped. The array is reused
   * across captures: emptying it (`length = 0`) would drop its backing store, and every key
   * would allocate a new one at its next change, to be promoted and collected a checkpoint later.
   */
  private readonly dirtyCells: Array<MapCell | undefined> = [];
  private dirtyCellCount = 0;
  /** A removed cell kept for reuse (see {@link park}). */
  private parked: MapCell | undefined = undefined;
  size = 0;
  dirty = false;
  /** As {@link SingleSlot.unstored}: some cells or deletes reached a checkpoint but not the store. */
  unstored = false;

  /** @param stored the map's entries as read from the store; `undefined` for a map the store does not hold. */
  constructor(stored: Array<[Buffer, Buffer]> | undefined) {
    super();
    this.inStore = stored !== undefined;
    if (stored !== undefined && stored.length > 0) {
      this.stored = stored;
      for (const [k, v] of stored) this.size += SLOT_OVERHEAD + k.length + v.length;
    }
  }

  /**
   * The entries, decoded on first access (user keys only; values stay encoded until read). Reach
   * the cells through this, never through the inherited map methods directly: those do not decode.
   */
  cells(): CompactMap<CacheKey, MapCell> {
    if (this.stored !== undefined) {
      for (const [k, v] of this.stored) {
        const userKey = new ValueReader(k).readValue();
        const cell = new MapCell(userKey, k, UNDECODED, v, singleWriteTime(v), SLOT_OVERHEAD + k.length + v.length);
        this.set(cacheKeyOf(userKey), cell);
      }
      this.stored = undefined;
    }
    return this;
  }

  /**
   * Keeps a cell just removed from this map for the next new entry (see {@link takeParked}). A
   * window operator removes each key's cell of a window when it fires and puts one for a later
   * window: reusing the cell spares an allocation per key and window, its promotion to the old
   * generation, and its collection there. Nothing else holds a removed cell: captures keep its
   * value and bytes, never the cell, and a stale reference in the dirty list is skipped because
   * the cell is clean (or is the same live cell again).
   */
  park(cell: MapCell): void {
    cell.value = undefined;
    cell.bytes = undefined;
    this.parked = cell;
  }

  /** The cell parked by {@link park}, now no longer parked; `undefined` when there is none. */
  takeParked(): MapCell | undefined {
    const cell = this.parked;
    this.parked = undefined;
    return cell;
  }

  /** Marks a live cell of this map, and the map, as changed since the last capture. */
  touch(cell: MapCell): void {
    if (!cell.dirty) {
      cell.dirty = true;
      // Without barriers a hot key is captured only when evicted: drop dead cells as the list grows.
      if (this.dirtyCellCount >= 32 && this.dirtyCellCount > 2 * this.count) this.keepDirtyCells();
      this.dirtyCells[this.dirtyCellCount++] = cell;
    }
    this.dirty = true;
  }

  /** Drops the cells that are no longer dirty from {@link dirtyCells}, in place. */
  private keepDirtyCells(): void {
    const list = this.dirtyCells;
    let n = 0;
    for (let i = 0; i < this.dirtyCellCount; i++) {
      const cell = list[i]!;
      list[i] = undefined;
      if (cell.dirty) list[n++] = cell;
    }
    this.dirtyCellCount = n;
  }

  /**
   * Captures pending puts and deletes, or for the store after checkpoint-only captures, the map's
   * image: every cell and delete the store has not received (deletes first, so a key removed and
   * put again ends up put).
   * @returns the size change (deletes that reached the store are forgotten).
   */
  capture(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown, forStore: boolean): number {
    let delta = 0;
    const image = forStore && this.unstored;
    if (image && this.storeRemoved.count > 0) {
      this.storeRemoved.forEach((userKey) => {
        out.push(keyGroup, stateId, key, userKey, CaptureForm.Delete, undefined, Number.NaN);
        delta -= SLOT_OVERHEAD + userKey.length;
      });
      this.storeRemoved.clear();
    }
    if (this.removed.count > 0) {
      this.removed.forEach((userKey, cacheKey) => {
        out.push(keyGroup, stateId, key, userKey, CaptureForm.Delete, undefined, Number.NaN);
        // Kept (and counted) until the store has it; counted once when removed again meanwhile.
        if (!forStore && this.inStore && !this.storeRemoved.has(cacheKey)) this.storeRemoved.set(cacheKey, userKey);
        else delta -= SLOT_OVERHEAD + userKey.length;
      });
      this.removed.clear();
    }
    this.size += delta;
    if (image) {
      // Cells loaded from the store and not touched since (`stored`) are in the store already.
      this.forEach((cell) => {
        if (cell.dirty || cell.unstored) this.captureCell(out, keyGroup, stateId, key, cell, true);
      });
    }
    // Emptied in place, keeping the array (nothing here touches a cell); the slots are cleared so
    // that removed cells are not kept alive.
    const list = this.dirtyCells;
    for (let i = 0; i < this.dirtyCellCount; i++) {
      const cell = list[i]!;
      list[i] = undefined;
      if (!image && cell.dirty) this.captureCell(out, keyGroup, stateId, key, cell, forStore);
    }
    this.dirtyCellCount = 0;
    this.dirty = false;
    this.unstored = !forStore;
    if (forStore) this.inStore = true;
    return delta;
  }

  private captureCell(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown, cell: MapCell, forStore: boolean): void {
    if (cell.bytes !== undefined) out.push(keyGroup, stateId, key, cell.userKeyBytes, CaptureForm.Encoded, cell.bytes, cell.writeTime);
    else out.push(keyGroup, stateId, key, cell.userKeyBytes, CaptureForm.Primitive, cell.value, cell.writeTime);
    cell.dirty = false;
    cell.unstored = !forStore;
    if (forStore && cell.value !== UNDECODED) cell.bytes = undefined;
  }

  /** See {@link KeyEntry.warm}: the map and its first cell. */
  warm(): number {
    const first = this.firstValue();
    return first === undefined ? this.size : first.size;
  }

  /** True when the map is empty, clean and stored: the slot may be dropped. */
  get vacant(): boolean {
    return !this.dirty && !this.unstored && this.stored === undefined && this.count === 0;
  }

  /** Appends every entry to a full snapshot (in no particular order); changes nothing. */
  image(out: WriteSink, keyGroup: number, stateId: Buffer, key: unknown): void {
    if (this.stored !== undefined) {
      for (const [k, v] of this.stored) out.push(keyGroup, stateId, key, k, CaptureForm.Encoded, v, Number.NaN);
      return;
    }
    this.forEach((cell) => pushImage(out, keyGroup, stateId, key, cell.userKeyBytes, cell.bytes, cell.value, cell.writeTime));
  }
}

/** Any slot. */
export type Slot = SingleSlot | ListSlot | MapSlot;

/** One key's cached state. */
export class KeyEntry {
  /**
   * The slots of states 0 and 1, in fields of the entry; the others in {@link rest}. Most keyed
   * operators have one or two states (a window operator: its timers and its contents), and every
   * access then reaches its slot without loading an array and its elements.
   */
  private s0: Slot | undefined = undefined;
  private s1: Slot | undefined = undefined;
  /** Slots of states 2 and above, by `id - 2`; created when one is set. */
  private rest: Array<Slot | undefined> | undefined;
  /** Estimated bytes. */
  size: number;
  /** In the cache (counted in its size), as opposed to evicted and in flight. */
  cached = false;
  /** Has changes not captured for a write yet. */
  dirty = false;
  /**
   * Some slot was captured for a checkpoint only since the entry was last written to the store:
   * before the entry leaves the cache, or before a snapshot reads the store, its image must be
   * written (see KeyedStateBackend's module comment).
   */
  unstored = false;
  /**
   * The latest full snapshot taken from the cache that holds this entry's state: imaged, or begun
   * after the entry entered the cache. While a newer one is being written, the entry is pending:
   * it must be imaged before it changes or leaves the cache (see KeyedStateBackend.snapshotSync).
   */
  imageGen = 0;
  /**
   * The backend's barrier generation in which the entry became dirty. A dirty entry of an older
   * generation still holds the state of a barrier that has not been captured yet (see
   * KeyedStateBackend.snapshotSync).
   */
  dirtyGen = 0;
  /** Clock bit: touched since the eviction hand last passed. */
  referenced = true;
  /** The prefetch call that last asked for this key (recent ones are never evicted). */
  epoch = 0;
  /** Sequence number of the last write batch that carries this entry's data (0: none). */
  pendingSeq = 0;

  constructor(
    readonly key: unknown,
    readonly cacheKey: CacheKey,
    readonly keyGroup: number,
    keyBytesLength: number,
    stateCount: number,
  ) {
    // Sized exactly: a growing array would reserve room for 17 slots.
    this.rest = stateCount > 2 ? new Array<Slot | undefined>(stateCount - 2) : undefined;
    this.size = ENTRY_OVERHEAD + keyBytesLength;
  }

  /** The slot of state `id`; undefined when the key has no value for that state. */
  slot(id: number): Slot | undefined {
    return id === 0 ? this.s0 : id === 1 ? this.s1 : this.rest?.[id - 2];
  }

  /** Sets (or, with undefined, removes) the slot of state `id`. */
  setSlot(id: number, slot: Slot | undefined): void {
    if (id === 0) this.s0 = slot;
    else if (id === 1) this.s1 = slot;
    else (this.rest ??= [])[id - 2] = slot;
  }

  /**
   * Reads the entry's first two slots (and a map's first cell) so that they are in the CPU cache
   * when its record is processed. State access is bound by memory latency, one load after the
   * other: a loop that warms a whole batch's entries before any record is processed has the
   * loads of several entries in flight at once. The result means nothing; the caller keeps it
   * so that the loads are not optimized away.
   */
  warm(): number {
    let n = 0;
    if (this.s0 !== undefined) n += this.s0.warm();
    if (this.s1 !== undefined) n += this.s1.warm();
    return n;
  }

  /** Moves the values of single-value slots out of the arena (see {@link SingleSlot.detach}): the entry leaves the cache. */
  detach(): void {
    const end = this.slotEnd;
    for (let id = 0; id < end; id++) {
      const slot = this.slot(id);
      if (slot?.type === 'single') slot.detach();
    }
  }

  /** One past the highest state id that may have a slot: loops over the slots run below it. */
  get slotEnd(): number {
    return this.rest === undefined ? 2 : 2 + this.rest.length;
  }
}
