/**
 * The window operator on a keyed stream (Flink: WindowOperator). For every record it asks the
 * assigner for the record's windows, merges session windows, adds the record to each window's
 * state, and lets the trigger decide when a window fires; timers (one per key, window and time)
 * drive event- and processing-time firing and the cleanup of windows once their allowed
 * lateness has passed.
 *
 * State, all keyed and in RocksDB (so checkpointed and restored with everything else):
 * - `_window_contents`: per window, the reduced value or accumulator; for `process` windows
 *   every record, under `[window, index]`.
 * - `_window_set`: the windows of the key with their record count, for merging assigners and
 *   `process` windows.
 * - `_trigger:<name>`: trigger state per window (e.g. CountTrigger's count).
 * - the timers (see timer-service.ts).
 * Windows of non-merging assigners are identified by their start (their size is fixed), which
 * keeps the per-record state access to number keys.
 */
import {
  MAX_WATERMARK,
} from '@eddy/common';
import {
  MapStateDescriptor,
  TimeWindow,
  type AggregateFunction,
  type Collector,
  type KeySelector,
  type MapState,
  type OnMergeContext,
  type ReducingState,
  type ReducingStateDescriptor,
  type RuntimeContext,
  type TriggerResult,
  type ValueState,
  type ValueStateDescriptor,
  type WindowAssigner,
  type WindowContext,
  type WindowSpec,
  type Trigger,
  EventTimeTrigger,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
} from '@eddy/api';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { RocksMapState } from '../state/keyed-states.js';
import { AbstractKeyedOperator, type KeyedStateOptions, type PreparedEntry } from './keyed-operator.js';
import { bindUserFunction, checkTag } from './stream-operator.js';
import type { Timer } from './timer-heap.js';
import { TimerDomain, type InternalTimerService } from './timer-service.js';

type ProcessFn = (key: unknown, ctx: WindowContext, elements: unknown[], out: Collector<unknown>) => void;
/** How a window is named in state: its start (fixed-size windows) or `[start, end]`. */
type WindowKey = number | readonly [number, number];

export class WindowOperator extends AbstractKeyedOperator {
  private readonly assigner: WindowAssigner<unknown>;
  private readonly trigger: Trigger<unknown>;
  private readonly lateness: number;
  private readonly lateTagId: string | undefined;
  private readonly eventTime: boolean;
  private readonly merging: boolean;
  /**
   * Each window has one timer: the trigger is Flink's default EventTimeTrigger itself (not a
   * subclass), on event-time windows that do not merge, without allowed lateness. Its timer at
   * maxTimestamp is then also the cleanup timer, and its decisions are taken here instead of
   * calling it per record (see processRecord).
   */
  private readonly soleTimer: boolean;
  /** The window size of fixed-size event-time assigners (tumbling, sliding): a window's end from its start. */
  private readonly fixedSize: number | undefined;
  /**
   * The sole timer is implied by the window's contents: indexed in memory, never stored, and
   * rebuilt from the contents on restore. This spares two state writes per window and key, and
   * their share of every checkpoint. `process` windows name their contents per element, so they
   * store their timer.
   */
  private readonly impliedTimers: boolean;
  private readonly kind: 'reduce' | 'aggregate' | 'process';
  private readonly reduceFn: ((a: unknown, b: unknown) => unknown) | undefined;
  private readonly aggregateFn: AggregateFunction<unknown, unknown, unknown> | undefined;
  private readonly processFn: ProcessFn | undefined;
  private contents: RocksMapState<unknown, unknown> | undefined;
  private windowSet: MapState<WindowKey, number> | undefined;
  private readonly triggerStates = new Map<string, MapState<WindowKey, unknown>>();
  private readonly triggerCtx = new WindowTriggerContext(this);
  private readonly assignerCtx = { currentProcessingTime: (): number => Date.now() };
  /** The window whose results are being emitted (their timestamp, side outputs). */
  private emitting: TimeWindow | undefined;
  /** The window the last sole timer fired for: every key's timer of a window shares it. */
  private firedWindow: TimeWindow | undefined;
  private readonly out: Collector<unknown> = {
    collect: (v) => {
      this.recordsOut++;
      this.output.collect(v, this.emitting!.maxTimestamp());
    },
  };
  private readonly windowCtx: WindowContext;

  constructor(id: string, name: string, spec: WindowSpec, keySelector: KeySelector<unknown, unknown>, options: KeyedStateOptions) {
    super(id, name, spec.fn.process ?? spec.fn, keySelector, options);
    this.assigner = spec.assigner;
    this.trigger = spec.trigger;
    this.lateness = spec.allowedLateness;
    this.lateTagId = spec.lateDataTag?.id;
    this.eventTime = spec.assigner.isEventTime();
    this.merging = spec.assigner.isMerging();
    this.soleTimer =
      this.eventTime && !this.merging && this.lateness === 0 && Object.getPrototypeOf(spec.trigger) === EventTimeTrigger.prototype;
    this.kind = spec.fn.kind;
    const a = spec.assigner;
    this.fixedSize = a instanceof TumblingEventTimeWindows || a instanceof SlidingEventTimeWindows ? a.size : undefined;
    this.impliedTimers = this.soleTimer && this.kind !== 'process' && this.fixedSize !== undefined;
    if (spec.fn.kind === 'reduce') this.reduceFn = spec.fn.reduce;
    if (spec.fn.kind === 'aggregate') this.aggregateFn = spec.fn.aggregate;
    this.processFn = spec.fn.process === undefined ? undefined : bindUserFunction<ProcessFn>(spec.fn.process, 'process', name);
    // The context's getters read the operator's per-record fields; `this` inside them is the context.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const op = this;
    this.windowCtx = {
      get window() {
        return op.emitting!;
      },
      currentProcessingTime: () => Date.now(),
      currentWatermark: () => op.currentWatermark,
      output: (tag, value) => op.emitSide(checkTag(tag), value, op.emitting!.maxTimestamp()),
    };
  }

  protected override usesTimers(): boolean {
    return true;
  }

  override async open(ctx: RuntimeContext): Promise<void> {
    const contents = (this.contents = this.backend.getMapState(new MapStateDescriptor<unknown, unknown>('_window_contents')));
    // A window's contents exist exactly until its sole timer fires (see processRecord and fireSole).
    // The timer service clears them once the walk that fired them has emitted every result.
    if (this.impliedTimers)
      this.timers!.setImpliedProbe(
        (_time, ns) => contents.contains(ns![0]),
        (_time, ns) => contents.remove(ns![0]),
      );
    if (this.merging || this.kind === 'process') this.windowSet = this.getMapState(new MapStateDescriptor<WindowKey, number>('_window_set'));
    await super.open(ctx);
  }

  // ---- windows and their names in state ----------------------------------------------------------

  /** @internal */
  windowKey(w: TimeWindow): WindowKey {
    return this.merging ? [w.start, w.end] : w.start;
  }

  private cleanupTime(w: TimeWindow): number {
    if (!this.eventTime) return w.maxTimestamp();
    const t = w.maxTimestamp() + this.lateness;
    return t >= MAX_WATERMARK ? MAX_WATERMARK : t;
  }

  private isWindowLate(w: TimeWindow): boolean {
    return this.eventTime && this.cleanupTime(w) <= this.currentWatermark;
  }

  /** @internal Registers a timer of the current key for window `w`. */
  registerTimer(domain: TimerDomain, time: number, w: TimeWindow): void {
    this.timers!.register(domain, time, [w.start, w.end]);
  }

  /** @internal */
  deleteTimer(domain: TimerDomain, time: number, w: TimeWindow): void {
    this.timers!.delete(domain, time, [w.start, w.end]);
  }

  private registerCleanupTimer(w: TimeWindow): void {
    const t = this.cleanupTime(w);
    if (t === MAX_WATERMARK) return; // would never fire before the end of input anyway
    this.registerTimer(this.eventTime ? TimerDomain.EventTime : TimerDomain.ProcessingTime, t, w);
  }

  private deleteCleanupTimer(w: TimeWindow): void {
    const t = this.cleanupTime(w);
    if (t === MAX_WATERMARK) return;
    this.deleteTimer(this.eventTime ? TimerDomain.EventTime : TimerDomain.ProcessingTime, t, w);
  }

  // ---- records ---------------------------------------------------------------------------------

  processRecord(value: unknown, timestamp: number | undefined, key: unknown, entry: PreparedEntry): void {
    this.recordsIn++;
    this.enterKey(key, entry);
    if (this.eventTime && timestamp === undefined)
      throw new Error(
        `'${this.name}' received a record without a timestamp: event-time windows need assignTimestampsAndWatermarks(...) or a WatermarkStrategy on the source`,
      );
    const ts = timestamp ?? Date.now();
    const windows = this.assigner.assignWindows(value, ts, this.assignerCtx);
    let skipped = true;
    // Indexed: for-of over the assigner's frozen array allocated an iterator and a result per
    // record (about 160 bytes of garbage per record in a heap profile).
    for (let i = 0; i < windows.length; i++) {
      const assigned = windows[i]!;
      const w = this.merging ? this.mergeWindow(assigned) : assigned;
      if (this.isWindowLate(w)) {
        // Only a window that merged with nothing can be late (windows in the set are not yet cleaned up).
        if (this.merging) this.windowSet!.remove(this.windowKey(w));
        continue;
      }
      skipped = false;
      const created = this.add(w, value);
      if (this.soleTimer) {
        // EventTimeTrigger.onElement: the window is not late, so the watermark is below its
        // maxTimestamp, and the trigger registers its timer there and continues; that timer is
        // also the cleanup timer. Without lateness a window fires at its cleanup, so one that
        // already held contents has not fired: its timer is pending (restored with the contents
        // after a failure), and only a new window registers. With lateness the timer may have
        // fired before a restore that lowered the watermark again: the trigger decides then.
        if (created) {
          if (this.impliedTimers) this.timers!.registerImplied(TimerDomain.EventTime, w.maxTimestamp(), [w.start, w.end]);
          else this.registerTimer(TimerDomain.EventTime, w.maxTimestamp(), w);
        }
        continue;
      }
      this.triggerCtx.window = w;
      this.handle(this.trigger.onElement(value, ts, w, this.triggerCtx), w);
      // The cleanup timer outlives every firing of its window, so one registration per window
      // suffices; a merged window's contents already exist, so merging assigners always register.
      if (created || this.merging) this.registerCleanupTimer(w);
    }
    if (skipped && this.eventTime && ts + this.lateness <= this.currentWatermark) {
      if (this.lateTagId !== undefined && this.sideOutputs.has(this.lateTagId)) this.emitSide(this.lateTagId, value, timestamp);
      else this.lateRecordsDropped++;
    }
  }

  /** Adds `value` to window `w`. @returns whether `w` held nothing before. */
  private add(w: TimeWindow, value: unknown): boolean {
    const contents = this.contents!;
    const wk = this.windowKey(w);
    if (this.kind === 'reduce') {
      const cur = contents.get(wk);
      contents.put(wk, cur === undefined ? value : this.reduceFn!(cur, value));
      return cur === undefined;
    }
    if (this.kind === 'aggregate') {
      const agg = this.aggregateFn!;
      const cur = contents.get(wk);
      contents.put(wk, agg.add(value, cur === undefined ? agg.createAccumulator() : cur));
      return cur === undefined;
    }
    const n = this.windowSet!.get(wk) ?? 0;
    contents.put(elementKey(w, n), value);
    this.windowSet!.put(wk, n + 1);
    return n === 0;
  }

  /**
   * Adds session window `w` to the key's windows, merging it with every window it overlaps or
   * touches (transitively, Flink: MergingWindowSet.addWindow). @returns the window `w` ended up in.
   */
  private mergeWindow(w: TimeWindow): TimeWindow {
    const set = this.windowSet!;
    const existing = set.keys().map((k) => new TimeWindow((k as readonly number[])[0]!, (k as readonly number[])[1]!));
    const group: TimeWindow[] = [];
    let merged = w;
    // Existing windows never overlap each other; a sweep by start finds everything `w` connects.
    existing.sort((a, b) => a.start - b.start);
    let changed = true;
    while (changed) {
      changed = false;
      for (const e of existing) {
        if (group.includes(e) || !e.intersects(merged)) continue;
        group.push(e);
        merged = merged.cover(e);
        changed = true;
      }
    }
    if (group.length === 0) {
      set.put(this.windowKey(w), 0);
      return w;
    }
    if (group.length === 1 && group[0]!.equals(merged)) return merged; // inside an existing window
    group.sort((a, b) => a.start - b.start);
    this.triggerCtx.window = merged;
    this.triggerCtx.mergedWindows = group;
    this.trigger.onMerge(merged, this.triggerCtx);
    this.triggerCtx.mergedWindows = undefined;
    for (const m of group) {
      this.triggerCtx.window = m;
      this.trigger.clear(m, this.triggerCtx);
      this.deleteCleanupTimer(m);
    }
    this.mergeContents(group, merged);
    return merged;
  }

  private mergeContents(group: readonly TimeWindow[], into: TimeWindow): void {
    const contents = this.contents!;
    const set = this.windowSet!;
    if (this.kind === 'process') {
      let n = 0;
      for (const m of group) {
        const count = set.get(this.windowKey(m)) ?? 0;
        for (let i = 0; i < count; i++) {
          const k = elementKey(m, i);
          contents.put(elementKey(into, n++), contents.get(k));
          contents.remove(k);
        }
        set.remove(this.windowKey(m));
      }
      set.put(this.windowKey(into), n);
      return;
    }
    let acc: unknown;
    for (const m of group) {
      const mk = this.windowKey(m);
      const v = contents.get(mk);
      contents.remove(mk);
      set.remove(mk);
      if (v === undefined) continue;
      if (acc === undefined) acc = v;
      else if (this.kind === 'reduce') acc = this.reduceFn!(acc, v);
      else acc = this.aggregateFn!.merge!(acc, v);
    }
    const ik = this.windowKey(into);
    if (acc !== undefined) contents.put(ik, acc);
    set.put(ik, 0);
  }

  // ---- firing ----------------------------------------------------------------------------------

  private handle(result: TriggerResult, w: TimeWindow): void {
    if (result === 'FIRE' || result === 'FIRE_AND_PURGE') this.emit(w);
    if (result === 'PURGE' || result === 'FIRE_AND_PURGE') this.clearContents(w, false);
  }

  private emit(w: TimeWindow): void {
    const contents = this.contents!;
    const wk = this.windowKey(w);
    let elements: unknown[];
    if (this.kind === 'process') {
      const n = this.windowSet!.get(wk) ?? 0;
      if (n === 0) return;
      elements = new Array<unknown>(n);
      for (let i = 0; i < n; i++) elements[i] = contents.get(elementKey(w, i));
    } else {
      const v = contents.get(wk);
      if (v === undefined) return;
      elements = [this.kind === 'aggregate' ? this.aggregateFn!.getResult(v) : v];
    }
    this.emitting = w;
    if (this.processFn !== undefined) this.processFn(this.backend.getCurrentKey(), this.windowCtx, elements, this.out);
    else this.out.collect(elements[0]);
  }

  /** Removes a window's records; with `all` also its place in the window set. */
  private clearContents(w: TimeWindow, all: boolean): void {
    const contents = this.contents!;
    const wk = this.windowKey(w);
    if (this.kind === 'process') {
      const set = this.windowSet!;
      const n = set.get(wk) ?? 0;
      for (let i = 0; i < n; i++) contents.remove(elementKey(w, i));
      if (all || !this.merging) set.remove(wk);
      else set.put(wk, 0);
      return;
    }
    contents.remove(wk);
    if (all && this.merging) this.windowSet!.remove(wk);
  }

  protected override onTimer(timer: Timer, domain: TimerDomain): void {
    const [start, end] = timer.namespace!;
    if (this.soleTimer && this.kind !== 'process' && timer.time === end - 1) {
      // An implied timer (not stored) has its contents cleared by the timer service (see open).
      this.fireSole(start, end, timer.stored === undefined);
      return;
    }
    const w = new TimeWindow(start, end);
    // A merged-away window's timers were deleted; a stray one finds no window and does nothing.
    if (this.merging && !this.windowSet!.contains(this.windowKey(w))) return;
    this.triggerCtx.window = w;
    const result =
      domain === TimerDomain.EventTime
        ? this.trigger.onEventTime(timer.time, w, this.triggerCtx)
        : this.trigger.onProcessingTime(timer.time, w, this.triggerCtx);
    this.handle(result, w);
    const cleanupDomain = this.eventTime ? TimerDomain.EventTime : TimerDomain.ProcessingTime;
    if (domain === cleanupDomain && timer.time === this.cleanupTime(w)) {
      this.clearContents(w, true);
      // EventTimeTrigger.clear would delete the sole timer, the one firing: nothing left to do.
      if (this.soleTimer) return;
      this.triggerCtx.window = w;
      this.trigger.clear(w, this.triggerCtx);
    }
  }

  /**
   * The sole timer of a reduce or aggregate window fired. EventTimeTrigger fires at maxTimestamp,
   * which without lateness is also the window's cleanup time: the contents are read and cleared in
   * one state access, and nothing else (trigger state, other timers) exists to clean up. With
   * `clearedLater` (an implied timer) they are only read: the timer service clears them.
   */
  private fireSole(start: number, end: number, clearedLater: boolean): void {
    const v = clearedLater ? this.contents!.get(start) : this.contents!.take(start);
    if (v === undefined) return;
    let w = this.firedWindow;
    if (w === undefined || w.start !== start || w.end !== end) w = this.firedWindow = new TimeWindow(start, end);
    this.emitting = w;
    const result = this.kind === 'aggregate' ? this.aggregateFn!.getResult(v) : v;
    if (this.processFn !== undefined) this.processFn(this.backend.getCurrentKey(), this.windowCtx, [result], this.out);
    else this.out.collect(result);
  }

  /**
   * Every window in the restored contents gets its implied timer back. A window restored from a
   * checkpoint of stored timers (one written before timers were implied) keeps its stored timer:
   * the implied one has the same coordinates and is not added. Restoring into a job whose windows
   * changed mode (allowed lateness or trigger) is not handled: their timers would have to be
   * derived from the contents for the new mode.
   */
  protected override async restoreImpliedTimers(backend: KeyedStateBackend, timers: InternalTimerService): Promise<void> {
    const size = this.fixedSize;
    if (!this.impliedTimers || size === undefined) return;
    for (const [key, start] of await backend.scanMapKeys(new MapStateDescriptor<unknown, unknown>('_window_contents'))) {
      if (typeof start !== 'number') continue;
      timers.restoreImplied(TimerDomain.EventTime, start + size - 1, key, [start, start + size]);
    }
  }

  /** @internal Trigger state of the current key, per window. */
  triggerState(name: string): MapState<WindowKey, unknown> {
    let s = this.triggerStates.get(name);
    if (s === undefined) {
      s = this.getMapState(new MapStateDescriptor<WindowKey, unknown>(`_trigger:${name}`));
      this.triggerStates.set(name, s);
    }
    return s;
  }
}

function elementKey(w: TimeWindow, index: number): readonly number[] {
  return [w.start, w.end, index];
}

/** The context triggers see; `window` is set before every call. */
class WindowTriggerContext implements OnMergeContext {
  window: TimeWindow = new TimeWindow(0, 1);
  /** The windows being merged, during onMerge. */
  mergedWindows: readonly TimeWindow[] | undefined;

  constructor(private readonly op: WindowOperator) {}

  getCurrentProcessingTime(): number {
    return Date.now();
  }
  getCurrentWatermark(): number {
    return this.op.currentWatermark;
  }
  registerEventTimeTimer(time: number): void {
    this.op.registerTimer(TimerDomain.EventTime, time, this.window);
  }
  registerProcessingTimeTimer(time: number): void {
    this.op.registerTimer(TimerDomain.ProcessingTime, time, this.window);
  }
  deleteEventTimeTimer(time: number): void {
    this.op.deleteTimer(TimerDomain.EventTime, time, this.window);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.op.deleteTimer(TimerDomain.ProcessingTime, time, this.window);
  }

  getPartitionedState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getPartitionedState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getPartitionedState<T>(descriptor: ValueStateDescriptor<T> | ReducingStateDescriptor<T>): ValueState<T> | ReducingState<T> {
    const map = this.op.triggerState(descriptor.name);
    // Resolved at call time: one state object may be kept by a trigger across windows.
    const wk = (): WindowKey => this.op.windowKey(this.window);
    if (descriptor.kind === 'reducing') {
      const reduce = descriptor.reduceFunction;
      return {
        get: () => map.get(wk()) as T | undefined,
        add: (v: T) => {
          const cur = map.get(wk()) as T | undefined;
          map.put(wk(), cur === undefined ? v : reduce(cur, v));
        },
        clear: () => map.remove(wk()),
      };
    }
    if (descriptor.kind !== 'value') throw new Error(`trigger state '${String((descriptor as { name: unknown }).name)}' must be value or reducing state`);
    return {
      value: () => map.get(wk()) as T | undefined,
      update: (v: T | undefined) => (v === undefined ? map.remove(wk()) : map.put(wk(), v)),
      clear: () => map.remove(wk()),
    };
  }

  mergePartitionedState<T>(descriptor: ReducingStateDescriptor<T>): void {
    const merged = this.mergedWindows;
    if (merged === undefined) throw new Error('mergePartitionedState is only available in onMerge');
    const map = this.op.triggerState(descriptor.name);
    let acc = map.get(this.op.windowKey(this.window)) as T | undefined;
    for (const m of merged) {
      const v = map.get(this.op.windowKey(m)) as T | undefined;
      if (v !== undefined) acc = acc === undefined ? v : descriptor.reduceFunction(acc, v);
    }
    if (acc !== undefined) map.put(this.op.windowKey(this.window), acc);
  }
}
