/**
 * Checkpoint pacing and retention as configured: the coordinator keeps exactly
 * `EDDY_CHECKPOINTS_RETAINED` completed checkpoints, and a job's minimum pause holds between the
 * completion of one checkpoint and the trigger of the next, as the metadata in etcd records them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { CompletedCheckpoint } from '@eddy/common';
import { checkpointedSuite } from './harness/checkpointed-cluster.js';
import { pollUntil } from './harness/cluster.js';

const run = promisify(execFile);
const MIN_PAUSE_MS = 600;

const suite = checkpointedSuite('eddy-cfg', { workers: 2, slots: 2, env: { EDDY_CHECKPOINTS_RETAINED: '2' } });

test('two retained checkpoints, and the minimum pause between them', async () => {
  const { cluster, etcd, out } = suite();
  // A 100 ms interval: without the pause, checkpoints would follow each other far more closely.
  const jobId = await cluster.client.submitJobFile('test/jobs/keyed-count.ts', {
    args: ['--to', '2000000000', '--keys', '100', '--checkpoint', '100', '--min-pause', String(MIN_PAUSE_MS), '--rate', '20000', '--out', out],
  });
  const prefix = `/eddy/jobs/${jobId}/checkpoints/`;
  const read = async (): Promise<CompletedCheckpoint[]> => {
    const { stdout } = await run('etcdctl', ['--endpoints', etcd.endpoint, 'get', '--prefix', prefix, '--print-value-only']);
    return stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as CompletedCheckpoint)
      .sort((a, b) => a.checkpointId - b.checkpointId);
  };
  const retained = await pollUntil(
    'two retained checkpoints after the fourth',
    async () => {
      const s = await cluster.client.getJobStatus(jobId);
      assert.notEqual(s.state, 'FAILED', s.failure);
      const c = await read();
      return Number(s.lastCheckpointId) >= 4 && c.length === 2 && c[1]!.checkpointId >= 4 ? c : undefined;
    },
    60_000,
  );
  const [older, newer] = retained as [CompletedCheckpoint, CompletedCheckpoint];
  assert.ok(
    newer.timestamp - older.completedAt >= MIN_PAUSE_MS,
    `checkpoint ${newer.checkpointId} was triggered ${newer.timestamp - older.completedAt} ms after ${older.checkpointId} completed`,
  );
  await cluster.client.cancelJob(jobId);
});
