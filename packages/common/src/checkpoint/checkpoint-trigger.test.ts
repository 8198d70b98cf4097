import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { awaitsFinalCheckpoint, nextTriggerTime, type SourceProgress, type TriggerState } from './checkpoint-trigger.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261125 });

const schedule = (minPauseMs: number) => ({ intervalMs: 1000, minPauseMs, timeoutMs: 10_000 });

test('trigger timing: every combination of last trigger, last end and min pause, periodic and final', () => {
  // [lastTriggerAt, lastEndAt, minPauseMs, periodic (interval applies), final checkpoint awaited]
  const rows: Array<[number | undefined, number | undefined, number, number, number]> = [
    [undefined, undefined, 0, 0, 0],
    [undefined, undefined, 300, 0, 0],
    [1000, undefined, 0, 2000, 0],
    [1000, undefined, 300, 2000, 0],
    [undefined, 1100, 0, 1100, 1100],
    [undefined, 1100, 300, 1400, 1400],
    // Ended early in the interval: periodically the interval decides, finally the end (plus pause).
    [1000, 1100, 0, 2000, 1100],
    [1000, 1100, 300, 2000, 1400],
    // Ended late in the interval: the pause reaches past the interval either way.
    [1000, 1900, 0, 2000, 1900],
    [1000, 1900, 300, 2200, 2200],
    [undefined, 1900, 0, 1900, 1900],
    [undefined, 1900, 300, 2200, 2200],
  ];
  for (const [lastTriggerAt, lastEndAt, minPause, periodic, final] of rows) {
    const s = schedule(minPause);
    const at = (state: Omit<TriggerState, 'lastTriggerAt' | 'lastEndAt'>): number =>
      nextTriggerTime(s, { ...state, lastTriggerAt, lastEndAt });
    const row = JSON.stringify({ lastTriggerAt, lastEndAt, minPause });
    assert.equal(at({ pending: false }), periodic, `${row}: periodic, flag omitted`);
    assert.equal(at({ pending: false, finalCheckpointAwaited: false }), periodic, `${row}: periodic`);
    assert.equal(at({ pending: false, finalCheckpointAwaited: true }), final, `${row}: final checkpoint awaited`);
    // At most one in flight, whatever else holds.
    for (const finalCheckpointAwaited of [undefined, false, true])
      assert.equal(at({ pending: true, finalCheckpointAwaited }), Infinity, `${row}: in flight, final ${finalCheckpointAwaited}`);
  }
});

test('property: the final checkpoint is never later than the periodic one and never breaks the min pause', () => {
  const time = fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined });
  fc.assert(
    fc.property(
      fc.integer({ min: 10, max: 100_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      time,
      time,
      (intervalMs, minPauseMs, lastTriggerAt, lastEndAt) => {
        const s = { intervalMs, minPauseMs, timeoutMs: 60_000 };
        const periodic = nextTriggerTime(s, { pending: false, lastTriggerAt, lastEndAt });
        const final = nextTriggerTime(s, { pending: false, lastTriggerAt, lastEndAt, finalCheckpointAwaited: true });
        assert.ok(final <= periodic);
        if (lastEndAt !== undefined) assert.ok(final >= lastEndAt + minPauseMs && periodic >= lastEndAt + minPauseMs);
        if (lastTriggerAt !== undefined) assert.ok(periodic >= lastTriggerAt + intervalMs);
        // The final checkpoint waits for nothing but the pause.
        assert.equal(final, lastEndAt === undefined ? 0 : lastEndAt + minPauseMs);
      },
    ),
    { numRuns: 500 },
  );
});

const reading: SourceProgress = { finished: false, endedAfterCheckpoint: undefined };
const ended = (afterCheckpoint: number): SourceProgress => ({ finished: false, endedAfterCheckpoint: afterCheckpoint });
const finished: SourceProgress = { finished: true, endedAfterCheckpoint: undefined };
const finishedAfterEnd: SourceProgress = { finished: true, endedAfterCheckpoint: 1 };

test('the final checkpoint is awaited once every source ended and one is not covered yet', () => {
  assert.equal(awaitsFinalCheckpoint([], 0), false, 'no source: nothing to wait for');
  assert.equal(awaitsFinalCheckpoint([reading], 0), false);
  assert.equal(awaitsFinalCheckpoint([ended(0)], 0), true, 'ended before any checkpoint');
  assert.equal(awaitsFinalCheckpoint([ended(0), reading], 0), false, 'one source still reads');
  assert.equal(awaitsFinalCheckpoint([ended(0), ended(0)], 0), true);
  assert.equal(awaitsFinalCheckpoint([ended(1)], 1), true, 'checkpoint 1 completed but was taken before the end');
  assert.equal(awaitsFinalCheckpoint([ended(1)], 2), false, 'checkpoint 2 was taken after the end: the source finishes on it');
  assert.equal(awaitsFinalCheckpoint([ended(3)], 2), true, 'checkpoint 3, taken before the end, is still in flight');
  assert.equal(awaitsFinalCheckpoint([ended(1), ended(2)], 2), true, 'the second source still waits');
  assert.equal(awaitsFinalCheckpoint([ended(1), ended(1)], 2), false, 'both covered');
  assert.equal(awaitsFinalCheckpoint([finished, ended(0)], 0), true, 'a finished source needs nothing');
  assert.equal(awaitsFinalCheckpoint([finished, reading], 0), false);
  assert.equal(awaitsFinalCheckpoint([finished, finishedAfterEnd], 0), false, 'all finished: nothing waits');
});

test('final checkpoint awaited: every combination of up to three sources', () => {
  // Against checkpoint 2 as the newest completed: ended(0) and ended(1) are covered; ended(2) and
  // ended(3) wait (2 completed, but was taken before the end; 3 was taken before and is in flight).
  const kinds: Array<{ name: string; s: SourceProgress; reads: boolean; waits: boolean }> = [
    { name: 'reading', s: reading, reads: true, waits: false },
    { name: 'ended(0)', s: ended(0), reads: false, waits: false },
    { name: 'ended(1)', s: ended(1), reads: false, waits: false },
    { name: 'ended(2)', s: ended(2), reads: false, waits: true },
    { name: 'ended(3)', s: ended(3), reads: false, waits: true },
    { name: 'finished', s: finished, reads: false, waits: false },
    { name: 'finished after end', s: finishedAfterEnd, reads: false, waits: false },
  ];
  let combos: (typeof kinds)[] = [[]];
  let checked = 0;
  for (let n = 0; n <= 3; n++) {
    for (const combo of combos) {
      const expected = !combo.some((k) => k.reads) && combo.some((k) => k.waits);
      const sources = combo.map((k) => k.s);
      assert.equal(awaitsFinalCheckpoint(sources, 2), expected, combo.map((k) => k.name).join(', ') || 'no source');
      checked++;
    }
    combos = combos.flatMap((c) => kinds.map((k) => [...c, k]));
  }
  assert.equal(checked, 1 + 7 + 49 + 343);
});

test('sources end mid-interval: the final checkpoint is due at once, not at the next interval', () => {
  const s = { intervalMs: 10_000, minPauseMs: 0, timeoutMs: 60_000 };
  // Checkpoint 1 was triggered at 0 and completed at 50; both sources ended at 400, after it.
  const lastCompleted = 1;
  const state = { pending: false, lastTriggerAt: 0, lastEndAt: 50 };
  assert.equal(nextTriggerTime(s, state), 10_000, 'while a source reads, the interval applies');
  const awaited = awaitsFinalCheckpoint([ended(1), ended(1)], lastCompleted);
  assert.equal(awaited, true);
  assert.equal(nextTriggerTime(s, { ...state, finalCheckpointAwaited: awaited }), 50, 'due already at 400');
});

test('sources end while a checkpoint is in flight: due when it ends, unless it covers them', () => {
  const s = { intervalMs: 10_000, minPauseMs: 200, timeoutMs: 60_000 };
  // Checkpoint 2 was triggered at 1000; the sources took it before their input ended.
  assert.equal(nextTriggerTime(s, { pending: true, lastTriggerAt: 1000, lastEndAt: 500, finalCheckpointAwaited: true }), Infinity);
  // It completes at 1300: it does not cover them, so checkpoint 3 follows after the pause.
  const awaited = awaitsFinalCheckpoint([ended(2), ended(2)], 2);
  assert.equal(awaited, true);
  assert.equal(nextTriggerTime(s, { pending: false, lastTriggerAt: 1000, lastEndAt: 1300, finalCheckpointAwaited: awaited }), 1500);
  // Had they ended before it was triggered (after checkpoint 1), checkpoint 2 would be their final one.
  assert.equal(awaitsFinalCheckpoint([ended(1), ended(1)], 2), false);
  // Had it been aborted at 1300 instead, they still wait: the next one is due after the pause.
  assert.equal(awaitsFinalCheckpoint([ended(1), ended(1)], 1), true);
});
