/**
 * Tolerable checkpoint failures (Flink's `setTolerableCheckpointFailureNumber`): a job whose
 * source snapshot fails at its first checkpoints fails once the consecutive failures exceed what
 * it tolerates, with a cause that names the threshold and the failed snapshot; within the
 * tolerance it runs on and commits every record exactly once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkpointedSuite, waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil } from './harness/cluster.js';
import { assertSameRecords, readCommitted } from './support/committed-output.js';

const suite = checkpointedSuite('eddy-cpfail', { workers: 1, slots: 2 });
const RECORDS = 3000;

async function submit(name: string, failFirst: number, tolerable?: number): Promise<{ jobId: string; out: string }> {
  const out = join(suite().out, name);
  const args = ['--records', String(RECORDS), '--fail-first', String(failFirst), '--out', out];
  if (tolerable !== undefined) args.push('--tolerable', String(tolerable));
  const jobId = await suite().cluster.client.submitJobFile('test/jobs/failing-snapshots.ts', { args });
  return { jobId, out };
}

async function failure(jobId: string): Promise<string> {
  const s = await pollUntil(
    'the job to fail',
    async () => {
      const st = await suite().cluster.client.getJobStatus(jobId);
      assert.notEqual(st.state, 'FINISHED', 'the job finished although its checkpoints failed');
      return st.state === 'FAILED' ? st : undefined;
    },
    60_000,
  );
  assert.equal(s.restarts, 0);
  return s.failure ?? '';
}

test('by default (0 tolerated) the first failed snapshot fails the job, saying why', async () => {
  const { jobId } = await submit('default', 1);
  const cause = await failure(jobId);
  assert.match(cause, /^exceeded the checkpoint tolerable failure threshold \(0\): 1 consecutive checkpoints failed, the latest, checkpoint \d+, because /);
  assert.match(cause, /declined it: snapshot failed: .*injected snapshot failure 1 of 1/);
});

test('one more consecutive failure than tolerated fails the job', async () => {
  const { jobId } = await submit('over', 2, 1);
  const cause = await failure(jobId);
  assert.match(cause, /^exceeded the checkpoint tolerable failure threshold \(1\): 2 consecutive checkpoints failed/);
  assert.match(cause, /injected snapshot failure 2 of 2/);
});

test('failures within the tolerance: the job runs on, finishes, and commits every record exactly once', async () => {
  const { jobId, out } = await submit('within', 2, 2);
  const s = await waitUntilFinished(suite().cluster, jobId, 60_000);
  assert.equal(s.restarts, 0);
  assert.ok(Number(s.lastCheckpointId) >= 3, `checkpoint ${s.lastCheckpointId} completed last, after the two failed ones`);
  const { records, hidden } = readCommitted(out);
  assertSameRecords(records, Array.from({ length: RECORDS }, (_, i) => i), 'committed records');
  assert.deepEqual(hidden, []);
});
