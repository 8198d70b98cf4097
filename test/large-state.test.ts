/**
 * State larger than the cache: a worker whose state cache is 4 MiB keeps 300,000 keys of
 * 1,000-byte values (about 286 MiB of payload, over 70x the cache). The worker's resident memory
 * must stay bounded: it may grow by less than half the payload (a heap backend needs the payload
 * and more; RocksDB's memtables and block cache, V8's young generation and allocator slack are a
 * fixed cost of some tens of MiB that does not grow with the state). Every value reads back exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { pollUntil, startCluster, type Cluster } from './harness/cluster.js';

const CACHE_BYTES = 4 * 1024 * 1024;
const KEYS = 300_000;
const VALUE_BYTES = 1000;

/** Resident set size of a process in bytes, from /proc. */
function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, `no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

let cluster: Cluster;
before(async () => {
  cluster = await startCluster({ workers: 1, slots: 2, env: { EDDY_STATE_CACHE_BYTES: String(CACHE_BYTES) } });
});
after(async () => {
  await cluster?.stop();
});

test('state of over 70x the cache: bounded RSS, every value reads back', async () => {
  const payload = KEYS * VALUE_BYTES;
  assert.ok(payload >= 10 * CACHE_BYTES, 'the state is at least 10x the cache');
  const pid = cluster.workers[0]!.pid!;
  const jobId = await cluster.client.submitJobFile('test/jobs/large-state.ts', {
    args: ['--keys', String(KEYS), '--value-bytes', String(VALUE_BYTES), '--rate', '100000'],
  });
  // Baseline once the job runs and its first state exists (the binding and the job are loaded).
  await pollUntil(
    'the keyed operator to take records',
    async () => {
      const s = await cluster.client.getJobStatus(jobId);
      assert.notEqual(s.state, 'FAILED', s.failure);
      return (s.operators.find((o) => o.uid === 'store-then-check')?.recordsIn ?? 0) >= 20_000;
    },
    60_000,
  );
  const baseline = rssOf(pid);
  let peak = baseline;
  const final = await pollUntil(
    'the job to finish',
    async () => {
      peak = Math.max(peak, rssOf(pid));
      const s = await cluster.client.getJobStatus(jobId);
      assert.notEqual(s.state, 'FAILED', s.failure);
      return s.state === 'FINISHED' ? s : undefined;
    },
    120_000,
    100,
  );
  assert.equal(final.state, 'FINISHED');
  const growth = peak - baseline;
  assert.ok(
    growth < payload / 2,
    `worker RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB (baseline ${(baseline / 2 ** 20).toFixed(1)} MiB) ` +
      `while the state holds ${(payload / 2 ** 20).toFixed(1)} MiB of payload behind a ${(CACHE_BYTES / 2 ** 20).toFixed(0)} MiB cache`,
  );
  const results = (await cluster.client.fetchCollected(jobId, 'out')).map((l) => JSON.parse(l) as { k: number; ok: boolean });
  assert.equal(results.length, KEYS);
  const seen = new Set<number>();
  for (const r of results) {
    assert.equal(r.ok, true, `key ${r.k} read back a different value`);
    seen.add(r.k);
  }
  assert.equal(seen.size, KEYS, 'every key read back once');
  console.log(`# RSS baseline ${(baseline / 2 ** 20).toFixed(1)} MiB, peak ${(peak / 2 ** 20).toFixed(1)} MiB, payload ${(payload / 2 ** 20).toFixed(1)} MiB`);
});
