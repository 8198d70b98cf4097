/**
 * WindowedStream: a keyed stream grouped into windows (Flink's class of the same name). Finish it
 * with `reduce`, `aggregate` or `process`; the result is a stream of window results, and
 * `getSideOutput(lateTag)` on it gives the records too late for any window.
 */
import type { KeySelector, ProcessWindowFunction, ReduceFunction } from './functions.js';
import { DataStream, type GraphBuilder } from './datastream.js';
import { OutputTag } from './output-tag.js';
import type { AggregateFunction } from './state.js';
import { Trigger } from './triggers.js';
import type { TransformationInput } from './transformation.js';
import type { WindowFunctionSpec, WindowSpec } from './window-spec.js';
import type { WindowAssigner } from './windows.js';

function checkProcess(fn: unknown, what: string): void {
  if (typeof fn === 'function') return;
  if (fn !== null && typeof fn === 'object' && typeof (fn as { process?: unknown }).process === 'function') return;
  throw new Error(`${what} needs a ProcessWindowFunction: a function (key, ctx, elements, out) or an object with process`);
}

/** A keyed stream with a window assigner. */
export class WindowedStream<T, K> {
  private trig: Trigger<unknown> | undefined;
  private lateness = 0;
  private lateTag: OutputTag<unknown> | undefined;

  /** @internal */
  constructor(
    private readonly builder: GraphBuilder,
    private readonly inputs: readonly TransformationInput[],
    private readonly keySelector: KeySelector<T, K>,
    private readonly assigner: WindowAssigner<T>,
  ) {}

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<T>): this {
    if (!(trigger instanceof Trigger)) throw new Error('trigger needs a Trigger (e.g. CountTrigger.of(100))');
    if (this.assigner.isMerging() && !trigger.canMerge())
      throw new Error(`${trigger.constructor.name} cannot be used with merging (session) windows: it does not support merging`);
    this.trig = trigger;
    return this;
  }

  /**
   * Keeps windows for `ms` after their end: a late record within that time updates its window
   * and fires it again. Default 0. Event-time windows only.
   */
  allowedLateness(ms: number): this {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`allowed lateness must be a non-negative number of ms, got ${ms}`);
    if (ms > 0 && !this.assigner.isEventTime()) throw new Error('allowed lateness applies to event-time windows only');
    this.lateness = ms;
    return this;
  }

  /** Sends records too late for every window to side output `tag` instead of dropping them. */
  sideOutputLateData(tag: OutputTag<T>): this {
    if (!(tag instanceof OutputTag)) throw new Error('sideOutputLateData needs an OutputTag');
    this.lateTag = tag;
    return this;
  }

  /** Reduces each window incrementally; `process`, if given, then sees the reduced value. */
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<R>(fn: ReduceFunction<T>, process: ProcessWindowFunction<T, R, K>): DataStream<R>;
  reduce<R>(fn: ReduceFunction<T>, process?: ProcessWindowFunction<T, R, K>): DataStream<T> | DataStream<R> {
    let reduce: (a: unknown, b: unknown) => unknown;
    if (typeof fn === 'function') reduce = fn as (a: unknown, b: unknown) => unknown;
    else if (fn !== null && typeof fn === 'object' && typeof fn.reduce === 'function')
      reduce = fn.reduce.bind(fn) as (a: unknown, b: unknown) => unknown;
    else throw new Error('window reduce needs a function (a, b) => c or an object with reduce');
    if (process !== undefined) checkProcess(process, 'window reduce');
    return this.build<R>('Window(Reduce)', { kind: 'reduce', reduce, ...(process !== undefined ? { process } : {}) }, process ?? fn);
  }

  /** Aggregates each window incrementally; `process`, if given, then sees `getResult`'s value. */
  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, process: ProcessWindowFunction<V, R, K>): DataStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, process?: ProcessWindowFunction<V, R, K>): DataStream<R> | DataStream<V> {
    const f = fn as Partial<AggregateFunction<T, ACC, V>> | null;
    if (f === null || typeof f !== 'object' || typeof f.createAccumulator !== 'function' || typeof f.add !== 'function' || typeof f.getResult !== 'function')
      throw new Error('window aggregate needs an AggregateFunction with createAccumulator, add and getResult');
    if (this.assigner.isMerging() && typeof f.merge !== 'function')
      throw new Error('window aggregate on session windows needs an AggregateFunction with merge');
    if (process !== undefined) checkProcess(process, 'window aggregate');
    return this.build<R>(
      'Window(Aggregate)',
      { kind: 'aggregate', aggregate: fn, ...(process !== undefined ? { process } : {}) },
      process ?? fn,
    );
  }

  /** Keeps every record of a window and hands them all to `fn` when the window fires. */
  process<R>(fn: ProcessWindowFunction<T, R, K>): DataStream<R> {
    checkProcess(fn, 'window process');
    return this.build('Window(Process)', { kind: 'process', process: fn }, fn);
  }

  private build<R>(name: string, fn: WindowFunctionSpec, userFunction: unknown): DataStream<R> {
    const spec: WindowSpec = {
      assigner: this.assigner,
      trigger: this.trig ?? (this.assigner.defaultTrigger()),
      allowedLateness: this.lateness,
      lateDataTag: this.lateTag,
      fn,
    };
    const t = this.builder.addTransformation('window', name, [...this.inputs], {
      userFunction,
      keySelector: this.keySelector as KeySelector<unknown, unknown>,
      config: spec,
    });
    return new DataStream<R>(this.builder, [{ transformation: t, partitioning: { kind: 'default' } }]);
  }
}
