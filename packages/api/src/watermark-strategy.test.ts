import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BoundedOutOfOrdernessWatermarks,
  DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  MAX_WATERMARK,
  MIN_WATERMARK,
  WatermarkStrategy,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkOutput,
} from './watermark-strategy.js';

type Emitted = number | 'idle' | 'active';

/** Records everything a generator emits, in order. */
class RecordingOutput implements WatermarkOutput {
  readonly emitted: Emitted[] = [];
  emitWatermark(timestamp: number): void {
    this.emitted.push(timestamp);
  }
  markIdle(): void {
    this.emitted.push('idle');
  }
  markActive(): void {
    this.emitted.push('active');
  }
  /** What was emitted since the last call. */
  take(): Emitted[] {
    return this.emitted.splice(0);
  }
}

/** A manual processing-time clock. */
class FakeClock {
  constructor(public now = 0) {}
  readonly read = (): number => this.now;
}

/** A generator that records its calls and emits `1000 + number of events` when asked. */
class ProbeGenerator implements WatermarkGenerator<string> {
  readonly events: Array<[string, number]> = [];
  periodic = 0;
  onEvent(event: string, timestamp: number, output: WatermarkOutput): void {
    this.events.push([event, timestamp]);
    assert.ok(output instanceof RecordingOutput, 'the output is handed through');
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    this.periodic++;
    output.emitWatermark(1000 + this.events.length);
  }
}

test('the bounds are the safe-integer limits; the default auto-watermark interval is 50 ms', () => {
  assert.equal(MIN_WATERMARK, Number.MIN_SAFE_INTEGER);
  assert.equal(MAX_WATERMARK, Number.MAX_SAFE_INTEGER);
  assert.equal(DEFAULT_AUTO_WATERMARK_INTERVAL_MS, 50);
});

// ---- BoundedOutOfOrdernessWatermarks ---------------------------------------------------------

test('BoundedOutOfOrdernessWatermarks: MIN_WATERMARK before any event, then maxTimestamp - bound - 1 (Flink)', () => {
  const g: WatermarkGenerator<string> = new BoundedOutOfOrdernessWatermarks<string>(5);
  const out = new RecordingOutput();
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [MIN_WATERMARK]);
  g.onEvent('a', 100, out);
  assert.deepEqual(out.take(), [], 'onEvent emits nothing');
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [94]);
  g.onEvent('late', 90, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [94], 'an out-of-order record does not move the watermark back');
  g.onEvent('b', 200, out);
  g.onEvent('c', 150, out);
  g.onPeriodicEmit(out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [194, 194], 'each periodic call emits (the output drops repeats)');
});

test('BoundedOutOfOrdernessWatermarks: a record at exactly the bound is not late; one beyond is', () => {
  const bound = 1000;
  const g: WatermarkGenerator<null> = new BoundedOutOfOrdernessWatermarks<null>(bound);
  const out = new RecordingOutput();
  g.onEvent(null, 10_000, out);
  g.onPeriodicEmit(out);
  const [wm] = out.take();
  assert.equal(wm, 8999);
  assert.ok(10_000 - bound > (wm as number), 'a record bound ms behind the max is after the watermark');
  assert.ok(10_000 - bound - 1 <= (wm as number), 'one more ms behind and it is late');
});

test('BoundedOutOfOrdernessWatermarks: bound 0 gives maxTimestamp - 1; negative timestamps work', () => {
  const g: WatermarkGenerator<null> = new BoundedOutOfOrdernessWatermarks<null>(0);
  const out = new RecordingOutput();
  g.onPeriodicEmit(out);
  g.onEvent(null, -500, out);
  g.onPeriodicEmit(out);
  g.onEvent(null, 0, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [MIN_WATERMARK, -501, -1]);
});

test('BoundedOutOfOrdernessWatermarks: a huge bound still starts at MIN_WATERMARK', () => {
  const g: WatermarkGenerator<null> = new BoundedOutOfOrdernessWatermarks<null>(Number.MAX_SAFE_INTEGER - 1);
  const out = new RecordingOutput();
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [MIN_WATERMARK]);
});

test('BoundedOutOfOrdernessWatermarks validation: a non-negative finite bound', () => {
  for (const bad of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
    assert.throws(() => new BoundedOutOfOrdernessWatermarks(bad), {
      name: 'RangeError',
      message: `the out-of-orderness bound must be a non-negative integer number of ms, got ${bad}`,
    });
  assert.doesNotThrow(() => new BoundedOutOfOrdernessWatermarks(0));
});

test('property: the bounded generator emits max(timestamps) - bound - 1, never falling', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100_000 }),
      fc.array(fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.constant('emit' as const)), { maxLength: 60 }),
      (bound, steps) => {
        const g: WatermarkGenerator<null> = new BoundedOutOfOrdernessWatermarks<null>(bound);
        const out = new RecordingOutput();
        let max: number | undefined;
        let last = MIN_WATERMARK;
        for (const s of steps) {
          if (s === 'emit') {
            g.onPeriodicEmit(out);
            const expected = max === undefined ? MIN_WATERMARK : max - bound - 1;
            const [wm] = out.take();
            assert.equal(wm, expected);
            assert.ok(wm >= last);
            last = wm;
          } else {
            g.onEvent(null, s, out);
            max = max === undefined ? s : Math.max(max, s);
            assert.deepEqual(out.take(), []);
          }
        }
      },
    ),
  );
});

// ---- WatermarksWithIdleness ------------------------------------------------------------------

test('WatermarksWithIdleness: idle once idlenessMs passed without events (from construction), then silent', () => {
  const clock = new FakeClock(10_000);
  const inner = new ProbeGenerator();
  const g = new WatermarksWithIdleness(inner, 1000, clock.read);
  const out = new RecordingOutput();
  clock.now = 10_999;
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [1000], 'not idle yet: the inner generator emits');
  clock.now = 11_000;
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), ['idle'], 'idle at exactly idlenessMs; the inner generator is not asked');
  assert.equal(inner.periodic, 1);
  clock.now = 50_000;
  g.onPeriodicEmit(out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [], 'idle is marked once, and no watermarks follow while idle');
  assert.equal(inner.periodic, 1);
});

test('WatermarksWithIdleness: the first event after idleness marks it active again', () => {
  const clock = new FakeClock(0);
  const inner = new ProbeGenerator();
  const g = new WatermarksWithIdleness(inner, 1000, clock.read);
  const out = new RecordingOutput();
  clock.now = 1000;
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), ['idle']);
  clock.now = 2500;
  g.onEvent('a', 7, out);
  assert.deepEqual(out.take(), ['active']);
  assert.deepEqual(inner.events, [['a', 7]]);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [1001], 'active: the inner generator emits again');
  g.onEvent('b', 8, out);
  assert.deepEqual(out.take(), [], 'an event while active does not mark active again');
  clock.now = 3499;
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [1002]);
  clock.now = 3500;
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), ['idle'], 'idlenessMs after the last event');
});

test('WatermarksWithIdleness: the order of calls on becoming active is markActive, then the inner onEvent', () => {
  const clock = new FakeClock(0);
  const calls: string[] = [];
  const spy: WatermarkOutput = {
    emitWatermark: (t) => calls.push(`wm ${t}`),
    markIdle: () => calls.push('idle'),
    markActive: () => calls.push('active'),
  };
  const inner: WatermarkGenerator<string> = {
    onEvent: (e, ts, output) => {
      assert.equal(output, spy, 'the output is handed through');
      calls.push(`event ${e}@${ts}`);
    },
    onPeriodicEmit: (output) => output.emitWatermark(7),
  };
  const g = new WatermarksWithIdleness(inner, 1000, clock.read);
  clock.now = 1000;
  g.onPeriodicEmit(spy);
  g.onEvent('x', 42, spy);
  g.onPeriodicEmit(spy);
  assert.deepEqual(calls, ['idle', 'active', 'event x@42', 'wm 7']);
});

test('WatermarksWithIdleness: regular events keep it active', () => {
  const clock = new FakeClock(0);
  const inner = new ProbeGenerator();
  const g = new WatermarksWithIdleness(inner, 1000, clock.read);
  const out = new RecordingOutput();
  for (let t = 0; t <= 20_000; t += 100) {
    clock.now = t;
    if (t % 900 === 0) g.onEvent('e', t, out);
    g.onPeriodicEmit(out);
  }
  assert.ok(!out.emitted.includes('idle'));
  assert.ok(!out.emitted.includes('active'));
  assert.equal(inner.periodic, 201);
});

test('WatermarksWithIdleness validation: a positive finite timeout', () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => new WatermarksWithIdleness(new ProbeGenerator(), bad, () => 0), {
      name: 'RangeError',
      message: `idleness must be a positive number of ms, got ${bad}`,
    });
});

test('property: WatermarksWithIdleness is idle exactly when idlenessMs passed since the last event', () => {
  type Step = { readonly advance: number; readonly event: boolean };
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 500 }),
      fc.array(fc.record({ advance: fc.integer({ min: 0, max: 300 }), event: fc.boolean() }), { maxLength: 80 }),
      (idleness, steps: Step[]) => {
        const clock = new FakeClock(0);
        const inner = new ProbeGenerator();
        const g = new WatermarksWithIdleness(inner, idleness, clock.read);
        const out = new RecordingOutput();
        let lastActivity = 0;
        let idle = false;
        for (const s of steps) {
          clock.now += s.advance;
          if (s.event) {
            g.onEvent('e', clock.now, out);
            lastActivity = clock.now;
            assert.deepEqual(out.take(), idle ? ['active'] : []);
            idle = false;
          } else {
            g.onPeriodicEmit(out);
            const got = out.take();
            if (idle) assert.deepEqual(got, []);
            else if (clock.now - lastActivity >= idleness) {
              assert.deepEqual(got, ['idle']);
              idle = true;
            } else assert.deepEqual(got, [1000 + inner.events.length]);
          }
        }
      },
    ),
  );
});

// ---- WatermarkStrategy -----------------------------------------------------------------------

test('forBoundedOutOfOrderness: validates eagerly, no assigner or idleness, a fresh generator each time', () => {
  for (const bad of [-1, Number.NaN])
    assert.throws(() => WatermarkStrategy.forBoundedOutOfOrderness(bad), /the out-of-orderness bound must be a non-negative integer number of ms/);
  const s = WatermarkStrategy.forBoundedOutOfOrderness<number>(5000);
  assert.equal(s.timestampAssigner, undefined);
  assert.equal(s.idlenessMs, undefined);
  const g1 = s.createWatermarkGenerator();
  const g2 = s.createWatermarkGenerator();
  assert.equal(g1 instanceof BoundedOutOfOrdernessWatermarks, true);
  assert.notEqual(g1, g2, 'one generator per parallel instance');
  const out = new RecordingOutput();
  g1.onEvent(1, 10_000, out);
  g1.onPeriodicEmit(out);
  g2.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [4999, MIN_WATERMARK], 'generators do not share state');
});

test('forMonotonousTimestamps: the watermark is the highest timestamp - 1', () => {
  const g = WatermarkStrategy.forMonotonousTimestamps<string>().createWatermarkGenerator();
  const out = new RecordingOutput();
  g.onPeriodicEmit(out);
  g.onEvent('a', 100, out);
  g.onPeriodicEmit(out);
  g.onEvent('b', 250, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [MIN_WATERMARK, 99, 249]);
});

test('forGenerator: the factory is called once per createWatermarkGenerator; non-functions are a TypeError', () => {
  let made = 0;
  const made1 = new ProbeGenerator();
  const s = WatermarkStrategy.forGenerator<string>(() => {
    made++;
    return made === 1 ? made1 : new ProbeGenerator();
  });
  assert.equal(made, 0, 'not called while building the job');
  assert.equal(s.createWatermarkGenerator(), made1, 'the generator itself when there is no idleness');
  assert.equal(made, 1);
  s.createWatermarkGenerator();
  assert.equal(made, 2);
  for (const bad of [undefined, null, 5, {}] as unknown[])
    assert.throws(() => WatermarkStrategy.forGenerator(bad as () => WatermarkGenerator<string>), {
      name: 'TypeError',
      message: 'forGenerator needs a function that creates a WatermarkGenerator',
    });
});

test('noWatermarks: a generator that never emits', () => {
  const g = WatermarkStrategy.noWatermarks<string>().createWatermarkGenerator();
  const out = new RecordingOutput();
  g.onEvent('a', 100, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), []);
});

test('withTimestampAssigner: a new strategy with the assigner; the original is unchanged; idleness kept', () => {
  const base = WatermarkStrategy.forBoundedOutOfOrderness<{ ts: number }>(10);
  const assigner = (e: { ts: number }): number => e.ts;
  const s = base.withTimestampAssigner(assigner);
  assert.notEqual(s, base);
  assert.equal(s.timestampAssigner, assigner);
  assert.equal(base.timestampAssigner, undefined);
  assert.equal(s.idlenessMs, undefined);
  assert.ok(s.createWatermarkGenerator() instanceof BoundedOutOfOrdernessWatermarks, 'same generator factory');
  const withIdle = base.withIdleness(500).withTimestampAssigner(assigner);
  assert.equal(withIdle.idlenessMs, 500);
  assert.equal(withIdle.timestampAssigner, assigner);
  // The assigner receives the record's own timestamp too.
  const fromCarried = WatermarkStrategy.noWatermarks<string>().withTimestampAssigner((_e, carried) => (carried ?? 0) + 1);
  assert.equal(fromCarried.timestampAssigner?.('x', 41), 42);
  assert.equal(fromCarried.timestampAssigner?.('x', undefined), 1);
  for (const bad of [undefined, null, 'ts', 1] as unknown[])
    assert.throws(() => base.withTimestampAssigner(bad as (e: { ts: number }) => number), {
      name: 'TypeError',
      message: 'withTimestampAssigner needs a function (element, recordTimestamp) => ms',
    });
});

test('withIdleness: validation, a new strategy keeping the assigner, generators wrapped with the given clock', () => {
  const assigner = (e: string): number => e.length;
  const base = WatermarkStrategy.forMonotonousTimestamps<string>().withTimestampAssigner(assigner);
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => base.withIdleness(bad), { name: 'RangeError', message: `idleness must be a positive number of ms, got ${bad}` });
  const s = base.withIdleness(1000);
  assert.notEqual(s, base);
  assert.equal(base.idlenessMs, undefined);
  assert.equal(s.idlenessMs, 1000);
  assert.equal(s.timestampAssigner, assigner);
  assert.ok(!(base.createWatermarkGenerator() instanceof WatermarksWithIdleness));

  const clock = new FakeClock(5000);
  const g = s.createWatermarkGenerator(clock.read);
  assert.ok(g instanceof WatermarksWithIdleness);
  const out = new RecordingOutput();
  g.onEvent('abc', 300, out);
  clock.now = 5999;
  g.onPeriodicEmit(out);
  clock.now = 6000;
  g.onPeriodicEmit(out);
  clock.now = 6100;
  g.onEvent('abcd', 400, out);
  g.onPeriodicEmit(out);
  assert.deepEqual(out.take(), [299, 'idle', 'active', 399], 'monotonous watermarks with idleness on the fake clock');
});

test('a bound that is not a safe integer is rejected, and the largest one still starts at MIN_WATERMARK', () => {
  // MIN_WATERMARK + bound + 1 stays exact only for safe-integer bounds.
  const out = new RecordingOutput();
  new BoundedOutOfOrdernessWatermarks<null>(Number.MAX_SAFE_INTEGER).onPeriodicEmit(out);
  assert.deepEqual(out.take(), [MIN_WATERMARK]);
  for (const bad of [2 ** 60, 1e300, 0.5])
    assert.throws(() => WatermarkStrategy.forBoundedOutOfOrderness(bad), {
      name: 'RangeError',
      message: `the out-of-orderness bound must be a non-negative integer number of ms, got ${bad}`,
    });
});
