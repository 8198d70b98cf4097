/**
 * The runtime core end to end: a keyed running reduce over fromSequence(0, 999999) at parallelism
 * 4 on 2 worker processes equals the plain computation exactly — once through `eddy local`, once
 * through `eddy submit` against `eddy coordinator --etcd` and two `eddy worker` processes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startEtcd, type EtcdServer } from '@eddy/common/testing';
import { runEddy, startCluster, type Cluster } from './harness/cluster.js';
import { assertExactKeyedCount, readPartFiles, type KeyedCountRun } from './support/keyed-count-oracle.js';

const RUN: KeyedCountRun = { to: 999_999, keys: 1000, parallelism: 4, maxParallelism: 128 };
const JOB = 'test/jobs/keyed-count.ts';
const jobArgs = (out: string): string[] => ['--', '--to', String(RUN.to), '--keys', String(RUN.keys), '--out', out];

test('eddy local: keyed reduce at parallelism 4 on 2 workers equals the plain computation', async () => {
  const out = await mkdtemp(join(tmpdir(), 'eddy-keyed-local-'));
  try {
    const r = await runEddy(['local', JOB, '--workers', '2', '--parallelism', '4', ...jobArgs(out)], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, `eddy local failed\n${r.stderr}`);
    const { bySubtask, hidden } = readPartFiles(out);
    assert.deepEqual(hidden, [], 'no in-progress file may remain after the job FINISHED');
    assert.deepEqual([...bySubtask.keys()].sort(), [0, 1, 2, 3], 'every sink subtask wrote');
    assertExactKeyedCount(bySubtask, RUN);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

describe('eddy submit against eddy coordinator --etcd and two eddy worker processes', () => {
  let etcd: EtcdServer;
  let cluster: Cluster;
  let out: string;

  before(async () => {
    etcd = await startEtcd();
    cluster = await startCluster({ workers: 2, slots: 2, etcd: etcd.endpoint });
    out = await mkdtemp(join(tmpdir(), 'eddy-keyed-submit-'));
  });
  after(async () => {
    await cluster?.stop();
    await etcd?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  test('the job runs spread over both workers, finishes, and its output is exact', async () => {
    const submitted = await runEddy(['submit', JOB, '--coordinator', cluster.coordinatorAddress, ...jobArgs(out)]);
    assert.equal(submitted.code, 0, submitted.stderr);
    const jobId = submitted.stdout.trim().split('\n').at(-1)!;
    assert.match(jobId, /^[\w-]+$/, `the last line of 'eddy submit' is the job id, got '${jobId}'`);

    const final = await cluster.client.waitForJobState(jobId, (s) => s.state === 'FINISHED' || s.state === 'FAILED', {
      timeoutMs: 180_000,
    });
    assert.equal(final.state, 'FINISHED', `${final.failure}\n${cluster.logs()}`);

    const { bySubtask, hidden } = readPartFiles(out);
    assert.deepEqual(hidden, []);
    assertExactKeyedCount(bySubtask, RUN);

    // Status as a person or a script sees it.
    const status = await runEddy(['status', jobId, '--json', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(status.code, 0, status.stderr);
    const json = JSON.parse(status.stdout) as {
      id: string;
      state: string;
      parallelism: number;
      failure: string | null;
      operators: { name: string; uid: string | null; recordsIn: number; recordsOut: number }[];
      tasks: { workerId: string | null }[];
    };
    assert.equal(json.id, jobId);
    assert.equal(json.state, 'FINISHED');
    assert.equal(json.parallelism, 4);
    assert.equal(json.failure, null);
    const count = json.operators.find((o) => o.uid === 'running-count');
    assert.ok(count, 'the reduce operator is listed with its uid');
    assert.equal(count.recordsIn, RUN.to + 1);
    assert.equal(count.recordsOut, RUN.to + 1);
    const workersUsed = new Set(json.tasks.map((t) => t.workerId));
    assert.equal(workersUsed.size, 2, 'subtasks are spread over both workers');

    const list = await runEddy(['list', '--json', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(list.code, 0, list.stderr);
    const jobs = JSON.parse(list.stdout) as { id: string; state: string }[];
    assert.deepEqual(
      jobs.map((j) => [j.id, j.state]),
      [[jobId, 'FINISHED']],
    );

    // The job's record lives in etcd under the documented prefix.
    const { stdout } = await promisify(execFile)('etcdctl', ['--endpoints', etcd.endpoint, 'get', '--keys-only', '--prefix', '/eddy/jobs/']);
    const keys = stdout.split('\n').filter((l) => l !== '');
    assert.ok(keys.includes(`/eddy/jobs/${jobId}`), `etcd keys: ${keys.join(', ')}`);
  });
});
