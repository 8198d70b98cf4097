import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CheckpointFailureManager, countsAsCheckpointFailure, type CheckpointFailureReason } from './checkpoint-failure-manager.js';

const REASONS: CheckpointFailureReason[] = ['snapshot-failed', 'expired', 'finalize-failed', 'subsumed', 'trigger-failed', 'stopped'];

test('only failures of the checkpoint itself count', () => {
  assert.deepEqual(
    REASONS.filter((r) => countsAsCheckpointFailure(r)),
    ['snapshot-failed', 'expired', 'finalize-failed'],
  );
});

test('with the default of 0, the first counted failure fails the job, with a cause a person can act on', () => {
  const m = new CheckpointFailureManager(0);
  assert.equal(m.onFailure(1, 'subsumed', 'barrier 2 overtook 1'), undefined);
  assert.equal(m.onFailure(2, 'stopped', 'job canceled'), undefined);
  assert.equal(m.onFailure(3, 'trigger-failed', 'no task'), undefined);
  assert.equal(m.failures, 0);
  assert.equal(
    m.onFailure(4, 'expired', 'it expired after 60000 ms'),
    'exceeded the checkpoint tolerable failure threshold (0): 1 consecutive checkpoints failed, the latest, checkpoint 4, because it expired after 60000 ms',
  );
});

test('tolerated failures are consecutive: a completed checkpoint resets them; a checkpoint counts once', () => {
  const m = new CheckpointFailureManager(2);
  assert.equal(m.onFailure(1, 'snapshot-failed', 'x'), undefined);
  assert.equal(m.onFailure(1, 'snapshot-failed', 'x again, from another task'), undefined);
  assert.equal(m.failures, 1);
  assert.equal(m.onFailure(2, 'expired', 'y'), undefined);
  m.onSuccess(3);
  assert.equal(m.failures, 0);
  assert.equal(m.onFailure(4, 'finalize-failed', 'a'), undefined);
  assert.equal(m.onFailure(5, 'snapshot-failed', 'b'), undefined);
  assert.match(m.onFailure(6, 'snapshot-failed', 'c') ?? '', /threshold \(2\): 3 consecutive checkpoints failed, the latest, checkpoint 6, because c$/);
});

test('the manager fails the job exactly when a plain count of consecutive counted failures exceeds the tolerance', () => {
  const event = fc.oneof(fc.constant<'ok'>('ok'), fc.constantFrom(...REASONS));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4 }), fc.array(event, { maxLength: 40 }), (tolerable, events) => {
      const m = new CheckpointFailureManager(tolerable);
      let run = 0;
      events.forEach((e, i) => {
        const id = i + 1;
        if (e === 'ok') {
          m.onSuccess(id);
          run = 0;
          return;
        }
        if (countsAsCheckpointFailure(e)) run++;
        const cause = m.onFailure(id, e, 'reason');
        assert.equal(cause !== undefined, countsAsCheckpointFailure(e) && run > tolerable);
        assert.equal(m.failures, run);
      });
    }),
    { seed: 20261204 },
  );
});

test('the tolerance must be a non-negative integer', () => {
  for (const bad of [-1, 1.5, Number.NaN, Infinity]) assert.throws(() => new CheckpointFailureManager(bad), RangeError);
});
