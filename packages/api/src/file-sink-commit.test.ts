/**
 * FileSink's two phases on real files: nothing is visible before a commit, commits are atomic and
 * idempotent, a restore's clean-up removes only uncommitted leftovers, and part names are never
 * reused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { FileSink } from './file-sink.js';
import { parseJobParameters } from './internal/job-parameters.js';
import { nonKeyedStateStore } from './internal/non-keyed-state.js';
import type { SinkContext } from './sink.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-file-sink-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const freshDir = (): string => path.join(root, `out-${seq++}`);

function context(subtaskIndex: number, parallelism: number, checkpointingEnabled: boolean): SinkContext {
  return {
    jobId: 'job',
    jobName: 'test',
    operatorName: 'files',
    subtaskIndex,
    parallelism,
    maxParallelism: 128,
    attemptNumber: 0,
    jobParameters: parseJobParameters([]),
    ...nonKeyedStateStore('files'),
    pushCollected: () => Promise.resolve(),
    writeStdout: () => undefined,
    checkpointingEnabled,
  };
}

const visible = (dir: string): string[] => readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
const hidden = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.')).sort();
const lines = (dir: string, file: string): unknown[] =>
  readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

test('under checkpointing nothing is visible before the commit; the commit makes exactly the pre-committed records visible', async () => {
  const dir = freshDir();
  const sink = new FileSink<unknown>({ path: dir });
  const ctx = context(0, 1, true);
  const writer = sink.createWriter(ctx);
  const committer = sink.createCommitter(ctx);
  writer.write({ n: 1 }, undefined);
  writer.write('two\nlines', undefined);
  await writer.flush(false);
  assert.deepEqual(visible(dir), [], 'a periodic flush makes nothing visible');
  const c1 = writer.prepareCommit(1);
  assert.deepEqual(c1, [{ part: 'part-0-0.jsonl', bytes: Buffer.byteLength('{"n":1}\n"two\\nlines"\n') }]);
  writer.write({ n: 3 }, undefined);
  await writer.flush(false);
  assert.deepEqual(visible(dir), [], 'pre-committed but not committed');
  assert.deepEqual(hidden(dir), ['.part-0-0.jsonl.inprogress', '.part-0-1.jsonl.inprogress']);

  await committer.commit(c1);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl']);
  assert.deepEqual(lines(dir, 'part-0-0.jsonl'), [{ n: 1 }, 'two\nlines']);
  assert.deepEqual(hidden(dir), ['.part-0-1.jsonl.inprogress'], 'the record after the barrier stays hidden');

  const c2 = writer.prepareCommit(2);
  assert.deepEqual(writer.prepareCommit(3), [], 'nothing written since: nothing to commit');
  await committer.commit(c2);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl', 'part-0-1.jsonl']);
  assert.deepEqual(lines(dir, 'part-0-1.jsonl'), [{ n: 3 }]);
  assert.deepEqual(hidden(dir), []);
  await writer.close?.();
});

test('committing again is a no-op; a committable whose file is gone or differs is an error', async () => {
  const dir = freshDir();
  const sink = new FileSink<number>({ path: dir });
  const ctx = context(0, 1, true);
  const writer = sink.createWriter(ctx);
  const committer = sink.createCommitter(ctx);
  for (let i = 0; i < 10; i++) writer.write(i, undefined);
  const c = writer.prepareCommit(1);
  await committer.commit(c);
  await committer.commit(c);
  await sink.createCommitter(ctx).commit(c);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl']);
  assert.deepEqual(lines(dir, 'part-0-0.jsonl'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  await assert.rejects(committer.commit([{ part: 'part-0-7.jsonl', bytes: 3 }]), /neither the pending file nor the committed file exists/);
  await assert.rejects(committer.commit([{ part: 'part-0-0.jsonl', bytes: 3 }]), /has 20 bytes, 3 were pre-committed/);
  await assert.rejects(committer.commit([{ part: '../escape.jsonl', bytes: 3 }]), /invalid committable/);
});

test('under checkpointing a part rolled by size stays hidden until the checkpoint commits', async () => {
  const dir = freshDir();
  const sink = new FileSink<string>({ path: dir, maxPartBytes: 100 });
  const ctx = context(2, 3, true);
  const writer = sink.createWriter(ctx);
  const record = 'x'.repeat(40 * 1024);
  for (let i = 0; i < 4; i++) writer.write(record, undefined);
  assert.ok(hidden(dir).length >= 2, 'rolled more than once');
  assert.deepEqual(visible(dir), []);
  const c = writer.prepareCommit(1);
  assert.equal(c.length, hidden(dir).length);
  await sink.createCommitter(ctx).commit(c);
  assert.deepEqual(hidden(dir), []);
  const all = visible(dir).flatMap((f) => lines(dir, f));
  assert.equal(all.length, 4);
  assert.ok(visible(dir).every((f) => f.startsWith('part-2-')));
});

test('without checkpointing a part becomes visible when rolled, and the last one at the end of input', async () => {
  const dir = freshDir();
  const sink = new FileSink<string>({ path: dir, maxPartBytes: 100 });
  const ctx = context(0, 1, false);
  const writer = sink.createWriter(ctx);
  writer.write('x'.repeat(70 * 1024), undefined);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl'], 'rolled: visible at once');
  writer.write('y', undefined);
  await writer.flush(true);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl']);
  const last = writer.prepareCommit(Number.MAX_SAFE_INTEGER);
  await sink.createCommitter(ctx).commit(last);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl', 'part-0-1.jsonl']);
  assert.deepEqual(lines(dir, 'part-0-1.jsonl'), ['y']);
  assert.deepEqual(hidden(dir), []);
});

test("abortLingering removes this subtask's uncommitted leftovers (and those of old subtasks it took over) only", async () => {
  const dir = freshDir();
  const sink = new FileSink<number>({ path: dir });
  // Parallelism 4 before, 2 now: new subtask 0 restores old subtasks 0 and 2.
  const old = [0, 1, 2, 3].map((s) => sink.createWriter(context(s, 4, true)));
  old.forEach((w, s) => w.write(s, undefined));
  const committed = old.map((w, s) => w.prepareCommit(1).map((c) => ({ c, s })));
  await sink.createCommitter(context(0, 4, true)).commit(committed.flat().map((x) => x.c));
  old.forEach((w, s) => w.write(s + 10, undefined));
  const pending = old.map((w) => w.prepareCommit(2));
  old.forEach((w, s) => w.write(s + 20, undefined));
  for (const w of old) {
    await w.flush(false);
    await w.close?.();
  }
  writeFileSync(path.join(dir, '.unrelated'), 'kept');
  assert.equal(hidden(dir).length, 9);

  // Checkpoint 2 completed for old subtask 2 only as far as the restored committables say.
  const restored = [...pending[0]!, ...pending[2]!];
  const committer = sink.createCommitter(context(0, 2, true));
  await committer.commit(restored);
  await committer.abortLingering?.(restored);
  assert.deepEqual(hidden(dir), [
    '.part-1-1.jsonl.inprogress',
    '.part-1-2.jsonl.inprogress',
    '.part-3-1.jsonl.inprogress',
    '.part-3-2.jsonl.inprogress',
    '.unrelated',
  ]);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl', 'part-0-1.jsonl', 'part-1-0.jsonl', 'part-2-0.jsonl', 'part-2-1.jsonl', 'part-3-0.jsonl']);
});

test('a new writer never reuses a part name, not even of a removed leftover', async () => {
  const dir = freshDir();
  const sink = new FileSink<number>({ path: dir });
  const ctx = context(0, 1, true);
  const first = sink.createWriter(ctx);
  first.write(1, undefined);
  const c = first.prepareCommit(1);
  first.write(2, undefined);
  first.prepareCommit(2); // pre-committed, but checkpoint 2 never completes
  first.write(3, undefined);
  await first.flush(false);
  await first.close?.();

  // Restore from checkpoint 1, in the runtime's order: writer, commit, abortLingering.
  const second = sink.createWriter(ctx);
  const committer = sink.createCommitter(ctx);
  await committer.commit(c);
  await committer.abortLingering?.(c);
  assert.deepEqual(readdirSync(dir).sort(), ['part-0-0.jsonl']);
  second.write(2, undefined);
  const c2 = second.prepareCommit(2);
  assert.deepEqual(
    c2.map((x) => x.part),
    ['part-0-3.jsonl'],
    'counters 1 and 2 were used by the failed attempt',
  );
  await committer.commit(c2);
  assert.deepEqual(visible(dir), ['part-0-0.jsonl', 'part-0-3.jsonl']);
  assert.deepEqual([...lines(dir, 'part-0-0.jsonl'), ...lines(dir, 'part-0-3.jsonl')], [1, 2]);
});
