import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keyGroupRangeForOperator } from '../key-groups.js';
import type { CompletedCheckpoint, OperatorSubtaskState, TaskStateSnapshot } from './checkpoint-metadata.js';
import { assignRestoreState } from './restore-assignment.js';

fc.configureGlobal({ seed: 20261125 });

const MAX_P = 128;

function checkpoint(tasks: TaskStateSnapshot[]): CompletedCheckpoint {
  return {
    jobId: 'j',
    checkpointId: 7,
    timestamp: 1,
    completedAt: 2,
    durationMs: 1,
    maxParallelism: MAX_P,
    incrementalSize: 0,
    fullSize: 0,
    savepoint: false,
    tasks,
  };
}

function task(vertexId: string, subtask: number, operators: Record<string, OperatorSubtaskState>): TaskStateSnapshot {
  return { vertexId, subtask, operators, incrementalSize: 0, fullSize: 0 };
}

/** A keyed vertex of parallelism p: one file per subtask covering its key groups. */
function keyedTasks(p: number): TaskStateSnapshot[] {
  return Array.from({ length: p }, (_v, i) =>
    task('v1', i, {
      'uid:count': {
        keyed: [{ path: `chk-7/v1-${i}/uid_count.keyed`, size: 10, sha256: 'x', keyGroups: keyGroupRangeForOperator(MAX_P, p, i) }],
        committables: [`txn-${i}`],
        operatorState: { owner: i },
      },
    }),
  );
}

test('an unchanged parallelism gives every subtask exactly its own state', () => {
  const c = checkpoint([
    ...[0, 1, 2].map((i) => task('v0', i, { 'node-0': { keyed: [], splits: [{ splitId: String(i), next: i * 10 }] } })),
    ...keyedTasks(3),
  ]);
  for (let i = 0; i < 3; i++) {
    const src = assignRestoreState(c, 'v0', ['node-0', 'node-1'], i, 3);
    assert.equal(src.checkpointId, 7);
    assert.deepEqual(src.operators, { 'node-0': { keyed: [], splits: [{ splitId: String(i), next: i * 10 }] } });
    const keyed = assignRestoreState(c, 'v1', ['uid:count'], i, 3);
    assert.deepEqual(keyed.operators['uid:count'], {
      keyed: [c.tasks[3 + i]!.operators['uid:count']!.keyed[0]],
      committables: [`txn-${i}`],
      operatorState: { owner: i },
    });
  }
});

test('a finished split leaves its subtask with no splits rather than shifting others', () => {
  const c = checkpoint([
    task('v0', 0, { 'node-0': { keyed: [], splits: [] } }),
    task('v0', 1, { 'node-0': { keyed: [], splits: [{ splitId: '1', next: 5 }] } }),
  ]);
  assert.deepEqual(assignRestoreState(c, 'v0', ['node-0'], 0, 2).operators['node-0']?.splits, []);
  assert.deepEqual(assignRestoreState(c, 'v0', ['node-0'], 1, 2).operators['node-0']?.splits, [{ splitId: '1', next: 5 }]);
});

test('an operator without state in the checkpoint is left out (it starts empty)', () => {
  const c = checkpoint(keyedTasks(2));
  assert.deepEqual(assignRestoreState(c, 'v9', ['uid:other'], 0, 2).operators, {});
});

test('rescaling: keyed files by key-group overlap, splits round-robin, committables modulo, every item exactly once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (oldP, newP) => {
      const sources = Array.from({ length: oldP }, (_v, i) =>
        task('v0', i, { 'node-0': { keyed: [], splits: [{ splitId: `a${i}` }, { splitId: `b${i}` }] } }),
      );
      const c = checkpoint([...sources, ...keyedTasks(oldP)]);
      const splits: string[] = [];
      const committables: unknown[] = [];
      for (let i = 0; i < newP; i++) {
        const range = keyGroupRangeForOperator(MAX_P, newP, i);
        const k = assignRestoreState(c, 'v1', ['uid:count'], i, newP).operators['uid:count']!;
        // Exactly the old files whose ranges overlap the new range.
        const expected = keyedTasks(oldP)
          .map((t) => t.operators['uid:count']!.keyed[0]!)
          .filter((h) => h.keyGroups!.start <= range.end && range.start <= h.keyGroups!.end);
        assert.deepEqual(k.keyed, expected);
        committables.push(...(k.committables ?? []));
        const s = assignRestoreState(c, 'v0', ['node-0'], i, newP).operators['node-0']!;
        splits.push(...(s.splits ?? []).map((x) => (x as { splitId: string }).splitId));
      }
      assert.deepEqual(splits.sort(), sources.flatMap((_t, i) => [`a${i}`, `b${i}`]).sort());
      assert.deepEqual(committables.sort(), Array.from({ length: oldP }, (_v, i) => `txn-${i}`).sort());
    }),
  );
});
