/**
 * Worker liveness in etcd: every worker of an etcd cluster keeps `/eddy/workers/<workerId>` under
 * a lease. When the lease ends (here revoked with etcdctl, as an expiry would), the coordinator
 * declares the worker lost through its watch — while the worker's connection and heartbeats are
 * fine — and a checkpointed job restarts. A frozen worker (SIGSTOP: its connection stays open) is
 * declared lost and its key disappears.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { checkpointedSuite } from './harness/checkpointed-cluster.js';
import { pollUntil, runEddy } from './harness/cluster.js';

const run = promisify(execFile);

describe('worker liveness leases in etcd', () => {
  const suite = checkpointedSuite('eddy-live', { workers: 3, slots: 2 });

  const etcdctl = async (...args: string[]): Promise<string> => (await run('etcdctl', ['--endpoints', suite().etcd.endpoint, ...args])).stdout;

  /** The lease id (hex, as etcdctl takes it) of a worker's key, undefined when the key is absent. */
  const leaseOf = async (workerId: string): Promise<string | undefined> => {
    const raw = await etcdctl('get', `/eddy/workers/${workerId}`, '-w', 'json');
    // Lease ids are 64-bit: read the digits, never through a JS number.
    const m = /"lease":(\d+)/.exec(raw);
    return m ? BigInt(m[1]!).toString(16) : undefined;
  };

  test('every worker publishes itself under a lease', async () => {
    const { cluster } = suite();
    const workers = await cluster.client.listWorkers();
    assert.equal(workers.length, 3);
    for (const w of workers) {
      const value = await pollUntil(`the key of ${w.workerId}`, async () => (await etcdctl('get', '--print-value-only', `/eddy/workers/${w.workerId}`)).trim() || undefined, 10_000);
      const info = JSON.parse(value) as { workerId: string; address: string; pid: number; slots: number };
      assert.deepEqual(info, { workerId: w.workerId, address: w.address, pid: w.pid, slots: 2 });
      assert.ok((await leaseOf(w.workerId)) !== undefined, `the key of ${w.workerId} has a lease`);
    }
  });

  test('an ended lease makes the coordinator declare the worker lost, and the job restarts', async () => {
    const { cluster, out } = suite();
    const jobId = await cluster.client.submitJobFile('test/jobs/keyed-count.ts', {
      args: ['--to', '99999999', '--keys', '100', '--checkpoint', '300', '--rate', '5000', '--out', out],
    });
    const status = await pollUntil(
      'a completed checkpoint',
      async () => {
        const s = await cluster.client.getJobStatus(jobId);
        return s.state === 'RUNNING' && Number(s.lastCheckpointId) >= 1 ? s : undefined;
      },
      60_000,
    );
    const victim = status.tasks[0]!.workerId;
    const lease = await leaseOf(victim);
    assert.ok(lease, 'the victim has a lease');
    await etcdctl('lease', 'revoke', lease);
    const restarted = await pollUntil(
      'the restart',
      async () => {
        const s = await cluster.client.getJobStatus(jobId);
        return Number(s.restarts) >= 1 ? s : undefined;
      },
      30_000,
    );
    assert.match(restarted.lastFailure, /etcd lease expired or was revoked/, `the restart names the lease: ${restarted.lastFailure}`);
    assert.ok(cluster.workers.every((w) => w.exitCode === null && w.signalCode === null), 'no process died');
    // The worker notices, registers again and publishes a new lease.
    await pollUntil('the worker back with a new lease', async () => {
      const l = await leaseOf(victim);
      return l !== undefined && l !== lease && (await cluster.client.listWorkers()).some((w) => w.workerId === victim);
    }, 30_000);
    await pollUntil('a checkpoint after the restart', async () => {
      const s = await cluster.client.getJobStatus(jobId);
      return s.state === 'RUNNING' && Number(s.lastCheckpointId) > Number(restarted.lastCheckpointId);
    }, 60_000);
    // What a person sees: restarts, the last checkpoint and the last failure.
    const shown = await runEddy(['status', jobId, '--json', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(shown.code, 0, shown.stderr);
    const json = JSON.parse(shown.stdout) as { restarts: number; lastCheckpoint: { id: number } | null; lastFailure: string | null };
    assert.equal(json.restarts, 1);
    assert.ok(json.lastCheckpoint !== null && json.lastCheckpoint.id > Number(restarted.lastCheckpointId));
    assert.match(json.lastFailure ?? '', /etcd lease expired or was revoked/);
    const table = await runEddy(['status', jobId, '--coordinator', cluster.coordinatorAddress]);
    assert.match(table.stdout, /^ {2}restarts: {5}1$/m);
    assert.match(table.stdout, /^ {2}last failure: .*etcd lease expired or was revoked/m);
    await cluster.client.cancelJob(jobId);
  });

  test('a frozen worker is declared lost and its key disappears', async () => {
    const { cluster } = suite();
    const index = 2;
    const pid = cluster.workers[index]!.pid!;
    const workerId = (await cluster.client.listWorkers()).find((w) => w.pid === pid)!.workerId;
    assert.ok(await leaseOf(workerId));
    const frozenAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      await pollUntil('the frozen worker to be dropped', async () => !(await cluster.client.listWorkers()).some((w) => w.workerId === workerId), 20_000);
      await pollUntil('its key to disappear', async () => (await leaseOf(workerId)) === undefined, 20_000);
      console.log(`# frozen worker dropped and its key gone after ${Date.now() - frozenAt} ms`);
    } finally {
      await cluster.killWorker(index, 'SIGKILL');
    }
  });
});
