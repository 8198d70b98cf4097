/**
 * Suites whose tests each run their own checkpointing cluster on one shared etcd, with a fresh
 * checkpoint directory and a FileSink output directory per test, all removed after it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { startEtcd, type EtcdServer } from '@eddy/common/testing';
import { pollUntil, startCluster, type Cluster, type StartClusterOptions } from './cluster.js';

/** One test's cluster and its directories. */
export interface CheckpointedCluster {
  readonly cluster: Cluster;
  /** The coordinator's `EDDY_CHECKPOINT_DIR`. */
  readonly checkpointDir: string;
  /** An empty directory for the job's FileSink. */
  readonly out: string;
}

/**
 * Registers the suite's hooks (call it inside `describe`): etcd before the suite, and after each
 * test the stop of the cluster `start` made and the removal of its directories.
 * @param prefix names the temporary directories.
 */
export function checkpointedClusters(prefix: string): {
  /** The suite's etcd. */
  etcd(): EtcdServer;
  /** Starts this test's cluster on the suite's etcd, with `EDDY_CHECKPOINT_DIR` set. */
  start(opts: Omit<StartClusterOptions, 'etcd'>): Promise<CheckpointedCluster>;
} {
  let etcd: EtcdServer | undefined;
  let current: CheckpointedCluster | undefined;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });
  afterEach(async () => {
    const c = current;
    current = undefined;
    if (!c) return;
    await c.cluster.stop();
    rmSync(c.checkpointDir, { recursive: true, force: true });
    rmSync(c.out, { recursive: true, force: true });
  });
  const suiteEtcd = (): EtcdServer => {
    assert.ok(etcd, 'etcd runs once the suite started');
    return etcd;
  };
  return {
    etcd: suiteEtcd,
    async start(opts) {
      assert.equal(current, undefined, 'one cluster per test');
      const checkpointDir = mkdtempSync(join(tmpdir(), `${prefix}-chk-`));
      const out = mkdtempSync(join(tmpdir(), `${prefix}-out-`));
      try {
        const cluster = await startCluster({
          ...opts,
          etcd: suiteEtcd().endpoint,
          env: { ...opts.env, EDDY_CHECKPOINT_DIR: checkpointDir },
        });
        current = { cluster, checkpointDir, out };
        return current;
      } catch (err) {
        rmSync(checkpointDir, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
        throw err;
      }
    },
  };
}

/** Polls until the job is FINISHED; fails at once, with the cluster's logs, when it FAILED. */
export function waitUntilFinished(c: Cluster, jobId: string, timeoutMs: number): ReturnType<Cluster['client']['getJobStatus']> {
  return pollUntil(
    'the job to finish',
    async () => {
      const s = await c.client.getJobStatus(jobId);
      assert.notEqual(s.state, 'FAILED', `job failed: ${s.failure}\n${c.logs()}`);
      return s.state === 'FINISHED' ? s : undefined;
    },
    timeoutMs,
  );
}

/** A suite's cluster, its etcd and its directories. */
export interface SuiteCluster extends CheckpointedCluster {
  readonly etcd: EtcdServer;
}

/**
 * Registers the hooks of a suite whose tests share one checkpointing cluster (call it inside
 * `describe`, or at the top of a file): etcd and the cluster start before the first test, and
 * everything is stopped and removed after the last.
 * @returns the running cluster, available from the first test on.
 */
export function checkpointedSuite(prefix: string, opts: Omit<StartClusterOptions, 'etcd'>): () => SuiteCluster {
  let etcd: EtcdServer | undefined;
  let dirs: { checkpointDir: string; out: string } | undefined;
  let current: SuiteCluster | undefined;
  before(async () => {
    etcd = await startEtcd();
    dirs = { checkpointDir: mkdtempSync(join(tmpdir(), `${prefix}-chk-`)), out: mkdtempSync(join(tmpdir(), `${prefix}-out-`)) };
    const cluster = await startCluster({ ...opts, etcd: etcd.endpoint, env: { ...opts.env, EDDY_CHECKPOINT_DIR: dirs.checkpointDir } });
    current = { cluster, etcd, ...dirs };
  });
  after(async () => {
    await current?.cluster.stop();
    await etcd?.stop();
    if (dirs) for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    assert.ok(current, 'the suite cluster runs once the suite started');
    return current;
  };
}
