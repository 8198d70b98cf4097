/**
 * User function types, modelled on Flink's DataStream API. Every function may be a plain
 * function or an object ("rich function") with the method plus optional `open`/`close`.
 */

import type { KeyedStateStore } from './state.js';

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
}

/** Flink's ProcessFunction: a low-level per-record function on a non-keyed stream. */
export interface ProcessFunction<T, R> extends RichFunction {
  processElement(value: T, ctx: ProcessContext, out: Collector<R>): void;
}

/** Context of one element in a {@link KeyedProcessFunction}. */
export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

/**
 * Flink's KeyedProcessFunction: a per-record function on a keyed stream. `processElement` may be
 * `async`: the runtime then awaits it before the next record, so state accessed after an `await`
 * still belongs to this record's key (an async function is slower than a synchronous one: state
 * accessors never need an await, see state.ts).
 */
export interface KeyedProcessFunction<K, T, R> extends RichFunction {
  processElement(value: T, ctx: KeyedProcessContext<K>, out: Collector<R>): void | Promise<void>;
}
