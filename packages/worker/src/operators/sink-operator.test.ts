/**
 * The sink operator's two-phase commit, driven as the task drives it (initializeState, open,
 * records, snapshotState at barriers, notifications, endInput), with a real FileSink in a temp
 * directory and a recording sink for order and failures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { after, test } from 'node:test';
import { FileSink, type Committer, type PrecommittingSinkWriter, type Sink, type TwoPhaseCommittingSink } from '@eddy/api';
import { nonKeyedStateStore, parseJobParameters } from '@eddy/api/internal';
import type { CommittableWithLineage } from './committable-collector.js';
import { SinkOperator } from './sink-operator.js';

const root = mkdtempSync(path.join(tmpdir(), 'eddy-sink-operator-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const freshDir = (): string => path.join(root, `out-${seq++}`);

interface OpenOptions {
  readonly checkpointing: boolean;
  /** Committables of the checkpoint to restore, as the snapshot returned them. */
  readonly restored?: readonly unknown[];
}

async function openSink(sink: Sink<unknown>, opts: OpenOptions): Promise<SinkOperator> {
  const op = new SinkOperator('7', 'files', sink, { pushCollected: () => Promise.resolve(), writeStdout: () => undefined });
  await op.initializeState({
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    localStateDir: path.join(root, `local-${seq++}`),
    checkpointingEnabled: opts.checkpointing,
    ...(opts.restored ? { restored: { checkpointId: 1, keyed: [], committables: opts.restored } } : {}),
  });
  await op.open({
    jobId: 'job',
    jobName: 'test',
    operatorName: 'files',
    subtaskIndex: 0,
    parallelism: 1,
    maxParallelism: 128,
    attemptNumber: 0,
    jobParameters: parseJobParameters([]),
    ...nonKeyedStateStore('files'),
  });
  return op;
}

function write(op: SinkOperator, ...values: unknown[]): void {
  for (const v of values) op.collect(v, undefined);
}

function committablesAt(op: SinkOperator, checkpointId: number): CommittableWithLineage[] {
  const snap = op.snapshotState(checkpointId);
  assert.ok(snap?.committables, 'a two-phase-commit sink snapshots committables');
  // As stored in etcd: JSON.
  return JSON.parse(JSON.stringify(snap.committables)) as CommittableWithLineage[];
}

const visible = (dir: string): string[] => readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
const hidden = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.')).sort();
/** Every committed record, parts in counter order. */
function committed(dir: string): unknown[] {
  const counter = (f: string): number => Number(/-(\d+)\.jsonl$/.exec(f)![1]);
  return visible(dir)
    .sort((a, b) => counter(a) - counter(b))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l !== ''))
    .map((l) => JSON.parse(l) as unknown);
}

/** Whether `p` settled within a few event-loop turns. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i++) await tick();
  return done;
}

test('records become visible when the checkpoint whose barrier followed them completes', async () => {
  const dir = freshDir();
  const op = await openSink(new FileSink({ path: dir }), { checkpointing: true });
  write(op, 1, 2, 3);
  await op.flush();
  const c1 = committablesAt(op, 1);
  assert.deepEqual(c1, [{ checkpointId: 1, committable: { part: 'part-0-0.jsonl', bytes: 6 } }]);
  write(op, 4);
  await op.flush();
  assert.deepEqual(visible(dir), [], 'nothing is visible before the checkpoint completes');
  await op.notifyCheckpointComplete(1);
  assert.deepEqual(committed(dir), [1, 2, 3]);
  assert.deepEqual(hidden(dir), ['.part-0-1.jsonl.inprogress'], 'the record after the barrier stays hidden');
  assert.deepEqual(committablesAt(op, 2), [{ checkpointId: 2, committable: { part: 'part-0-1.jsonl', bytes: 2 } }], 'committed ones are not snapshotted again');
  await op.notifyCheckpointComplete(2);
  assert.deepEqual(committed(dir), [1, 2, 3, 4]);
  await op.close();
});

/** A two-phase-commit sink whose committables are `<checkpoint>:<records>` and whose commits are recorded. */
class RecordingSink implements TwoPhaseCommittingSink<unknown, string> {
  readonly commits: string[][] = [];
  readonly aborted: string[][] = [];
  concurrent = 0;
  maxConcurrent = 0;
  failWith: Error | undefined;
  release: () => void = () => undefined;
  /** While set, commits wait for {@link release}. */
  hold = false;

  createWriter(): PrecommittingSinkWriter<unknown, string> {
    let records: unknown[] = [];
    return {
      write: (v) => void records.push(v),
      flush: () => undefined,
      prepareCommit: (id) => {
        const out = records.length > 0 ? [`${id}:${records.join(',')}`] : [];
        records = [];
        return out;
      },
    };
  }

  createCommitter(): Committer<string> {
    return {
      commit: async (committables) => {
        this.concurrent++;
        this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
        try {
          if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
          if (this.failWith) throw this.failWith;
          this.commits.push([...committables]);
        } finally {
          this.concurrent--;
        }
      },
      abortLingering: async (restored) => void this.aborted.push([...restored]),
    };
  }
}

test("an aborted checkpoint's committables are committed with the next completed one, in checkpoint order, one commit at a time", async () => {
  const sink = new RecordingSink();
  const op = await openSink(sink, { checkpointing: true });
  write(op, 'a');
  assert.deepEqual(committablesAt(op, 1), [{ checkpointId: 1, committable: '1:a' }]);
  await op.notifyCheckpointAborted(1);
  write(op, 'b', 'c');
  assert.deepEqual(committablesAt(op, 2), [
    { checkpointId: 1, committable: '1:a' },
    { checkpointId: 2, committable: '2:b,c' },
  ]);
  assert.deepEqual(committablesAt(op, 3), [
    { checkpointId: 1, committable: '1:a' },
    { checkpointId: 2, committable: '2:b,c' },
  ], 'an empty pre-commit adds nothing');
  write(op, 'd');
  sink.hold = true;
  const completing = op.notifyCheckpointComplete(3);
  await tick();
  // A commit in flight is not known to be committed: a snapshot now still holds it.
  assert.deepEqual(
    committablesAt(op, 4).map((c) => c.committable),
    ['1:a', '2:b,c', '4:d'],
  );
  sink.hold = false;
  sink.release();
  await completing;
  await op.notifyCheckpointComplete(2); // late and out of order: nothing left to commit
  assert.deepEqual(sink.commits, [['1:a'], ['2:b,c']]);
  assert.equal(sink.maxConcurrent, 1);
  assert.deepEqual(committablesAt(op, 5), [{ checkpointId: 4, committable: '4:d' }]);
  await op.notifyCheckpointComplete(5);
  assert.deepEqual(sink.commits, [['1:a'], ['2:b,c'], ['4:d']]);
  assert.deepEqual(sink.aborted, [], 'abortLingering runs on restore only');
});

test('a restore commits the pre-committed files exactly once and removes what was in progress; names are not reused', async () => {
  const dir = freshDir();
  const first = await openSink(new FileSink({ path: dir }), { checkpointing: true });
  write(first, 0, 1, 2);
  committablesAt(first, 1);
  await first.notifyCheckpointComplete(1);
  write(first, 3, 4);
  const c2 = committablesAt(first, 2);
  // Checkpoint 2 completes, but the task fails before its notification arrives.
  write(first, 5, 6);
  await first.flush();
  await first.close();
  assert.deepEqual(committed(dir), [0, 1, 2]);
  assert.deepEqual(hidden(dir), ['.part-0-1.jsonl.inprogress', '.part-0-2.jsonl.inprogress']);
  assert.deepEqual(
    c2.map((c) => c.checkpointId),
    [2],
  );

  const second = await openSink(new FileSink({ path: dir }), { checkpointing: true, restored: c2 });
  assert.deepEqual(committed(dir), [0, 1, 2, 3, 4], 'checkpoint 2 committed at restore, before any record');
  assert.deepEqual(hidden(dir), [], 'the records after checkpoint 2 are removed: the source writes them again');
  // The restored committable is committed: the next snapshot does not carry it.
  write(second, 5);
  assert.deepEqual(committablesAt(second, 3), [{ checkpointId: 3, committable: { part: 'part-0-3.jsonl', bytes: 2 } }], 'counter 2 was used by the failed attempt');
  await second.close();

  // It fails again before checkpoint 3 completes; restoring checkpoint 2 once more commits nothing twice.
  const third = await openSink(new FileSink({ path: dir }), { checkpointing: true, restored: c2 });
  assert.deepEqual(committed(dir), [0, 1, 2, 3, 4]);
  assert.deepEqual(hidden(dir), []);
  write(third, 5, 6);
  const c3 = committablesAt(third, 3);
  assert.deepEqual(c3.map((c) => (c.committable as { part: string }).part), ['part-0-4.jsonl']);
  await third.notifyCheckpointComplete(3);
  assert.deepEqual(committed(dir), [0, 1, 2, 3, 4, 5, 6]);
  await third.close();
});

test('a restored committable that is not tagged with its checkpoint is rejected', async () => {
  await assert.rejects(openSink(new RecordingSink(), { checkpointing: true, restored: ['1:a'] }), /sink 'files': restored committable "1:a"/);
});

test('at the end of the input, the sink waits until the final checkpoint committed everything', async () => {
  const dir = freshDir();
  const op = await openSink(new FileSink({ path: dir }), { checkpointing: true });
  write(op, 'x', 'y');
  committablesAt(op, 9); // the final checkpoint's barrier after the last record
  const ending = Promise.resolve(op.endInput());
  assert.equal(await settled(ending), false, 'endInput waits for the completion');
  assert.deepEqual(visible(dir), []);
  await op.notifyCheckpointComplete(9);
  await ending;
  assert.deepEqual(committed(dir), ['x', 'y']);
  await op.close();

  // The notification may also come first.
  const early = await openSink(new RecordingSink(), { checkpointing: true });
  write(early, 'z');
  committablesAt(early, 1);
  await early.notifyCheckpointComplete(1);
  await early.endInput();
});

test('a record after the last barrier at the end of the input is an error', async () => {
  const op = await openSink(new RecordingSink(), { checkpointing: true });
  write(op, 'a');
  committablesAt(op, 1);
  write(op, 'late');
  await assert.rejects(Promise.resolve(op.endInput()), /sink 'files' received 1 record\(s\) after the last checkpoint barrier/);

  const noBarrier = await openSink(new RecordingSink(), { checkpointing: true });
  write(noBarrier, 'a');
  await assert.rejects(Promise.resolve(noBarrier.endInput()), /after the last checkpoint barrier/);

  const empty = await openSink(new RecordingSink(), { checkpointing: true });
  await empty.endInput();
});

test('a failed commit fails the sink with a clear error everywhere the task looks', async () => {
  const sink = new RecordingSink();
  const op = await openSink(sink, { checkpointing: true });
  write(op, 'a');
  committablesAt(op, 1);
  sink.failWith = new Error('disk full');
  await assert.rejects(op.notifyCheckpointComplete(1), /sink 'files' failed to commit checkpoint 1: disk full/);
  await assert.rejects(op.flush(), /failed to commit checkpoint 1: disk full/, 'the periodic flush fails the task');
  await assert.rejects(Promise.resolve(op.endInput()), /failed to commit checkpoint 1/);
  assert.throws(() => op.snapshotState(2), /failed to commit checkpoint 1/);

  // Waiting at the end of the input ends with the failure too.
  const sink2 = new RecordingSink();
  const waiting = await openSink(sink2, { checkpointing: true });
  write(waiting, 'b');
  committablesAt(waiting, 1);
  const ending = Promise.resolve(waiting.endInput());
  sink2.failWith = new Error('gone');
  await assert.rejects(waiting.notifyCheckpointComplete(1), /gone/);
  await assert.rejects(ending, /sink 'files' failed to commit checkpoint 1: gone/);

  // A restore whose commit fails fails the open.
  const sink3 = new RecordingSink();
  sink3.failWith = new Error('denied');
  await assert.rejects(openSink(sink3, { checkpointing: true, restored: [{ checkpointId: 4, committable: '4:a' }] }), /failed to commit checkpoint 4: denied/);

  // Without checkpointing the one commit at the end of the input fails the same way.
  const sink4 = new RecordingSink();
  const unchecked = await openSink(sink4, { checkpointing: false });
  write(unchecked, 'c');
  sink4.failWith = new Error('read-only');
  await assert.rejects(Promise.resolve(unchecked.endInput()), /sink 'files' failed to commit at the end of the input: read-only/);
});

test('without checkpointing, the end of the input commits and snapshots carry nothing', async () => {
  const dir = freshDir();
  const op = await openSink(new FileSink({ path: dir }), { checkpointing: false });
  write(op, 1, 2);
  await op.flush();
  assert.equal(op.snapshotState(1), undefined);
  assert.deepEqual(visible(dir), []);
  await op.endInput();
  assert.deepEqual(committed(dir), [1, 2]);
  assert.deepEqual(hidden(dir), []);
  await op.close();
});
