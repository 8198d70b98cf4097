/**
 * The checkpoint coordinator's triggering of the final checkpoint, driven through its deps with
 * testing fakes and mocked clocks: every trigger, completion and abort happens at an exact time.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { FsCheckpointStorage, type CompletedCheckpoint, type Logger, type MetadataStore } from '@eddy/common';
import { CheckpointCoordinator, type CheckpointTaskView } from './checkpoint-coordinator.js';

const T0 = 1_000_000;
const INTERVAL = 10_000;

/** A metadata store in memory whose puts, while `held`, wait until the test releases them. */
class TestingMetadataStore implements MetadataStore {
  readonly values = new Map<string, string>();
  held = false;
  private readonly waiting: Array<() => void> = [];

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async put(key: string, value: string): Promise<void> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.values.set(key, value);
  }
  async delete(key: string): Promise<boolean> {
    return this.values.delete(key);
  }
  async list(prefix: string): Promise<Array<{ key: string; value: string }>> {
    return [...this.values].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value }));
  }
  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    for (const k of [...this.values.keys()]) if (k.startsWith(prefix) && this.values.delete(k)) n++;
    return n;
  }
  async close(): Promise<void> {}

  release(): void {
    this.held = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as Logger;

/** Two source subtasks and a sink, all RUNNING, around one coordinator. */
function harness(opts: { minPauseMs?: number; firstCheckpointId?: number; completed?: CompletedCheckpoint[] } = {}) {
  const tasks: Array<CheckpointTaskView & { state: string }> = [
    { key: 'src#0', vertexId: 'src', subtask: 0, isSource: true, state: 'RUNNING' },
    { key: 'src#1', vertexId: 'src', subtask: 1, isSource: true, state: 'RUNNING' },
    { key: 'sink#0', vertexId: 'sink', subtask: 0, isSource: false, state: 'RUNNING' },
  ];
  /** Checkpoints triggered, with the (mocked) time, once per checkpoint. */
  const triggers: Array<{ checkpointId: number; at: number }> = [];
  /** The source tasks each checkpoint was triggered at. */
  const triggeredAt = new Map<number, string[]>();
  const notified: Array<{ checkpointId: number; completed: boolean }> = [];
  const failures: string[] = [];
  const store = new TestingMetadataStore();
  const coordinator = new CheckpointCoordinator({
    jobId: 'job',
    store,
    // Never written to: a directory that does not exist.
    storage: new FsCheckpointStorage(join(tmpdir(), 'eddy-checkpoint-coordinator-test-none')),
    logger: silent,
    intervalMs: INTERVAL,
    timeoutMs: 60_000,
    minPauseMs: opts.minPauseMs ?? 0,
    retain: 3,
    maxParallelism: 128,
    firstCheckpointId: opts.firstCheckpointId ?? 1,
    completed: opts.completed ?? [],
    tasks: () => tasks,
    triggerSource: async (t, checkpointId) => {
      const at = triggeredAt.get(checkpointId);
      if (at) at.push(t.key);
      else {
        triggeredAt.set(checkpointId, [t.key]);
        triggers.push({ checkpointId, at: Date.now() });
      }
    },
    notify: (checkpointId, completed) => notified.push({ checkpointId, completed }),
    onCompleted: () => undefined,
    tolerableFailures: 0,
    failJob: (cause) => failures.push(cause),
  });
  const snapshot = (key: string) => {
    const [vertexId = '', subtask = ''] = key.split('#');
    return { vertexId, subtask: Number(subtask), operators: {}, incrementalSize: 0, fullSize: 0 };
  };
  return {
    coordinator,
    tasks,
    store,
    triggers,
    triggeredAt,
    notified,
    failures,
    /** Every task acknowledges `checkpointId`; then its metadata is stored (unless held). */
    async ackAll(checkpointId: number): Promise<void> {
      for (const t of tasks) if (t.state === 'RUNNING') coordinator.acknowledge(t.key, checkpointId, snapshot(t.key));
      await settle();
    },
    /** Mocked time since T0. */
    elapsed: () => Date.now() - T0,
  };
}

/** Lets promise chains (metadata puts, notifications) run; timers stay mocked. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await turn();
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: T0 }));
afterEach(() => mock.timers.reset());

/** Starts periodic triggering; the first checkpoint is triggered at the first poll, 100 ms in. */
function startWithFirstCheckpoint(h: ReturnType<typeof harness>): void {
  h.coordinator.start();
  mock.timers.tick(100);
  assert.deepEqual(h.triggers, [{ checkpointId: 1, at: T0 + 100 }]);
  assert.deepEqual(h.triggeredAt.get(1), ['src#0', 'src#1']);
}

test('the final checkpoint is triggered once every source ended, not at the next interval', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  await h.ackAll(1);
  assert.deepEqual(h.notified, [{ checkpointId: 1, completed: true }]);
  mock.timers.tick(900);
  h.coordinator.sourceEndedInput('src#0', 1);
  mock.timers.tick(1000);
  assert.equal(h.triggers.length, 1, 'one source still reads: the interval applies');
  h.coordinator.sourceEndedInput('src#1', 1);
  assert.deepEqual(h.triggers[1], { checkpointId: 2, at: T0 + 2000 }, 'triggered when the last source ended');
  await h.ackAll(2);
  assert.deepEqual(h.notified[1], { checkpointId: 2, completed: true });
  // Checkpoint 2 covers both sources: they finish on it, and nothing more is triggered for them.
  mock.timers.tick(5000);
  assert.equal(h.triggers.length, 2);
  for (const t of h.tasks) t.state = 'FINISHED';
  mock.timers.tick(INTERVAL);
  assert.equal(h.triggers.length, 2);
  await h.coordinator.stop('test over');
});

test('while the interval runs and a source still reads, the periodic trigger is unchanged', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  await h.ackAll(1);
  h.coordinator.sourceEndedInput('src#1', 1);
  mock.timers.tick(INTERVAL - 1);
  assert.equal(h.triggers.length, 1);
  mock.timers.tick(1);
  assert.deepEqual(h.triggers[1], { checkpointId: 2, at: T0 + 100 + INTERVAL }, 'one interval after checkpoint 1');
  await h.coordinator.stop('test over');
});

test('sources that end while a checkpoint is in flight get the next one when its metadata is stored', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  // Both took checkpoint 1 before their input ended: it cannot be their final one.
  h.coordinator.sourceEndedInput('src#0', 1);
  h.coordinator.sourceEndedInput('src#1', 1);
  mock.timers.tick(500);
  assert.equal(h.triggers.length, 1, 'at most one checkpoint in flight');
  h.store.held = true;
  await h.ackAll(1);
  mock.timers.tick(300);
  assert.equal(h.triggers.length, 1, 'still in flight while its metadata is stored');
  h.store.release();
  await settle();
  assert.deepEqual(h.notified, [{ checkpointId: 1, completed: true }]);
  assert.deepEqual(h.triggers[1], { checkpointId: 2, at: T0 + 900 }, 'triggered as soon as checkpoint 1 was stored');
  await h.coordinator.stop('test over');
});

test('a checkpoint in flight taken after the sources ended is their final one: nothing more is triggered', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  // Both ended before they took checkpoint 1 (no checkpoint before their end).
  h.coordinator.sourceEndedInput('src#0', 0);
  h.coordinator.sourceEndedInput('src#1', 0);
  await h.ackAll(1);
  assert.deepEqual(h.notified, [{ checkpointId: 1, completed: true }]);
  mock.timers.tick(INTERVAL - 200);
  assert.equal(h.triggers.length, 1);
  await h.coordinator.stop('test over');
});

test('when the checkpoint in flight is aborted, the final one follows at once', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  h.coordinator.sourceEndedInput('src#0', 0);
  h.coordinator.sourceEndedInput('src#1', 0);
  mock.timers.tick(400);
  h.coordinator.decline('sink#0', 1, 'barrier 1 was overtaken', true);
  assert.deepEqual(h.notified, [{ checkpointId: 1, completed: false }]);
  assert.deepEqual(h.triggers[1], { checkpointId: 2, at: T0 + 500 });
  assert.deepEqual(h.failures, []);
  await h.coordinator.stop('test over');
});

test('the min pause holds the final checkpoint back exactly until it has passed', async () => {
  const h = harness({ minPauseMs: 450 });
  startWithFirstCheckpoint(h);
  mock.timers.tick(200);
  await h.ackAll(1); // completed at T0 + 300: the pause lasts until T0 + 750
  mock.timers.tick(100);
  h.coordinator.sourceEndedInput('src#0', 1);
  h.coordinator.sourceEndedInput('src#1', 1);
  mock.timers.tick(349);
  assert.equal(h.triggers.length, 1, 'not before the pause has passed');
  mock.timers.tick(1);
  // The poll runs at whole hundreds: 750 is the pause's own wake-up.
  assert.deepEqual(h.triggers[1], { checkpointId: 2, at: T0 + 750 }, 'at the end of the pause, not at the next poll');
  await h.coordinator.stop('test over');
});

test('end of input from a non-source, an unknown task, twice, or after stop triggers nothing', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  await h.ackAll(1);
  h.coordinator.sourceEndedInput('src#0', 1);
  h.coordinator.sourceEndedInput('src#0', 1);
  h.coordinator.sourceEndedInput('sink#0', 1);
  h.coordinator.sourceEndedInput('src#7', 1);
  mock.timers.tick(1000);
  assert.equal(h.triggers.length, 1, 'src#1 still reads');
  await h.coordinator.stop('job canceled');
  h.coordinator.sourceEndedInput('src#1', 1);
  mock.timers.tick(INTERVAL);
  assert.equal(h.triggers.length, 1);
});

test('a finished source needs no final checkpoint; the others still get theirs at once', async () => {
  const h = harness();
  startWithFirstCheckpoint(h);
  await h.ackAll(1);
  h.tasks[0]!.state = 'FINISHED';
  h.coordinator.taskFinished('src#0');
  mock.timers.tick(1000);
  h.coordinator.sourceEndedInput('src#1', 1);
  assert.deepEqual(h.triggers[1], { checkpointId: 2, at: T0 + 1100 });
  assert.deepEqual(h.triggeredAt.get(2), ['src#1'], 'src#0 is finished: only live sources take it');
  await h.ackAll(2);
  assert.deepEqual(h.notified[1], { checkpointId: 2, completed: true });
  await h.coordinator.stop('test over');
});

test('checkpoints restored from an earlier attempt do not cover the sources of this one', async () => {
  const restored: CompletedCheckpoint = {
    jobId: 'job',
    checkpointId: 4,
    timestamp: 1,
    completedAt: 2,
    durationMs: 1,
    maxParallelism: 128,
    incrementalSize: 0,
    fullSize: 0,
    savepoint: false,
    tasks: [],
  };
  const h = harness({ firstCheckpointId: 5, completed: [restored] });
  // Not started: only the end of input can trigger here.
  h.coordinator.sourceEndedInput('src#0', 0);
  h.coordinator.sourceEndedInput('src#1', 0);
  assert.deepEqual(h.triggers, [{ checkpointId: 5, at: T0 }]);
  assert.deepEqual(h.triggeredAt.get(5), ['src#0', 'src#1']);
  await h.coordinator.stop('test over');
});
