import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCheckpointJson, type CheckpointJson } from '../job-client.js';
import { formatBytes, renderCheckpoints, renderStatus } from './format.js';

test('formatBytes: whole bytes below 1 KiB, one decimal and a binary unit above', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1), '1 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(12.34 * 1024 * 1024), '12.3 MiB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB');
  assert.equal(formatBytes(2 * 1024 ** 6), '2048.0 PiB', 'the largest unit grows past 1024');
});

test('formatBytes never prints 1024.0 of a unit: it moves to the next one', () => {
  assert.equal(formatBytes(1024 * 1024 - 1), '1.0 MiB');
  assert.equal(formatBytes(1024 ** 3 - 1), '1.0 GiB');
  assert.equal(formatBytes(1023.9 * 1024), '1023.9 KiB');
});

test('toCheckpointJson: ISO times, the full size as size, numbers kept exact', () => {
  const c = toCheckpointJson({
    id: 7,
    timestamp: Date.UTC(2025, 0, 2, 3, 4, 5, 600),
    completedAt: Date.UTC(2025, 0, 2, 3, 4, 5, 642),
    durationMs: 42,
    size: 100,
    fullSize: 123_456_789,
    savepoint: false,
  });
  assert.deepEqual(c, {
    id: 7,
    time: '2025-01-02T03:04:05.642Z',
    triggerTime: '2025-01-02T03:04:05.600Z',
    durationMs: 42,
    size: 123_456_789,
  });
});

test('renderCheckpoints: a header, then one aligned line per checkpoint in the given order', () => {
  const list: CheckpointJson[] = [
    { id: 9, time: '2025-01-02T03:04:05.642Z', triggerTime: '2025-01-02T03:04:05.600Z', durationMs: 42, size: 1536 },
    { id: 10, time: '2025-01-02T03:04:06.950Z', triggerTime: '2025-01-02T03:04:05.900Z', durationMs: 1050, size: 3 * 1024 * 1024 },
  ];
  assert.equal(
    renderCheckpoints(list),
    [
      'ID  COMPLETED                    SIZE  DURATION',
      ' 9  2025-01-02T03:04:05.642Z  1.5 KiB      42ms',
      '10  2025-01-02T03:04:06.950Z  3.0 MiB      1.1s',
    ].join('\n'),
  );
});

test('renderCheckpoints: an empty list says so, and why it can be empty', () => {
  assert.match(renderCheckpoints([]), /^No retained checkpoints \(checkpointing is off/);
});

test('renderStatus shows restarts, the last completed checkpoint and the last failure of a restarted job', () => {
  const base = {
    id: 'j1',
    name: 'job',
    state: 'RUNNING',
    parallelism: 2,
    maxParallelism: 128,
    failure: null,
    statusMessage: null,
    startTime: Date.UTC(2026, 11, 2, 10, 0, 0),
    endTime: null,
    operators: [],
    tasks: [],
  };
  const restarted = renderStatus(
    { ...base, restarts: 2, lastCheckpoint: { id: 7, time: Date.UTC(2026, 11, 2, 10, 0, 5, 250) }, lastFailure: 'worker w1 lost: connection closed\nmore' },
    Date.UTC(2026, 11, 2, 10, 0, 10),
  ).split('\n');
  assert.ok(restarted.includes('  restarts:     2'), restarted.join('\n'));
  assert.ok(restarted.includes('  checkpoint:   7, completed 2026-12-02 10:00:05 UTC'), restarted.join('\n'));
  assert.ok(restarted.includes('  last failure: worker w1 lost: connection closed'), restarted.join('\n'));
  const fresh = renderStatus({ ...base, restarts: 0, lastCheckpoint: null, lastFailure: null }, Date.UTC(2026, 11, 2, 10, 0, 10)).split('\n');
  assert.ok(fresh.includes('  restarts:     0'));
  assert.ok(fresh.includes('  checkpoint:   none completed'));
  assert.ok(!fresh.some((l) => l.startsWith('  last failure:')));
});
