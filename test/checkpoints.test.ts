/**
 * Checkpoints of a running job: barriers flow from the sources through aligned keyed tasks,
 * every task acknowledges, and the completed checkpoint's metadata is JSON in etcd under
 * `/eddy/jobs/<jobId>/checkpoints/<checkpointId>`, readable with etcdctl. After cancel, nothing of
 * the job's checkpoints remains (retention policy for CANCELED jobs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { CompletedCheckpoint } from '@eddy/common';
import { checkpointedSuite } from './harness/checkpointed-cluster.js';
import { pollUntil } from './harness/cluster.js';

const run = promisify(execFile);

async function etcdctl(endpoint: string, ...args: string[]): Promise<string> {
  return (await run('etcdctl', ['--endpoints', endpoint, ...args])).stdout;
}

describe('checkpoints in etcd', () => {
  const suite = checkpointedSuite('eddy-chk', { workers: 2, slots: 2 });

  test('completed checkpoints are JSON in etcd while the job runs; cancel leaves nothing behind', async () => {
    const { cluster, etcd, checkpointDir, out } = suite();
    const client = cluster.client;
    // 1 s apart, three newer checkpoints (which would subsume the one inspected) take 3 s: far
    // longer than reading it takes.
    const jobId = await client.submitJobFile('test/jobs/keyed-count.ts', {
      args: ['--to', '2000000000', '--keys', '1000', '--checkpoint', '1000', '--out', out],
    });
    const prefix = `/eddy/jobs/${jobId}/checkpoints/`;
    const keys = await pollUntil(
      'two completed checkpoints in etcd',
      async () => {
        const k = (await etcdctl(etcd.endpoint, 'get', '--keys-only', '--prefix', prefix)).split('\n').filter((l) => l !== '');
        return k.length >= 2 ? k : undefined;
      },
      30_000,
    );
    const latestKey = keys.sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length))).at(-1)!;
    const json = (await etcdctl(etcd.endpoint, 'get', '--print-value-only', latestKey)).trim();
    const c = JSON.parse(json) as CompletedCheckpoint;
    assert.equal(c.jobId, jobId);
    assert.equal(`${prefix}${c.checkpointId}`, latestKey);
    assert.equal(c.maxParallelism, 128);
    // Every subtask of both vertices acknowledged: 4 sources + 4 keyed reducers.
    assert.equal(c.tasks.length, 8);
    const sourceSplits = c.tasks.flatMap((t) => Object.values(t.operators).flatMap((o) => o.splits ?? []));
    assert.equal(sourceSplits.length, 4, 'one split position per source subtask');
    // Per reducer subtask a chain: a full snapshot, then the deltas up to this checkpoint, whose
    // own file comes last; every file covers the subtask's key groups.
    const chains = c.tasks.flatMap((t) => Object.values(t.operators).map((o) => o.keyed)).filter((k) => k.length > 0);
    assert.equal(chains.length, 4, 'one keyed state chain per reducer subtask');
    for (const chain of chains) {
      assert.ok(chain.at(-1)!.path.startsWith(`chk-${c.checkpointId}/`), `the chain ends with this checkpoint's file: ${chain.map((h) => h.path).join(', ')}`);
      assert.equal(new Set(chain.map((h) => JSON.stringify(h.keyGroups))).size, 1, 'one key-group range per chain');
      const fullSize = chain.reduce((n, h) => n + h.size, 0);
      const task = c.tasks.find((t) => Object.values(t.operators).some((o) => o.keyed === chain))!;
      assert.equal(task.fullSize, fullSize, 'the full size counts the whole chain');
      assert.equal(task.incrementalSize, chain.at(-1)!.size, 'the incremental size counts the new file');
    }
    const keyed = chains.flat();
    for (const h of keyed) {
      assert.match(h.sha256, /^[0-9a-f]{64}$/);
      assert.ok(existsSync(join(checkpointDir, jobId, h.path)), `${h.path} exists`);
    }

    const status = await client.getJobStatus(jobId);
    assert.equal(status.state, 'RUNNING');
    assert.ok(Number(status.lastCheckpointId) >= c.checkpointId, 'status shows the last checkpoint');

    await client.cancelJob(jobId);
    const final = await client.waitForJobState(jobId, (s) => s.state === 'CANCELED' || s.state === 'FAILED', { timeoutMs: 20_000 });
    assert.equal(final.state, 'CANCELED', final.failure);
    await pollUntil(
      'the checkpoints to be deleted',
      async () => (await etcdctl(etcd.endpoint, 'get', '--keys-only', '--prefix', prefix)).trim() === '' && !existsSync(join(checkpointDir, jobId)),
      10_000,
    );
    assert.deepEqual(readdirSync(checkpointDir), []);
  });
});
