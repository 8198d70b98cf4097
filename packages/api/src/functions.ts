/**
 * User function types, modelled on Flink's DataStream API. Every function may be a plain
 * function or an object ("rich function") with the method plus optional `open`/`close`.
 */

import type { OutputTag } from './output-tag.js';
import type { KeyedStateStore } from './state.js';
import type { TimeWindow } from './windows.js';

/**
 * What a rich function's `open(ctx)` receives (Flink: RuntimeContext). On a keyed stream (after
 * `keyBy`) the state getters of {@link KeyedStateStore} return state objects scoped to the key
 * of the record being processed; obtain them in `open` and keep them. Elsewhere the getters
 * throw, as Flink's do.
 */
export interface RuntimeContext extends KeyedStateStore {
  readonly jobId: string;
  readonly jobName: string;
  /** Name of the operator this function belongs to. */
  readonly operatorName: string;
  /** 0-based index of this parallel instance. */
  readonly subtaskIndex: number;
  /** Number of parallel instances of this operator. */
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Restart attempt of this execution, 0 for the first. */
  readonly attemptNumber: number;
  /** Job arguments given at submission (after `--`), and `--key value` pairs parsed from them. */
  readonly jobParameters: JobParameters;
}

/** Arguments given to the job (Flink: ParameterTool). */
export interface JobParameters {
  readonly args: readonly string[];
  /** Value of `--name value` or `--name=value`; undefined when absent. */
  get(name: string): string | undefined;
  /** Like {@link get}, but returns `fallback` when absent. */
  get(name: string, fallback: string): string;
  /** Numeric value of `--name`; `fallback` when absent. @throws Error when present but not a number. */
  getNumber(name: string, fallback: number): number;
  has(name: string): boolean;
}

/** Lifecycle hooks of a rich function. */
export interface RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Receives the records a function emits (Flink: Collector). */
export interface Collector<T> {
  collect(value: T): void;
}

export type MapFunction<T, R> = ((value: T) => R) | (RichFunction & { map(value: T): R });
export type FilterFunction<T> = ((value: T) => boolean) | (RichFunction & { filter(value: T): boolean });
export type FlatMapFunction<T, R> =
  | ((value: T, out: Collector<R>) => void)
  | (RichFunction & { flatMap(value: T, out: Collector<R>): void });
export type ReduceFunction<T> = ((a: T, b: T) => T) | (RichFunction & { reduce(a: T, b: T): T });
/** Extracts the key of a record; must be deterministic. */
export type KeySelector<T, K> = (value: T) => K;

/** Context of one element in a {@link ProcessFunction}. */
export interface ProcessContext {
  /** Event timestamp of the current record, undefined when it has none. */
  readonly timestamp: number | undefined;
  /** Emits `value` to the side output `tag`, with the current record's timestamp. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Time and timers of a keyed function (Flink: TimerService). Timers are scoped to the current
 * key, deduplicated per key and time, checkpointed, and fire after a restore when due. An
 * event-time timer fires once the watermark reaches its time; a processing-time timer once the
 * wall clock does.
 */
export interface TimerService {
  /** The wall clock, in ms since the epoch. */
  currentProcessingTime(): number;
  /** The operator's current event-time watermark (MIN_WATERMARK before the first). */
  currentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  /** Deletes a timer of the current key; no effect when there is none at that time. */
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** Which clock a timer belongs to (Flink: TimeDomain). */
export type TimeDomain = 'EVENT_TIME' | 'PROCESSING_TIME';

/** Flink's ProcessFunction: a low-level per-record function on a non-keyed stream. */
export interface ProcessFunction<T, R> extends RichFunction {
  processElement(value: T, ctx: ProcessContext, out: Collector<R>): void;
}

/** Context of one element in a {@link KeyedProcessFunction}. */
export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
  timerService(): TimerService;
}

/** Context of {@link KeyedProcessFunction.onTimer}: the key is the timer's, the timestamp its time. */
export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * Flink's KeyedProcessFunction: a per-record function on a keyed stream. `processElement` may be
 * `async`: the runtime then awaits it before the next record, so state accessed after an `await`
 * still belongs to this record's key (an async function is slower than a synchronous one: state
 * accessors never need an await, see state.ts).
 */
export interface KeyedProcessFunction<K, T, R> extends RichFunction {
  processElement(value: T, ctx: KeyedProcessContext<K>, out: Collector<R>): void | Promise<void>;
  /** A timer of the current key fired; records emitted here carry the timer's time. May be `async`. */
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<R>): void | Promise<void>;
}

/** What a {@link ProcessWindowFunction} knows about the window it evaluates. */
export interface WindowContext {
  readonly window: TimeWindow;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** Emits `value` to the side output `tag`. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Evaluates a fired window of one key (Flink: ProcessWindowFunction). With `aggregate` or
 * `reduce`, `elements` holds the single pre-aggregated result; otherwise every record of the
 * window, in arrival order. Results carry the timestamp `window.maxTimestamp()`.
 */
export type ProcessWindowFunction<IN, OUT, K> =
  | ((key: K, ctx: WindowContext, elements: IN[], out: Collector<OUT>) => void)
  | (RichFunction & { process(key: K, ctx: WindowContext, elements: IN[], out: Collector<OUT>): void });

