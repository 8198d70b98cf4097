/**
 * The final checkpoint of a bounded job (Flink: the checkpoint triggered once every task reached
 * the end of its data): once every source ended its input, the coordinator triggers it at once
 * rather than at the next interval, so a job with a 10 s interval finishes in far less, with every
 * record committed exactly once — also when the sources end while a checkpoint is in flight. The
 * sources' end-of-input notification is fenced: one with a stale attempt, generation or job id
 * changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHANNEL_OPTIONS, grpc, proto, type EndOfDataNotification, type JobStatus__Output } from '@eddy/common';
import { EtcdMetadataStore } from '@eddy/common/metadata';
import { checkpointedSuite, waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil } from './harness/cluster.js';
import { assertSameRecords, readCommitted } from './support/committed-output.js';

const suite = checkpointedSuite('eddy-final', { workers: 2, slots: 2 });
/** Far longer than the jobs need: a final checkpoint that waited for it would show. */
const INTERVAL_MS = 30_000;
const RECORDS = 1000;
const PARALLELISM = 2;

/**
 * Asserts that the job took exactly two checkpoints — the first, taken before its input ended,
 * and the final one — and finished sooner than the second could have been triggered periodically
 * (one interval after the first trigger, which came after the job started), with every record
 * committed exactly once and nothing left hidden.
 */
function assertFinishedEarlyAndComplete(s: JobStatus__Output, out: string): void {
  assert.equal(Number(s.restarts), 0);
  assert.equal(Number(s.lastCheckpointId), 2, 'the first checkpoint and the final one');
  const tookMs = Number(s.endTime) - Number(s.startTime);
  assert.ok(tookMs < INTERVAL_MS, `the job ran ${tookMs} ms, not less than the ${INTERVAL_MS} ms interval`);
  const { records, hidden } = readCommitted(out);
  assertSameRecords(records, Array.from({ length: RECORDS * PARALLELISM }, (_, i) => i), 'committed records');
  assert.deepEqual(hidden, []);
}

function submit(out: string, extra: string[] = []): Promise<string> {
  return suite().cluster.client.submitJobFile('test/jobs/final-checkpoint.ts', {
    args: ['--records', String(RECORDS), '--parallelism', String(PARALLELISM), '--checkpoint', String(INTERVAL_MS), '--out', out, ...extra],
  });
}

test('a bounded job with a long interval finishes as soon as every source ended, all output committed', async () => {
  const out = join(suite().out, 'prompt');
  // Source 1 ends a second after source 0: the final checkpoint waits for both, no longer.
  const jobId = await submit(out, ['--stagger', '1000']);
  const s = await waitUntilFinished(suite().cluster, jobId, 60_000);
  assertFinishedEarlyAndComplete(s, out);
});

test('sources that end while a checkpoint is in flight get their final checkpoint right after it', async () => {
  const out = join(suite().out, 'in-flight');
  const hold = join(suite().out, 'in-flight-hold');
  mkdirSync(hold);
  // Checkpoint 1 is held in flight until both sources ended; it was taken before their end, so
  // it cannot be their final one: checkpoint 2 must follow it at once.
  const jobId = await submit(out, ['--stagger', '0', '--hold', hold]);
  const s = await waitUntilFinished(suite().cluster, jobId, 60_000);
  assertFinishedEarlyAndComplete(s, out);
});

/** Sends NotifyEndOfData as a worker would, straight to the coordinator. */
function notifyEndOfData(req: EndOfDataNotification): Promise<void> {
  const rm = new proto.ResourceManager(suite().cluster.coordinatorAddress, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  return new Promise<void>((resolve, reject) => {
    rm.notifyEndOfData(req, { deadline: Date.now() + 10_000 }, (err) => (err ? reject(err) : resolve()));
  }).finally(() => rm.close());
}

test('end of input with a stale fence is ignored; with the current one it triggers at once', async () => {
  const { cluster, etcd } = suite();
  const out = join(suite().out, 'fenced');
  // An unbounded source: its subtasks never end by themselves, so only the notifications below
  // can make checkpoint 2 come before the interval.
  const jobId = await cluster.client.submitJobFile('test/jobs/paced-count.ts', {
    args: ['--checkpoint', String(INTERVAL_MS), '--parallelism', String(PARALLELISM), '--out', out],
  });
  const running = await pollUntil(
    'checkpoint 1',
    async () => {
      const s = await cluster.client.getJobStatus(jobId);
      assert.equal(s.state, 'RUNNING', s.failure);
      return Number(s.lastCheckpointId) >= 1 ? s : undefined;
    },
    30_000,
  );
  assert.equal(Number(running.lastCheckpointId), 1);
  // The first deployment of a job that never restarted is attempt 1.
  assert.equal(Number(running.restarts), 0);
  const attempt = 1;
  const store = await EtcdMetadataStore.connect(etcd.endpoint);
  const generation = Number(await store.get('/eddy/coordinator/generation'));
  await store.close();
  assert.ok(generation >= 1);
  const sourceVertex = running.operators.find((o) => o.name === 'Source: paced')?.vertexId;
  const sinkVertex = running.tasks.find((t) => t.vertexId !== sourceVertex)?.vertexId;
  assert.ok(sourceVertex !== undefined && sinkVertex !== undefined, JSON.stringify(running.operators));
  const fence = { jobId, attempt, generation };

  await notifyEndOfData({ fence, vertexId: sourceVertex, subtask: 0, lastCheckpointId: 1 });
  // Each of these would be the last source's end of input, were it not stale or not a source.
  const stale = [
    { ...fence, attempt: attempt + 1 },
    { ...fence, attempt: attempt - 1 },
    { ...fence, generation: generation + 1 },
    { ...fence, generation: generation - 1 },
    { ...fence, jobId: 'f'.repeat(32) },
  ];
  for (const f of stale) await notifyEndOfData({ fence: f, vertexId: sourceVertex, subtask: 1, lastCheckpointId: 1 });
  await notifyEndOfData({ fence, vertexId: sinkVertex, subtask: 1, lastCheckpointId: 1 });
  // A stale notification accepted above would have triggered checkpoint 2 before this instant.
  const currentSentAt = Date.now();
  await notifyEndOfData({ fence, vertexId: sourceVertex, subtask: 1, lastCheckpointId: 1 });

  const checkpoints = await pollUntil(
    'checkpoint 2',
    async () => {
      const list = await cluster.client.listCheckpoints(jobId);
      return list.some((c) => Number(c.id) === 2) ? list : undefined;
    },
    INTERVAL_MS,
  );
  const first = checkpoints.find((c) => Number(c.id) === 1);
  const second = checkpoints.find((c) => Number(c.id) === 2)!;
  assert.ok(first, 'checkpoint 1 is retained');
  assert.ok(
    Number(second.timestamp) >= currentSentAt,
    `checkpoint 2 was triggered at ${second.timestamp}, before the current fence's notification at ${currentSentAt}`,
  );
  assert.ok(Number(second.timestamp) < Number(first.timestamp) + INTERVAL_MS, 'checkpoint 2 came before the interval');

  await cluster.client.cancelJob(jobId);
  const final = await cluster.client.waitForJobState(jobId, (s) => s.state === 'CANCELED' || s.state === 'FAILED', { timeoutMs: 20_000 });
  assert.equal(final.state, 'CANCELED', final.failure);
});
