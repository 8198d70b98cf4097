/**
 * FileSink exactly-once on a cluster: with checkpointing, part files become visible as checkpoints
 * complete, while the job runs, and the visible output never holds a record twice nor skips one —
 * per key the running counts are 1, 2, 3, … — neither while running nor after cancel.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pollUntil, startCluster, type Cluster } from './harness/cluster.js';

const VISIBLE = /^part-(\d+)-(\d+)\.jsonl$/;
const HIDDEN = /^\.part-\d+-\d+\.jsonl\.inprogress$/;

/**
 * Asserts that the committed output in `dir` is a gapless, repeat-free prefix of every key's
 * running count, each key in one subtask only.
 * @returns the number of committed records.
 */
function assertCommittedPrefix(dir: string): number {
  const parts: { subtask: number; counter: number; name: string }[] = [];
  for (const name of readdirSync(dir)) {
    const m = VISIBLE.exec(name);
    if (m) parts.push({ subtask: Number(m[1]), counter: Number(m[2]), name });
    else assert.match(name, HIDDEN, `unexpected file '${name}' in the sink directory`);
  }
  parts.sort((a, b) => a.subtask - b.subtask || a.counter - b.counter);
  const counts = new Map<number, { subtask: number; c: number }>();
  let total = 0;
  for (const p of parts) {
    const text = readFileSync(join(dir, p.name), 'utf8');
    assert.ok(text.endsWith('\n'), `${p.name} ends with a whole line`);
    for (const line of text.slice(0, -1).split('\n')) {
      const r = JSON.parse(line) as { k: number; c: number };
      const prev = counts.get(r.k) ?? { subtask: p.subtask, c: 0 };
      assert.equal(p.subtask, prev.subtask, `key ${r.k} appears in subtasks ${prev.subtask} and ${p.subtask}`);
      assert.equal(r.c, prev.c + 1, `key ${r.k}: count ${r.c} follows ${prev.c} (a gap or a repeat) in ${p.name}`);
      counts.set(r.k, { subtask: p.subtask, c: r.c });
      total++;
    }
  }
  return total;
}

describe('FileSink with checkpointing', () => {
  let cluster: Cluster;
  let checkpointDir: string;
  let out: string;

  before(async () => {
    checkpointDir = mkdtempSync(join(tmpdir(), 'eddy-fs-chk-'));
    out = mkdtempSync(join(tmpdir(), 'eddy-fs-out-'));
    cluster = await startCluster({ workers: 2, slots: 2, env: { EDDY_CHECKPOINT_DIR: checkpointDir } });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(checkpointDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  test('commits part files as checkpoints complete; the visible output is exactly-once', async () => {
    const client = cluster.client;
    const jobId = await client.submitJobFile('test/jobs/paced-count.ts', {
      args: ['--checkpoint', '300', '--rate', '3000', '--keys', '100', '--out', out],
    });
    const firstCommitted = await pollUntil(
      'committed part files while the job runs',
      async () => {
        const status = await client.getJobStatus(jobId);
        assert.equal(status.state, 'RUNNING', status.failure);
        const visible = readdirSync(out).filter((f) => VISIBLE.test(f));
        return Number(status.lastCheckpointId) >= 3 && visible.length > 0 ? assertCommittedPrefix(out) : undefined;
      },
      30_000,
    );
    assert.ok(firstCommitted > 0);
    const later = await pollUntil(
      'more committed records at later checkpoints',
      () => {
        const n = assertCommittedPrefix(out);
        return n > firstCommitted ? n : undefined;
      },
      10_000,
    );

    await client.cancelJob(jobId);
    const final = await client.waitForJobState(jobId, (s) => s.state === 'CANCELED' || s.state === 'FAILED', { timeoutMs: 20_000 });
    assert.equal(final.state, 'CANCELED', final.failure);
    assert.ok(assertCommittedPrefix(out) >= later, 'cancel leaves the committed output as it was, uncommitted parts hidden');
  });
});
