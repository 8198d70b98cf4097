/**
 * Exactly-once under kill -9: a keyed running count over 2,000,000 numbers, parallelism 4 on 3
 * workers, checkpoints every 500 ms, an exactly-once FileSink. While it runs, a (seeded) random
 * worker that holds tasks of the job is SIGKILLed three times, each time once the job has
 * completed a checkpoint after its previous restore, and a replacement worker is started. The
 * committed part files must hold every expected record exactly once: per key the counts run
 * 1, 2, 3, … without gap or repeat, and the inputs behind the running sums are the key's numbers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkpointedSuite, waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil } from './harness/cluster.js';
import { assertExactKeyedCount, readPartFiles } from './support/keyed-count-oracle.js';
import { seeded } from './support/seeded.js';

const TO = 1_999_999;
const KEYS = 1000;
const KILLS = 3;

describe('exactly-once under kill -9', () => {
  const suite = checkpointedSuite('eddy-eo', { workers: 3, slots: 2 });

  test(`every record is committed exactly once across ${KILLS} worker kills`, async () => {
    const { cluster, out } = suite();
    const client = cluster.client;
    const random = seeded(20261125);
    // 100,000 records/s in total: the run lasts ~20 s, long enough for three failovers.
    const jobId = await client.submitJobFile('test/jobs/keyed-count.ts', {
      args: ['--to', String(TO), '--keys', String(KEYS), '--checkpoint', '500', '--rate', '100000', '--out', out],
    });
    const live = new Set([0, 1, 2]);
    let checkpointBefore = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      // A checkpoint completed by the current execution (after the previous restore).
      const status = await pollUntil(
        `a checkpoint after restart ${kill - 1}`,
        async () => {
          const s = await client.getJobStatus(jobId);
          assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${cluster.logs()}`);
          assert.notEqual(s.state, 'FINISHED', `the job finished before kill ${kill}; slow the source down`);
          return s.state === 'RUNNING' && Number(s.lastCheckpointId) > checkpointBefore ? s : undefined;
        },
        60_000,
      );
      checkpointBefore = Number(status.lastCheckpointId);
      const indexByPid = new Map([...live].map((i) => [cluster.workers[i]!.pid, i]));
      const indexById = new Map((await client.listWorkers()).map((w) => [w.workerId, indexByPid.get(w.pid)]));
      const holders = [...new Set(status.tasks.map((t) => indexById.get(t.workerId)))]
        .filter((i): i is number => i !== undefined)
        .sort((a, b) => a - b);
      assert.ok(holders.length > 0, 'some live worker holds tasks of the job');
      const victim = holders[Math.floor(random() * holders.length)]!;
      await cluster.killWorker(victim, 'SIGKILL');
      live.delete(victim);
      live.add(await cluster.addWorker());
      await pollUntil(
        `restart ${kill} noticed`,
        async () => Number((await client.getJobStatus(jobId)).restarts) >= kill,
        30_000,
      );
    }

    const final = await waitUntilFinished(cluster, jobId, 120_000);
    assert.equal(Number(final.restarts), KILLS);
    const { bySubtask, hidden } = readPartFiles(out);
    assert.deepEqual(hidden, [], 'no in-progress or uncommitted files are left behind');
    assertExactKeyedCount(bySubtask, { to: TO, keys: KEYS, parallelism: 4, maxParallelism: 128 });
  });
});
