/**
 * Job lifecycle on real processes: a task failure fails the job with its root cause and frees the
 * slots; a job that needs more slots than exist waits in SCHEDULED and says so, and runs once a
 * worker joins; cancel stops everything; a vanished worker is detected and fails the job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JobClient } from '@eddy/client';
import { pollUntil, runEddy, startCluster, type Cluster } from './harness/cluster.js';

/** Resolves once every registered worker has all its slots free again. */
async function slotsAllFree(client: JobClient): Promise<void> {
  await pollUntil(
    'every slot to be free',
    async () => (await client.listWorkers()).every((w) => w.freeSlots === w.slots),
    10_000,
  );
}

describe('lifecycle', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({ workers: 2, slots: 2 });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('a task failure FAILS the job with the root cause kept and the slots freed', async () => {
    const jobId = await cluster.client.submitJobFile('test/jobs/failing.ts', { args: ['--after', '5000'] });
    const final = await cluster.client.waitForJobState(jobId, (s) => ['FINISHED', 'FAILED', 'CANCELED'].includes(s.state), {
      timeoutMs: 30_000,
    });
    assert.equal(final.state, 'FAILED');
    assert.match(final.failure, /boom at record 5000/);
    assert.match(final.failure, /exploding-map/, 'the failure names the operator');
    await slotsAllFree(cluster.client);

    const status = await runEddy(['status', jobId, '--json', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(status.code, 0, status.stderr);
    const json = JSON.parse(status.stdout) as { state: string; failure: string };
    assert.equal(json.state, 'FAILED');
    assert.match(json.failure, /boom at record 5000/);
  });

  test('a job needing more slots than exist waits in SCHEDULED, runs when a worker joins, and cancels', async () => {
    const jobId = await cluster.client.submitJobFile('test/jobs/endless.ts', { args: ['--parallelism', '6'] });
    const waiting = await cluster.client.waitForJobState(jobId, (s) => s.statusMessage.startsWith('waiting for'), {
      timeoutMs: 10_000,
    });
    assert.equal(waiting.state, 'SCHEDULED');
    assert.equal(waiting.statusMessage, 'waiting for 6 task slots; 4 free on 2 registered worker(s)');
    const status = await runEddy(['status', jobId, '--coordinator', cluster.coordinatorAddress]);
    assert.match(status.stdout, /waiting for 6 task slots; 4 free on 2 registered worker\(s\)/);

    await cluster.addWorker();
    const running = await cluster.client.waitForJobState(
      jobId,
      (s) => s.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING'),
      { timeoutMs: 20_000 },
    );
    assert.equal(new Set(running.tasks.map((t) => t.workerId)).size, 3, 'subtasks spread over the three workers');

    const canceled = await runEddy(['cancel', jobId, '--coordinator', cluster.coordinatorAddress], { timeoutMs: 20_000 });
    assert.equal(canceled.code, 0, canceled.stderr);
    assert.match(canceled.stdout, new RegExp(`job ${jobId} CANCELED`));
    const final = await cluster.client.getJobStatus(jobId);
    assert.equal(final.state, 'CANCELED');
    assert.ok(final.tasks.every((t) => t.state === 'CANCELED'), JSON.stringify(final.tasks));
    await slotsAllFree(cluster.client);
  });

  test('a worker that vanishes (SIGKILL) is detected and fails a job without checkpointing', async () => {
    const jobId = await cluster.client.submitJobFile('test/jobs/endless.ts', { args: ['--parallelism', '6'] });
    const running = await cluster.client.waitForJobState(
      jobId,
      (s) => s.state === 'RUNNING' && s.tasks.length > 0 && s.tasks.every((t) => t.state === 'RUNNING'),
      { timeoutMs: 20_000 },
    );
    const victim = 1;
    const workers = await cluster.client.listWorkers();
    const victimId = workers.find((w) => w.pid === cluster.workers[victim]!.pid)?.workerId;
    assert.ok(victimId && running.tasks.some((t) => t.workerId === victimId), 'the victim runs subtasks of the job');

    await cluster.killWorker(victim, 'SIGKILL');
    const final = await cluster.client.waitForJobState(jobId, (s) => s.state === 'FAILED', { timeoutMs: 10_000 });
    assert.match(final.failure, new RegExp(`worker ${victimId} .*was lost`));
    const left = await cluster.client.listWorkers();
    assert.deepEqual(left.map((w) => w.workerId).includes(victimId), false, 'the lost worker is deregistered');
    await slotsAllFree(cluster.client);
  });
});
