import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EventTimeTrigger, ProcessingTimeTrigger } from './triggers.js';
import {
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TimeWindow,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  windowStartWithOffset,
  type WindowAssigner,
  type WindowAssignerContext,
} from './windows.js';

/** An assigner context at a fixed processing time. */
function at(now: number): WindowAssignerContext {
  return { currentProcessingTime: () => now };
}

/** Event-time assigners must not look at the processing time. */
const noClock: WindowAssignerContext = {
  currentProcessingTime: () => {
    throw new Error('an event-time assigner asked for the processing time');
  },
};

/** Windows as `[start, end]` pairs, for exact comparisons. */
function spans(windows: readonly TimeWindow[]): Array<[number, number]> {
  return windows.map((w) => {
    assert.ok(w instanceof TimeWindow);
    return [w.start, w.end];
  });
}

/** Non-negative remainder. */
function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

/**
 * Brute force: every window `[s, s + size)` with `s ≡ offset (mod slide)` that contains `ts`,
 * latest start first (the order the assigners use).
 */
function bruteForceWindows(ts: number, size: number, slide: number, offset: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = ts; s > ts - size; s--) if (mod(s - offset, slide) === 0) out.push([s, s + size]);
  return out;
}

test('event-time assigners never read the processing time', () => {
  const assigners: WindowAssigner<string>[] = [
    TumblingEventTimeWindows.of(10),
    SlidingEventTimeWindows.of(10, 5),
    EventTimeSessionWindows.withGap(10),
  ];
  for (const a of assigners) assert.equal(a.assignWindows('x', 3, noClock).length > 0, true);
});

// ---- TimeWindow ------------------------------------------------------------------------------

test('TimeWindow: [start, end), maxTimestamp is end - 1', () => {
  const w = new TimeWindow(1000, 2000);
  assert.equal(w.start, 1000);
  assert.equal(w.end, 2000);
  assert.equal(w.maxTimestamp(), 1999);
  assert.equal(new TimeWindow(-10, 0).maxTimestamp(), -1);
  assert.equal(w.toString(), 'TimeWindow{start=1000, end=2000}');
});

test('TimeWindow.intersects: overlapping or touching windows intersect, disjoint ones do not', () => {
  const w = new TimeWindow(10, 20);
  const cases: Array<[number, number, boolean]> = [
    [0, 5, false],
    [0, 9, false],
    [0, 10, true], // touches at the start
    [0, 15, true],
    [12, 18, true], // contained
    [5, 25, true], // contains
    [10, 20, true], // equal
    [15, 30, true],
    [20, 30, true], // touches at the end
    [21, 30, false],
  ];
  for (const [s, e, expected] of cases) {
    const o = new TimeWindow(s, e);
    assert.equal(w.intersects(o), expected, `[10,20) vs [${s},${e})`);
    assert.equal(o.intersects(w), expected, `symmetric: [${s},${e}) vs [10,20)`);
  }
});

test('TimeWindow.cover: the smallest window containing both; equals compares start and end', () => {
  assert.ok(new TimeWindow(10, 20).cover(new TimeWindow(15, 30)).equals(new TimeWindow(10, 30)));
  assert.ok(new TimeWindow(15, 30).cover(new TimeWindow(10, 20)).equals(new TimeWindow(10, 30)));
  assert.ok(new TimeWindow(0, 100).cover(new TimeWindow(10, 20)).equals(new TimeWindow(0, 100)));
  assert.ok(new TimeWindow(0, 5).cover(new TimeWindow(50, 60)).equals(new TimeWindow(0, 60)), 'disjoint windows too');
  const w = new TimeWindow(1, 2);
  const c = w.cover(w);
  assert.notEqual(c, w, 'a new window');
  assert.ok(c.equals(w));
  assert.equal(new TimeWindow(1, 2).equals(new TimeWindow(1, 3)), false);
  assert.equal(new TimeWindow(1, 2).equals(new TimeWindow(0, 2)), false);
  assert.equal(new TimeWindow(1, 2).equals(new TimeWindow(1, 2)), true);
});

test('property: TimeWindow.intersects is "some integer point within or touching both" and cover contains both', () => {
  const win = fc
    .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 30 }))
    .map(([s, len]) => new TimeWindow(s, s + len));
  fc.assert(
    fc.property(win, win, (a, b) => {
      // [start, end] closed intervals share a point iff the windows overlap or touch.
      let shared = false;
      for (let t = a.start; t <= a.end; t++) if (t >= b.start && t <= b.end) shared = true;
      assert.equal(a.intersects(b), shared);
      const c = a.cover(b);
      assert.equal(c.start, Math.min(a.start, b.start));
      assert.equal(c.end, Math.max(a.end, b.end));
      assert.ok(c.equals(b.cover(a)));
    }),
  );
});

// ---- windowStartWithOffset -------------------------------------------------------------------

test('windowStartWithOffset matches Flink TimeWindow.getWindowStartWithOffset, negative timestamps and offsets included', () => {
  const cases: Array<[ts: number, offset: number, size: number, start: number]> = [
    [0, 0, 10, 0],
    [9, 0, 10, 0],
    [10, 0, 10, 10],
    [12345, 0, 1000, 12000],
    [-1, 0, 10, -10],
    [-10, 0, 10, -10],
    [-11, 0, 10, -20],
    [7, 3, 10, 3],
    [3, 3, 10, 3],
    [2, 3, 10, -7],
    [-5, 3, 10, -7],
    [-7, 3, 10, -7],
    [-8, 3, 10, -17],
    [0, -3, 10, -3],
    [6, -3, 10, -3],
    [7, -3, 10, 7],
    [-3, -3, 10, -3],
    [-4, -3, 10, -13],
    [1_700_000_123_456, 0, 3_600_000, 1_699_999_200_000],
    [1_700_000_123_456, -3_600_000 + 1, 3_600_000, 1_699_999_200_001],
  ];
  for (const [ts, offset, size, start] of cases) assert.equal(windowStartWithOffset(ts, offset, size), start, `(${ts}, ${offset}, ${size})`);
});

test('property: windowStartWithOffset is the unique start ≡ offset (mod size) with start ≤ ts < start + size', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }).chain((size) =>
        fc.tuple(fc.constant(size), fc.integer({ min: -(size - 1), max: size - 1 }), fc.integer({ min: -1e9, max: 1e9 })),
      ),
      ([size, offset, ts]) => {
        const start = windowStartWithOffset(ts, offset, size);
        assert.ok(start <= ts && ts < start + size);
        assert.equal(mod(start - offset, size), 0);
      },
    ),
  );
});

// ---- tumbling --------------------------------------------------------------------------------

test('TumblingEventTimeWindows: one window of the size containing the timestamp', () => {
  const a = TumblingEventTimeWindows.of(1000);
  assert.equal(a.size, 1000);
  assert.equal(a.offset, 0);
  assert.deepEqual(spans(a.assignWindows('x', 0)), [[0, 1000]]);
  assert.deepEqual(spans(a.assignWindows('x', 999)), [[0, 1000]]);
  assert.deepEqual(spans(a.assignWindows('x', 1000)), [[1000, 2000]]);
  assert.deepEqual(spans(a.assignWindows('x', 1500)), [[1000, 2000]]);
  assert.deepEqual(spans(a.assignWindows('x', -1)), [[-1000, 0]]);
  assert.deepEqual(spans(a.assignWindows('x', -1000)), [[-1000, 0]]);
  assert.deepEqual(spans(a.assignWindows('x', -1001)), [[-2000, -1000]]);
  assert.ok(a.defaultTrigger() instanceof EventTimeTrigger);
  assert.equal(a.isEventTime(), true);
  assert.equal(a.isMerging(), false);
});

test('TumblingEventTimeWindows with an offset shifts the windows (positive and negative offsets)', () => {
  const plus = TumblingEventTimeWindows.of(1000, 250);
  assert.equal(plus.offset, 250);
  assert.deepEqual(spans(plus.assignWindows('x', 249)), [[-750, 250]]);
  assert.deepEqual(spans(plus.assignWindows('x', 250)), [[250, 1250]]);
  assert.deepEqual(spans(plus.assignWindows('x', 1249)), [[250, 1250]]);
  assert.deepEqual(spans(plus.assignWindows('x', -751)), [[-1750, -750]]);
  const minus = TumblingEventTimeWindows.of(1000, -250);
  assert.deepEqual(spans(minus.assignWindows('x', 0)), [[-250, 750]]);
  assert.deepEqual(spans(minus.assignWindows('x', 750)), [[750, 1750]]);
  assert.deepEqual(spans(minus.assignWindows('x', -251)), [[-1250, -250]]);
  // An hour-long window in a UTC-8 time zone (Flink's example): offset -8 h.
  const hour = 3_600_000;
  const day = TumblingEventTimeWindows.of(24 * hour, -8 * hour);
  assert.deepEqual(spans(day.assignWindows('x', 0)), [[-8 * hour, 16 * hour]]);
});

test('TumblingEventTimeWindows validation: size > 0 and finite, |offset| < size', () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => TumblingEventTimeWindows.of(bad), { name: 'RangeError', message: `the window size must be a positive integer number of ms, got ${bad}` });
  for (const bad of [1000, -1000, 5000, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => TumblingEventTimeWindows.of(1000, bad), {
      name: 'RangeError',
      message: `the window offset must be an integer number of ms with |offset| < size (1000 ms), got ${bad}`,
    });
  assert.equal(TumblingEventTimeWindows.of(1000, 999).offset, 999);
  assert.equal(TumblingEventTimeWindows.of(1000, -999).offset, -999);
  assert.throws(() => TumblingProcessingTimeWindows.of(0), /the window size must be a positive integer number of ms, got 0/);
  assert.throws(() => TumblingProcessingTimeWindows.of(10, 10), /\|offset\| < size \(10 ms\), got 10/);
});

test('property: tumbling windows agree with the brute-force definition', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }).chain((size) =>
        fc.tuple(fc.constant(size), fc.integer({ min: -(size - 1), max: size - 1 }), fc.integer({ min: -100_000, max: 100_000 })),
      ),
      ([size, offset, ts]) => {
        const got = spans(TumblingEventTimeWindows.of(size, offset).assignWindows(null, ts));
        assert.deepEqual(got, bruteForceWindows(ts, size, size, offset));
        assert.equal(got.length, 1);
      },
    ),
  );
});

test('TumblingProcessingTimeWindows assigns by the context processing time, ignoring the record timestamp', () => {
  const a = TumblingProcessingTimeWindows.of(1000);
  assert.deepEqual(spans(a.assignWindows('x', 0, at(12_345))), [[12_000, 13_000]]);
  assert.deepEqual(spans(a.assignWindows('x', 99_999_999, at(-1))), [[-1000, 0]]);
  assert.deepEqual(spans(TumblingProcessingTimeWindows.of(1000, 100).assignWindows('x', 0, at(12_050))), [[11_100, 12_100]]);
  assert.ok(a.defaultTrigger() instanceof ProcessingTimeTrigger);
  assert.equal(a.isEventTime(), false);
  assert.equal(a.isMerging(), false);
});

// ---- sliding ---------------------------------------------------------------------------------

test('SlidingEventTimeWindows: every window containing the timestamp, latest start first', () => {
  const a = SlidingEventTimeWindows.of(10, 5);
  assert.equal(a.size, 10);
  assert.equal(a.slide, 5);
  assert.equal(a.offset, 0);
  assert.deepEqual(spans(a.assignWindows('x', 12)), [
    [10, 20],
    [5, 15],
  ]);
  assert.deepEqual(spans(a.assignWindows('x', 10)), [
    [10, 20],
    [5, 15],
  ]);
  assert.deepEqual(spans(a.assignWindows('x', 9)), [
    [5, 15],
    [0, 10],
  ]);
  assert.deepEqual(spans(a.assignWindows('x', -1)), [
    [-5, 5],
    [-10, 0],
  ]);
  assert.ok(a.defaultTrigger() instanceof EventTimeTrigger);
  assert.equal(a.isEventTime(), true);
  assert.equal(a.isMerging(), false);
});

test('SlidingEventTimeWindows: size/slide windows when the slide divides the size', () => {
  const a = SlidingEventTimeWindows.of(60_000, 10_000);
  for (const ts of [0, 1, 9_999, 10_000, 59_999, -1, -123_456, 1_700_000_000_123]) {
    const ws = a.assignWindows('x', ts);
    assert.equal(ws.length, 6, `ts ${ts}`);
    for (const w of ws) assert.ok(w.start <= ts && ts < w.end && w.end - w.start === 60_000);
  }
  assert.equal(SlidingEventTimeWindows.of(10, 10).assignWindows('x', 7).length, 1, 'slide = size is tumbling');
  assert.deepEqual(spans(SlidingEventTimeWindows.of(10, 10).assignWindows('x', 7)), [[0, 10]]);
});

test('SlidingEventTimeWindows: a slide not dividing the size gives floor or ceil of size/slide windows', () => {
  const a = SlidingEventTimeWindows.of(10, 3);
  assert.deepEqual(spans(a.assignWindows('x', 0)), [
    [0, 10],
    [-3, 7],
    [-6, 4],
    [-9, 1],
  ]);
  assert.deepEqual(spans(a.assignWindows('x', 1)), [
    [0, 10],
    [-3, 7],
    [-6, 4],
  ]);
  assert.deepEqual(spans(a.assignWindows('x', 2)), [
    [0, 10],
    [-3, 7],
    [-6, 4],
  ]);
  assert.deepEqual(spans(a.assignWindows('x', 3)), [
    [3, 13],
    [0, 10],
    [-3, 7],
    [-6, 4],
  ]);
});

test('SlidingEventTimeWindows: a slide larger than the size leaves gaps (no window for some timestamps)', () => {
  const a = SlidingEventTimeWindows.of(5, 10);
  assert.deepEqual(spans(a.assignWindows('x', 0)), [[0, 5]]);
  assert.deepEqual(spans(a.assignWindows('x', 4)), [[0, 5]]);
  assert.deepEqual(spans(a.assignWindows('x', 5)), []);
  assert.deepEqual(spans(a.assignWindows('x', 9)), []);
  assert.deepEqual(spans(a.assignWindows('x', 10)), [[10, 15]]);
  assert.deepEqual(spans(a.assignWindows('x', -6)), [[-10, -5]]);
  assert.deepEqual(spans(a.assignWindows('x', -5)), []);
});

test('SlidingEventTimeWindows with an offset (positive and negative)', () => {
  assert.deepEqual(spans(SlidingEventTimeWindows.of(10, 5, 2).assignWindows('x', 12)), [
    [12, 22],
    [7, 17],
  ]);
  assert.deepEqual(spans(SlidingEventTimeWindows.of(10, 5, 2).assignWindows('x', 11)), [
    [7, 17],
    [2, 12],
  ]);
  assert.deepEqual(spans(SlidingEventTimeWindows.of(10, 5, -2).assignWindows('x', 0)), [
    [-2, 8],
    [-7, 3],
  ]);
});

test('SlidingEventTimeWindows validation: size, slide, and |offset| < slide', () => {
  for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => SlidingEventTimeWindows.of(bad, 5), { name: 'RangeError', message: `the window size must be a positive integer number of ms, got ${bad}` });
    assert.throws(() => SlidingEventTimeWindows.of(10, bad), { name: 'RangeError', message: `the window slide must be a positive integer number of ms, got ${bad}` });
  }
  // The bound is the slide (5 ms), not the size (10 ms), and the message says so.
  for (const bad of [5, -5, 7, Number.NaN]) {
    assert.throws(() => SlidingEventTimeWindows.of(10, 5, bad), RangeError);
    assert.throws(() => SlidingEventTimeWindows.of(10, 5, bad), new RegExp(`the window offset must be an integer number of ms with \\|offset\\| < slide \\(5 ms\\), got ${bad}$`));
  }
  assert.equal(SlidingEventTimeWindows.of(10, 5, 4).offset, 4);
  assert.equal(SlidingEventTimeWindows.of(10, 5, -4).offset, -4);
  assert.throws(() => SlidingProcessingTimeWindows.of(10, 0), /the window slide must be a positive integer number of ms, got 0/);
  assert.throws(() => SlidingProcessingTimeWindows.of(10, 5, 5), /\|offset\| < slide \(5 ms\), got 5/);
});

test('property: sliding windows agree with the brute-force definition (every window containing ts, once)', () => {
  fc.assert(
    fc.property(
      fc
        .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }))
        .chain(([size, slide]) =>
          fc.tuple(fc.constant(size), fc.constant(slide), fc.integer({ min: -(slide - 1), max: slide - 1 }), fc.integer({ min: -10_000, max: 10_000 })),
        ),
      ([size, slide, offset, ts]) => {
        const got = spans(SlidingEventTimeWindows.of(size, slide, offset).assignWindows(null, ts));
        assert.deepEqual(got, bruteForceWindows(ts, size, slide, offset));
        const n = got.length;
        assert.ok(n === Math.floor(size / slide) || n === Math.ceil(size / slide), `${n} windows for size ${size}, slide ${slide}`);
        if (size % slide === 0) assert.equal(n, size / slide);
      },
    ),
    { numRuns: 500 },
  );
});

test('SlidingProcessingTimeWindows assigns by the context processing time', () => {
  const a = SlidingProcessingTimeWindows.of(10, 5);
  assert.deepEqual(spans(a.assignWindows('x', 1_000_000, at(12))), [
    [10, 20],
    [5, 15],
  ]);
  assert.deepEqual(spans(SlidingProcessingTimeWindows.of(10, 5, 1).assignWindows('x', 0, at(12))), [
    [11, 21],
    [6, 16],
  ]);
  assert.ok(a.defaultTrigger() instanceof ProcessingTimeTrigger);
  assert.equal(a.isEventTime(), false);
  assert.equal(a.isMerging(), false);
});

// ---- sessions --------------------------------------------------------------------------------

test('EventTimeSessionWindows: a record opens [ts, ts + gap); the assigner merges', () => {
  const a = EventTimeSessionWindows.withGap(100);
  assert.equal(a.gap, 100);
  assert.deepEqual(spans(a.assignWindows('x', 5)), [[5, 105]]);
  assert.deepEqual(spans(a.assignWindows('x', -50)), [[-50, 50]]);
  assert.deepEqual(spans(a.assignWindows('x', 0)), [[0, 100]]);
  assert.ok(a.defaultTrigger() instanceof EventTimeTrigger);
  assert.equal(a.isEventTime(), true);
  assert.equal(a.isMerging(), true);
  // Records exactly gap apart touch, so their sessions merge; gap + 1 apart they do not.
  const [w1] = a.assignWindows('x', 0);
  const [w2] = a.assignWindows('x', 100);
  const [w3] = a.assignWindows('x', 201);
  assert.ok(w1 && w2 && w3);
  assert.equal(w1.intersects(w2), true);
  assert.equal(w2.intersects(w3), false);
  assert.ok(w1.cover(w2).equals(new TimeWindow(0, 200)));
});

test('ProcessingTimeSessionWindows: [now, now + gap) from the context', () => {
  const a = ProcessingTimeSessionWindows.withGap(30);
  assert.equal(a.gap, 30);
  assert.deepEqual(spans(a.assignWindows('x', 999_999, at(1000))), [[1000, 1030]]);
  assert.ok(a.defaultTrigger() instanceof ProcessingTimeTrigger);
  assert.equal(a.isEventTime(), false);
  assert.equal(a.isMerging(), true);
});

test('session gap validation', () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => EventTimeSessionWindows.withGap(bad), { name: 'RangeError', message: `the session gap must be a positive integer number of ms, got ${bad}` });
    assert.throws(() => ProcessingTimeSessionWindows.withGap(bad), { name: 'RangeError', message: `the session gap must be a positive integer number of ms, got ${bad}` });
  }
});

test('property: a session window is [ts, ts + gap) and contains exactly the timestamps within the gap', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: -1e12, max: 1e12 }), (gap, ts) => {
      const ws = EventTimeSessionWindows.withGap(gap).assignWindows(null, ts);
      assert.deepEqual(spans(ws), [[ts, ts + gap]]);
      assert.equal(ws[0]!.maxTimestamp(), ts + gap - 1);
      assert.deepEqual(spans(ProcessingTimeSessionWindows.withGap(gap).assignWindows(null, 0, at(ts))), [[ts, ts + gap]]);
    }),
  );
});

test('property: processing-time assigners at time t equal their event-time counterparts at timestamp t', () => {
  fc.assert(
    fc.property(
      fc
        .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }))
        .chain(([size, slide]) =>
          fc.tuple(fc.constant(size), fc.constant(slide), fc.integer({ min: -(slide - 1), max: slide - 1 }), fc.integer({ min: -10_000, max: 10_000 })),
        ),
      fc.integer(),
      ([size, slide, offset, now], recordTs) => {
        assert.deepEqual(
          spans(SlidingProcessingTimeWindows.of(size, slide, offset).assignWindows(null, recordTs, at(now))),
          spans(SlidingEventTimeWindows.of(size, slide, offset).assignWindows(null, now)),
        );
        assert.deepEqual(
          spans(TumblingProcessingTimeWindows.of(slide, offset).assignWindows(null, recordTs, at(now))),
          spans(TumblingEventTimeWindows.of(slide, offset).assignWindows(null, now)),
        );
      },
    ),
  );
});

test('fractional sizes, slides, offsets and gaps are rejected: maxTimestamp() = end - 1 needs whole ms', () => {
  // With size 1.5 the window [0, 1.5) of ts 1 would have maxTimestamp 0.5, before its own record.
  assert.throws(() => TumblingEventTimeWindows.of(1.5), { name: 'RangeError', message: 'the window size must be a positive integer number of ms, got 1.5' });
  assert.throws(() => TumblingEventTimeWindows.of(1000, 0.5), RangeError);
  assert.throws(() => SlidingEventTimeWindows.of(10, 2.5), { name: 'RangeError', message: 'the window slide must be a positive integer number of ms, got 2.5' });
  assert.throws(() => SlidingEventTimeWindows.of(10.5, 2), RangeError);
  assert.throws(() => EventTimeSessionWindows.withGap(0.5), { name: 'RangeError', message: 'the session gap must be a positive integer number of ms, got 0.5' });
  assert.throws(() => TumblingEventTimeWindows.of(2 ** 60), RangeError, 'beyond safe integers window arithmetic is inexact');
});
