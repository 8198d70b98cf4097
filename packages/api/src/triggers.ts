/**
 * Triggers decide when a window's contents are evaluated (Flink: Trigger, TriggerResult and the
 * event-time, processing-time, count and purging triggers).
 */
import { ReducingStateDescriptor, type ReducingState, type ValueState, type ValueStateDescriptor } from './state.js';
import type { TimeWindow } from './windows.js';

/** What a trigger decides for a window. */
export type TriggerResult = 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE';

/**
 * What a trigger may do. Timers and state are scoped to the current key and the window the
 * trigger is called for.
 */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** State of this key and window. Value and reducing state are supported. */
  getPartitionedState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getPartitionedState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
}

/** The context of {@link Trigger.onMerge}: the merged windows' state can be combined. */
export interface OnMergeContext extends TriggerContext {
  /** Reduces the state of the merged windows into the new window's. */
  mergePartitionedState<T>(descriptor: ReducingStateDescriptor<T>): void;
}

/** Decides when windows fire. One instance serves every key and window of an operator: keep state in the context. */
export abstract class Trigger<T = unknown> {
  abstract onElement(element: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** Whether the trigger supports merging windows (needed with session windows). */
  canMerge(): boolean {
    return false;
  }
  /** Windows merged into `window`: re-register timers, merge state. */
  onMerge(_window: TimeWindow, _ctx: OnMergeContext): void {
    throw new Error(`${this.constructor.name} does not support merging windows`);
  }
  /** The window is being removed: delete its timers and state. */
  abstract clear(window: TimeWindow, ctx: TriggerContext): void;
}

/** Fires once the watermark passes the window's end, and again for each late record within the allowed lateness. */
export class EventTimeTrigger<T = unknown> extends Trigger<T> {
  static create<T = unknown>(): EventTimeTrigger<T> {
    return new EventTimeTrigger<T>();
  }
  onElement(_e: T, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return 'FIRE';
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return 'CONTINUE';
  }
  onEventTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.maxTimestamp() ? 'FIRE' : 'CONTINUE';
  }
  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
}

/** Fires when processing time reaches the window's end. */
export class ProcessingTimeTrigger<T = unknown> extends Trigger<T> {
  static create<T = unknown>(): ProcessingTimeTrigger<T> {
    return new ProcessingTimeTrigger<T>();
  }
  onElement(_e: T, _ts: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return 'CONTINUE';
  }
  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }
  onProcessingTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.maxTimestamp() ? 'FIRE' : 'CONTINUE';
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(window.maxTimestamp());
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }
}

const sum = (a: number, b: number): number => a + b;

/** Fires each time a window has received `count` more records (Flink: CountTrigger). */
export class CountTrigger<T = unknown> extends Trigger<T> {
  private readonly descriptor: ReducingStateDescriptor<number>;

  private constructor(readonly maxCount: number) {
    super();
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new RangeError(`CountTrigger needs a positive integer count, got ${maxCount}`);
    this.descriptor = new ReducingStateDescriptor<number>('count', sum);
  }
  static of<T = unknown>(count: number): CountTrigger<T> {
    return new CountTrigger<T>(count);
  }
  onElement(_e: T, _ts: number, _w: TimeWindow, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.descriptor);
    count.add(1);
    if ((count.get() ?? 0) >= this.maxCount) {
      count.clear();
      return 'FIRE';
    }
    return 'CONTINUE';
  }
  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }
  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: TimeWindow, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.descriptor);
  }
  clear(_w: TimeWindow, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.descriptor).clear();
  }
}

/** Turns every FIRE of the wrapped trigger into FIRE_AND_PURGE (Flink: PurgingTrigger). */
export class PurgingTrigger<T = unknown> extends Trigger<T> {
  private constructor(readonly nested: Trigger<T>) {
    super();
  }
  static of<T = unknown>(nested: Trigger<T>): PurgingTrigger<T> {
    return new PurgingTrigger<T>(nested);
  }
  private static purge(r: TriggerResult): TriggerResult {
    return r === 'FIRE' ? 'FIRE_AND_PURGE' : r;
  }
  onElement(e: T, ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purge(this.nested.onElement(e, ts, w, ctx));
  }
  onEventTime(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purge(this.nested.onEventTime(time, w, ctx));
  }
  onProcessingTime(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purge(this.nested.onProcessingTime(time, w, ctx));
  }
  override canMerge(): boolean {
    return this.nested.canMerge();
  }
  override onMerge(w: TimeWindow, ctx: OnMergeContext): void {
    this.nested.onMerge(w, ctx);
  }
  clear(w: TimeWindow, ctx: TriggerContext): void {
    this.nested.clear(w, ctx);
  }
}
