import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BarrierAligner } from './barrier-aligner.js';
import { PendingCheckpoint, subsumedCheckpoints, unreferencedFiles } from './pending-checkpoint.js';
import type { TaskStateSnapshot } from './checkpoint-metadata.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261125 });

const snap = (vertexId: string, subtask: number): TaskStateSnapshot => ({
  vertexId,
  subtask,
  operators: {},
  incrementalSize: 0,
  fullSize: 0,
});

test('a pending checkpoint completes with the last acknowledgement', () => {
  const p = new PendingCheckpoint(1, 100, ['v0#0', 'v0#1', 'v1#0']);
  assert.equal(p.acknowledge('v0#0', snap('v0', 0)), 'pending');
  assert.equal(p.acknowledge('v0#0', snap('v0', 0)), 'duplicate');
  assert.equal(p.acknowledge('v9#0', snap('v9', 0)), 'unknown-task');
  assert.equal(p.acknowledge('v1#0', snap('v1', 0)), 'pending');
  assert.deepEqual(p.notYetAcknowledged, ['v0#1']);
  assert.equal(p.acknowledge('v0#1', snap('v0', 1)), 'completed');
  assert.equal(p.acknowledged.length, 3);
  p.dispose();
  assert.equal(p.acknowledge('v0#1', snap('v0', 1)), 'not-pending');
});

test('retention keeps the newest and frees only unshared files', () => {
  assert.deepEqual(subsumedCheckpoints([1, 2, 3, 4, 5], 3), [1, 2]);
  assert.deepEqual(subsumedCheckpoints([5, 3, 4], 3), []);
  assert.deepEqual(subsumedCheckpoints([7, 8], 0), [7], 'at least the latest is always kept');
  assert.deepEqual(
    unreferencedFiles(
      [
        ['base-1', 'delta-2'],
        ['base-1', 'delta-2', 'delta-3'],
      ],
      [['base-1', 'delta-3', 'delta-4']],
    ),
    ['delta-2'],
  );
});

test('a single channel triggers at once', () => {
  const a = new BarrierAligner(1);
  assert.deepEqual(a.onBarrier(0, 1, 10, false), [{ kind: 'trigger', checkpointId: 1, timestamp: 10, savepoint: false }]);
  assert.equal(a.isBlocked(0), false);
});

test('alignment blocks channels until every open channel delivered the barrier', () => {
  const a = new BarrierAligner(3);
  assert.deepEqual(a.onBarrier(1, 5, 0, false), []);
  assert.ok(a.isBlocked(1));
  assert.ok(!a.isBlocked(0));
  assert.deepEqual(a.onBarrier(1, 5, 0, false), [], 'duplicate barrier on a blocked channel is ignored');
  assert.deepEqual(a.onEndOfPartition(2), []);
  assert.deepEqual(a.onBarrier(0, 5, 0, false), [{ kind: 'trigger', checkpointId: 5, timestamp: 0, savepoint: false }]);
  assert.ok(!a.isBlocked(0) && !a.isBlocked(1));
  assert.deepEqual(a.onBarrier(0, 4, 0, false), [], 'older barriers are ignored');
  assert.deepEqual(a.onBarrier(0, 5, 0, false), [], 'a completed checkpoint is not aligned again');
});

test('end of partition completes a pending alignment', () => {
  const a = new BarrierAligner(2);
  a.onBarrier(0, 1, 0, false);
  assert.deepEqual(a.onEndOfPartition(1), [{ kind: 'trigger', checkpointId: 1, timestamp: 0, savepoint: false }]);
});

test('a newer barrier aborts the unfinished alignment', () => {
  const a = new BarrierAligner(2);
  a.onBarrier(0, 1, 0, false);
  assert.deepEqual(a.onBarrier(1, 2, 0, false), [{ kind: 'abort', checkpointId: 1, reason: 'barrier 2 overtook 1' }]);
  assert.equal(a.aligning, 2);
  assert.ok(a.isBlocked(1) && !a.isBlocked(0));
  assert.deepEqual(a.onBarrier(0, 2, 0, false), [{ kind: 'trigger', checkpointId: 2, timestamp: 0, savepoint: false }]);
});

test('cancellation markers abort alignment and late barriers of it are ignored', () => {
  const a = new BarrierAligner(2);
  a.onBarrier(0, 3, 0, false);
  assert.deepEqual(a.onCancel(3), [{ kind: 'abort', checkpointId: 3, reason: 'canceled upstream' }]);
  assert.ok(!a.isBlocked(0));
  assert.deepEqual(a.onBarrier(1, 3, 0, false), []);
  assert.deepEqual(a.onCancel(2), []);
});

test('property: with barriers in channel order, every checkpoint triggers exactly once, in order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1_000_000 }), (channels, checkpoints, seed) => {
      const a = new BarrierAligner(channels);
      // Each channel delivers barriers 1..checkpoints in order; interleave channels pseudo-randomly,
      // never letting a channel run past a barrier while it is blocked (as the task does).
      const next = new Array<number>(channels).fill(1);
      const triggered: number[] = [];
      let rnd = seed;
      for (let guard = 0; guard < 10_000 && next.some((n) => n <= checkpoints); guard++) {
        rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
        const ch = (rnd >>> 16) % channels;
        if (next[ch]! > checkpoints || a.isBlocked(ch)) continue;
        for (const act of a.onBarrier(ch, next[ch]!, 0, false)) {
          assert.equal(act.kind, 'trigger');
          triggered.push(act.checkpointId);
        }
        next[ch]!++;
      }
      assert.deepEqual(triggered, Array.from({ length: checkpoints }, (_v, i) => i + 1));
    }),
    { numRuns: 300 },
  );
});
