/**
 * The state objects user functions get (ValueState, ListState, MapState, ReducingState,
 * AggregatingState). They are thin views: every call resolves the current key's cached entry
 * through a {@link StateHost} and works on its slot synchronously. Writes encode the value at
 * once (see key-entry.ts) and report the entry as changed, which marks it dirty for the next
 * flush or checkpoint.
 *
 * TTL (Flink's StateTtlConfig with NeverReturnExpired): an expired value reads as absent and is
 * removed on that read; `OnReadAndWrite` restarts the time-to-live on reads that return a value.
 */

import type {
  AggregateFunction,
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  ValueState,
} from '@eddy/api';
import { cacheKeyOf, encodeKey, type CacheKey } from './key-layout.js';
import { ListSlot, MapCell, MapSlot, SingleSlot, SLOT_OVERHEAD, type KeyEntry } from './key-entry.js';
import type { RecordArena } from './record-arena.js';
import type { RegisteredState } from './state-registry.js';
import { encodeSingle, estimateSingleSize, isExpired, isPrimitive, NO_TIME, withWriteTime, type Primitive } from './value-format.js';

/** What state objects need from the backend. */
export interface StateHost {
  /** The current key's entry. @throws Error when no key is set or its state is not loaded. */
  entry(): KeyEntry;
  /** The TTL clock, epoch ms. */
  now(): number;
  /** Records that `entry` changed: marks it dirty and adds `sizeDelta` to its estimated size. */
  changed(entry: KeyEntry, sizeDelta: number): void;
  /** Where the values of single-value states written to cached entries are kept. */
  readonly arena: RecordArena;
}

/** The write time to store with a new value: now for TTL states, none otherwise. */
function writeTime(host: StateHost, state: RegisteredState): number {
  return state.ttlMs > 0 ? host.now() : NO_TIME;
}

/**
 * A value's encoded form for a slot: objects are encoded now (a later mutation of the caller's
 * object must not reach a checkpoint), primitives are kept as they are (`undefined`). Apart from
 * {@link slotSize}: a `{ bytes, size }` result per write was an allocation on every record.
 * @throws TypeError for values the codec cannot serialize.
 */
function encodeForSlot(value: unknown, time: number): Buffer | undefined {
  return isPrimitive(value) ? undefined : encodeSingle(value, time);
}

/** The estimated size in a slot of `value`, whose {@link encodeForSlot} form is `bytes`. */
function slotSize(value: unknown, bytes: Buffer | undefined, time: number): number {
  return SLOT_OVERHEAD + (bytes === undefined ? estimateSingleSize(value as Primitive, time) : bytes.length);
}

/** The bytes of a slot or cell after its write time changed to `now`, `undefined` for primitives. */
function restamp(bytes: Buffer | undefined, value: unknown, now: number): Buffer | undefined {
  if (bytes !== undefined) return withWriteTime(bytes, now);
  return isPrimitive(value) ? undefined : encodeSingle(value, now);
}

/** Shared by the three single-value states. */
abstract class SingleValueStateBase {
  constructor(
    protected readonly host: StateHost,
    protected readonly state: RegisteredState,
  ) {}

  /** The live slot of the current key, honouring TTL; `undefined` when absent or expired. */
  protected read(entry: KeyEntry): SingleSlot | undefined {
    const slot = entry.slot(this.state.id) as SingleSlot | undefined;
    if (slot === undefined || !slot.present) return undefined;
    const { ttlMs } = this.state;
    if (ttlMs > 0) {
      const now = this.host.now();
      if (isExpired(slot.writeTime, ttlMs, now)) {
        this.remove(entry, slot);
        return undefined;
      }
      if (this.state.refreshOnRead) {
        if (slot.rec >= 0) {
          const arena = this.host.arena;
          const bytes = withWriteTime(arena.valueCopy(slot.rec), now);
          arena.setEncoded(slot.rec, bytes, 0, bytes.length);
        } else slot.bytes = restamp(slot.bytes, slot.value, now);
        slot.writeTime = now;
        slot.dirty = true;
        this.host.changed(entry, 0);
      }
    }
    return slot;
  }

  protected write(entry: KeyEntry, value: unknown): void {
    if (!entry.cached) {
      this.writeOutside(entry, value);
      return;
    }
    // The arena encodes first: an unserializable value leaves the state unchanged.
    const time = writeTime(this.host, this.state);
    const arena = this.host.arena;
    let slot = entry.slot(this.state.id) as SingleSlot | undefined;
    let rec: number;
    if (slot !== undefined && slot.rec >= 0) {
      rec = slot.rec;
      arena.set(rec, value, time);
    } else {
      rec = arena.add(entry.keyGroup, this.state.idBytes, entry.key, value, time);
      if (slot === undefined) {
        slot = new SingleSlot(undefined);
        entry.setSlot(this.state.id, slot);
      }
      slot.rec = rec;
      slot.arena = arena;
    }
    this.host.changed(entry, slot.assign(value, undefined, time, SLOT_OVERHEAD + arena.valueLength(rec)));
  }

  /**
   * A write to an entry outside the cache (in flight to the store): its value is kept in the
   * slot, since the arena holds only cached entries' values.
   */
  private writeOutside(entry: KeyEntry, value: unknown): void {
    // Prepare first: an unserializable value must leave the state unchanged.
    const time = writeTime(this.host, this.state);
    const bytes = encodeForSlot(value, time);
    const size = slotSize(value, bytes, time);
    let slot = entry.slot(this.state.id) as SingleSlot | undefined;
    if (slot === undefined) {
      slot = new SingleSlot(undefined);
      entry.setSlot(this.state.id, slot);
    }
    slot.release();
    this.host.changed(entry, slot.assign(value, bytes, time, size));
  }

  protected remove(entry: KeyEntry, slot: SingleSlot): void {
    if (!slot.present) return;
    const before = slot.size;
    slot.release();
    slot.present = false;
    slot.value = undefined;
    slot.bytes = undefined;
    slot.size = 0;
    slot.dirty = true;
    this.host.changed(entry, -before);
  }

  clear(): void {
    const entry = this.host.entry();
    const slot = entry.slot(this.state.id) as SingleSlot | undefined;
    if (slot !== undefined) this.remove(entry, slot);
  }
}

/** Flink's ValueState. */
export class RocksValueState<T> extends SingleValueStateBase implements ValueState<T> {
  value(): T | undefined {
    return this.read(this.host.entry())?.get() as T | undefined;
  }

  update(value: T | undefined): void {
    if (value === undefined) this.clear();
    else this.write(this.host.entry(), value);
  }
}

/** Flink's ReducingState. */
export class RocksReducingState<T> extends SingleValueStateBase implements ReducingState<T> {
  constructor(
    host: StateHost,
    state: RegisteredState,
    private readonly reduce: (a: T, b: T) => T,
  ) {
    super(host, state);
  }

  get(): T | undefined {
    return this.read(this.host.entry())?.get() as T | undefined;
  }

  add(value: T): void {
    const entry = this.host.entry();
    const slot = this.read(entry);
    this.write(entry, slot === undefined ? value : this.reduce(slot.get() as T, value));
  }
}

/** Flink's AggregatingState. */
export class RocksAggregatingState<IN, ACC, OUT> extends SingleValueStateBase implements AggregatingState<IN, OUT> {
  constructor(
    host: StateHost,
    state: RegisteredState,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(host, state);
  }

  get(): OUT | undefined {
    const slot = this.read(this.host.entry());
    return slot === undefined ? undefined : this.fn.getResult(slot.get() as ACC);
  }

  add(value: IN): void {
    const entry = this.host.entry();
    const slot = this.read(entry);
    const acc = slot === undefined ? this.fn.createAccumulator() : (slot.get() as ACC);
    this.write(entry, this.fn.add(value, acc));
  }
}

/** Flink's ListState. */
export class RocksListState<T> implements ListState<T> {
  constructor(
    private readonly host: StateHost,
    private readonly state: RegisteredState,
  ) {}

  private slot(entry: KeyEntry): ListSlot | undefined {
    return entry.slot(this.state.id) as ListSlot | undefined;
  }

  get(): T[] {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    if (slot === undefined) return [];
    const { items, elements, times } = slot.parts();
    const { ttlMs } = this.state;
    if (ttlMs > 0 && items.length > 0) {
      const now = this.host.now();
      let expired = 0;
      for (const t of times) if (isExpired(t, ttlMs, now)) expired++;
      if (expired > 0 || this.state.refreshOnRead) {
        const keepItems: unknown[] = [];
        const keepElements: Buffer[] = [];
        const keepTimes: number[] = [];
        for (let i = 0; i < items.length; i++) {
          if (isExpired(times[i]!, ttlMs, now)) continue;
          keepItems.push(items[i]);
          keepElements.push(this.state.refreshOnRead ? withWriteTime(elements[i]!, now) : elements[i]!);
          keepTimes.push(this.state.refreshOnRead ? now : times[i]!);
        }
        this.host.changed(entry, slot.replace(keepItems, keepElements, keepTimes));
        return keepItems.slice() as T[];
      }
    }
    return items.slice() as T[];
  }

  add(value: T): void {
    const entry = this.host.entry();
    const time = writeTime(this.host, this.state);
    const element = encodeSingle(value, time);
    let slot = this.slot(entry);
    if (slot === undefined) {
      slot = new ListSlot(undefined);
      entry.setSlot(this.state.id, slot);
    }
    this.host.changed(entry, slot.append(value, element, time));
  }

  addAll(values: Iterable<T>): void {
    const items = Array.from(values);
    if (items.length === 0) return;
    const entry = this.host.entry();
    const time = writeTime(this.host, this.state);
    const elements = items.map((v) => encodeSingle(v, time));
    let slot = this.slot(entry);
    if (slot === undefined) {
      slot = new ListSlot(undefined);
      entry.setSlot(this.state.id, slot);
    }
    let delta = 0;
    for (let i = 0; i < items.length; i++) delta += slot.append(items[i], elements[i]!, time);
    this.host.changed(entry, delta);
  }

  update(values: Iterable<T>): void {
    const items: unknown[] = Array.from(values);
    const entry = this.host.entry();
    const time = writeTime(this.host, this.state);
    const elements = items.map((v) => encodeSingle(v, time));
    let slot = this.slot(entry);
    if (slot === undefined) {
      if (items.length === 0) return;
      slot = new ListSlot(undefined);
      entry.setSlot(this.state.id, slot);
    }
    this.host.changed(entry, slot.replace(items, elements, items.map(() => time)));
  }

  clear(): void {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    if (slot !== undefined && !slot.vacant) this.host.changed(entry, slot.replace([], [], []));
  }
}

/** Flink's MapState. */
export class RocksMapState<UK, UV> implements MapState<UK, UV> {
  /** The primitive user key last encoded, and its bytes (see {@link encodeUserKey}). */
  private lastUserKey: unknown = undefined;
  private lastUserKeyBytes: Buffer | undefined;

  constructor(
    private readonly host: StateHost,
    private readonly state: RegisteredState,
  ) {}

  /**
   * The encoded user key of a new entry. The last primitive one is reused: many keys put the
   * same user key (every key of a window puts the window's start), and cells never change their
   * key's bytes, so one Buffer serves them all.
   */
  private encodeUserKey(key: UK): Buffer {
    if (typeof key === 'object' && key !== null) return encodeKey(key);
    if (this.lastUserKeyBytes !== undefined && Object.is(key, this.lastUserKey)) return this.lastUserKeyBytes;
    const bytes = encodeKey(key);
    this.lastUserKey = key;
    this.lastUserKeyBytes = bytes;
    return bytes;
  }

  private slot(entry: KeyEntry): MapSlot | undefined {
    return entry.slot(this.state.id) as MapSlot | undefined;
  }

  private createSlot(entry: KeyEntry): MapSlot {
    let slot = this.slot(entry);
    if (slot === undefined) {
      slot = new MapSlot(undefined);
      entry.setSlot(this.state.id, slot);
    }
    return slot;
  }

  /** Removes a cell, remembering its key for a delete. @returns the size change. */
  private static drop(slot: MapSlot, cacheKey: CacheKey, cell: MapCell): number {
    slot.cells().delete(cacheKey);
    // Its delete is what gets captured, not its value.
    cell.dirty = false;
    let delta = -cell.size;
    slot.park(cell);
    if (!slot.removed.has(cacheKey)) {
      slot.removed.set(cacheKey, cell.userKeyBytes);
      delta += SLOT_OVERHEAD + cell.userKeyBytes.length;
    }
    slot.size += delta;
    slot.dirty = true;
    return delta;
  }

  /** The live cell (TTL applied, possibly refreshed), `undefined` when absent or expired. */
  private live(entry: KeyEntry, slot: MapSlot, cacheKey: CacheKey, cell: MapCell, now: number): MapCell | undefined {
    const { ttlMs } = this.state;
    if (ttlMs <= 0) return cell;
    if (isExpired(cell.writeTime, ttlMs, now)) {
      this.host.changed(entry, RocksMapState.drop(slot, cacheKey, cell));
      return undefined;
    }
    if (this.state.refreshOnRead) {
      cell.bytes = restamp(cell.bytes, cell.value, now);
      cell.writeTime = now;
      slot.touch(cell);
      this.host.changed(entry, 0);
    }
    return cell;
  }

  private lookup(key: UK): MapCell | undefined {
    const entry = this.host.entry();
    return this.lookupIn(entry, this.slot(entry), cacheKeyOf(key));
  }

  /** The live cell of `cacheKey` in `slot` (the current entry's), TTL applied; `undefined` when absent or expired. */
  private lookupIn(entry: KeyEntry, slot: MapSlot | undefined, cacheKey: CacheKey): MapCell | undefined {
    const cell = slot?.cells().get(cacheKey);
    if (cell === undefined) return undefined;
    return this.live(entry, slot!, cacheKey, cell, this.state.ttlMs > 0 ? this.host.now() : 0);
  }

  get(key: UK): UV | undefined {
    return this.lookup(key)?.get() as UV | undefined;
  }

  contains(key: UK): boolean {
    return this.lookup(key) !== undefined;
  }

  put(key: UK, value: UV): void {
    const cacheKey = cacheKeyOf(key);
    const entry = this.host.entry();
    const slot = this.slot(entry);
    const existing = slot?.cells().get(cacheKey);
    const time = writeTime(this.host, this.state);
    const bytes = encodeForSlot(value, time);
    if (slot !== undefined && existing !== undefined && (typeof key !== 'object' || key === null)) {
      // Updating an entry (a window's accumulator, on every record) changes its cell in place:
      // no new cell, no re-encoded user key. A capture holds the cell's old value and bytes, not
      // the cell. Object keys take the general path, so the cell keeps the caller's latest key.
      const size = slotSize(value, bytes, time) + existing.userKeyBytes.length;
      const delta = size - existing.size;
      existing.value = value;
      existing.bytes = bytes;
      existing.writeTime = time;
      existing.size = size;
      slot.touch(existing);
      slot.size += delta;
      this.host.changed(entry, delta);
      return;
    }
    // Equal cache keys encode equally: an existing entry's encoded user key is reused.
    const userKeyBytes = existing?.userKeyBytes ?? this.encodeUserKey(key);
    this.host.changed(entry, this.set(this.createSlot(entry), key, cacheKey, userKeyBytes, bytes, value, time));
  }

  private set(
    slot: MapSlot,
    key: unknown,
    cacheKey: CacheKey,
    userKeyBytes: Buffer,
    bytes: Buffer | undefined,
    value: unknown,
    time: number,
  ): number {
    const cells = slot.cells();
    const size = slotSize(value, bytes, time) + userKeyBytes.length;
    const cell = slot.takeParked()?.reuse(key, userKeyBytes, value, bytes, time, size) ?? new MapCell(key, userKeyBytes, value, bytes, time, size);
    const replaced = cells.get(cacheKey);
    let delta = size - (replaced?.size ?? 0);
    // The new cell's value is what gets captured.
    if (replaced !== undefined) replaced.dirty = false;
    cells.set(cacheKey, cell);
    slot.touch(cell);
    const removed = slot.removed.get(cacheKey);
    if (removed !== undefined) {
      slot.removed.delete(cacheKey);
      delta -= SLOT_OVERHEAD + removed.length;
    }
    slot.size += delta;
    slot.dirty = true;
    return delta;
  }

  putAll(entries: Iterable<readonly [UK, UV]>): void {
    const time = writeTime(this.host, this.state);
    // Encode everything first: an unserializable entry must leave the map unchanged.
    const prepared = Array.from(entries, ([k, v]) => [k, cacheKeyOf(k), encodeKey(k), encodeForSlot(v, time), v] as const);
    if (prepared.length === 0) return;
    const entry = this.host.entry();
    const slot = this.createSlot(entry);
    let delta = 0;
    for (const [k, cacheKey, userKeyBytes, p, v] of prepared) delta += this.set(slot, k, cacheKey, userKeyBytes, p, v, time);
    this.host.changed(entry, delta);
  }

  remove(key: UK): void {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    if (slot === undefined) return;
    const cacheKey = cacheKeyOf(key);
    const cell = slot.cells().get(cacheKey);
    if (cell !== undefined) this.host.changed(entry, RocksMapState.drop(slot, cacheKey, cell));
  }

  /**
   * Removes the entry of `key` and returns its value: `get` then `remove` with one lookup (a
   * window's firing reads its contents and clears them). @returns undefined, changing nothing,
   * when there is no live entry.
   */
  take(key: UK): UV | undefined {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    const cacheKey = cacheKeyOf(key);
    const cell = this.lookupIn(entry, slot, cacheKey);
    if (cell === undefined) return undefined;
    const value = cell.get() as UV;
    this.host.changed(entry, RocksMapState.drop(slot!, cacheKey, cell));
    return value;
  }

  /** The live cells of the current key, TTL applied. */
  private liveCells(): MapCell[] {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    if (slot === undefined) return [];
    const cells = slot.cells();
    if (this.state.ttlMs <= 0) return cells.valueList();
    const now = this.host.now();
    const out: MapCell[] = [];
    // Collect first: `live` may delete from the map being iterated.
    for (const [cacheKey, cell] of cells.entryList()) {
      const kept = this.live(entry, slot, cacheKey, cell, now);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }

  entries(): Array<[UK, UV]> {
    return this.liveCells().map((c) => [c.userKey as UK, c.get() as UV]);
  }

  keys(): UK[] {
    return this.liveCells().map((c) => c.userKey as UK);
  }

  values(): UV[] {
    return this.liveCells().map((c) => c.get() as UV);
  }

  isEmpty(): boolean {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    if (slot === undefined) return true;
    const cells = slot.cells();
    if (this.state.ttlMs <= 0) return cells.count === 0;
    const now = this.host.now();
    for (const cell of cells.valueList()) if (!isExpired(cell.writeTime, this.state.ttlMs, now)) return false;
    return true;
  }

  clear(): void {
    const entry = this.host.entry();
    const slot = this.slot(entry);
    if (slot === undefined) return;
    let delta = 0;
    for (const [cacheKey, cell] of slot.cells().entryList()) delta += RocksMapState.drop(slot, cacheKey, cell);
    this.host.changed(entry, delta);
  }
}
