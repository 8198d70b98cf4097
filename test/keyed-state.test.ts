/**
 * Keyed state of every kind (value, list, map, reducing, aggregating) in a KeyedProcessFunction
 * whose processElement is asynchronous, on the RocksDB backend, across real worker processes:
 * - undisturbed, the output equals the plain computation record for record;
 * - under kill -9 of workers with checkpoints every 300 ms and an exactly-once FileSink, the
 *   committed output is still exactly the plain computation: every kind of state was restored.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { subtaskForKey } from '@eddy/common';
import { checkpointedClusters, waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil } from './harness/cluster.js';
import type { StateKindsRecord } from './jobs/state-kinds.js';
import { readPartFiles } from './support/keyed-count-oracle.js';

const PARALLELISM = 4;
const MAX_PARALLELISM = 128;

/** The plain computation of test/jobs/state-kinds.ts for key `k`. */
function expectedFor(k: number, to: number, keys: number): StateKindsRecord[] {
  const out: StateKindsRecord[] = [];
  const last: number[] = [];
  const buckets = new Map<number, number>();
  let s = 0;
  let c = 0;
  for (let n = k; n <= to; n += keys) {
    c++;
    last.push(n);
    if (last.length > 3) last.shift();
    buckets.set(n % 5, (buckets.get(n % 5) ?? 0) + 1);
    s += n;
    out.push({ k, n, c, last: [...last], b: [buckets.get(n % 5)!, buckets.size], s, a: s / c, mx: n });
  }
  return out;
}

function assertExact(dir: string, to: number, keys: number): void {
  const { bySubtask, hidden } = readPartFiles(dir);
  assert.deepEqual(hidden, [], 'no in-progress or uncommitted files are left behind');
  const perKey = new Map<number, StateKindsRecord[]>();
  for (const [subtask, records] of bySubtask) {
    for (const r of records as unknown as StateKindsRecord[]) {
      assert.equal(subtask, subtaskForKey(r.k, MAX_PARALLELISM, PARALLELISM), `key ${r.k} was processed by subtask ${subtask}`);
      let list = perKey.get(r.k);
      if (!list) perKey.set(r.k, (list = []));
      list.push(r);
    }
  }
  assert.equal(perKey.size, keys);
  for (let k = 0; k < keys; k++) assert.deepEqual(perKey.get(k), expectedFor(k, to, keys), `key ${k}`);
}

describe('keyed state of every kind on RocksDB', () => {
  const clusters = checkpointedClusters('eddy-state');

  test('undisturbed: the output equals the plain computation, record for record', async () => {
    const { cluster: c, out } = await clusters.start({ workers: 2, slots: 2 });
    const to = 199_999;
    const keys = 500;
    const jobId = await c.client.submitJobFile('test/jobs/state-kinds.ts', { args: ['--to', String(to), '--keys', String(keys), '--out', out] });
    assert.equal(Number((await waitUntilFinished(c, jobId, 120_000)).restarts), 0);
    assertExact(out, to, keys);
  });

  test('two worker kills with checkpoints every 300 ms: every kind of state is restored exactly', async () => {
    const { cluster: c, out } = await clusters.start({ workers: 3, slots: 2 });
    const to = 299_999;
    const keys = 500;
    const jobId = await c.client.submitJobFile('test/jobs/state-kinds.ts', {
      args: ['--to', String(to), '--keys', String(keys), '--checkpoint', '300', '--rate', '25000', '--out', out],
    });
    let checkpointBefore = 0;
    for (let kill = 1; kill <= 2; kill++) {
      const status = await pollUntil(
        `a checkpoint after restart ${kill - 1}`,
        async () => {
          const s = await c.client.getJobStatus(jobId);
          assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${c.logs()}`);
          assert.notEqual(s.state, 'FINISHED', `the job finished before kill ${kill}`);
          return s.state === 'RUNNING' && Number(s.lastCheckpointId) > checkpointBefore + 1 ? s : undefined;
        },
        60_000,
      );
      checkpointBefore = Number(status.lastCheckpointId);
      // The worker running the keyed subtask 0 (it holds state for sure).
      const keyedVertex = status.operators.find((o) => o.uid === 'all-states')?.vertexId;
      const holder = status.tasks.find((t) => t.subtask === 0 && t.vertexId === keyedVertex)?.workerId;
      const pid = (await c.client.listWorkers()).find((w) => w.workerId === holder)?.pid;
      const victim = c.workers.findIndex((w) => w.pid === pid && w.exitCode === null && w.signalCode === null);
      assert.ok(victim >= 0, 'a live worker runs the keyed subtask 0');
      await c.killWorker(victim, 'SIGKILL');
      await c.addWorker();
      await pollUntil(`restart ${kill}`, async () => Number((await c.client.getJobStatus(jobId)).restarts) >= kill, 30_000);
    }
    assert.equal(Number((await waitUntilFinished(c, jobId, 120_000)).restarts), 2);
    assertExact(out, to, keys);
  });
});
