import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_WATERMARK } from '@eddy/common';
import { ValueStateDescriptor, type ReducingState, type ReducingStateDescriptor, type ValueState } from './state.js';
import { CountTrigger, EventTimeTrigger, ProcessingTimeTrigger, PurgingTrigger, Trigger, type OnMergeContext, type TriggerResult } from './triggers.js';
import { TimeWindow } from './windows.js';

/**
 * A fake trigger context for one key: timers and state are scoped to the window set with
 * {@link FakeContext.forWindow}, as the window operator scopes them. Not the system under test.
 */
class FakeContext implements OnMergeContext {
  watermark = MIN_WATERMARK;
  processingTime = 0;
  /** Live timers as `"[start,end)@time"`. */
  readonly eventTimers = new Set<string>();
  readonly processingTimers = new Set<string>();
  /** Every timer call, in order. */
  readonly log: string[] = [];
  private readonly state = new Map<string, unknown>();
  private window = new TimeWindow(0, 1);
  /** The windows merged into the current one, for mergePartitionedState. */
  private merged: TimeWindow[] = [];

  forWindow(w: TimeWindow, merged: TimeWindow[] = []): this {
    this.window = w;
    this.merged = merged;
    return this;
  }

  private timer(time: number): string {
    return `[${this.window.start},${this.window.end})@${time}`;
  }
  private stateKey(w: TimeWindow, name: string): string {
    return `[${w.start},${w.end})/${name}`;
  }

  getCurrentProcessingTime(): number {
    return this.processingTime;
  }
  getCurrentWatermark(): number {
    return this.watermark;
  }
  registerEventTimeTimer(time: number): void {
    this.log.push(`register event ${time}`);
    this.eventTimers.add(this.timer(time));
  }
  registerProcessingTimeTimer(time: number): void {
    this.log.push(`register processing ${time}`);
    this.processingTimers.add(this.timer(time));
  }
  deleteEventTimeTimer(time: number): void {
    this.log.push(`delete event ${time}`);
    this.eventTimers.delete(this.timer(time));
  }
  deleteProcessingTimeTimer(time: number): void {
    this.log.push(`delete processing ${time}`);
    this.processingTimers.delete(this.timer(time));
  }

  getPartitionedState<T>(descriptor: ValueStateDescriptor<T> | ReducingStateDescriptor<T>): ValueState<T> & ReducingState<T> {
    const key = this.stateKey(this.window, descriptor.name);
    const map = this.state;
    return {
      value: () => map.get(key) as T | undefined,
      get: () => map.get(key) as T | undefined,
      update: (v: T | undefined) => {
        if (v === undefined) map.delete(key);
        else map.set(key, v);
      },
      add: (v: T) => {
        if (descriptor.kind !== 'reducing') throw new Error('add on value state');
        const cur = map.get(key) as T | undefined;
        map.set(key, cur === undefined ? v : descriptor.reduceFunction(cur, v));
      },
      clear: () => {
        map.delete(key);
      },
    };
  }

  mergePartitionedState<T>(descriptor: ReducingStateDescriptor<T>): void {
    const target = this.stateKey(this.window, descriptor.name);
    for (const w of this.merged) {
      const source = this.stateKey(w, descriptor.name);
      if (source === target || !this.state.has(source)) continue;
      const v = this.state.get(source) as T;
      this.state.delete(source);
      const cur = this.state.get(target) as T | undefined;
      this.state.set(target, cur === undefined ? v : descriptor.reduceFunction(cur, v));
    }
  }

  /** The stored state of window `w`, for assertions. */
  stored(w: TimeWindow, name: string): unknown {
    return this.state.get(this.stateKey(w, name));
  }
  /** Whether any state is stored at all. */
  get stateSize(): number {
    return this.state.size;
  }
}

const w0 = new TimeWindow(0, 10); // maxTimestamp 9
const w1 = new TimeWindow(10, 20); // maxTimestamp 19

// ---- EventTimeTrigger ------------------------------------------------------------------------

test('EventTimeTrigger.onElement: registers a timer at maxTimestamp and continues while the watermark is before it', () => {
  const t: Trigger<string> = EventTimeTrigger.create<string>();
  const ctx = new FakeContext().forWindow(w0);
  assert.equal(t.onElement('a', 3, w0, ctx), 'CONTINUE');
  assert.deepEqual([...ctx.eventTimers], ['[0,10)@9']);
  ctx.watermark = 8;
  assert.equal(t.onElement('b', 5, w0, ctx), 'CONTINUE');
  assert.deepEqual(ctx.log, ['register event 9', 'register event 9']);
  assert.equal(ctx.processingTimers.size, 0);
});

test('EventTimeTrigger.onElement: fires at once for a window the watermark already passed (late record), without a timer', () => {
  const t: Trigger<string> = EventTimeTrigger.create<string>();
  for (const wm of [9, 10, 1000]) {
    const ctx = new FakeContext().forWindow(w0);
    ctx.watermark = wm;
    assert.equal(t.onElement('late', 2, w0, ctx), 'FIRE', `watermark ${wm}`);
    assert.deepEqual(ctx.log, []);
  }
});

test('EventTimeTrigger.onEventTime fires exactly at maxTimestamp; processing time never fires it', () => {
  const t: Trigger<string> = EventTimeTrigger.create<string>();
  const ctx = new FakeContext().forWindow(w0);
  assert.equal(t.onEventTime(9, w0, ctx), 'FIRE');
  assert.equal(t.onEventTime(8, w0, ctx), 'CONTINUE');
  assert.equal(t.onEventTime(10, w0, ctx), 'CONTINUE', 'a timer of another window');
  assert.equal(t.onEventTime(19, w1, ctx), 'FIRE');
  assert.equal(t.onProcessingTime(9, w0, ctx), 'CONTINUE');
  assert.deepEqual(ctx.log, []);
});

test('EventTimeTrigger: merging re-registers the merged window timer unless the watermark passed it; clear deletes it', () => {
  const t: Trigger<string> = EventTimeTrigger.create<string>();
  assert.equal(t.canMerge(), true);
  const merged = new TimeWindow(0, 20);
  const ctx = new FakeContext().forWindow(merged, [w0, w1]);
  ctx.watermark = 18;
  t.onMerge(merged, ctx);
  assert.deepEqual([...ctx.eventTimers], ['[0,20)@19']);
  ctx.watermark = 19;
  t.onMerge(merged, ctx);
  assert.deepEqual(ctx.log, ['register event 19'], 'watermark at maxTimestamp: no timer');
  t.clear(merged, ctx);
  assert.deepEqual(ctx.log, ['register event 19', 'delete event 19']);
  assert.equal(ctx.eventTimers.size, 0);
  assert.equal(ctx.stateSize, 0, 'the trigger keeps no state');
});

// ---- ProcessingTimeTrigger -------------------------------------------------------------------

test('ProcessingTimeTrigger.onElement: always registers a processing-time timer at maxTimestamp and continues', () => {
  const t: Trigger<string> = ProcessingTimeTrigger.create<string>();
  const ctx = new FakeContext().forWindow(w0);
  assert.equal(t.onElement('a', 0, w0, ctx), 'CONTINUE');
  ctx.processingTime = 100;
  ctx.watermark = 100;
  assert.equal(t.onElement('b', 0, w0, ctx), 'CONTINUE', 'neither clock makes it fire on an element');
  assert.deepEqual(ctx.log, ['register processing 9', 'register processing 9']);
  assert.deepEqual([...ctx.processingTimers], ['[0,10)@9']);
  assert.equal(ctx.eventTimers.size, 0);
});

test('ProcessingTimeTrigger.onProcessingTime fires exactly at maxTimestamp; event time never fires it', () => {
  const t: Trigger<string> = ProcessingTimeTrigger.create<string>();
  const ctx = new FakeContext().forWindow(w0);
  assert.equal(t.onProcessingTime(9, w0, ctx), 'FIRE');
  assert.equal(t.onProcessingTime(8, w0, ctx), 'CONTINUE');
  assert.equal(t.onProcessingTime(10, w0, ctx), 'CONTINUE');
  assert.equal(t.onEventTime(9, w0, ctx), 'CONTINUE');
});

test('ProcessingTimeTrigger: merging registers the timer unless processing time passed it; clear deletes it', () => {
  const t: Trigger<string> = ProcessingTimeTrigger.create<string>();
  assert.equal(t.canMerge(), true);
  const merged = new TimeWindow(0, 20);
  const ctx = new FakeContext().forWindow(merged, [w0, w1]);
  ctx.processingTime = 18;
  ctx.watermark = 1000;
  t.onMerge(merged, ctx);
  assert.deepEqual([...ctx.processingTimers], ['[0,20)@19'], 'the watermark does not matter');
  ctx.processingTime = 19;
  t.onMerge(merged, ctx);
  assert.deepEqual(ctx.log, ['register processing 19']);
  t.clear(merged, ctx);
  assert.deepEqual(ctx.log, ['register processing 19', 'delete processing 19']);
  assert.equal(ctx.processingTimers.size, 0);
});

// ---- CountTrigger ----------------------------------------------------------------------------

test('CountTrigger fires on every maxCount-th record of a window and starts counting again', () => {
  const t: Trigger<string> = CountTrigger.of<string>(3);
  assert.equal(CountTrigger.of(3).maxCount, 3);
  const ctx = new FakeContext().forWindow(w0);
  const results: TriggerResult[] = [];
  for (let i = 0; i < 7; i++) results.push(t.onElement(`r${i}`, i, w0, ctx));
  assert.deepEqual(results, ['CONTINUE', 'CONTINUE', 'FIRE', 'CONTINUE', 'CONTINUE', 'FIRE', 'CONTINUE']);
  assert.equal(ctx.stored(w0, 'count'), 1);
  assert.deepEqual(ctx.log, [], 'no timers');
  assert.equal(t.onEventTime(9, w0, ctx), 'CONTINUE');
  assert.equal(t.onProcessingTime(9, w0, ctx), 'CONTINUE');
});

test('CountTrigger.of(1) fires on every record', () => {
  const t: Trigger<string> = CountTrigger.of<string>(1);
  const ctx = new FakeContext().forWindow(w0);
  for (let i = 0; i < 3; i++) assert.equal(t.onElement('x', i, w0, ctx), 'FIRE');
  assert.equal(ctx.stateSize, 0, 'the count is cleared on firing');
});

test('CountTrigger counts per window (state in the context), one instance serving all', () => {
  const t: Trigger<string> = CountTrigger.of<string>(2);
  const ctx = new FakeContext();
  assert.equal(t.onElement('a', 1, w0, ctx.forWindow(w0)), 'CONTINUE');
  assert.equal(t.onElement('b', 11, w1, ctx.forWindow(w1)), 'CONTINUE');
  assert.equal(t.onElement('c', 2, w0, ctx.forWindow(w0)), 'FIRE');
  assert.equal(ctx.stored(w1, 'count'), 1);
  assert.equal(t.onElement('d', 12, w1, ctx.forWindow(w1)), 'FIRE');
});

test('CountTrigger.clear removes the window count', () => {
  const t: Trigger<string> = CountTrigger.of<string>(3);
  const ctx = new FakeContext().forWindow(w0);
  t.onElement('a', 1, w0, ctx);
  t.onElement('b', 2, w0, ctx);
  t.clear(w0, ctx);
  assert.equal(ctx.stored(w0, 'count'), undefined);
  assert.equal(t.onElement('c', 3, w0, ctx), 'CONTINUE', 'counting starts over');
  assert.equal(t.onElement('d', 4, w0, ctx), 'CONTINUE');
  assert.equal(t.onElement('e', 5, w0, ctx), 'FIRE');
});

test('CountTrigger.onMerge sums the merged windows counts', () => {
  const t: Trigger<string> = CountTrigger.of<string>(4);
  assert.equal(t.canMerge(), true);
  const ctx = new FakeContext();
  const a = new TimeWindow(0, 10);
  const b = new TimeWindow(5, 15);
  t.onElement('x', 1, a, ctx.forWindow(a));
  t.onElement('y', 2, a, ctx.forWindow(a));
  t.onElement('z', 6, b, ctx.forWindow(b));
  const merged = a.cover(b);
  t.onMerge(merged, ctx.forWindow(merged, [a, b]));
  assert.equal(ctx.stored(merged, 'count'), 3);
  assert.equal(ctx.stored(a, 'count'), undefined);
  assert.equal(ctx.stored(b, 'count'), undefined);
  assert.equal(t.onElement('w', 7, merged, ctx.forWindow(merged)), 'FIRE', '3 merged + 1 = 4');
});

test('CountTrigger validation: a positive integer count', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => CountTrigger.of(bad), { name: 'RangeError', message: `CountTrigger needs a positive integer count, got ${bad}` });
});

// ---- PurgingTrigger --------------------------------------------------------------------------

test('PurgingTrigger turns FIRE into FIRE_AND_PURGE and delegates everything else', () => {
  const t = PurgingTrigger.of(CountTrigger.of<string>(2));
  const ctx = new FakeContext().forWindow(w0);
  assert.equal(t.onElement('a', 1, w0, ctx), 'CONTINUE');
  assert.equal(t.onElement('b', 2, w0, ctx), 'FIRE_AND_PURGE');
  assert.equal(t.canMerge(), true);

  const e = PurgingTrigger.of(EventTimeTrigger.create<string>());
  assert.equal(e.onEventTime(9, w0, ctx), 'FIRE_AND_PURGE');
  assert.equal(e.onEventTime(8, w0, ctx), 'CONTINUE');
  assert.equal(e.onProcessingTime(9, w0, ctx), 'CONTINUE');
  const p = PurgingTrigger.of(ProcessingTimeTrigger.create<string>());
  assert.equal(p.onProcessingTime(9, w0, ctx), 'FIRE_AND_PURGE');
  ctx.watermark = 9;
  assert.equal(e.onElement('late', 1, w0, ctx), 'FIRE_AND_PURGE');

  const merged = new TimeWindow(0, 20);
  ctx.watermark = 0;
  e.onMerge(merged, ctx.forWindow(merged, [w0, w1]));
  e.clear(merged, ctx);
  assert.deepEqual(ctx.log, ['register event 19', 'delete event 19']);
});

test('PurgingTrigger passes through the nested trigger own results, including PURGE', () => {
  class PurgeOnly extends Trigger<string> {
    onElement(): TriggerResult {
      return 'PURGE';
    }
    onEventTime(): TriggerResult {
      return 'FIRE_AND_PURGE';
    }
    onProcessingTime(): TriggerResult {
      return 'CONTINUE';
    }
    clear(): void {}
  }
  const t = PurgingTrigger.of(new PurgeOnly());
  const ctx = new FakeContext().forWindow(w0);
  assert.equal(t.nested instanceof PurgeOnly, true);
  assert.equal(t.onElement('a', 1, w0, ctx), 'PURGE');
  assert.equal(t.onEventTime(9, w0, ctx), 'FIRE_AND_PURGE');
  assert.equal(t.onProcessingTime(9, w0, ctx), 'CONTINUE');
  assert.equal(t.canMerge(), false, 'delegated');
  assert.throws(() => t.onMerge(w0, ctx), { message: 'PurgeOnly does not support merging windows' });
});

// ---- the Trigger base class ------------------------------------------------------------------

test('a Trigger does not merge unless it says so: canMerge false, onMerge throws naming the class', () => {
  class FireAlways extends Trigger<string> {
    onElement(): TriggerResult {
      return 'FIRE';
    }
    onEventTime(): TriggerResult {
      return 'FIRE';
    }
    onProcessingTime(): TriggerResult {
      return 'FIRE';
    }
    clear(): void {}
  }
  const t = new FireAlways();
  assert.equal(t.canMerge(), false);
  assert.throws(() => t.onMerge(w0, new FakeContext()), { name: 'Error', message: 'FireAlways does not support merging windows' });
});

test('the state of a ValueStateDescriptor is reachable through the fake context (sanity of the fake)', () => {
  const ctx = new FakeContext().forWindow(w0);
  const s = ctx.getPartitionedState(new ValueStateDescriptor<number>('v'));
  s.update(5);
  assert.equal(s.value(), 5);
  s.clear();
  assert.equal(s.value(), undefined);
});
