/**
 * Keyed state, with Flink's names: descriptors say what a function keeps per key, a
 * {@link KeyedStateStore} turns them into state objects scoped to the key of the record being
 * processed.
 *
 * Accessors are synchronous: the runtime loads a key's state into memory before the records of
 * that key reach the function, so `state.value()` returns the value itself (an `await` in front of
 * it still works). Values must be serializable by Eddy's codec: numbers, strings, booleans, null,
 * undefined, bigint, Date, Uint8Array, arrays, plain objects, Map and Set. A value is copied when it
 * is written: mutating an object after `update`/`add`/`put` without writing it again is not
 * guaranteed to be kept.
 */
import type { ReduceFunction } from './functions.js';

/**
 * When a value's time-to-live restarts (Flink's `StateTtlConfig.UpdateType`):
 * - `'OnCreateAndWrite'`: on every write (update, add, put);
 * - `'OnReadAndWrite'`: on every write and on every read that returns the value.
 */
export type StateTtlUpdateType = 'OnCreateAndWrite' | 'OnReadAndWrite';

/**
 * Time-to-live of state entries (Flink's `StateTtlConfig`). An entry whose last write (or read,
 * with `'OnReadAndWrite'`) is `ttlMs` or more milliseconds old is expired: it is never returned
 * and is dropped when a checkpoint is written. List elements and map entries expire one by one.
 */
export interface StateTtlConfig {
  /** Time-to-live in milliseconds; a positive finite number. */
  readonly ttlMs: number;
  /** What restarts the time-to-live. Default `'OnCreateAndWrite'`. */
  readonly updateType?: StateTtlUpdateType;
}

/** Options shared by all state descriptors. */
export interface StateDescriptorOptions {
  /** Expire entries after a time-to-live. Default: entries never expire. */
  readonly ttl?: StateTtlConfig;
}

/** The kinds of keyed state, one per descriptor class. */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Flink's `AggregateFunction`: folds inputs into an accumulator and derives a result from it.
 * `add` may mutate and return the accumulator it is given.
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  /** Merges two accumulators (used by merging windows; state itself never calls it). */
  merge?(a: ACC, b: ACC): ACC;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 1000)
    throw new TypeError('a state name must be a non-empty string of at most 1000 characters');
  return name;
}

function checkTtl(ttl: StateTtlConfig | undefined): StateTtlConfig | undefined {
  if (ttl === undefined) return undefined;
  if (typeof ttl.ttlMs !== 'number' || !Number.isFinite(ttl.ttlMs) || ttl.ttlMs <= 0)
    throw new RangeError(`ttl.ttlMs must be a positive finite number of milliseconds, got ${String(ttl.ttlMs)}`);
  const updateType = ttl.updateType ?? 'OnCreateAndWrite';
  if (updateType !== 'OnCreateAndWrite' && updateType !== 'OnReadAndWrite')
    throw new RangeError(`ttl.updateType must be 'OnCreateAndWrite' or 'OnReadAndWrite', got ${String(updateType)}`);
  return Object.freeze({ ttlMs: ttl.ttlMs, updateType });
}

/**
 * What all descriptors share. The state's name identifies it within the operator and across
 * checkpoints: restoring maps stored state back to descriptors by name, and a name may only be
 * used with one kind of state.
 */
export abstract class StateDescriptor {
  abstract readonly kind: StateKind;
  /** The state's name, unique within the operator. */
  readonly name: string;
  /** Time-to-live, `undefined` when entries never expire. `updateType` is always set. */
  readonly ttl: StateTtlConfig | undefined;

  /**
   * @throws TypeError when `name` is not a non-empty string; RangeError for an invalid `ttl`.
   */
  protected constructor(name: string, options: StateDescriptorOptions | undefined) {
    this.name = checkName(name);
    this.ttl = checkTtl(options?.ttl);
  }
}

/** Describes a {@link ValueState}: one value per key. */
export class ValueStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'value' as const;
  /** Carries `T` for type inference only; never set. */
  declare readonly __valueType?: T;

  /** @throws TypeError / RangeError as {@link StateDescriptor} does. */
  constructor(name: string, options?: StateDescriptorOptions) {
    super(name, options);
  }
}

/** Describes a {@link ListState}: a list of values per key. */
export class ListStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'list' as const;
  /** Carries `T` for type inference only; never set. */
  declare readonly __elementType?: T;

  /** @throws TypeError / RangeError as {@link StateDescriptor} does. */
  constructor(name: string, options?: StateDescriptorOptions) {
    super(name, options);
  }
}

/** Describes a {@link MapState}: a map from user keys to values per key. */
export class MapStateDescriptor<UK, UV> extends StateDescriptor {
  readonly kind = 'map' as const;
  /** Carries `UK` and `UV` for type inference only; never set. */
  declare readonly __entryType?: [UK, UV];

  /** @throws TypeError / RangeError as {@link StateDescriptor} does. */
  constructor(name: string, options?: StateDescriptorOptions) {
    super(name, options);
  }
}

/** Describes a {@link ReducingState}: one value per key, combined with each added value by `reduce`. */
export class ReducingStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'reducing' as const;
  /** The reduce function as a plain function (a rich function's `reduce`, bound). */
  readonly reduceFunction: (a: T, b: T) => T;

  /**
   * @param reduceFunction combines the current value (first argument) with an added one.
   * @throws TypeError when `reduceFunction` is neither a function nor an object with `reduce`,
   *   and as {@link StateDescriptor} does.
   */
  constructor(name: string, reduceFunction: ReduceFunction<T>, options?: StateDescriptorOptions) {
    super(name, options);
    if (typeof reduceFunction === 'function') this.reduceFunction = reduceFunction;
    else if (reduceFunction !== null && typeof reduceFunction === 'object' && typeof reduceFunction.reduce === 'function')
      this.reduceFunction = reduceFunction.reduce.bind(reduceFunction);
    else throw new TypeError(`reducing state '${name}' needs a reduce function`);
  }
}

/** Describes an {@link AggregatingState}: an accumulator per key, fed by an {@link AggregateFunction}. */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor {
  readonly kind = 'aggregating' as const;
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;

  /**
   * @throws TypeError when `aggregateFunction` lacks `createAccumulator`, `add` or `getResult`,
   *   and as {@link StateDescriptor} does.
   */
  constructor(name: string, aggregateFunction: AggregateFunction<IN, ACC, OUT>, options?: StateDescriptorOptions) {
    super(name, options);
    const f = aggregateFunction as Partial<AggregateFunction<IN, ACC, OUT>> | null;
    if (
      f === null ||
      typeof f !== 'object' ||
      typeof f.createAccumulator !== 'function' ||
      typeof f.add !== 'function' ||
      typeof f.getResult !== 'function'
    )
      throw new TypeError(`aggregating state '${name}' needs an aggregate function with createAccumulator, add and getResult`);
    this.aggregateFunction = aggregateFunction;
  }
}

/** One value per key (Flink's `ValueState`). */
export interface ValueState<T> {
  /** The current key's value, `undefined` when absent (never set, cleared or expired). */
  value(): T | undefined;
  /** Sets the current key's value; `update(undefined)` is `clear()`. @throws TypeError for unserializable values. */
  update(value: T | undefined): void;
  /** Removes the current key's value. */
  clear(): void;
}

/** A list per key (Flink's `ListState`). */
export interface ListState<T> {
  /** A copy of the current key's list, empty when absent. */
  get(): T[];
  /** Appends one value. @throws TypeError for unserializable values. */
  add(value: T): void;
  /** Appends values in order. */
  addAll(values: Iterable<T>): void;
  /** Replaces the list; an empty list clears it. */
  update(values: Iterable<T>): void;
  clear(): void;
}

/** A map per key (Flink's `MapState`). Iteration order is unspecified. */
export interface MapState<UK, UV> {
  /** The value for `key`, `undefined` when absent. */
  get(key: UK): UV | undefined;
  /** @throws TypeError when the key or value is unserializable. */
  put(key: UK, value: UV): void;
  /** Puts every entry of a Map or of any iterable of pairs. */
  putAll(entries: Iterable<readonly [UK, UV]>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  /** A snapshot of the entries, as an array. */
  entries(): Array<[UK, UV]>;
  keys(): UK[];
  values(): UV[];
  isEmpty(): boolean;
  clear(): void;
}

/** One value per key, combined with each added value (Flink's `ReducingState`). */
export interface ReducingState<T> {
  /** The reduced value, `undefined` when nothing was added since the last clear. */
  get(): T | undefined;
  add(value: T): void;
  clear(): void;
}

/** An accumulator per key (Flink's `AggregatingState`). */
export interface AggregatingState<IN, OUT> {
  /** `getResult` of the accumulator, `undefined` when nothing was added since the last clear. */
  get(): OUT | undefined;
  add(value: IN): void;
  clear(): void;
}

/**
 * Creates state objects for descriptors (Flink's `KeyedStateStore`), exposed by the runtime
 * context of functions on a keyed stream. Each state object reads and writes the state of the key
 * of the record being processed. Calling a getter again with the same name returns an equivalent
 * object.
 * @throws Error when a name is already used by a state of another kind.
 */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}
