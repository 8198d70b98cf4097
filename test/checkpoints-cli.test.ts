/**
 * `eddy checkpoints <jobId>` against a real cluster on etcd: the CLI lists exactly the completed
 * checkpoints whose metadata is under `/eddy/jobs/<jobId>/checkpoints/` (read with etcdctl), with
 * the sizes, times and durations of that metadata; the table has a header and one line per
 * checkpoint; an unknown job is NOT_FOUND and exits 1; a canceled job lists none.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { RpcError, type CheckpointJson } from '@eddy/client';
import { grpc, type CompletedCheckpoint } from '@eddy/common';
import { startEtcd, type EtcdServer } from '@eddy/common/testing';
import { pollUntil, runEddy, startCluster, type Cluster, type EddyResult } from './harness/cluster.js';

const run = promisify(execFile);

/** Retained completed checkpoints of a running job (the coordinator's default). */
const RETAINED = 3;

/** `etcdctl get --prefix -w json`: keys and values are base64; `kvs` is absent when nothing matched. */
interface EtcdGetJson {
  readonly kvs?: readonly { readonly key: string; readonly value: string }[];
}

/** The checkpoint metadata under `prefix`, by id, oldest first. */
async function etcdCheckpoints(endpoint: string, prefix: string): Promise<CompletedCheckpoint[]> {
  const { stdout } = await run('etcdctl', ['--endpoints', endpoint, 'get', '--prefix', prefix, '-w', 'json']);
  const kvs = (JSON.parse(stdout) as EtcdGetJson).kvs ?? [];
  return kvs
    .map((kv) => {
      const key = Buffer.from(kv.key, 'base64').toString('utf8');
      const c = JSON.parse(Buffer.from(kv.value, 'base64').toString('utf8')) as CompletedCheckpoint;
      assert.equal(key, `${prefix}${c.checkpointId}`, 'a checkpoint is stored under its own id');
      return c;
    })
    .sort((a, b) => a.checkpointId - b.checkpointId);
}

const ids = (list: readonly CompletedCheckpoint[]): number[] => list.map((c) => c.checkpointId);

/** Bytes of every state file the metadata refers to, summed over subtasks and operators. */
const handleBytes = (c: CompletedCheckpoint): number =>
  c.tasks.reduce((n, t) => n + Object.values(t.operators).reduce((m, op) => m + op.keyed.reduce((k, h) => k + h.size, 0), 0), 0);

describe('eddy checkpoints', () => {
  let etcd: EtcdServer;
  let cluster: Cluster;
  let checkpointDir: string;
  let out: string;
  let jobId: string;
  let prefix: string;

  const cli = (...args: string[]): Promise<EddyResult> =>
    runEddy(['checkpoints', ...args, '--coordinator', cluster.coordinatorAddress], { timeoutMs: 30_000 });

  /**
   * Runs the CLI between two etcd reads and returns its output with the etcd state it lists.
   * Checkpoints keep completing (and subsuming older ones) while the job runs, so the listing is
   * compared with what etcd held just before and just after the run: with at most one completion
   * during the run it equals one of the two. On a loaded machine a run can span two completions and
   * match neither; then it is retried.
   */
  const etcdListing = (args: readonly string[], parse: (r: EddyResult) => number[]): Promise<{ result: EddyResult; metadata: CompletedCheckpoint[] }> =>
    pollUntil(
      'a CLI listing equal to the checkpoints in etcd just before or just after it ran',
      async () => {
        const before = await etcdCheckpoints(etcd.endpoint, prefix);
        const result = await cli(jobId, ...args);
        const after = await etcdCheckpoints(etcd.endpoint, prefix);
        // A failed CLI run fails the test now rather than being retried until the deadline.
        if (result.code !== 0) return { result, metadata: after };
        const listed = parse(result).join();
        const metadata = [before, after].find((m) => ids(m).join() === listed);
        return metadata ? { result, metadata } : undefined;
      },
      60_000,
    );

  const jsonIds = (r: EddyResult): number[] => (JSON.parse(r.stdout) as CheckpointJson[]).map((c) => c.id);
  // The first cell of every line after the header.
  const tableIds = (r: EddyResult): number[] =>
    r.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.trim().split(/\s+/)[0]));

  before(async () => {
    etcd = await startEtcd();
    checkpointDir = mkdtempSync(join(tmpdir(), 'eddy-chk-cli-'));
    out = mkdtempSync(join(tmpdir(), 'eddy-chk-cli-out-'));
    cluster = await startCluster({ workers: 2, slots: 2, etcd: etcd.endpoint, env: { EDDY_CHECKPOINT_DIR: checkpointDir } });
    // 2 s between checkpoints is longer than a CLI run even on a loaded machine, so etcdListing
    // rarely sees two completions during one run; the rate keeps the job running far longer than
    // the test, with non-empty keyed state.
    jobId = await cluster.client.submitJobFile('test/jobs/keyed-count.ts', {
      args: ['--to', '2000000000', '--keys', '1000', '--checkpoint', '2000', '--rate', '20000', '--out', out],
    });
    prefix = `/eddy/jobs/${jobId}/checkpoints/`;
    // More checkpoints completed than are retained, so the oldest have been subsumed and the
    // listing must leave them out.
    await pollUntil(
      `more than ${RETAINED} completed checkpoints, ${RETAINED} of them retained in etcd`,
      async () => {
        const status = await cluster.client.getJobStatus(jobId);
        if (status.state !== 'RUNNING') throw new Error(`job is ${status.state}: ${status.failure}`);
        return Number(status.lastCheckpointId) > RETAINED && (await etcdCheckpoints(etcd.endpoint, prefix)).length === RETAINED;
      },
      60_000,
    );
  });
  after(async () => {
    await cluster?.stop();
    await etcd?.stop();
    rmSync(checkpointDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  test('--json lists exactly the checkpoints in etcd, with their size, times and duration', async () => {
    const { result, metadata } = await etcdListing(['--json'], jsonIds);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const listed = JSON.parse(result.stdout) as CheckpointJson[];
    assert.equal(metadata.length, RETAINED, 'a running job keeps its last checkpoints');
    assert.deepEqual(
      listed.map((c) => c.id),
      ids(metadata),
    );
    assert.ok(metadata[0]!.checkpointId > 1, 'subsumed checkpoints are not listed');
    for (const [i, c] of metadata.entries()) {
      const bytes = handleBytes(c);
      assert.ok(bytes > 0, `checkpoint ${c.checkpointId} holds keyed state`);
      assert.equal(c.fullSize, bytes, 'the metadata full size is the sum of its handles');
      assert.deepEqual(listed[i], {
        id: c.checkpointId,
        time: new Date(c.completedAt).toISOString(),
        triggerTime: new Date(c.timestamp).toISOString(),
        durationMs: c.completedAt - c.timestamp,
        size: bytes,
      });
    }
  });

  test('the table has a header and one line per checkpoint in etcd, oldest first', async () => {
    const { result, metadata } = await etcdListing([], tableIds);
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^ID\s+COMPLETED\s+SIZE\s+DURATION$/);
    assert.equal(rows.length, metadata.length, result.stdout);
    for (const [i, c] of metadata.entries()) {
      const cells = rows[i]!.trim().split(/\s{2,}/);
      assert.equal(cells.length, 4, rows[i]);
      assert.equal(cells[0], String(c.checkpointId));
      assert.equal(cells[1], new Date(c.completedAt).toISOString());
      assert.match(cells[2]!, /^\d+(\.\d)? (B|KiB|MiB)$/, 'human-readable size');
      assert.match(cells[3]!, /^\d+(ms|\.\ds)$/, 'human-readable duration');
    }
  });

  test('an unknown job is NOT_FOUND: the CLI says so on stderr and exits 1', async () => {
    await assert.rejects(cluster.client.listCheckpoints('no-such-job'), (err: unknown) => {
      assert.ok(err instanceof RpcError);
      assert.equal(err.code, grpc.status.NOT_FOUND);
      return true;
    });
    const r = await cli('no-such-job');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "eddy checkpoints: no job with id 'no-such-job' (see 'eddy list')\n");
  });

  test('a missing or extra argument is a usage error (exit 2)', async () => {
    const missing = await runEddy(['checkpoints', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /missing argument <jobId>/);
    const extra = await cli(jobId, 'surplus');
    assert.equal(extra.code, 2, extra.stderr);
    assert.match(extra.stderr, /unexpected argument 'surplus'/);
    assert.equal(extra.stdout, '');
  });

  test('after cancel the job retains no checkpoints and the listing is empty', async () => {
    await cluster.client.cancelJob(jobId);
    const final = await cluster.client.waitForJobState(jobId, (s) => s.state === 'CANCELED' || s.state === 'FAILED', { timeoutMs: 20_000 });
    assert.equal(final.state, 'CANCELED', final.failure);
    // Deleting the metadata of a canceled job may trail its state; poll until etcd is empty.
    await pollUntil('the checkpoint metadata to be deleted', async () => (await etcdCheckpoints(etcd.endpoint, prefix)).length === 0, 10_000);
    const json = await cli(jobId, '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
    const table = await cli(jobId);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^No retained checkpoints/);
  });
});
