import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WatermarkValve, type ValveOutput } from './watermark-valve.js';
import { MAX_WATERMARK, MIN_WATERMARK } from './watermark.js';

test('the constructor needs a positive integer channel count', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => new WatermarkValve(bad), { name: 'RangeError', message: `a watermark valve needs at least one channel, got ${bad}` });
  assert.equal(new WatermarkValve(1).currentWatermark, MIN_WATERMARK);
});

test('a channel index outside the valve is a RangeError for every input', () => {
  const v = new WatermarkValve(2);
  for (const bad of [2, -1, 1.5]) {
    const message = `channel ${bad} does not exist (2 channels)`;
    assert.throws(() => v.inputWatermark(bad, 5), { name: 'RangeError', message });
    assert.throws(() => v.inputStatus(bad, true), { name: 'RangeError', message });
    assert.throws(() => v.finish(bad), { name: 'RangeError', message });
  }
  assert.equal(v.currentWatermark, MIN_WATERMARK, 'a rejected input changes nothing');
  assert.equal(v.isIdle, false);
});

test('starts at MIN_WATERMARK, active', () => {
  const v = new WatermarkValve(3);
  assert.equal(v.currentWatermark, MIN_WATERMARK);
  assert.equal(v.isIdle, false);
});

test('one channel: every rise is emitted, anything not above the last is ignored', () => {
  const v = new WatermarkValve(1);
  assert.deepEqual(v.inputWatermark(0, 10), { watermark: 10 });
  assert.deepEqual(v.inputWatermark(0, 10), {}, 'equal');
  assert.deepEqual(v.inputWatermark(0, 3), {}, 'lower');
  assert.equal(v.currentWatermark, 10);
  assert.deepEqual(v.inputWatermark(0, 11), { watermark: 11 });
  assert.deepEqual(v.inputWatermark(0, -5), {});
  assert.equal(v.currentWatermark, 11);
});

test('the combined watermark is the minimum over the channels and is emitted only when it rises', () => {
  const v = new WatermarkValve(3);
  assert.deepEqual(v.inputWatermark(0, 10), {}, 'channels 1 and 2 still at MIN');
  assert.deepEqual(v.inputWatermark(1, 20), {});
  assert.deepEqual(v.inputWatermark(2, 5), { watermark: 5 });
  assert.deepEqual(v.inputWatermark(2, 15), { watermark: 10 }, 'channel 0 is now the minimum');
  assert.deepEqual(v.inputWatermark(1, 30), {}, 'a channel above the minimum rising changes nothing');
  assert.deepEqual(v.inputWatermark(0, 12), { watermark: 12 });
  assert.deepEqual(v.inputWatermark(0, 100), { watermark: 15 });
  assert.deepEqual(v.inputWatermark(2, 14), {}, 'a channel going back is ignored');
  assert.equal(v.currentWatermark, 15);
  assert.deepEqual(v.inputWatermark(2, 40), { watermark: 30 });
  assert.equal(v.currentWatermark, 30);
  assert.equal(v.isIdle, false);
});

test('negative watermarks combine like any other', () => {
  const v = new WatermarkValve(2);
  assert.deepEqual(v.inputWatermark(0, -100), {});
  assert.deepEqual(v.inputWatermark(1, -200), { watermark: -200 });
  assert.deepEqual(v.inputWatermark(1, -50), { watermark: -100 });
});

test('an idle channel is left out of the minimum, and its watermarks are ignored while idle', () => {
  const v = new WatermarkValve(3);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 20);
  assert.equal(v.currentWatermark, MIN_WATERMARK, 'channel 2 holds everything back');
  assert.deepEqual(v.inputStatus(2, true), { watermark: 10 }, 'channel 2 idle: the minimum of 0 and 1');
  assert.equal(v.isIdle, false, 'not every channel is idle');
  assert.deepEqual(v.inputWatermark(2, 1000), {}, 'watermark of an idle channel');
  assert.deepEqual(v.inputWatermark(0, 50), { watermark: 20 });
  assert.deepEqual(v.inputStatus(1, true), { watermark: 50 }, 'channel 1 idle: only channel 0 counts');
  assert.deepEqual(v.inputStatus(1, true), {}, 'already idle');
  assert.deepEqual(v.inputWatermark(0, 60), { watermark: 60 });
});

test('an idle channel that was not the minimum going idle changes nothing', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 20);
  assert.equal(v.currentWatermark, 10);
  assert.deepEqual(v.inputStatus(1, true), {});
  assert.equal(v.currentWatermark, 10);
});

test('a channel active again below the output does not regress it and counts again only once caught up (Flink StatusWatermarkValve)', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  assert.deepEqual(v.inputWatermark(1, 10), { watermark: 10 });
  assert.deepEqual(v.inputStatus(0, true), {}, 'channel 0 idle at 10, the output is 10 already');
  assert.deepEqual(v.inputWatermark(1, 20), { watermark: 20 });
  assert.deepEqual(v.inputStatus(0, false), {}, 'channel 0 active again at 10 < 20: no regression, nothing emitted');
  assert.equal(v.currentWatermark, 20);
  assert.deepEqual(v.inputWatermark(1, 30), { watermark: 30 }, 'the lagging channel does not hold the output back');
  assert.deepEqual(v.inputWatermark(0, 25), {}, 'still behind the output (30): not counted');
  assert.equal(v.currentWatermark, 30);
  assert.deepEqual(v.inputWatermark(0, 35), {}, 'caught up: counts again; min(35, 30) = 30');
  assert.deepEqual(v.inputWatermark(1, 40), { watermark: 35 }, 'now channel 0 is the minimum');
  assert.deepEqual(v.inputWatermark(1, 50), {}, 'channel 0 holds the output at 35');
  assert.equal(v.currentWatermark, 35);
});

test('a lagging channel that catches up to exactly the output counts again (and holds the output there)', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 10);
  v.inputStatus(0, true);
  v.inputWatermark(1, 20);
  assert.deepEqual(v.inputStatus(0, false), {}, 'channel 0 (10) active again behind the output (20)');
  assert.deepEqual(v.inputWatermark(0, 20), {}, 'caught up to exactly the output: counted again, nothing new');
  assert.deepEqual(v.inputWatermark(1, 30), {}, 'channel 0 at 20 now holds the output back');
  assert.equal(v.currentWatermark, 20);
  assert.deepEqual(v.inputWatermark(0, 25), { watermark: 25 });
});

test('a channel active again exactly at the output counts immediately', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 10);
  v.inputStatus(0, true);
  assert.deepEqual(v.inputStatus(0, false), {});
  assert.deepEqual(v.inputWatermark(1, 20), {}, 'channel 0 at 10 holds the output back again');
  assert.equal(v.currentWatermark, 10);
  assert.deepEqual(v.inputWatermark(0, 15), { watermark: 15 });
});

test('every channel idle: the valve goes idle and flushes the maximum channel watermark', () => {
  const v = new WatermarkValve(3);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 30);
  v.inputWatermark(2, 20);
  assert.equal(v.currentWatermark, 10);
  assert.deepEqual(v.inputStatus(1, true), {});
  assert.deepEqual(v.inputStatus(0, true), { watermark: 20 });
  assert.equal(v.isIdle, false);
  assert.deepEqual(v.inputStatus(2, true), { watermark: 30, idle: true }, 'the maximum over all channels, with the idle status');
  assert.equal(v.isIdle, true);
  assert.equal(v.currentWatermark, 30);
  assert.deepEqual(v.inputWatermark(2, 100), {}, 'watermarks while idle are ignored');
  assert.deepEqual(v.inputStatus(2, true), {}, 'already idle');
  assert.equal(v.currentWatermark, 30);
});

test('every channel idle with nothing higher to flush: only the idle status', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 5);
  assert.deepEqual(v.inputStatus(1, true), { watermark: 10 });
  assert.deepEqual(v.inputStatus(0, true), { idle: true });
  assert.equal(v.isIdle, true);
  assert.equal(v.currentWatermark, 10);
});

test('a single never-advanced channel going idle: idle, watermark stays MIN', () => {
  const v = new WatermarkValve(1);
  assert.deepEqual(v.inputStatus(0, true), { idle: true });
  assert.equal(v.currentWatermark, MIN_WATERMARK);
  assert.deepEqual(v.inputStatus(0, false), { idle: false });
  assert.equal(v.isIdle, false);
  assert.deepEqual(v.inputWatermark(0, 1), { watermark: 1 });
});

test('a channel active again after all were idle: active status, no regression, lagging channel left out until caught up', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 40);
  v.inputStatus(1, true);
  assert.deepEqual(v.inputStatus(0, true), { watermark: 40, idle: true });
  assert.deepEqual(v.inputStatus(0, false), { idle: false }, 'channel 0 (at 10) active again: the output stays 40');
  assert.equal(v.isIdle, false);
  assert.equal(v.currentWatermark, 40);
  assert.deepEqual(v.inputWatermark(0, 39), {});
  assert.deepEqual(v.inputWatermark(0, 40), {}, 'caught up, but the output already is 40');
  assert.deepEqual(v.inputWatermark(0, 41), { watermark: 41 });
  assert.deepEqual(v.inputStatus(1, false), {}, 'channel 1 (at 40) active again behind the output (41): nothing');
  assert.deepEqual(v.inputWatermark(0, 50), { watermark: 50 }, 'channel 1 does not count yet');
  assert.deepEqual(v.inputWatermark(1, 45), {});
  assert.deepEqual(v.inputWatermark(1, 60), {}, 'caught up: min(50, 60) = 50');
  assert.deepEqual(v.inputWatermark(0, 70), { watermark: 60 });
});

test('the all-idle flush takes the maximum over every channel, even when the last channel to go idle lags', () => {
  // Channel 2 went idle at 50 while others were active; channel 0 is active but behind the
  // output when the last channels go idle. The class's contract: advance to the maximum.
  const v = new WatermarkValve(3);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 10);
  v.inputWatermark(2, 50);
  assert.equal(v.currentWatermark, 10);
  assert.deepEqual(v.inputStatus(2, true), {});
  assert.deepEqual(v.inputStatus(0, true), {});
  assert.deepEqual(v.inputWatermark(1, 20), { watermark: 20 });
  assert.deepEqual(v.inputStatus(0, false), {}, 'channel 0 at 10 < 20: not counted');
  assert.deepEqual(v.inputStatus(1, true), {}, 'no channel counts: the output stays');
  assert.equal(v.currentWatermark, 20);
  assert.equal(v.isIdle, false);
  assert.deepEqual(v.inputStatus(0, true), { watermark: 50, idle: true });
});

test('inputStatus to the current status is a no-op', () => {
  const v = new WatermarkValve(2);
  assert.deepEqual(v.inputStatus(0, false), {});
  v.inputWatermark(0, 5);
  v.inputWatermark(1, 5);
  assert.deepEqual(v.inputStatus(0, false), {});
  assert.equal(v.currentWatermark, 5);
});

test('MAX_WATERMARK on every channel: the output reaches MAX_WATERMARK once the last arrives', () => {
  const v = new WatermarkValve(3);
  assert.deepEqual(v.inputWatermark(0, MAX_WATERMARK), {});
  assert.deepEqual(v.inputWatermark(1, MAX_WATERMARK), {});
  assert.deepEqual(v.inputWatermark(2, MAX_WATERMARK), { watermark: MAX_WATERMARK });
  assert.deepEqual(v.inputWatermark(2, MAX_WATERMARK), {});
  assert.equal(v.currentWatermark, MAX_WATERMARK);
});

test('finish: a finished channel counts as MAX_WATERMARK; the last one to finish emits MAX_WATERMARK', () => {
  const v = new WatermarkValve(3);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 20);
  v.inputWatermark(2, 30);
  assert.equal(v.currentWatermark, 10);
  assert.deepEqual(v.finish(0), { watermark: 20 });
  assert.deepEqual(v.inputWatermark(0, 999), {}, 'a finished channel is at MAX already');
  assert.deepEqual(v.finish(2), {}, 'channel 1 (20) is still the minimum');
  assert.deepEqual(v.finish(1), { watermark: MAX_WATERMARK });
  assert.deepEqual(v.finish(1), {}, 'finishing twice');
  assert.equal(v.currentWatermark, MAX_WATERMARK);
  assert.equal(v.isIdle, false);
});

test('finish: a finished channel and idle others give MAX_WATERMARK (idle channels hold nothing back)', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 10);
  v.inputWatermark(1, 20);
  assert.deepEqual(v.inputStatus(1, true), {});
  assert.deepEqual(v.finish(0), { watermark: MAX_WATERMARK });
  assert.equal(v.isIdle, false, 'a finished channel is not idle');
});

test('finish of an idle channel while the valve is idle makes the valve active at MAX_WATERMARK', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 5);
  v.inputWatermark(1, 7);
  assert.deepEqual(v.inputStatus(0, true), { watermark: 7 });
  assert.deepEqual(v.inputStatus(1, true), { idle: true });
  assert.deepEqual(v.finish(0), { watermark: MAX_WATERMARK, idle: false });
  assert.equal(v.isIdle, false);
  assert.equal(v.currentWatermark, MAX_WATERMARK);
});

test('finish of an idle channel while others are active: the channel counts as MAX', () => {
  const v = new WatermarkValve(2);
  v.inputWatermark(0, 5);
  v.inputStatus(1, true);
  assert.equal(v.currentWatermark, 5);
  assert.deepEqual(v.finish(1), {}, 'channel 0 at 5 is the minimum');
  assert.deepEqual(v.inputWatermark(0, 8), { watermark: 8 });
  assert.deepEqual(v.finish(0), { watermark: MAX_WATERMARK });
});

test('finish with one channel, before any watermark', () => {
  const v = new WatermarkValve(1);
  assert.deepEqual(v.finish(0), { watermark: MAX_WATERMARK });
});

// ---- property tests against plain models ---------------------------------------------------

type Op =
  | { readonly kind: 'wm'; readonly ch: number; readonly value: number }
  | { readonly kind: 'status'; readonly ch: number; readonly idle: boolean }
  | { readonly kind: 'finish'; readonly ch: number };

const watermarkValue = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: -30, max: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom(MIN_WATERMARK, MAX_WATERMARK) },
);

function opsArb(channels: number, withIdleness: boolean): fc.Arbitrary<Op[]> {
  const ch = fc.integer({ min: 0, max: channels - 1 });
  const wm = fc.record({ kind: fc.constant('wm' as const), ch, value: watermarkValue });
  const status = fc.record({ kind: fc.constant('status' as const), ch, idle: fc.boolean() });
  const finish = fc.record({ kind: fc.constant('finish' as const), ch });
  const op: fc.Arbitrary<Op> = withIdleness
    ? fc.oneof({ weight: 6, arbitrary: wm }, { weight: 3, arbitrary: status }, { weight: 1, arbitrary: finish })
    : fc.oneof({ weight: 9, arbitrary: wm }, { weight: 1, arbitrary: finish });
  return fc.array(op, { maxLength: 80 });
}

function apply(v: WatermarkValve, op: Op): ValveOutput {
  switch (op.kind) {
    case 'wm':
      return v.inputWatermark(op.ch, op.value);
    case 'status':
      return v.inputStatus(op.ch, op.idle);
    case 'finish':
      return v.finish(op.ch);
  }
}

/**
 * A plain, independently written model of the contract: the output is the minimum over the active
 * channels that have caught up with it (a channel behind the output cannot lower it and does not
 * hold it back), it never falls, all channels idle flushes the maximum, finishing is MAX.
 */
class ValveModel {
  private readonly wm: number[];
  private readonly idleCh: boolean[];
  out = MIN_WATERMARK;
  idle = false;

  constructor(n: number) {
    this.wm = new Array<number>(n).fill(MIN_WATERMARK);
    this.idleCh = new Array<boolean>(n).fill(false);
  }

  step(op: Op): ValveOutput {
    const beforeOut = this.out;
    const beforeIdle = this.idle;
    if (op.kind === 'wm') {
      if (!this.idleCh[op.ch]) this.wm[op.ch] = Math.max(this.wm[op.ch]!, op.value);
    } else if (op.kind === 'status') {
      this.idleCh[op.ch] = op.idle;
    } else {
      this.idleCh[op.ch] = false;
      this.wm[op.ch] = MAX_WATERMARK;
    }
    if (this.idleCh.every((x) => x)) {
      this.idle = true;
      this.out = Math.max(this.out, ...this.wm);
    } else {
      this.idle = false;
      const counted = this.wm.filter((w, i) => !this.idleCh[i] && w >= this.out);
      if (counted.length > 0) this.out = Math.max(this.out, Math.min(...counted));
    }
    const result: { watermark?: number; idle?: boolean } = {};
    if (this.out > beforeOut) result.watermark = this.out;
    if (this.idle !== beforeIdle) result.idle = this.idle;
    return result;
  }
}

test('property: the valve agrees with a plain model on every output, with idleness and finishing', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(fc.constant(n), opsArb(n, true))),
      ([n, ops]) => {
        const v = new WatermarkValve(n);
        const m = new ValveModel(n);
        let last = MIN_WATERMARK;
        for (const [i, op] of ops.entries()) {
          const got = apply(v, op);
          assert.deepEqual(got, m.step(op), `step ${i}: ${JSON.stringify(op)}`);
          if (got.watermark !== undefined) {
            assert.ok(got.watermark > last, 'emitted watermarks strictly rise');
            last = got.watermark;
          }
          assert.equal(v.currentWatermark, m.out);
          assert.equal(v.currentWatermark, last, 'currentWatermark is the last emitted');
          assert.equal(v.isIdle, m.idle);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('property: without idleness the output is the minimum over channels of the highest watermark each delivered', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), opsArb(n, false))),
      ([n, ops]) => {
        const v = new WatermarkValve(n);
        const highest = new Array<number>(n).fill(MIN_WATERMARK);
        for (const op of ops) {
          const before = v.currentWatermark;
          const got = apply(v, op);
          if (op.kind === 'wm') highest[op.ch] = Math.max(highest[op.ch]!, op.value);
          else if (op.kind === 'finish') highest[op.ch] = MAX_WATERMARK;
          const expected = Math.min(...highest);
          assert.equal(v.currentWatermark, expected);
          assert.deepEqual(got, expected > before ? { watermark: expected } : {});
          assert.equal(v.isIdle, false);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('property: once every channel finished the output is MAX_WATERMARK, whatever came before', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(fc.constant(n), opsArb(n, true))),
      ([n, ops]) => {
        const v = new WatermarkValve(n);
        for (const op of ops) apply(v, op);
        for (let i = 0; i < n; i++) v.finish(i);
        assert.equal(v.currentWatermark, MAX_WATERMARK);
        assert.equal(v.isIdle, false);
      },
    ),
    { numRuns: 300 },
  );
});
