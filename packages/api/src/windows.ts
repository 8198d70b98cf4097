/**
 * Window assigners (Flink: WindowAssigner and its tumbling, sliding and session variants) and the
 * {@link TimeWindow} they assign. A window is `[start, end)`; its results carry the timestamp
 * {@link TimeWindow.maxTimestamp}, `end - 1`.
 */
import { EventTimeTrigger, ProcessingTimeTrigger, type Trigger } from './triggers.js';

/** A time interval `[start, end)` (Flink: TimeWindow). */
export class TimeWindow {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** The last timestamp that belongs to the window. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /** Whether the two windows overlap or touch (session windows merge then). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window containing both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: TimeWindow): boolean {
    return this.start === other.start && this.end === other.end;
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }
}

/**
 * Flink's `TimeWindow.getWindowStartWithOffset`: the start of the window of `size` (shifted by
 * `offset`) that contains `timestamp`; correct for negative timestamps too.
 */
export function windowStartWithOffset(timestamp: number, offset: number, size: number): number {
  const remainder = (timestamp - offset) % size;
  return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
}

/** What an assigner may ask while assigning. */
export interface WindowAssignerContext {
  currentProcessingTime(): number;
}

/** Assigns each record to zero or more windows. */
export abstract class WindowAssigner<T = unknown> {
  /** Windows of a record with `timestamp` (event time) or at the current processing time. */
  abstract assignWindows(element: T, timestamp: number, ctx: WindowAssignerContext): readonly TimeWindow[];
  /** The trigger used when the job sets none. */
  abstract defaultTrigger(): Trigger<T>;
  /** Whether windows are in event time (records need timestamps). */
  abstract isEventTime(): boolean;
  /** Whether windows merge (session windows). */
  isMerging(): boolean {
    return false;
  }
}

// Whole milliseconds only, as Flink's long ms: maxTimestamp() = end - 1 holds for integer bounds alone.
function checkSize(what: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`${what} must be a positive integer number of ms, got ${ms}`);
  return ms;
}

function checkOffset(offset: number, period: number, periodName: 'size' | 'slide'): number {
  if (!Number.isSafeInteger(offset) || Math.abs(offset) >= period)
    throw new RangeError(`the window offset must be an integer number of ms with |offset| < ${periodName} (${period} ms), got ${offset}`);
  return offset;
}

abstract class TumblingWindows<T> extends WindowAssigner<T> {
  protected constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
    checkSize('the window size', size);
    checkOffset(offset, size, 'size');
  }

  /** The last answer: consecutive records mostly fall into the same window. */
  private last: readonly TimeWindow[] = Object.freeze([]);

  protected windowAt(timestamp: number): readonly TimeWindow[] {
    const start = windowStartWithOffset(timestamp, this.offset, this.size);
    const last = this.last[0];
    if (last !== undefined && last.start === start) return this.last;
    return (this.last = Object.freeze([new TimeWindow(start, start + this.size)]));
  }
}

/** Fixed-size, non-overlapping event-time windows. */
export class TumblingEventTimeWindows<T = unknown> extends TumblingWindows<T> {
  /** Windows of `size` ms, optionally shifted by `offset` ms (e.g. for time zones). */
  static of<T = unknown>(size: number, offset = 0): TumblingEventTimeWindows<T> {
    return new TumblingEventTimeWindows<T>(size, offset);
  }
  assignWindows(_e: T, timestamp: number): readonly TimeWindow[] {
    return this.windowAt(timestamp);
  }
  defaultTrigger(): Trigger<T> {
    return EventTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return true;
  }
}

/** Fixed-size, non-overlapping processing-time windows. */
export class TumblingProcessingTimeWindows<T = unknown> extends TumblingWindows<T> {
  static of<T = unknown>(size: number, offset = 0): TumblingProcessingTimeWindows<T> {
    return new TumblingProcessingTimeWindows<T>(size, offset);
  }
  assignWindows(_e: T, _timestamp: number, ctx: WindowAssignerContext): readonly TimeWindow[] {
    return this.windowAt(ctx.currentProcessingTime());
  }
  defaultTrigger(): Trigger<T> {
    return ProcessingTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
}

abstract class SlidingWindows<T> extends WindowAssigner<T> {
  protected constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
    checkSize('the window size', size);
    checkSize('the window slide', slide);
    checkOffset(offset, slide, 'slide');
  }

  protected windowsAt(timestamp: number): TimeWindow[] {
    const out: TimeWindow[] = [];
    const last = windowStartWithOffset(timestamp, this.offset, this.slide);
    for (let start = last; start > timestamp - this.size; start -= this.slide) out.push(new TimeWindow(start, start + this.size));
    return out;
  }
}

/** Windows of `size` ms starting every `slide` ms: a record belongs to about size/slide of them. */
export class SlidingEventTimeWindows<T = unknown> extends SlidingWindows<T> {
  static of<T = unknown>(size: number, slide: number, offset = 0): SlidingEventTimeWindows<T> {
    return new SlidingEventTimeWindows<T>(size, slide, offset);
  }
  assignWindows(_e: T, timestamp: number): TimeWindow[] {
    return this.windowsAt(timestamp);
  }
  defaultTrigger(): Trigger<T> {
    return EventTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return true;
  }
}

/** Sliding windows in processing time. */
export class SlidingProcessingTimeWindows<T = unknown> extends SlidingWindows<T> {
  static of<T = unknown>(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows<T> {
    return new SlidingProcessingTimeWindows<T>(size, slide, offset);
  }
  assignWindows(_e: T, _timestamp: number, ctx: WindowAssignerContext): TimeWindow[] {
    return this.windowsAt(ctx.currentProcessingTime());
  }
  defaultTrigger(): Trigger<T> {
    return ProcessingTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
}

/**
 * Session windows in event time: a record opens `[ts, ts + gap)`, and windows of a key that
 * overlap or touch merge into one. A session ends after `gap` ms without records.
 */
export class EventTimeSessionWindows<T = unknown> extends WindowAssigner<T> {
  private constructor(readonly gap: number) {
    super();
    checkSize('the session gap', gap);
  }
  static withGap<T = unknown>(gap: number): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(gap);
  }
  assignWindows(_e: T, timestamp: number): TimeWindow[] {
    return [new TimeWindow(timestamp, timestamp + this.gap)];
  }
  defaultTrigger(): Trigger<T> {
    return EventTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return true;
  }
  override isMerging(): boolean {
    return true;
  }
}

/** Session windows in processing time. */
export class ProcessingTimeSessionWindows<T = unknown> extends WindowAssigner<T> {
  private constructor(readonly gap: number) {
    super();
    checkSize('the session gap', gap);
  }
  static withGap<T = unknown>(gap: number): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(gap);
  }
  assignWindows(_e: T, _timestamp: number, ctx: WindowAssignerContext): TimeWindow[] {
    const now = ctx.currentProcessingTime();
    return [new TimeWindow(now, now + this.gap)];
  }
  defaultTrigger(): Trigger<T> {
    return ProcessingTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
  override isMerging(): boolean {
    return true;
  }
}
