/**
 * Recovery from damaged and unfinished checkpoints, with real workers, etcd and checkpoint files:
 * - a corrupted file in the latest checkpoint makes the restore fall back to the previous one,
 *   loudly, and the damaged checkpoint's metadata is removed;
 * - workers killed after writing their snapshot and before acknowledging it: the restore uses the
 *   last completed checkpoint, the unfinished checkpoint's files are removed, and the output is
 *   still exactly once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { CompletedCheckpoint } from '@eddy/common';
import { checkpointedClusters, waitUntilFinished } from './harness/checkpointed-cluster.js';
import { pollUntil, type Cluster } from './harness/cluster.js';
import { assertExactKeyedCount, readPartFiles, type CountRecord } from './support/keyed-count-oracle.js';

const run = promisify(execFile);
const TO = 1_999_999;
const KEYS = 1000;

async function checkpointIds(endpoint: string, jobId: string): Promise<number[]> {
  const prefix = `/eddy/jobs/${jobId}/checkpoints/`;
  const { stdout } = await run('etcdctl', ['--endpoints', endpoint, 'get', '--keys-only', '--prefix', prefix]);
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((k) => Number(k.slice(prefix.length)))
    .sort((a, b) => a - b);
}

async function checkpointMetadata(endpoint: string, jobId: string, id: number): Promise<CompletedCheckpoint> {
  const key = `/eddy/jobs/${jobId}/checkpoints/${id}`;
  const { stdout } = await run('etcdctl', ['--endpoints', endpoint, 'get', '--print-value-only', key]);
  return JSON.parse(stdout) as CompletedCheckpoint;
}

/** Index of a live worker that runs tasks of the job. */
async function workerWithTasks(cluster: Cluster, jobId: string): Promise<number> {
  const status = await cluster.client.getJobStatus(jobId);
  const pidOf = new Map((await cluster.client.listWorkers()).map((w) => [w.workerId, w.pid]));
  const pids = new Set(status.tasks.map((t) => pidOf.get(t.workerId)));
  const index = cluster.workers.findIndex((w) => w.exitCode === null && w.signalCode === null && pids.has(w.pid));
  assert.ok(index >= 0, 'a live worker runs tasks of the job');
  return index;
}

function deadWorkers(cluster: Cluster): number {
  return cluster.workers.filter((w) => w.exitCode !== null || w.signalCode !== null).length;
}

/** Counts restored from an older checkpoint may repeat output; the state must still be exact. */
function assertFinalCountsExact(bySubtask: ReadonlyMap<number, readonly CountRecord[]>): void {
  const last = new Map<number, CountRecord>();
  const seen = new Map<number, Set<number>>();
  for (const records of bySubtask.values()) {
    for (const r of records) {
      const prev = last.get(r.k);
      if (!prev || r.c > prev.c) last.set(r.k, r);
      let counts = seen.get(r.k);
      if (!counts) seen.set(r.k, (counts = new Set()));
      counts.add(r.c);
    }
  }
  assert.equal(last.size, KEYS);
  for (let k = 0; k < KEYS; k++) {
    let n = 0;
    let sum = 0;
    for (let x = k; x <= TO; x += KEYS) {
      n++;
      sum += x;
    }
    assert.deepEqual(last.get(k), { k, c: n, s: sum }, `key ${k}: final count and sum`);
    assert.equal(seen.get(k)!.size, n, `key ${k}: every running count from 1 to ${n} was emitted`);
  }
}

describe('recovery from damaged and unfinished checkpoints', () => {
  const clusters = checkpointedClusters('eddy-rec');

  test('a corrupt file in the latest checkpoint makes recovery fall back to the previous one', async () => {
    const { cluster: c, checkpointDir, out } = await clusters.start({ workers: 3, slots: 2 });
    const etcd = clusters.etcd();
    // The 3 s restart delay leaves time to damage the latest checkpoint while the restart is under
    // way. The byte flip keeps the file's size, so the coordinator's stat passes and a worker's
    // restore finds the checksum mismatch; that fails the attempt, the next restart reads the
    // checkpoint it restored in full, and recovery falls back.
    const jobId = await c.client.submitJobFile('test/jobs/keyed-count.ts', {
      args: ['--to', String(TO), '--keys', String(KEYS), '--checkpoint', '300', '--rate', '100000', '--restart-delay', '3000', '--out', out],
    });
    await pollUntil('three completed checkpoints', async () => Number((await c.client.getJobStatus(jobId)).lastCheckpointId) >= 3, 60_000);
    await c.killWorker(await workerWithTasks(c, jobId), 'SIGKILL');
    await c.addWorker();
    // Once the restart delay runs, the failed execution's checkpointing has stopped: the set is final.
    await pollUntil(
      'the restart delay',
      async () => {
        const s = await c.client.getJobStatus(jobId);
        return s.state === 'RESTARTING' && s.statusMessage.startsWith('restarting in');
      },
      30_000,
    );
    const ids = await checkpointIds(etcd.endpoint, jobId);
    assert.ok(ids.length >= 2, `at least two retained checkpoints, got ${ids.join(', ')}`);
    const latest = ids.at(-1)!;
    const previous = ids.at(-2)!;
    const meta = await checkpointMetadata(etcd.endpoint, jobId, latest);
    // A file written for the latest checkpoint itself: files it shares with earlier checkpoints
    // (the base of an incremental chain) would damage those too.
    const handle = meta.tasks
      .flatMap((t) => Object.values(t.operators).flatMap((o) => o.keyed))
      .find((h) => h.size > 0 && h.path.startsWith(`chk-${latest}/`));
    assert.ok(handle, 'the latest checkpoint has a keyed state file of its own');
    const file = join(checkpointDir, jobId, handle.path);
    const bytes = readFileSync(file);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(file, bytes);

    await pollUntil(
      'a checkpoint after the restore',
      async () => {
        const s = await c.client.getJobStatus(jobId);
        assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${c.logs()}`);
        return s.state === 'RUNNING' && Number(s.lastCheckpointId) > latest;
      },
      60_000,
    );
    const log = c.coordinatorStderr();
    assert.ok(log.includes(`checkpoint ${latest} is damaged; falling back to the previous checkpoint`), `fallback is logged\n${log}`);
    assert.ok(log.includes(`restoring from checkpoint ${previous}`), `restored from ${previous}\n${log}`);
    assert.ok(!(await checkpointIds(etcd.endpoint, jobId)).includes(latest), 'the damaged checkpoint is gone from etcd');

    await waitUntilFinished(c, jobId, 120_000);
    // Output committed by the damaged checkpoint is replayed from the previous one, so counts may
    // repeat; the restored state must still be exact.
    assertFinalCountsExact(readPartFiles(out).bySubtask);
  });

  test('workers killed between snapshot and acknowledgement: restore uses completed checkpoints only, orphans are removed', async () => {
    const crashAt = 4;
    // Only worker 0 crashes (it holds keyed subtasks: four slots spread over three workers give it
    // two), so exactly one replacement restores the slots the job needs.
    const { cluster: c, checkpointDir, out } = await clusters.start({
      workers: 3,
      slots: 2,
      workerEnv: (index) => (index === 0 ? { EDDY_TEST_CRASH_BEFORE_ACK: String(crashAt) } : undefined),
    });
    const etcd = clusters.etcd();
    const jobId = await c.client.submitJobFile('test/jobs/keyed-count.ts', {
      args: ['--to', String(TO), '--keys', String(KEYS), '--checkpoint', '300', '--rate', '100000', '--out', out],
    });
    await pollUntil('a restart', async () => Number((await c.client.getJobStatus(jobId)).restarts) >= 1, 60_000);
    assert.equal(deadWorkers(c), 1, 'worker 0 died before acknowledging');
    assert.notEqual(c.workers[0]!.signalCode, null, 'worker 0 was the one that died');
    await c.addWorker();
    await pollUntil(
      'a checkpoint after the restore',
      async () => {
        const s = await c.client.getJobStatus(jobId);
        assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${c.logs()}`);
        return s.state === 'RUNNING' && Number(s.lastCheckpointId) > crashAt;
      },
      60_000,
    );
    const log = c.coordinatorStderr();
    assert.ok(log.includes(`restoring from checkpoint ${crashAt - 1}`), `restored from ${crashAt - 1}\n${log}`);
    assert.ok(!(await checkpointIds(etcd.endpoint, jobId)).includes(crashAt), `checkpoint ${crashAt} never completed`);
    assert.ok(!existsSync(join(checkpointDir, jobId, `chk-${crashAt}`)), `files of checkpoint ${crashAt} were removed`);

    await waitUntilFinished(c, jobId, 120_000);
    const { bySubtask, hidden } = readPartFiles(out);
    assert.deepEqual(hidden, []);
    assertExactKeyedCount(bySubtask, { to: TO, keys: KEYS, parallelism: 4, maxParallelism: 128 });
  });
});
